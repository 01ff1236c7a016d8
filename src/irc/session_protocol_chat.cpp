// Channels, messages and queries: checked here, carried out by the server.
#include <algorithm>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/text.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

const std::string* session_protocol::joined_name(std::string_view key) const
{
    const auto it = std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c.first == key; });
    return it == channels_.end() ? nullptr : &it->second;
}

void session_protocol::on_join(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::needmoreparams, {"JOIN"}, "Not enough parameters");
        return;
    }
    if (msg.params[0] == "0") {
        const auto all = channels_;
        for (const auto& c : all)
            part_one(out, c.second, "Left all channels");
        return;
    }
    // Keys pair with channels in order (JOIN #a,#b keyA,keyB).
    const auto names = split_list(msg.params[0], ',');
    const auto keys = msg.params.size() > 1 ? split_list(msg.params[1], ',') : std::vector<std::string>();
    for (std::size_t i = 0; i < names.size(); ++i)
        join_one(out, names[i], i < keys.size() ? std::string_view(keys[i]) : std::string_view());
}

void session_protocol::join_one(effects& out, const std::string& name, std::string_view channel_key)
{
    if (!valid_channel(name, settings_.channel_len)) {
        reply(out, numeric::nosuchchannel, {name}, "No such channel");
        return;
    }
    auto key = fold(name);
    if (joined_name(key) != nullptr)
        return;
    if (channels_.size() >= settings_.max_channels) {
        reply(out, "405", {name}, "You have joined too many channels");
        return;
    }
    // Counted as joined now, so a later JOIN in the same line sees it; the
    // room's own spelling of the name arrives with joined().
    channels_.emplace_back(key, name);
    out.emplace_back(effect::join{std::move(key), name, std::string(channel_key)});
}

void session_protocol::left(std::string_view key)
{
    std::erase_if(channels_, [&](const auto& c) { return c.first == key; });
}

void session_protocol::joined(std::string_view key, std::string_view name)
{
    for (auto& c : channels_)
        if (c.first == key)
            c.second = name;
}

void session_protocol::on_part(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::needmoreparams, {"PART"}, "Not enough parameters");
        return;
    }
    const std::string_view reason = msg.params.size() > 1 ? std::string_view(msg.params[1]) : std::string_view();
    for (const auto& name : split_list(msg.params[0], ','))
        part_one(out, name, reason);
}

void session_protocol::part_one(effects& out, const std::string& name, std::string_view reason)
{
    auto key = fold(name);
    const auto it = std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c.first == key; });
    if (it == channels_.end()) {
        out.emplace_back(effect::check_channel{name, effect::lookup_purpose::part});
        return;
    }
    auto line = reason.empty() ? relay(prefix_, "PART", {it->second})
                               : relay(prefix_, "PART", {it->second}, truncate_utf8(reason, settings_.topic_len));
    channels_.erase(it);
    out.emplace_back(effect::part{std::move(key), std::move(line)});
}

session_protocol::effects session_protocol::channel_checked(const effect::check_channel& asked, bool exists)
{
    effects out;
    const auto& name = asked.name;
    if (!exists)
        reply(out, numeric::nosuchchannel, {name}, "No such channel");
    else
        reply(out, numeric::notonchannel, {name}, "You're not on that channel");
    return out;
}

void session_protocol::on_topic(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::needmoreparams, {"TOPIC"}, "Not enough parameters");
        return;
    }
    const std::string& name = msg.params[0];
    if (msg.params.size() == 1) {
        out.emplace_back(effect::query{effect::query_kind::topic, name});
        return;
    }
    auto key = fold(name);
    const auto* shown = joined_name(key);
    if (shown == nullptr) {
        reply(out, numeric::notonchannel, {name}, "You're not on that channel");
        return;
    }
    std::string text(truncate_utf8(msg.params[1], settings_.topic_len));
    auto line = relay(prefix_, "TOPIC", {*shown}, text);
    out.emplace_back(effect::set_topic{std::move(key), std::move(text), std::move(line)});
}

