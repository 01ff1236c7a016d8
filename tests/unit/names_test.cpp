// Nick and channel names: ascii case mapping and validation (src/irc/names.hpp).

#include <cstddef>
#include <string>
#include <string_view>

#include "irc/names.hpp"
#include "printable.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::irc::fold;
using sala::irc::same_name;
using sala::test::verdict;

namespace {

struct name_case {
    std::string_view name;
    bool valid;
};

}  // namespace

TEST_CASE("fold lower-cases A-Z and nothing else", "[irc][names]")
{
    CHECK(fold("") == "");
    CHECK(fold("NiCk_42") == "nick_42");
    CHECK(fold("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "abcdefghijklmnopqrstuvwxyz");
    CHECK(fold("#Chan") == "#chan");
    // CASEMAPPING=ascii: unlike rfc1459, []\~ are not the upper case of {}|^.
    CHECK(fold("[]\\~") == "[]\\~");
    CHECK(fold("{}|^") == "{}|^");
    // Bytes of non-ASCII letters are left alone ("É" is C3 89, "é" is C3 A9).
    CHECK(fold("\xC3\x89") == "\xC3\x89");
    CHECK(fold("@`") == "@`");  // the neighbours of A and Z
    CHECK(fold("[Z]") == "[z]");
}

TEST_CASE("same_name compares under the ascii case mapping", "[irc][names]")
{
    struct pair_case {
        std::string_view a;
        std::string_view b;
        bool same;
    };
    const auto c = GENERATE(values<pair_case>({
        {"", "", true},
        {"alice", "alice", true},
        {"Alice", "aLICE", true},
        {"#Chat", "#chat", true},
        {"alice", "alicf", false},
        {"alice", "alice_", false},
        {"alice", "", false},
        {"nick[", "nick{", false},
        {"nick\\", "nick|", false},
        {"a~", "a^", false},
        {"\xC3\x89", "\xC3\xA9", false},  // É and é
        {"@", "`", false},
    }));

    const std::string pair = sala::test::printable(c.a) + " vs " + sala::test::printable(c.b);
    CHECK(verdict(pair, same_name(c.a, c.b)) == verdict(pair, c.same));
    CHECK(verdict(pair, same_name(c.b, c.a)) == verdict(pair, c.same));
    CHECK(verdict(pair, fold(c.a) == fold(c.b)) == verdict(pair, c.same));
}

TEST_CASE("valid_nick accepts letters, digits and the nick specials, not leading digits or dashes", "[irc][names]")
{
    constexpr std::size_t max = 9;
    const auto c = GENERATE(values<name_case>({
        {"a", true},
        {"Alice", true},
        {"alice42", true},
        {"a-b", true},
        {"trailing-", true},
        {"[away]", true},
        {"\\o", true},
        {"`x", true},
        {"_x_", true},
        {"^x", true},
        {"{x}", true},
        {"|x|", true},
        {"abcdefghi", true},     // exactly max
        {"abcdefghij", false},   // max + 1
        {"", false},
        {"1nick", false},        // leading digit
        {"-nick", false},        // leading '-'
        {"#nick", false},
        {"&nick", false},
        {"ni#ck", false},
        {":nick", false},
        {"ni:ck", false},
        {"nick!", false},
        {"n!u", false},
        {"n@h", false},
        {"ni ck", false},
        {" nick", false},
        {"ni,ck", false},
        {"ni*ck", false},
        {"ni.ck", false},
        {"ni/ck", false},
        {"nick\r", false},
        {"nick\n", false},
        {"ni\x07", false},
        {"ni\0ck"sv, false},
        {"ni\x7f", false},
        {"\xC3\xB1ick", false},  // UTF-8 "ñick"
        {"nick\xC3\xA9", false},
    }));

    CHECK(verdict(c.name, sala::irc::valid_nick(c.name, max)) == verdict(c.name, c.valid));
}

TEST_CASE("valid_nick length limit follows max_len", "[irc][names]")
{
    const std::string nick(30, 'n');
    CHECK(sala::irc::valid_nick(nick, 30));
    CHECK_FALSE(sala::irc::valid_nick(nick, 29));
    CHECK_FALSE(sala::irc::valid_nick("n", 0));
}

TEST_CASE("valid_channel wants '#' and a name without separators or controls", "[irc][names]")
{
    constexpr std::size_t max = 10;
    const auto c = GENERATE(values<name_case>({
        {"#a", true},
        {"#chat", true},
        {"##chat", true},
        {"#C-1.2_x", true},
        {"#[x]!@&", true},
        {"#abcdefghi", true},  // exactly max (10 bytes, '#' included)
        {"#caf\xC3\xA9", true},  // UTF-8 is allowed
        {"#abcdefghij", false},  // max + 1
        {"", false},
        {"#", false},  // only '#'
        {"chat", false},  // no '#'
        {"&chat", false},
        {" #chat", false},
        {"#a b", false},
        {"#a,b", false},
        {"#a:b", false},
        {"#a\x07", false},  // BEL
        {"#a\0b"sv, false},
        {"#a\r", false},
        {"#a\n", false},
        {"#a\tb", false},
        {"#\x1b[31m", false},
        {"#a\x7f", false},
    }));

    CHECK(verdict(c.name, sala::irc::valid_channel(c.name, max)) == verdict(c.name, c.valid));
}

TEST_CASE("is_channel only looks at the leading '#'", "[irc][names]")
{
    CHECK(sala::irc::is_channel("#chat"));
    CHECK(sala::irc::is_channel("#"));
    CHECK_FALSE(sala::irc::is_channel(""));
    CHECK_FALSE(sala::irc::is_channel("alice"));
    CHECK_FALSE(sala::irc::is_channel("a#b"));
    CHECK_FALSE(sala::irc::is_channel("&local"));
}
