// Channel modes and lists (src/core/channel_modes.hpp and its neighbours):
// parsing MODE, applying it with permissions, and the join and speak rules.

#include <string>

#include "core/channel_mask.hpp"
#include "core/member_status.hpp"
#include "support/catch.hpp"

using namespace sala::core;

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
