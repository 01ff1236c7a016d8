#include "irc/text.hpp"

namespace sala::irc {

namespace {

bool is_c0_or_del_to_strip(unsigned char c)
{
    return (c < 0x20 && !is_formatting_code(c) && !is_ctcp_delimiter(c)) || c == 0x7F;
}

// C1 controls are encoded as C2 80..C2 9F.
bool is_c1_at(std::string_view s, std::size_t i)
{
    return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2
        && static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

}  // namespace

utf8_char decode_utf8(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return {c, 1, true};
    std::size_t len = 0;
    char32_t min = 0;
    char32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        min = 0x80;
        cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        min = 0x800;
        cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        min = 0x10000;
        cp = c & 0x07u;
    } else {
        return {0, 1, false};
    }
    if (i + len > s.size())
        return {0, 1, false};
    for (std::size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return {0, 1, false};
        cp = (cp << 6) | (cc & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return {0, 1, false};
    return {cp, len, true};
}

bool valid_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        // Most chat is ASCII: one comparison per byte until a lead byte.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const auto c = decode_utf8(s, i);
        if (!c.valid)
            return false;
        i += c.length;
    }
    return true;
}

bool has_controls(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i)
        if (is_c0_or_del_to_strip(static_cast<unsigned char>(s[i])) || is_c1_at(s, i))
            return true;
    return false;
}

std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes)
{
    if (s.size() <= max_bytes)
        return s;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return s.substr(0, end);
}

std::string strip_controls(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_c0_or_del_to_strip(static_cast<unsigned char>(s[i])))
            continue;
        if (is_c1_at(s, i)) {
            ++i;
            continue;
        }
        out.push_back(s[i]);
    }
    return out;
}

}  // namespace sala::irc
