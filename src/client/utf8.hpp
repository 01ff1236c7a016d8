#pragma once
// UTF-8 decoding and terminal cell widths, without the C locale: the display
// code must agree with itself whatever locale the tests or the user run in.
// Pure functions; never throw.

#include <cstddef>
#include <string>
#include <string_view>

namespace sala::client {

inline constexpr char32_t replacement_char = U'\uFFFD';

struct decoded {
    char32_t cp;       // replacement_char when the bytes were not valid UTF-8
    std::size_t size;  // bytes consumed, at least 1 (so a loop always advances)
    bool valid;
};

// Decodes the code point starting at s[i] (i < s.size()). Overlong forms,
// surrogates, values past U+10FFFF and truncated sequences are invalid; an
// invalid sequence consumes one byte.
[[nodiscard]] decoded decode_at(std::string_view s, std::size_t i);

void append_utf8(std::string& out, char32_t cp);

// Zero-width characters that attach to the previous one (combining marks,
// variation selectors, zero-width joiner).
[[nodiscard]] bool is_combining(char32_t cp);

// Terminal cells: 2 for East Asian wide/fullwidth and emoji, 0 for combining,
// 1 otherwise. Controls are the sanitizer's business and count as 1.
[[nodiscard]] int cell_width(char32_t cp);

// Sum of cell_width over the (assumed valid) UTF-8 string.
[[nodiscard]] std::size_t text_width(std::string_view s);

// Byte offset of the start of the character cluster (a base code point and
// the combining marks after it) before / after byte offset `pos`.
[[nodiscard]] std::size_t prev_cluster(std::string_view s, std::size_t pos);
[[nodiscard]] std::size_t next_cluster(std::string_view s, std::size_t pos);

}  // namespace sala::client
