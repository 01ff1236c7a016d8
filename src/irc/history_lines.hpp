#pragma once
// Stored history as one client gets it, shared by CHATHISTORY replies and
// replay on join: each entry's relayed line with the tags this client's
// capabilities ask for, optionally inside a batch. Pure formatting.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/history.hpp"
#include "irc/caps.hpp"

namespace sala::irc {

// Tag data a server line may carry, the '@' and the space included (IRCv3
// message-tags). Client tags that would pass it are left off.
inline constexpr std::size_t max_server_tag_bytes = 8191;

// A batch around the lines, for clients with the `batch` capability.
struct history_batch {
    std::string_view server;  // source of the BATCH lines
    std::string_view type;    // "chathistory"
    std::string_view target;  // the batch's parameter: the target as the client names it
    std::string_view ref;     // unique on the connection
};

// Appends `entries` (oldest first) to `out` for a client with `caps`:
//  - `time` when it has server-time; `msgid` and the sender's client tags
//    when it has message-tags;
//  - events (JOIN, PART, TOPIC...) and TAGMSG only when `events` is true
//    (draft/event-playback), TAGMSG also only with message-tags: the spec
//    allows nothing but PRIVMSG and NOTICE otherwise;
//  - with `batch` and the batch capability, between "BATCH +ref type target"
//    and "BATCH -ref", each line tagged batch=ref; an empty selection still
//    gets its (empty) batch, so a client waiting for it is answered.
//    Without the capability the lines go out plain.
// An entry whose line is not one CR LF-terminated line is skipped: it would
// break the client's framing. Never throws except std::bad_alloc.
void append_history_lines(std::string& out, std::span<const core::history_entry> entries, cap_set caps,
    bool events, const std::optional<history_batch>& batch = std::nullopt);

// Replay on joining `channel` (the room's spelling): the room's recent lines
// in a chathistory batch with reference `ref` for a client with `batch`,
// plain lines (keeping their time) for the others, and nothing for a client
// with draft/chathistory, which asks for what it wants: the spec says not to
// play history back to it unasked.
[[nodiscard]] std::string replay_on_join(std::string_view server, std::string_view channel, cap_set caps,
    std::string_view ref, std::span<const core::history_entry> recent);

}  // namespace sala::irc
