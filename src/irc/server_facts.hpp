#pragma once
// What the server-information commands (LUSERS, TIME, STATS) report that the
// protocol cannot know by itself: counts over shared state from the directory
// and the shards, and the clock, which the sans-I/O protocol has none of. The
// server gathers the facts; the protocol layer formats them as numerics.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sala::irc {

// LUSERS, over the whole server (one server: local and global are the same).
struct user_counts {
    std::size_t users = 0;      // registered
    std::size_t invisible = 0;  // registered with +i
    std::size_t operators = 0;
    std::size_t unknown = 0;    // connections not registered (yet)
    std::size_t channels = 0;
    std::size_t max_users = 0;  // most registered users at once since start
};

struct server_facts {
    user_counts counts;                     // for LUSERS
    std::int64_t now = 0;                   // Unix seconds: TIME, STATS u
    std::int64_t started_at = 0;            // Unix seconds: STATS u
    std::vector<std::uint64_t> command_uses;  // STATS m: by session_protocol command row
};

}  // namespace sala::irc
