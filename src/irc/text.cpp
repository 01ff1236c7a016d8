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

bool valid_utf8(std::string_view s)
{
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned min = 0;
        unsigned cp = 0;
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
            return false;
        }
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid.
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
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
