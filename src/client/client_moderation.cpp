// Channel moderation in the client state machine: MODE lines keep each
// member's status (op, voice, and whatever else the server's PREFIX ranks),
// KICK and INVITE are shown, the errors a moderator meets read as sentences,
// and /op, /kick, /ban and friends send what the server expects (MODES per
// line, CHANMODES parameters; see channel_modes.hpp).
//
// Being kicked closes the room's window, as /part does: the room is no
// longer ours, so a reconnect must not join it again, and lines typed for it
// are dropped with a note rather than held forever.
#include "client/client_state.hpp"

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/tokens.hpp"

namespace sala::client {

namespace num = irc::numeric;

namespace {

std::vector<std::string> words(std::string_view s) { return irc::split_list(s, ' '); }

// The parameters from `first` on, as typed: "+o-v alice bob".
std::string joined(const std::vector<std::string>& params, std::size_t first)
{
    std::string out;
    for (std::size_t i = first; i < params.size(); ++i)
        out += (out.empty() ? "" : " ") + params[i];
    return out;
}

// /op, /deop, /voice, /devoice: the prefix mode each gives or takes.
struct status_command {
    std::string_view name;
    bool adding;
    char mode;
    const char* usage;
};
constexpr status_command status_commands[] = {
    {"op", true, 'o', "/op nick... (in a room)"},
    {"deop", false, 'o', "/deop nick... (in a room)"},
    {"voice", true, 'v', "/voice nick... (in a room)"},
    {"devoice", false, 'v', "/devoice nick... (in a room)"},
};

}  // namespace

void client_state::handle_mode(const irc::message& m, std::string_view who, clock_time t)
{
    if (m.params.size() < 2)
        return;
    const std::string& target = m.params[0];
    event e{event_kind::mode, t, {}, std::string(who), joined(m.params, 1), irc::same_name(who, nick_), false};
    e.subject = target;
    if (irc::is_channel(target)) {
        auto* w = find_window(target);
        if (!w)
            return;
        for (const auto& change : parse_mode_changes(mode_rules_, m.params, 1)) {
            const char symbol = mode_rules_.symbol_of(change.mode);
            if (symbol == '\0' || change.param.empty())
                continue;
            if (auto* mem = find_member(*w, change.param))
                mem->status = mode_rules_.with_symbol(mem->status, symbol, change.adding);
        }
        e.windows = {target};
    }
    // A user mode (only ours are sent to us) shows in the current window.
    emit(std::move(e));
}

void client_state::handle_kick(const irc::message& m, std::string_view who, clock_time t)
{
    if (m.params.size() < 2)
        return;
    const std::string chan = m.params[0];
    const std::string kicked = m.params[1];
    auto* w = find_window(chan);
    if (!w)
        return;
    const bool us = irc::same_name(kicked, nick_);
    event e{us ? event_kind::kicked : event_kind::kick, t, {chan}, std::string(who),
            m.params.size() > 2 ? m.params[2] : std::string(), irc::same_name(who, nick_), us};
    e.subject = kicked;
    emit(std::move(e));
    if (us) {
        close_window(chan);
        drop_queued_for(chan, t);
    } else {
        remove_member(*w, kicked);
    }
}

void client_state::handle_invite(const irc::message& m, std::string_view who, clock_time t)
{
    // INVITE <nick> <channel>: to us, or (invite-notify) to someone in a room of ours.
    if (m.params.size() < 2)
        return;
    const bool us = irc::same_name(m.params[0], nick_);
    if (!us && !find_window(m.params[1]))
        return;
    event e{us ? event_kind::invited : event_kind::invite, t, {m.params[1]}, std::string(who), {},
            irc::same_name(who, nick_), us};
    e.subject = m.params[0];
    emit(std::move(e));
}

bool client_state::handle_moderation_numeric(const irc::message& m, clock_time t)
{
    const std::string_view code = m.command;
    const auto& p = m.params;
    // p[0] is our nick; the server's own words are last.
    const std::string said = p.empty() ? std::string() : p.back();
    if (code == num::channelmodeis && p.size() >= 3) {
        // Shown when /mode asked; servers may send it on their own too.
        if (modes_shown_.erase(irc::fold(p[1])) > 0)
            info("modes of " + p[1] + ": " + joined(p, 2), t);
        return true;
    }
    if (code == "341" && p.size() >= 3) {  // RPL_INVITING: our /invite went out
        // <nick> <channel> today; RFC 1459 servers put the channel first.
        const bool rfc_order = irc::is_channel(p[1]);
        event e{event_kind::invite, t, {rfc_order ? p[1] : p[2]}, nick_, {}, true, false};
        e.subject = rfc_order ? p[2] : p[1];
        emit(std::move(e));
        return true;
    }
    if (code == "367" && p.size() >= 3) {  // RPL_BANLIST: #room mask [setter [time]]
        info(p[1] + " ban: " + p[2] + (p.size() >= 4 ? " (set by " + p[3] + ")" : std::string()), t);
        return true;
    }
    if (code == "441" && p.size() >= 4) {  // ERR_USERNOTINCHANNEL
        info(p[1] + " is not in " + p[2], t, true);
        return true;
    }
    if (code == "443" && p.size() >= 4) {  // ERR_USERONCHANNEL
        info(p[1] + " is already in " + p[2], t, true);
        return true;
    }
    if (p.size() < 3)
        return false;
    const std::string& chan = p[1];
    if (code == num::cannotsendtochan) {
        info("cannot send to " + chan + ": " + said, t, true);
        return true;
    }
    if (code == num::chanoprivsneeded) {
        info("you are not a channel operator in " + chan + " (" + said + ")", t, true);
        return true;
    }
    // Joining failed: say why in words, and drop what was typed for the room.
    std::string why;
    if (code == "471")
        why = "it is full";
    else if (code == "473")
        why = "it is invite-only";
    else if (code == "474")
        why = "you are banned";
    else if (code == "475")
        why = "it needs a key: /join " + chan + " KEY";
    else
        return false;
    info("cannot join " + chan + ": " + why + " (" + said + ")", t, true);
    drop_queued_for(chan, t);
    return true;
}

bool client_state::run_moderation_command(std::string_view name, std::string_view args, const std::string& here,
                                          clock_time now)
{
    const bool in_room = irc::is_channel(here);
    for (const auto& c : status_commands) {
        if (name != c.name)
            continue;
        const auto nicks = words(args);
        if (usage_ok(!nicks.empty() && in_room, c.usage, now) && online(now))
            for (auto& line : mode_lines(mode_rules_, here, c.adding, c.mode, nicks))
                send("MODE", std::move(line));
        return true;
    }
    if (name == "ban" || name == "unban") {
        const bool adding = name == "ban";
        if (!usage_ok(in_room && (adding || !args.empty()), adding ? "/ban [mask or nick...] (in a room)"
                                                                   : "/unban mask or nick... (in a room)", now)
            || !online(now))
            return true;
        std::vector<std::string> masks;
        for (const auto& w : words(args))
            masks.push_back(ban_mask(w));
        if (masks.empty()) {  // /ban alone lists the bans
            send("MODE", {here, "+b"});
            return true;
        }
        for (auto& line : mode_lines(mode_rules_, here, adding, 'b', masks))
            send("MODE", std::move(line));
    } else if (name == "kick") {
        const auto [nick, reason] = split_word(args);
        if (!usage_ok(!nick.empty() && in_room, "/kick nick [reason] (in a room)", now) || !online(now))
            return true;
        if (reason.empty())
            send("KICK", {here, std::string(nick)});
        else
            send("KICK", {here, std::string(nick), std::string(reason)});
    } else if (name == "mode") {
        // "/mode #room +i" names the room; "/mode +i", "/mode" mean this one;
        // "/mode <our nick> +i" sets our user modes.
        const auto [first, rest] = split_word(args);
        std::string target = here;
        std::string_view modes = args;
        if (irc::is_channel(first) || (!first.empty() && irc::same_name(first, nick_))) {
            target = std::string(first);
            modes = rest;
        }
        if (!usage_ok(!target.empty() && (irc::is_channel(target) || irc::same_name(target, nick_)),
                      "/mode [#room] [modes [params]]", now)
            || !online(now))
            return true;
        std::vector<std::string> params{target};
        for (auto& w : words(modes))
            params.push_back(std::move(w));
        if (params.size() == 1 && irc::is_channel(target))
            modes_shown_.insert(irc::fold(target));
        send("MODE", std::move(params));
    } else if (name == "invite") {
        const auto [nick, rest] = split_word(args);
        const std::string room = rest.empty() ? here : std::string(split_word(rest).first);
        if (!usage_ok(!nick.empty() && irc::is_channel(room), "/invite nick [#room]", now) || !online(now))
            return true;
        send("INVITE", {std::string(nick), room});
    } else {
        return false;
    }
    return true;
}

}  // namespace sala::client
