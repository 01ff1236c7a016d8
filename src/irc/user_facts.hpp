#pragma once
// What the server knows of users for USERHOST, ISON, WHOWAS and MONITOR:
// facts from the directory, which session_protocol formats into numerics.
// Plain data.

#include <cstdint>
#include <string>
#include <vector>

namespace sala::irc {

// A registered user who is online now.
struct user_presence {
    std::string nick;
    std::string user;
    std::string host;
    bool away = false;
};

// Someone who held a nick until they quit or changed it (WHOWAS).
struct past_user {
    std::string nick;
    std::string user;
    std::string host;
    std::string realname;
    std::int64_t signoff = 0;  // when they let the nick go, in Unix seconds
};

// The directory's answer to a MONITOR command.
struct monitor_facts {
    std::vector<std::string> online;   // nick!user@host of watched nicks that are online (730)
    std::vector<std::string> offline;  // watched nicks that are not (731)
    std::vector<std::string> refused;  // "+": targets not added because the list is full (734)
    std::vector<std::string> listed;   // "L": the list, as the client spelled the targets (732)
};

// A nick a client monitors came online or went offline, told by the hub.
struct monitor_change {
    bool online = false;
    std::string who;  // online: nick!user@host; offline: the nick
};

}  // namespace sala::irc
