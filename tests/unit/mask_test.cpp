// IRC masks: * and ? under the ascii case mapping, without blow-up.
#include <string>

#include "irc/mask.hpp"
#include "support/catch.hpp"

using sala::irc::mask_match;

TEST_CASE("mask: wildcards, case and anchoring", "[irc][mask]")
{
    CHECK(mask_match("*", ""));
    CHECK(mask_match("*", "anything"));
    CHECK(mask_match("cool*", "coolNick"));
    CHECK(mask_match("COOLNI*", "coolNick"));
    CHECK(mask_match("*nick", "coolNick"));
    CHECK(mask_match("c?olnick", "coolNick"));
    CHECK(mask_match("*o*i*", "coolNick"));
    CHECK(mask_match("*.example.com", "irc.example.com"));
    CHECK_FALSE(mask_match("cool", "coolNick"));
    CHECK_FALSE(mask_match("cool?", "cool"));
    CHECK_FALSE(mask_match("*x*", "coolNick"));
    CHECK_FALSE(mask_match("", "a"));
    CHECK(mask_match("", ""));
    CHECK(mask_match("a**b", "ab"));
    CHECK(mask_match("*UniqueReal*", "My UniqueReal Name"));
}

TEST_CASE("mask: a hostile pattern stays fast", "[irc][mask]")
{
    // Exponential in a naive recursive matcher; here at most |mask| x |text| steps.
    const std::string mask = std::string(50, '*') + "a" + std::string(50, '*') + "b";
    const std::string text(400, 'a');
    CHECK_FALSE(mask_match(mask, text));
}
