// The text rule: UTF-8 validation and control stripping (src/irc/text.hpp).

#include <string>
#include <string_view>
#include <vector>

#include "irc/text.hpp"
#include "printable.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::irc::has_controls;
using sala::irc::strip_controls;
using sala::irc::valid_utf8;
using sala::test::printable;
using sala::test::verdict;

namespace {

struct utf8_case {
    std::string_view bytes;
    bool valid;
};

struct strip_case {
    std::string_view in;
    std::string_view out;
};

// "<input> -> <output>" so that a failed CHECK names its input.
std::string stripped(std::string_view in, std::string_view out)
{
    return printable(in) + " -> " + printable(out);
}

std::string a_b(std::string_view middle)
{
    return "a" + std::string(middle) + "b";
}

}  // namespace

TEST_CASE("valid_utf8 accepts well-formed UTF-8 only", "[irc][text]")
{
    const auto c = GENERATE(values<utf8_case>({
        {"", true},
        {"hello, world", true},
        {"a\0b"sv, true},  // NUL is valid UTF-8; strip_controls deals with it
        {"\xC2\x80", true},  // U+0080, smallest 2-byte
        {"caf\xC3\xA9", true},  // é
        {"\xDF\xBF", true},  // U+07FF, largest 2-byte
        {"\xE0\xA0\x80", true},  // U+0800, smallest 3-byte
        {"\xE2\x82\xAC", true},  // €
        {"\xED\x9F\xBF", true},  // U+D7FF, just below the surrogates
        {"\xEE\x80\x80", true},  // U+E000, just above them
        {"\xEF\xBF\xBF", true},  // U+FFFF
        {"\xF0\x90\x80\x80", true},  // U+10000, smallest 4-byte
        {"\xF0\x9F\x98\x80", true},  // 😀
        {"\xF4\x8F\xBF\xBF", true},  // U+10FFFF, the last code point
        // Overlong encodings.
        {"\xC0\x80", false},
        {"\xC1\xBF", false},
        {"\xE0\x80\x80", false},
        {"\xE0\x9F\xBF", false},
        {"\xF0\x8F\xBF\xBF", false},
        // UTF-16 surrogates.
        {"\xED\xA0\x80", false},
        {"\xED\xBF\xBF", false},
        // Beyond U+10FFFF and bytes that never start a sequence.
        {"\xF4\x90\x80\x80", false},
        {"\xF5\x80\x80\x80", false},
        {"\xF8\x88\x80\x80\x80", false},
        {"\xFE", false},
        {"\xFF", false},
        // Truncated sequences.
        {"\xC3", false},
        {"abc\xC3", false},
        {"\xE2\x82", false},
        {"\xF0\x9F\x98", false},
        {"\xE2\x82" "A", false},
        {"\xF0\x9F\x98 ", false},
        // Lone continuation bytes.
        {"\x80", false},
        {"a\xBF" "b", false},
        {"caf\xC3\xA9\xA9", false},
    }));

    CHECK(verdict(c.bytes, valid_utf8(c.bytes)) == verdict(c.bytes, c.valid));
}

TEST_CASE("strip_controls removes terminal controls and keeps text and formatting", "[irc][text]")
{
    const auto c = GENERATE(values<strip_case>({
        {"", ""},
        {"plain text", "plain text"},
        {"\x1b[31mred\x1b[0m", "[31mred[0m"},  // the ESC byte goes, the rest is harmless text
        {"\x1b]0;title\x07", "]0;title"},
        {"bell\x07", "bell"},
        {"a\0b"sv, "ab"},
        {"tab\there", "tabhere"},
        {"line\r\nbreak", "linebreak"},
        {"del\x7f", "del"},
        // All eight formatting codes survive (string pieces keep "\x02" "b" from reading as \x02b).
        {"\x02" "bold\x02 \x03" "4,5red\x0F \x11mono\x16rev\x1Dit\x1Estrike\x1Funder",
         "\x02" "bold\x02 \x03" "4,5red\x0F \x11mono\x16rev\x1Dit\x1Estrike\x1Funder"},
        {"\xC2\x9B" "31m", "31m"},  // C1 CSI
        {"a\xC2\x80" "b\xC2\x9F" "c", "abc"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},  // é
        {"no\xC2\xA0" "break", "no\xC2\xA0" "break"},  // U+00A0 is not a control
        {"\xE2\x82\xAC\xF0\x9F\x98\x80", "\xE2\x82\xAC\xF0\x9F\x98\x80"},
    }));

    CHECK(stripped(c.in, strip_controls(c.in)) == stripped(c.in, c.out));
}

