#pragma once
// A server ban (K-line) as the store keeps it. Plain data; what a mask
// matches is decided where connections are accepted, not here.

#include <cstdint>
#include <string>

namespace sala::core {

// A K-line: who may not connect. `mask` is nick!user@host (with * and ?) or
// an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32).
struct server_ban {
    std::string mask;                // as the operator gave it, normalized by the caller
    std::string reason;
    std::string set_by;              // the operator's nick!user@host
    std::int64_t set_at_ms = 0;      // Unix milliseconds
    std::int64_t expires_at_ms = 0;  // 0: never
};

}  // namespace sala::core
