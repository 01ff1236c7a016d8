#pragma once
// Who may join a channel and who may speak in it, decided from its modes and
// lists (channel_modes.hpp). Pure functions.

#include <cstddef>
#include <string_view>

#include "core/channel_modes.hpp"
#include "core/member_status.hpp"

namespace sala::core {

// Someone asking to join, as the room sees them.
struct join_attempt {
    std::string_view user_mask;  // nick!user@host
    std::string_view account;    // "" when not logged in
    bool invited = false;        // by INVITE, since the last time they joined
    std::string_view key;        // from JOIN, "" for none
    std::size_t member_count = 0;
};

// Values are the numerics JOIN fails with.
enum class join_verdict {
    ok = 0,
    banned = 474,       // ERR_BANNEDFROMCHAN: matched by b and by no e
    invite_only = 473,  // ERR_INVITEONLYCHAN: +i, not invited, matched by no I
    bad_key = 475,      // ERR_BADCHANNELKEY
    full = 471,         // ERR_CHANNELISFULL
};

// Checked in the order above, the order of common servers, so the reason
// given is the same one users see elsewhere. An invitation lifts +i only: a
// banned user stays out, and the key and the limit still hold.
[[nodiscard]] join_verdict may_join(const channel_modes& modes, const join_attempt& who);

// Someone sending PRIVMSG, NOTICE or TAGMSG to the channel.
struct speaker {
    std::string_view user_mask;  // nick!user@host
    std::string_view account;    // "" when not logged in
    bool is_member = false;
    member_status status;
};

// Every refusal is ERR_CANNOTSENDTOCHAN (404); the reasons differ so the
// text can tell the user which rule stopped them.
enum class speak_verdict { ok, not_member, moderated, banned };

// Ops and voiced members always speak: +m and bans are for everyone else.
[[nodiscard]] speak_verdict may_speak(const channel_modes& modes, const speaker& who);

// TOPIC: with +t only ops may set it.
[[nodiscard]] inline bool may_set_topic(const channel_modes& modes, member_status status)
{
    return status.op || !modes.topic_ops_only();
}

}  // namespace sala::core
