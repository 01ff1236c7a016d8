#include "client/sanitize.hpp"

#include <string>

#include "support/catch.hpp"

using sala::client::render_irc_text;
using sala::client::sanitize_text;

namespace {

// The promise of the sanitizer: no C0, DEL or C1 control in its output, and
// the output is valid UTF-8.
bool terminal_safe(const std::string& s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80
            && static_cast<unsigned char>(s[i + 1]) <= 0x9F)
            return false;
    }
    return true;
}

}  // namespace

TEST_CASE("sanitizer passes plain and multibyte text unchanged", "[sanitize]")
{
    CHECK(sanitize_text("hello world") == "hello world");
    CHECK(sanitize_text("grüße 日本 🙂") == "grüße 日本 🙂");
    CHECK(sanitize_text("e\xCC\x81") == "e\xCC\x81");
}

TEST_CASE("sanitizer removes escape sequences", "[sanitize]")
{
    CHECK(sanitize_text("a\x1b[2Jb") == "a[2Jb");
    CHECK(sanitize_text("\x1b]0;pwned\x07title") == "]0;pwnedtitle");
    CHECK(sanitize_text("x\x1bP1$r\x1b\\y") == "xP1$r\\y");
    CHECK(sanitize_text("bell\x07 cr\r lf\n del\x7f nul") == "bell cr lf del nul");
    CHECK(terminal_safe(sanitize_text("\x1b[31mred\x1b[0m")));
}

TEST_CASE("sanitizer removes C1 controls", "[sanitize]")
{
    // U+009B is a single-character CSI on some terminals.
    CHECK(sanitize_text("a\xC2\x9B" "2Jb") == "a2Jb");
    CHECK(sanitize_text("\xC2\x80\xC2\x9F\xC2\xA0") == "\xC2\xA0");
}

TEST_CASE("sanitizer replaces invalid UTF-8 with U+FFFD", "[sanitize]")
{
    CHECK(sanitize_text("a\xFFz") == "a\xEF\xBF\xBDz");
    CHECK(sanitize_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");   // overlong '/'
    CHECK(sanitize_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    CHECK(sanitize_text("end\xE2\x82") == "end\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
    // A raw C1 byte (Latin-1 CSI) is invalid UTF-8 and never reaches the terminal.
    CHECK(sanitize_text("\x9B" "31m") == "\xEF\xBF\xBD" "31m");
}

TEST_CASE("sanitizer output is terminal-safe for every byte pair", "[sanitize]")
{
    for (int a = 0; a < 256; ++a)
        for (int b = 0; b < 256; b += 7) {
            std::string s{static_cast<char>(a), static_cast<char>(b), 'x'};
            REQUIRE(terminal_safe(sanitize_text(s)));
        }
}

TEST_CASE("IRC formatting codes become styles", "[sanitize]")
{
    const auto runs = render_irc_text("a\x02" "b\x02" "c\x03" "4,2red\x03 d\x1f" "u\x0f" "e");
    REQUIRE(runs.size() == 7);
    CHECK(runs[0].text == "a");
    CHECK(runs[1].text == "b");
    CHECK(runs[1].style.bold);
    CHECK(runs[2].text == "c");
    CHECK(runs[3].text == "red");
    CHECK(runs[3].style.fg == 4);
    CHECK(runs[3].style.bg == 2);
    CHECK(runs[4].text == " d");
    CHECK(runs[4].style.fg == -1);
    CHECK(runs[5].text == "u");
    CHECK(runs[5].style.underline);
    CHECK(runs[6] == sala::client::styled_run{"e", {}});
    CHECK(sanitize_text("a\x02" "b\x0f" "c\x03" "12x\x1d" "i\x16" "r\x1e" "s\x11" "m") == "abcxirsm");
    CHECK(sanitize_text("\x04" "ff0000red") == "red");
    CHECK(sanitize_text("tab\there") == "tab here");
}
