#pragma once
// IRC masks: '*' matches any run of characters, '?' any one, compared under
// the ascii case mapping. Pure function.

#include <string_view>

namespace sala::irc {

// Whether `text` matches `mask`. Linear in practice: the greedy matcher
// backtracks only to the last '*', so a hostile mask cannot make it
// exponential (at worst mask length times text length).
[[nodiscard]] bool mask_match(std::string_view mask, std::string_view text);

[[nodiscard]] inline bool is_mask(std::string_view s)
{
    return s.find_first_of("*?") != std::string_view::npos;
}

}  // namespace sala::irc
