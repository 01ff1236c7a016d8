#pragma once
// The IRCv3 capabilities sala offers: one row each, so offering another is
// one line here and one where it takes effect. Pure data.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sala::irc {

// One bit per capability, so a connection's set is one integer and a
// message can say which capability its recipients need.
enum class cap : std::uint32_t {
    none = 0,
    server_time = 1 << 0,
    message_tags = 1 << 1,
    echo_message = 1 << 2,
    batch = 1 << 3,
    away_notify = 1 << 4,
    multi_prefix = 1 << 5,
    userhost_in_names = 1 << 6,
    standard_replies = 1 << 7,
    labeled_response = 1 << 8,
    cap_notify = 1 << 9,
    chghost = 1 << 10,
    setname = 1 << 11,
    extended_monitor = 1 << 12,
    chathistory = 1 << 13,
    event_playback = 1 << 14,
    sasl = 1 << 15,
    account_notify = 1 << 16,
    account_tag = 1 << 17,
    extended_join = 1 << 18,
    account_registration = 1 << 19,
    invite_notify = 1 << 20,
};

using cap_set = std::uint32_t;

constexpr cap_set bit(cap c) { return static_cast<cap_set>(c); }

struct cap_info {
    std::string_view name;
    cap flag;
};

// In the order CAP LS lists them.
inline constexpr std::array<cap_info, 21> offered_caps = {{
    {"server-time", cap::server_time},
    {"message-tags", cap::message_tags},
    {"echo-message", cap::echo_message},
    {"batch", cap::batch},
    {"away-notify", cap::away_notify},
    // NAMES and WHO show every prefix a member holds (@+), not only the highest.
    {"multi-prefix", cap::multi_prefix},
    {"userhost-in-names", cap::userhost_in_names},
    // Only says the client understands FAIL/WARN/NOTE, which sala sends anyway.
    {"standard-replies", cap::standard_replies},
    {"labeled-response", cap::labeled_response},
    // The offer never changes while a client is connected, so there is nothing to notify.
    {"cap-notify", cap::cap_notify},
    // Hosts never change while connected here, so there is never a CHGHOST to send.
    {"chghost", cap::chghost},
    {"setname", cap::setname},
    // MONITOR watchers with away-notify hear of AWAY as channel mates do.
    {"extended-monitor", cap::extended_monitor},
    // Still a draft: the spec asks for the prefixed names until it is ratified.
    {"draft/chathistory", cap::chathistory},
    // Events (JOIN, PART, TOPIC...) in CHATHISTORY batches, not only messages.
    {"draft/event-playback", cap::event_playback},
    // Listed with its mechanisms from CAP LS 302 on (session_protocol::on_cap).
    {"sasl", cap::sasl},
    {"account-notify", cap::account_notify},
    {"account-tag", cap::account_tag},
    {"extended-join", cap::extended_join},
    // REGISTER is accepted whether or not it is requested, as the draft asks.
    {"draft/account-registration", cap::account_registration},
    // Members hear of invitations to their channel, not only the invitee.
    {"invite-notify", cap::invite_notify},
}};

// Every capability offered.
inline constexpr cap_set all_caps = [] {
    cap_set all = 0;
    for (const auto& c : offered_caps)
        all = static_cast<cap_set>(all | bit(c.flag));
    return all;
}();

// The capability called `name`, or cap::none.
constexpr cap cap_named(std::string_view name)
{
    for (const auto& c : offered_caps)
        if (c.name == name)
            return c.flag;
    return cap::none;
}

// The names of the capabilities in `set`, space-separated, in CAP LS order.
inline std::string cap_names(cap_set set)
{
    std::string out;
    for (const auto& c : offered_caps) {
        if ((set & bit(c.flag)) == 0)
            continue;
        if (!out.empty())
            out += ' ';
        out += c.name;
    }
    return out;
}

}  // namespace sala::irc
