// Message IDs: unique within a source, distinct between sources, valid tag
// values, and each one names its sequence number.
#include <set>
#include <string>

#include "core/msgid.hpp"
#include "support/catch.hpp"

using sala::core::msgid_source;

TEST_CASE("msgid: a source never repeats and every id is 20 base32 characters", "[core][msgid]")
{
    msgid_source ids(0x123456789aULL);
    std::set<std::string> seen;
    for (int i = 0; i < 100000; ++i) {
        const auto id = ids.next(1'764'000'000'000);
        REQUIRE(id.text.size() == 20);
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
        seen.insert(before.next(1'764'000'000'000).text);
        seen.insert(after.next(1'764'000'000'000).text);
    }
    CHECK(seen.size() == 20000);
}

TEST_CASE("msgid: an id gives back its sequence, which orders ids and tells their time", "[core][msgid]")
{
    constexpr std::int64_t t = 1'764'000'000'000;
    msgid_source ids(0xffffffffffULL);
    std::int64_t last = -1;
    for (int i = 0; i < 1000; ++i) {
        const auto now = t + i / 10;  // ten ids per millisecond
        const auto id = ids.next(now);
        REQUIRE(msgid_source::sequence_of(id.text) == id.sequence);
        REQUIRE(id.sequence > last);
        REQUIRE(msgid_source::time_of(id.sequence) == now);
        REQUIRE(id.sequence >= msgid_source::first_of(now));
        REQUIRE(id.sequence < msgid_source::first_of(now + 1));
        last = id.sequence;
    }
}

TEST_CASE("msgid: sequences keep growing when the clock steps back and after a restart", "[core][msgid]")
{
    constexpr std::int64_t t = 1'764'000'000'000;
    msgid_source ids(1);
    const auto before = ids.next(t);
    const auto after_step_back = ids.next(t - 60'000);
    CHECK(after_step_back.sequence == before.sequence + 1);
    CHECK(msgid_source::time_of(after_step_back.sequence) == t);  // the last time shown, not an earlier one
    // A restart starts after the highest sequence the store holds, even if
    // the clock now reads earlier.
    msgid_source restarted(2, before.sequence + 100);
    CHECK(restarted.next(t - 60'000).sequence == before.sequence + 100);
    // A restart later on starts at its own time.
    CHECK(restarted.next(t + 5000).sequence == msgid_source::first_of(t + 5000));
}

TEST_CASE("msgid: anything that is not an id of this format has no sequence", "[core][msgid]")
{
    CHECK_FALSE(msgid_source::sequence_of(""));
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh23456789"));       // 16: sala before schema 2
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh234567892abc2"));  // 21
    CHECK_FALSE(msgid_source::sequence_of("ABCDEFGH234567892ABC"));   // upper case
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh23456789abc!"));
    CHECK_FALSE(msgid_source::sequence_of("abcdefgh2345678 1abc"));
    CHECK(msgid_source::sequence_of("aaaaaaaaaaaaaaaaaaab") == 1);
}

TEST_CASE("msgid: nodes in different lanes never stamp the same sequence", "[core][msgid]")
{
    constexpr std::int64_t t = 1'764'000'000'000;
    constexpr unsigned lanes = 16;
    msgid_source a(1, 0, 3, lanes);
    msgid_source b(2, 0, 11, lanes);
    std::set<std::int64_t> seen;
    // Both stamp many lines within the same few milliseconds, one clock
    // even stepping back: each keeps to its lane, and keeps growing.
    std::int64_t last_a = -1;
    std::int64_t last_b = -1;
    for (int i = 0; i < 5000; ++i) {
        const auto now = t + i / 1000 - (i % 7 == 0 ? 2 : 0);
        const auto x = a.next(now);
        const auto y = b.next(now);
        CHECK(x.sequence % lanes == 3);
        CHECK(y.sequence % lanes == 11);
        CHECK(x.sequence > last_a);
        CHECK(y.sequence > last_b);
        last_a = x.sequence;
        last_b = y.sequence;
        CHECK(seen.insert(x.sequence).second);
        CHECK(seen.insert(y.sequence).second);
        CHECK(msgid_source::sequence_of(x.text) == x.sequence);
    }
    // The time a lane's id shows is still the millisecond it was stamped in.
    msgid_source fresh(3, 0, 15, lanes);
    CHECK(msgid_source::time_of(fresh.next(t).sequence) == t);
}