TEST_CASE("strip_controls covers every C0 DEL and C1 control", "[irc][text]")
{
    std::vector<std::string> wrong;
    for (unsigned b = 0; b < 0x20; ++b) {
        const std::string in = a_b(std::string(1, static_cast<char>(b)));
        // Kept: the formatting codes and 0x01, which frames CTCP (/me).
        const bool keep = sala::irc::is_formatting_code(static_cast<unsigned char>(b)) || b == 0x01;
        if (strip_controls(in) != (keep ? in : "ab"))
            wrong.push_back(stripped(in, strip_controls(in)));
    }
    for (unsigned b = 0x80; b <= 0xBF; ++b) {
        const std::string in = a_b(std::string{'\xC2', static_cast<char>(b)});
        const bool keep = b >= 0xA0;  // U+0080..U+009F are C1 controls, U+00A0.. are not
        if (strip_controls(in) != (keep ? in : "ab"))
            wrong.push_back(stripped(in, strip_controls(in)));
    }
    CHECK(strip_controls(a_b("\x7f")) == "ab");
    CHECK(strip_controls(a_b(" ~")) == "a ~b");
    CHECK(wrong == std::vector<std::string>{});
}

TEST_CASE("is_formatting_code knows exactly the eight formatting codes", "[irc][text]")
{
    std::vector<unsigned> codes;
    for (unsigned b = 0; b < 0x100; ++b)
        if (sala::irc::is_formatting_code(static_cast<unsigned char>(b)))
            codes.push_back(b);
    CHECK(codes == std::vector<unsigned>{0x02, 0x03, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F});
}

TEST_CASE("has_controls is true exactly when strip_controls changes the string", "[irc][text]")
{
    std::vector<std::string> inputs{
        "", "plain", "\x1b[31mred", "\x02" "bold", "caf\xC3\xA9", "\xC2\x9B", "\xC2\xA0", "a\xC2", "\xC2",
    };
    for (unsigned b = 0; b < 0x100; ++b) {
        inputs.push_back(a_b(std::string(1, static_cast<char>(b))));
        inputs.push_back(a_b(std::string{'\xC2', static_cast<char>(b)}));
    }

    std::vector<std::string> wrong;
    for (const auto& in : inputs) {
        const bool changes = strip_controls(in) != in;
        if (has_controls(in) != changes)
            wrong.push_back(printable(in) + (changes ? " is changed but has_controls is false"
                                                     : " is unchanged but has_controls is true"));
    }
    CHECK(wrong == std::vector<std::string>{});
    CHECK(has_controls("\x1b[31mred"));
    CHECK_FALSE(has_controls("\x02" "bold caf\xC3\xA9"));
}

TEST_CASE("stripped valid UTF-8 has no controls left and stays valid", "[irc][text]")
{
    const auto in = GENERATE("\x1b\x1b[[31m"sv, "\xC2\x9B\xC2\x9B"sv, "a\x07\xC2\x85\x7f\x02" "b"sv, "\r\n\r\n"sv,
                             "caf\xC3\xA9\x1b"sv);
    REQUIRE(valid_utf8(in));
    const std::string out = strip_controls(in);
    CHECK_FALSE(has_controls(out));
    CHECK(strip_controls(out) == out);
    CHECK(valid_utf8(out));
}
