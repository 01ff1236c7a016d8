#pragma once
// A channel registered with ChanServ as the store keeps it: enough to bring
// the channel back as it was after a restart. Plain data; the room owns the
// live state and hands a copy to the store when it changes.

#include <cstdint>
#include <string>
#include <vector>

namespace sala::core {

// One entry of a channel's +b, +e or +I list.
struct registered_list_entry {
    char list = 'b';  // 'b', 'e' or 'I'
    std::string mask;
    std::string set_by;
    std::int64_t set_at = 0;  // Unix seconds, as the lists' replies (367, 348, 346) carry it
};

// What a registered channel keeps across restarts.
struct channel_registration {
    std::string name;                // as registered, e.g. "#Sala"; looked up folded (irc::fold)
    std::string founder;             // account name
    std::int64_t registered_ms = 0;  // Unix milliseconds
    std::string topic;
    std::string topic_set_by;
    std::int64_t topic_set_at_ms = 0;
    std::string flags;               // channel flag letters set, e.g. "nt" (a subset of "imnst")
    std::string key;                 // "" for none
    std::uint32_t limit = 0;         // 0 for none
    std::vector<registered_list_entry> lists;  // in the order they were set
};

}  // namespace sala::core
