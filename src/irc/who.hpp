#pragma once
// WHO: what the server knows of each user it answers about (facts from the
// directory), and the WHOX field selection (IRCv3 whox). The protocol layer
// formats both into 352/354 lines.

#include <cstdint>
#include <string>

#include "core/member_status.hpp"

namespace sala::irc {

struct who_entry {
    std::string channel;  // the channel asked about, or "*" for a nick or mask
    std::string nick;
    std::string user;
    std::string host;
    std::string realname;
    std::string account;  // empty: not logged in
    bool away = false;
    bool bot = false;
    bool server_operator = false;  // shown as '*' in the flags
    std::int64_t idle_seconds = 0;
    core::member_status status;  // in `channel`; none for "*"
};

// Masks that match more users than this are cut off: a WHO * on a big
// server must not fill the asker's send queue.
inline constexpr std::size_t max_who_entries = 500;

}  // namespace sala::irc
