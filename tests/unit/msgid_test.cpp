// Message IDs: unique within a source, distinct between sources, valid tag values.
#include <set>
#include <string>

#include "core/msgid.hpp"
#include "support/catch.hpp"

TEST_CASE("msgid: a source never repeats and every id is 16 base32 characters", "[core][msgid]")
{
    sala::core::msgid_source ids(0x123456789aULL);
    std::set<std::string> seen;
    for (int i = 0; i < 100000; ++i) {
        const auto id = ids.next();
        REQUIRE(id.size() == 16);
        REQUIRE(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string::npos);
        REQUIRE(seen.insert(id).second);
    }
}

TEST_CASE("msgid: sources with different seeds share no id", "[core][msgid]")
{
    // A restart or another cluster node is a source with another seed.
    sala::core::msgid_source before(1), after(2);
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        seen.insert(before.next());
        seen.insert(after.next());
    }
    CHECK(seen.size() == 20000);
}
