// Message IDs: unique within a source, distinct between sources, valid tag
// values, and each one names its sequence number.
#include <set>
#include <string>

#include "core/msgid.hpp"
#include "support/catch.hpp"

using sala::core::msgid_source;

TEST_CASE("msgid: a source never repeats and every id is 17 base32 characters", "[core][msgid]")
{
    msgid_source ids(0x123456789aULL);
    std::set<std::string> seen;
    for (int i = 0; i < 100000; ++i) {
        const auto id = ids.next();
        REQUIRE(id.text.size() == 17);
        REQUIRE(id.text.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string::npos);
        REQUIRE(seen.insert(id.text).second);
    }
}

TEST_CASE("msgid: sources with different seeds share no id", "[core][msgid]")
{
    // A restart or another cluster node is a source with another seed.
    msgid_source before(1), after(2);
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        seen.insert(before.next().text);
        seen.insert(after.next().text);
    }
    CHECK(seen.size() == 20000);
}

TEST_CASE("msgid: an id gives back its sequence number, which continues where the store left off", "[core][msgid]")
{
    msgid_source ids(0xffffffffffULL, 41);
    for (std::int64_t expected = 41; expected < 41 + 1000; ++expected) {
        const auto id = ids.next();
        REQUIRE(id.sequence == expected);
        REQUIRE(msgid_source::sequence_of(id.text) == expected);
    }
    // The largest sequence the format holds (45 bits) survives the trip.
    constexpr std::int64_t top = (std::int64_t{1} << 45) - 1;
    msgid_source last(7, top);
    CHECK(msgid_source::sequence_of(last.next().text) == top);
}

TEST_CASE("msgid: anything that is not an id of this format has no sequence", "[core][msgid]")
{
    CHECK_FALSE(msgid_source::sequence_of(""));
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh23456789"));     // 16: sala before schema 2
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh234567892a"));   // 18
    CHECK_FALSE(msgid_source::sequence_of("ABCDEFGH234567892"));    // upper case
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh23456789!"));
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh2345678 1"));
    CHECK(msgid_source::sequence_of("aaaaaaaaaaaaaaaab") == 1);
}
