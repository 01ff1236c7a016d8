#pragma once
// What a joiner is shown of the room's recent conversation.

#include <string>
#include <vector>

#include "core/history.hpp"
#include "irc/caps.hpp"

namespace sala::server {

// `lines` as a chathistory batch with reference `batch_ref` for a client
// with `batch`, as plain lines (keeping their time) for the others.
[[nodiscard]] std::string replay_on_join(const std::vector<core::history_entry>& lines, const std::string& room_name,
    irc::cap_set caps, const std::string& batch_ref);

}  // namespace sala::server
