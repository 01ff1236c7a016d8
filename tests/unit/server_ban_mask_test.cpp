// K-line masks: user masks as channel bans have them, and address blocks
// matched against the client's address itself.
#include "core/server_ban_mask.hpp"
#include "support/catch.hpp"

using sala::core::normalize_server_ban_mask;
using sala::core::server_ban_matches;

TEST_CASE("K-line masks: address blocks are kept in canonical form", "[kline]")
{
    CHECK(normalize_server_ban_mask("10.0.0.0/8") == "10.0.0.0/8");
    CHECK(normalize_server_ban_mask("192.0.2.7") == "192.0.2.7/32");
    CHECK(normalize_server_ban_mask("2001:DB8:0:0::/32") == "2001:db8::/32");
    CHECK(normalize_server_ban_mask("::1") == "::1/128");
    // Host bits set, a prefix too long, or no prefix at all after the slash: refused, not guessed.
    CHECK_FALSE(normalize_server_ban_mask("10.0.0.1/8"));
    CHECK_FALSE(normalize_server_ban_mask("10.0.0.0/33"));
    CHECK_FALSE(normalize_server_ban_mask("10.0.0.0/"));
    CHECK_FALSE(normalize_server_ban_mask("10.0.0/8"));
    CHECK_FALSE(normalize_server_ban_mask(""));
    CHECK_FALSE(normalize_server_ban_mask("has space"));
}

TEST_CASE("K-line masks: user masks are normalized as channel bans are", "[kline]")
{
    CHECK(normalize_server_ban_mask("troll") == "troll!*@*");
    CHECK(normalize_server_ban_mask("*@bad.example") == "*!*@bad.example");
    CHECK(normalize_server_ban_mask("$a:spammer") == "$a:spammer");
}

TEST_CASE("K-line masks: what each kind covers", "[kline]")
{
    const auto block = *normalize_server_ban_mask("10.1.0.0/16");
    CHECK(server_ban_matches(block, "eve!e@10.1.2.3", "10.1.2.3", ""));
    CHECK_FALSE(server_ban_matches(block, "eve!e@10.2.2.3", "10.2.2.3", ""));
    // The address decides, not text that looks like one in the prefix.
    CHECK_FALSE(server_ban_matches(block, "eve!e@10.1.2.3", "192.0.2.1", ""));
    CHECK_FALSE(server_ban_matches(block, "eve!e@host", "::ffff:10.1.2.3", ""));
    const auto six = *normalize_server_ban_mask("2001:db8:ab00::/40");
    CHECK(server_ban_matches(six, "x!x@h", "2001:db8:abff::1", ""));
    CHECK_FALSE(server_ban_matches(six, "x!x@h", "2001:db8:ac00::1", ""));
    const auto odd = *normalize_server_ban_mask("192.0.2.128/25");
    CHECK(server_ban_matches(odd, "x!x@h", "192.0.2.200", ""));
    CHECK_FALSE(server_ban_matches(odd, "x!x@h", "192.0.2.127", ""));

    CHECK(server_ban_matches("troll!*@*", "Troll!t@127.0.0.1", "127.0.0.1", ""));
    CHECK_FALSE(server_ban_matches("troll!*@*", "elf!t@127.0.0.1", "127.0.0.1", ""));
    CHECK(server_ban_matches("$a:spammer", "x!x@h", "127.0.0.1", "Spammer"));
    CHECK_FALSE(server_ban_matches("$a:spammer", "x!x@h", "127.0.0.1", ""));
}
