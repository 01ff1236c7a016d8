// Channel modes and lists (src/core/channel_modes.hpp and its neighbours):
// parsing MODE, applying it with permissions, and the join and speak rules.

#include <optional>
#include <string>
#include <vector>

#include "core/channel_mask.hpp"
#include "core/member_status.hpp"
#include "core/mode_changes.hpp"
#include "support/catch.hpp"

using namespace sala::core;

namespace {

mode_request parse(std::vector<std::string> params, std::size_t max_with_param = max_param_changes)
{
    return parse_mode_request(params, max_with_param);
}


}  // namespace

TEST_CASE("modes: parsing consumes parameters per letter", "[modes]")
{
    const auto request = parse({"+ov-b+kl-kl", "alice", "bob", "*!*@bad", "secret", "10", "oldkey"});
    CHECK(request.unknown_letters.empty());
    CHECK(request.changes
          == std::vector<mode_change>{{true, 'o', "alice"},
                                      {true, 'v', "bob"},
                                      {false, 'b', "*!*@bad"},
                                      {true, 'k', "secret"},
                                      {true, 'l', "10"},
                                      {false, 'k', "oldkey"},
                                      {false, 'l', ""}});

    SECTION("no sign at the start means adding; flags take nothing")
    {
        CHECK(parse({"mt-i", "extra"}).changes
              == std::vector<mode_change>{{true, 'm', ""}, {true, 't', ""}, {false, 'i', ""}});
    }
    SECTION("-k alone unsets; o, v, +k and +l without a parameter are dropped")
    {
        CHECK(parse({"-k"}).changes == std::vector<mode_change>{{false, 'k', ""}});
        CHECK(parse({"+ovkl"}).changes.empty());
    }
    SECTION("list letters without a mask are queries, once per list")
    {
        const auto queries = parse({"+bbeI-b"});
        CHECK(queries.changes
              == std::vector<mode_change>{{true, 'b', ""}, {true, 'e', ""}, {true, 'I', ""}});
        for (const auto& change : queries.changes)
            CHECK(is_list_query(change));
        CHECK_FALSE(is_list_query({true, 'b', "x"}));
        CHECK_FALSE(is_list_query({true, 'k', ""}));
    }
    SECTION("unknown letters are reported once each and take no parameter")
    {
        const auto request2 = parse({"+xoyx", "alice"});
        CHECK(request2.unknown_letters == "xy");
        CHECK(request2.changes == std::vector<mode_change>{{true, 'o', "alice"}});
    }
    SECTION("no parameters at all")
    {
        CHECK(parse({}).changes.empty());
    }
}

TEST_CASE("modes: at most MODES changes with a parameter per command", "[modes]")
{
    const auto request = parse({"+vvvvvvvn", "a", "b", "c", "d", "e", "f", "g"});
    REQUIRE(request.changes.size() == 7);
    CHECK(request.changes[5] == mode_change{true, 'v', "f"});
    CHECK(request.changes[6] == mode_change{true, 'n', ""});  // flags still count for nothing

    const auto two = parse({"+bkl", "m!*@*", "key", "5"}, 2);
    CHECK(two.changes == std::vector<mode_change>{{true, 'b', "m!*@*"}, {true, 'k', "key"}});
}

TEST_CASE("modes: list masks are normalized", "[modes]")
{
    CHECK(normalize_list_mask("bob") == "bob!*@*");
    CHECK(normalize_list_mask("user@host") == "*!user@host");
    CHECK(normalize_list_mask("bad.example") == "*!*@bad.example");
    CHECK(normalize_list_mask("2001:db8::1") == "*!*@2001:db8::1");
    CHECK(normalize_list_mask("nick!user") == "nick!user@*");
    CHECK(normalize_list_mask("!@") == "*!*@*");
    CHECK(normalize_list_mask("Nick!*@*.Example") == "Nick!*@*.Example");
    CHECK(normalize_list_mask("$a") == "$a");
    CHECK(normalize_list_mask("$a:Alice*") == "$a:Alice*");
    CHECK_FALSE(normalize_list_mask(""));
    CHECK_FALSE(normalize_list_mask("a b"));
    CHECK_FALSE(normalize_list_mask("a,b"));
    CHECK_FALSE(normalize_list_mask("a\rb"));
    CHECK_FALSE(normalize_list_mask("$a:"));
    CHECK_FALSE(normalize_list_mask("$x:y"));
    CHECK_FALSE(normalize_list_mask(":n!u@h"));
}

TEST_CASE("modes: list masks match nick!user@host, or the account", "[modes]")
{
    CHECK(list_mask_matches("*!*@*.example", "Bob!b@host.EXAMPLE", ""));
    CHECK(list_mask_matches("b?b!*@*", "BOB!x@y", ""));
    CHECK_FALSE(list_mask_matches("bob!*@*", "bobby!x@y", ""));
    CHECK(list_mask_matches("$a", "n!u@h", "acct"));
    CHECK_FALSE(list_mask_matches("$a", "n!u@h", ""));
    CHECK(list_mask_matches("$a:ALI*", "n!u@h", "alice"));
    CHECK_FALSE(list_mask_matches("$a:ali*", "n!u@h", "bob"));
    CHECK_FALSE(list_mask_matches("$a:*", "$a:x!u@h", ""));
}

TEST_CASE("modes: status prefixes", "[modes]")
{
    CHECK(status_prefixes({}, false).empty());
    CHECK(status_prefixes({}, true).empty());
    CHECK(status_prefixes({true, false}, false) == "@");
    CHECK(status_prefixes({false, true}, false) == "+");
    CHECK(status_prefixes({true, true}, false) == "@");
    CHECK(status_prefixes({true, true}, true) == "@+");
}
