#pragma once
// Why a client connection ended: counted by the shards, reported by the status
// endpoint under the stable names below. Adding a reason without a name is a
// compile error (-Wswitch with warnings as errors, and the constexpr check).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sala::status {

enum class disconnect_reason : std::uint8_t { quit, ping_timeout, sendq, flood, error, registration_timeout, shutdown };

inline constexpr std::size_t disconnect_reason_count = 7;

// The name /status and /metrics use; never empty for a valid reason.
constexpr std::string_view name_of(disconnect_reason r)
{
    switch (r) {
    case disconnect_reason::quit: return "quit";
    case disconnect_reason::ping_timeout: return "ping_timeout";
    case disconnect_reason::sendq: return "sendq";
    case disconnect_reason::flood: return "flood";
    case disconnect_reason::error: return "error";
    case disconnect_reason::registration_timeout: return "registration_timeout";
    case disconnect_reason::shutdown: return "shutdown";
    }
    return {};
}

// Every reason in counter order, so counters are indexed by the enum's value.
inline constexpr auto all_disconnect_reasons = [] {
    std::array<disconnect_reason, disconnect_reason_count> all{};
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<disconnect_reason>(i);
    return all;
}();

// A reason past the count (or a count past the last reason) has no name.
static_assert([] {
    for (auto r : all_disconnect_reasons)
        if (name_of(r).empty())
            return false;
    return name_of(static_cast<disconnect_reason>(disconnect_reason_count)).empty();
}());

using disconnect_counters = std::array<std::uint64_t, disconnect_reason_count>;

constexpr std::uint64_t& count_of(disconnect_counters& c, disconnect_reason r) { return c[static_cast<std::size_t>(r)]; }
constexpr std::uint64_t count_of(const disconnect_counters& c, disconnect_reason r) { return c[static_cast<std::size_t>(r)]; }

}  // namespace sala::status