void session_protocol::on_names(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::endofnames, {"*"}, "End of /NAMES list.");
        return;
    }
    // Capped like PRIVMSG targets: otherwise one 512-byte line naming a big
    // channel 80 times asks for 80 member lists, a 50-fold amplification.
    auto names = split_list(msg.params[0], ',');
    if (names.size() > max_targets)
        names.resize(max_targets);
    for (auto& name : names)
        out.emplace_back(effect::query{effect::query_kind::names, std::move(name)});
}

void session_protocol::on_message(effects& out, const message& msg)
{
    const std::string cmd = to_upper(msg.command);
    const bool notice = cmd == "NOTICE";
    const bool tagmsg = cmd == "TAGMSG";
    if (msg.params.empty() || msg.params[0].empty()) {
        if (!notice)
            reply(out, numeric::norecipient, {}, "No recipient given (" + cmd + ")");
        return;
    }
    if (!tagmsg && (msg.params.size() < 2 || msg.params[1].empty())) {
        if (!notice)
            reply(out, numeric::notexttosend, {}, "No text to send");
        return;
    }
    std::string client_tags;
    if (has(cap::message_tags)) {
        std::vector<tag> kept;
        for (const auto& t : msg.tags)
            if (!t.key.empty() && t.key.front() == '+')
                kept.push_back(t);
        client_tags = serialize_tags(kept);
    }
    if (tagmsg && client_tags.empty())
        return;  // nothing to relay
    // IRCv3 bot-mode: recipients with message-tags learn that a bot sent it.
    if (bot_)
        client_tags = client_tags.empty() ? std::string("bot") : "bot;" + client_tags;
    const std::string_view text = tagmsg ? std::string_view() : std::string_view(msg.params[1]);
    auto make_line = [&](std::string_view shown_target) {
        if (tagmsg)
            return relay(prefix_, cmd, {shown_target}, std::nullopt, settings_.max_line);
        // The relayed line adds our prefix; cut the text (at a character
        // boundary) so that what others receive fits the line limit too.
        const auto overhead = 1 + prefix_.size() + 1 + cmd.size() + 1 + shown_target.size() + 2 + 2;
        const auto max_line = settings_.max_line;
        return relay(prefix_, cmd, {shown_target}, truncate_utf8(text, max_line > overhead ? max_line - overhead : 0),
            max_line);
    };
    auto targets = split_list(msg.params[0], ',');
    if (targets.size() > max_targets)
        targets.resize(max_targets);
    for (auto& target : targets) {
        // Never relayed, never echoed: what goes to NickServ holds passwords.
        if (same_name(target, "NickServ")) {
            if (cmd == "PRIVMSG")
                nickserv(out, text);
            continue;
        }
        if (same_name(target, "ChanServ")) {
            if (cmd == "PRIVMSG")
                chanserv(out, text);
            continue;
        }
        if (!is_channel(target) && !((target.front() == '@' || target.front() == '+')
                                       && is_channel(std::string_view(target).substr(1)))) {
            auto line = make_line(target);
            out.emplace_back(effect::private_message{std::move(target), std::move(line), client_tags, !tagmsg, notice});
            continue;
        }
        // STATUSMSG (@#chan, +#chan): to those members with that status or higher.
        char status_prefix = 0;
        if ((target.front() == '@' || target.front() == '+') && is_channel(std::string_view(target).substr(1))) {
            status_prefix = target.front();
            target.erase(0, 1);
        }
        auto key = fold(target);
        const auto* shown = joined_name(key);
        // From outside the channel: its modes decide (+n), in the room.
        const std::string_view name = shown != nullptr ? std::string_view(*shown) : std::string_view(target);
        auto line = make_line(status_prefix == 0 ? std::string(name) : status_prefix + std::string(name));
        out.emplace_back(effect::channel_message{std::move(key), std::move(target), shown != nullptr, status_prefix,
            std::move(line), client_tags, !tagmsg, has(cap::echo_message), notice});
    }
}

session_protocol::effects session_protocol::private_delivered(
    const effect::private_message& sent, const std::optional<recipient>& to)
{
    effects out;
    if (!to) {
        if (!sent.notice)
            reply(out, numeric::nosuchnick, {sent.target}, "No such nick/channel");
        return out;
    }
    if (!sent.notice && sent.is_chat && !to->away.empty())
        reply(out, numeric::away, {to->nick}, to->away);
    return out;
}

}  // namespace sala::irc
