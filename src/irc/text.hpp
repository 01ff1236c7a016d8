#pragma once
// The text rule (DESIGN.md): text from clients must be valid UTF-8 and must not
// carry terminal control sequences. Pure functions.

#include <string>
#include <string_view>

namespace sala::irc {

// One character decoded from `s` at byte `i` (i < s.size()). Invalid input
// (bad lead or continuation byte, truncation, overlong form, surrogate, past
// U+10FFFF) gives valid == false and length 1, so callers can skip the byte.
struct utf8_char {
    char32_t code_point;
    std::size_t length;
    bool valid;
};
[[nodiscard]] utf8_char decode_utf8(std::string_view s, std::size_t i);

[[nodiscard]] bool valid_utf8(std::string_view s);

// True for the IRC formatting codes that clients render themselves:
// bold 0x02, colour 0x03, reset 0x0F, monospace 0x11, reverse 0x16,
// italic 0x1D, strikethrough 0x1E, underline 0x1F.
[[nodiscard]] constexpr bool is_formatting_code(unsigned char c)
{
    return c == 0x02 || c == 0x03 || c == 0x0F || c == 0x11 || c == 0x16 || c == 0x1D || c == 0x1E
        || c == 0x1F;
}

// 0x01 delimits CTCP (ACTION, for /me); terminals ignore it, clients need it.
[[nodiscard]] constexpr bool is_ctcp_delimiter(unsigned char c) { return c == 0x01; }

// Removes every C0 control except the formatting codes and the CTCP delimiter
// (so ESC above all), DEL,
// and the C1 controls U+0080..U+009F (which some terminals honour as CSI etc.).
// Expects valid UTF-8; invalid sequences are kept byte for byte.
[[nodiscard]] std::string strip_controls(std::string_view s);

// True when strip_controls would change `s`. Clean lines, the common case, are
// checked with this first so they are not copied.
[[nodiscard]] bool has_controls(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` that does not cut a UTF-8
// character in two.
[[nodiscard]] std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace sala::irc
