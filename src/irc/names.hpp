#pragma once
// Nick and channel names: validation and the "ascii" case mapping
// (ISUPPORT CASEMAPPING=ascii: only A-Z fold to a-z). Pure functions.

#include <cstddef>
#include <string>
#include <string_view>

namespace sala::irc {

// Lower-cases A-Z only; the key under which nicks and channels are compared.
[[nodiscard]] std::string fold(std::string_view name);
[[nodiscard]] bool same_name(std::string_view a, std::string_view b);

// Nick: 1..max_len bytes of letters, digits and []\`_^{|}-, not starting with
// a digit or '-'. Excludes everything that would break the wire format or be
// confused with a channel or prefix (# & : ! @ space, controls).
[[nodiscard]] bool valid_nick(std::string_view nick, std::size_t max_len);

// Channel: '#' then 1..max_len-1 bytes with no space, comma, BEL, NUL, CR, LF
// or other control bytes.
[[nodiscard]] bool valid_channel(std::string_view name, std::size_t max_len);

[[nodiscard]] inline bool is_channel(std::string_view target)
{
    return !target.empty() && target.front() == '#';
}

}  // namespace sala::irc
