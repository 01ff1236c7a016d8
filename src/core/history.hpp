#pragma once
// What history holds and how it is asked for, shared by the rooms (which
// record), the protocol (which parses CHATHISTORY and formats replies) and the
// store (which persists). Plain data; no I/O.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sala::core {

// Chat messages first: everything after tagmsg is an event, replayed only to
// clients with draft/event-playback.
enum class history_kind : std::uint8_t { privmsg, notice, tagmsg, join, part, quit, nick, topic, kick, mode };
// The last kind: stored kinds above it mean damage.
inline constexpr history_kind last_history_kind = history_kind::mode;

[[nodiscard]] constexpr bool is_event(history_kind k) { return k > history_kind::tagmsg; }

// One line of a room's history, as it was relayed.
struct history_entry {
    std::string target;       // the room's folded name, or a conversation_key()
    std::string msgid;        // IRCv3 msgid, unique across restarts
    std::int64_t time_ms = 0; // server-time, milliseconds since the Unix epoch
    history_kind kind = history_kind::privmsg;
    std::string line;         // ":prefix COMMAND params\r\n" exactly as relayed, without tags
    std::string client_tags;  // the sender's "+tag=value" list, for clients with message-tags
    std::string account;      // the sender's account; empty when not logged in
    std::int64_t sequence = 0; // the number in its msgid (core::msgid_source); orders a room's history
};

// Where a private conversation is filed: one target for both ends, made of
// each end's stable name (its folded account, or "*" and its folded nick when
// it is not logged in), in order, after a '~' no channel name starts with.
[[nodiscard]] inline std::string conversation_key(std::string_view a, std::string_view b)
{
    // '~' sorts after every name character but '\x7f' (which names cannot
    // hold), so the keys form one range of a sorted index.
    const bool a_first = a <= b;
    std::string key = "~";
    key += a_first ? a : b;
    key += ' ';
    key += a_first ? b : a;
    return key;
}

// The other end of conversation `key` as `me` sees it: its account, or
// its nick when it was not logged in; empty when `me` is not an end.
[[nodiscard]] inline std::string conversation_partner(std::string_view key, std::string_view me)
{
    const auto space = key.find(' ');
    if (!key.starts_with('~') || space == std::string_view::npos)
        return {};
    const auto first = key.substr(1, space - 1);
    const auto second = key.substr(space + 1);
    auto other = first == me ? second : second == me ? first : std::string_view();
    if (other.starts_with('*'))
        other.remove_prefix(1);
    return std::string(other);
}

// A CHATHISTORY reference: "*", "msgid=..." or "timestamp=...".
struct history_ref {
    enum class kind : std::uint8_t { none, msgid, timestamp };
    kind what = kind::none;
    std::string msgid;
    std::int64_t time_ms = 0;
};

enum class history_direction : std::uint8_t { latest, before, after, around, between };

// One CHATHISTORY selection on one target. Entries come back oldest first,
// never including a referenced message itself, except for AROUND.
//  latest:  the newest `limit`; with `from` set, only those after it
//  before:  the newest `limit` before `from`
//  after:   the oldest `limit` after `from`
//  around:  up to `limit` centred on `from`: it and the older half, then newer
//  between: from `from` towards `to` (either order), `limit` nearest `from`
struct history_query {
    history_direction direction = history_direction::latest;
    std::string target;  // folded
    history_ref from;
    history_ref to;
    std::size_t limit = 0;
    bool events = false;  // include events (draft/event-playback)
};

// CHATHISTORY TARGETS: which of `targets` saw messages between two times.
struct history_targets_query {
    std::vector<std::string> targets;  // folded names the client may read
    // Also the private conversations filed under this name (its folded
    // account; empty: none), listed by their conversation_key().
    std::string conversations_of;
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;            // either order
    std::size_t limit = 0;
};

struct history_target_activity {
    std::string target;
    std::int64_t latest_ms = 0;
    std::int64_t latest_sequence = 0;  // orders targets whose latest lines share a millisecond
};

}  // namespace sala::core
