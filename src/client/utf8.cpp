#include "client/utf8.hpp"

#include "irc/text.hpp"

namespace sala::client {

decoded decode_at(std::string_view s, std::size_t i)
{
    const auto c = irc::decode_utf8(s, i);
    return c.valid ? decoded{c.code_point, c.length, true} : decoded{replacement_char, 1, false};
}

void append_utf8(std::string& out, char32_t cp)
{
    auto put = [&out](char32_t v) { out.push_back(static_cast<char>(static_cast<unsigned char>(v))); };
    if (cp < 0x80) {
        put(cp);
    } else if (cp < 0x800) {
        put(0xC0 | (cp >> 6));
        put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        put(0xE0 | (cp >> 12));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    } else {
        put(0xF0 | (cp >> 18));
        put(0x80 | ((cp >> 12) & 0x3F));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    }
}

namespace {

struct range {
    char32_t lo, hi;
};

template <std::size_t N>
bool in(const range (&table)[N], char32_t cp)
{
    for (const auto& r : table)
        if (cp >= r.lo && cp <= r.hi)
            return true;
    return false;
}

// The common blocks; a full Unicode table is not worth its size here.
constexpr range combining[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0x302A, 0x302F}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0x1F3FB, 0x1F3FF}, {0xE0100, 0xE01EF},
};

constexpr range wide[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x2614, 0x2615},
    {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
    {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x1F680, 0x1F6FF}, {0x20000, 0x3FFFD},
};

}  // namespace

bool is_combining(char32_t cp) { return in(combining, cp); }

int cell_width(char32_t cp)
{
    if (is_combining(cp))
        return 0;
    return in(wide, cp) ? 2 : 1;
}

std::size_t text_width(std::string_view s)
{
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto d = decode_at(s, i);
        w += static_cast<std::size_t>(cell_width(d.cp));
        i += d.size;
    }
    return w;
}

std::size_t next_cluster(std::string_view s, std::size_t pos)
{
    if (pos >= s.size())
        return s.size();
    pos += decode_at(s, pos).size;
    while (pos < s.size()) {
        const auto d = decode_at(s, pos);
        if (!is_combining(d.cp))
            break;
        pos += d.size;
    }
    return pos;
}

std::size_t prev_cluster(std::string_view s, std::size_t pos)
{
    // Walk forward from the start: clusters are only well defined that way,
    // and input lines are short.
    std::size_t last = 0;
    for (std::size_t i = 0; i < pos && i < s.size();) {
        last = i;
        i = next_cluster(s, i);
    }
    return last;
}

}  // namespace sala::client
