#pragma once
// What a room tells one client about the client's own request, beyond the
// line every member sees: a join refused, a mode change's problems and the
// lists it asked for, a KICK or INVITE that could not be done, a message
// that was not let through. The room decides; session_protocol::room_answered()
// turns these facts into numerics.

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/channel_access.hpp"
#include "core/channel_modes.hpp"

namespace sala::irc::room_fact {

struct join_refused {
    std::string key;      // folded name: the client is not on it after all
    std::string channel;  // as the room spells it
    core::join_verdict why = core::join_verdict::ok;
};

// The client is no longer on the channel (it was kicked): the KICK line
// itself reaches it with every member's copy.
struct removed {
    std::string key;
};

struct mode_answered {
    std::string channel;
    std::vector<core::mode_problem> problems;
    std::vector<std::pair<core::mode_list, std::vector<core::list_entry>>> lists;  // queries, in the order asked
};

enum class refusal : std::uint8_t { need_op, target_not_on_channel, target_on_channel, no_such_nick };

struct kick_refused {
    std::string channel;
    std::string target;
    refusal why = refusal::need_op;
};

struct invite_answered {
    std::string channel;
    std::string target;  // the invitee's nick as it holds it, or as written when refused
    bool invited = false;
    refusal why = refusal::need_op;  // when not invited
};

struct topic_refused {
    std::string channel;
};

struct message_refused {
    std::string channel;
    core::speak_verdict why = core::speak_verdict::not_member;
    bool notice = false;  // NOTICE is never answered with an error
};

// The channel named does not exist (a MODE, or a message from outside).
struct no_such_channel {
    std::string channel;
    bool message = false;  // a PRIVMSG gets 401, as for a missing nick
};

}  // namespace sala::irc::room_fact

namespace sala::irc {

using any_room_fact = std::variant<room_fact::join_refused, room_fact::removed, room_fact::mode_answered,
    room_fact::kick_refused, room_fact::invite_answered, room_fact::topic_refused, room_fact::message_refused,
    room_fact::no_such_channel>;

}  // namespace sala::irc
