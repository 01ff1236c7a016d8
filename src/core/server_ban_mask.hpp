#pragma once
// What a K-line (server ban) names: a user mask (nick!user@host with * and ?,
// or $a:account, as channel bans) or an IP address or CIDR block, which is
// matched against the client's address itself rather than its host text, so
// 10.0.0.0/8 covers every address in it however it is written. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace sala::core {

// The mask as it is kept and compared: an address block in canonical form
// ("10.0.0.0/8", "2001:db8::/32"; a lone address gets /32 or /128), or a
// normalized user mask. nullopt when it is neither, or when a block's prefix
// is longer than its address or leaves host bits set ("10.0.0.1/8" is
// refused, not silently widened).
[[nodiscard]] std::optional<std::string> normalize_server_ban_mask(std::string_view text);

// Whether the normalized `mask` covers a client with prefix `user_mask`
// (nick!user@host), address `ip` and account `account` ("" when none).
[[nodiscard]] bool server_ban_matches(std::string_view mask, std::string_view user_mask, std::string_view ip,
    std::string_view account);

}  // namespace sala::core
