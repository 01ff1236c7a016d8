// Channel moderation: MODE on a channel, KICK and INVITE are checked for
// form here and decided by the room, whose answers (channel_facts.hpp) come
// back to room_answered() as numerics.
#include <string>
#include <type_traits>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/session_protocol.hpp"
#include "irc/text.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

void session_protocol::on_channel_mode(effects& out, const message& msg)
{
    const std::string& target = msg.params[0];
    if (msg.params.size() == 1) {
        out.emplace_back(effect::query{effect::query_kind::channel_mode, target});
        return;
    }
    auto key = fold(target);
    const auto* shown = joined_name(key);
    std::vector<std::string> params(msg.params.begin() + 1, msg.params.end());
    out.emplace_back(effect::channel_mode{std::move(key), shown != nullptr ? *shown : target, std::move(params),
        shown != nullptr});
}

void session_protocol::on_kick(effects& out, const message& msg)
{
    const std::string& name = msg.params[0];
    auto key = fold(name);
    if (joined_name(key) == nullptr) {
        out.emplace_back(effect::check_channel{name, effect::lookup_purpose::kick});
        return;
    }
    const std::string reason(msg.params.size() > 2 && !msg.params[2].empty()
            ? truncate_utf8(msg.params[2], settings_.topic_len)
            : std::string_view(nick_));
    // Capped like PRIVMSG targets: each KICK is a line to every member.
    auto targets = split_list(msg.params[1], ',');
    if (targets.size() > max_targets)
        targets.resize(max_targets);
    for (auto& target : targets)
        out.emplace_back(effect::kick{key, std::move(target), reason});
}

void session_protocol::on_invite(effects& out, const message& msg)
{
    const std::string& nick = msg.params[0];
    const std::string& name = msg.params[1];
    auto key = fold(name);
    if (joined_name(key) == nullptr) {
        out.emplace_back(effect::check_channel{name, effect::lookup_purpose::invite});
        return;
    }
    out.emplace_back(effect::invite{std::move(key), nick});
}

namespace {

std::string_view join_refusal_text(core::join_verdict why)
{
    switch (why) {
    case core::join_verdict::banned:
        return "Cannot join channel (+b)";
    case core::join_verdict::invite_only:
        return "Cannot join channel (+i)";
    case core::join_verdict::bad_key:
        return "Cannot join channel (+k)";
    case core::join_verdict::full:
        return "Cannot join channel (+l)";
    case core::join_verdict::ok:
        break;
    }
    return "Cannot join channel";
}

std::string_view speak_refusal_text(core::speak_verdict why)
{
    switch (why) {
    case core::speak_verdict::not_member:
        return "Cannot send to channel (no external messages)";
    case core::speak_verdict::moderated:
        return "Cannot send to channel (+m)";
    case core::speak_verdict::banned:
        return "Cannot send to channel (you're banned)";
    case core::speak_verdict::ok:
        break;
    }
    return "Cannot send to channel";
}

struct list_numerics {
    std::string_view entry;
    std::string_view end;
    std::string_view end_text;
};

list_numerics numerics_of(core::mode_list list)
{
    switch (list) {
    case core::mode_list::ban:
        return {numeric::banlist, numeric::endofbanlist, "End of channel ban list"};
    case core::mode_list::ban_exception:
        return {numeric::exceptlist, numeric::endofexceptlist, "End of channel exception list"};
    case core::mode_list::invite_exception:
        return {numeric::invitelist, numeric::endofinvitelist, "End of channel invite list"};
    }
    return {numeric::banlist, numeric::endofbanlist, "End of channel ban list"};
}

constexpr std::string_view need_op_text = "You're not channel operator";
constexpr std::string_view not_there_text = "They aren't on that channel";

}  // namespace

session_protocol::effects session_protocol::room_answered(const any_room_fact& fact)
{
    effects out;
    std::visit(
        [&](const auto& f) {
            using fact_type = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<fact_type, room_fact::join_refused>) {
                left(f.key);
                reply(out, std::to_string(static_cast<int>(f.why)), {f.channel}, join_refusal_text(f.why));
            } else if constexpr (std::is_same_v<fact_type, room_fact::removed>) {
                left(f.key);
            } else if constexpr (std::is_same_v<fact_type, room_fact::mode_answered>) {
                for (const auto& p : f.problems) {
                    switch (p.error) {
                    case core::mode_error::need_op:
                        reply(out, numeric::chanoprivsneeded, {f.channel}, need_op_text);
                        break;
                    case core::mode_error::not_on_channel:
                        reply(out, numeric::usernotinchannel, {p.param, f.channel}, not_there_text);
                        break;
                    case core::mode_error::unknown_mode:
                        // A mode string is read byte by byte: a byte of a
                        // UTF-8 character alone is not text to echo.
                        if (p.letter > ' ' && p.letter < 0x7f)
                            reply(out, numeric::unknownmode, {p.param}, "is unknown mode char to me");
                        break;
                    case core::mode_error::list_full:
                        reply(out, numeric::banlistfull, {f.channel, p.param}, "Channel list is full");
                        break;
                    case core::mode_error::bad_param: {
                        // A key is never echoed (it may be a near-miss of a
                        // real one), nor text that is not one word.
                        const bool echo = p.letter != 'k' && !p.param.empty()
                            && p.param.find(' ') == std::string::npos && p.param.front() != ':';
                        reply(out, numeric::invalidmodeparam,
                            {f.channel, std::string(1, p.letter), echo ? std::string_view(p.param) : "*"},
                            "Invalid mode parameter");
                        break;
                    }
                    case core::mode_error::no_such_nick:
                        reply(out, numeric::nosuchnick, {p.param}, "No such nick/channel");
                        break;
                    }
                }
                for (const auto& [list, entries] : f.lists) {
                    const auto codes = numerics_of(list);
                    for (const auto& e : entries)
                        reply(out, codes.entry, {f.channel, e.mask, e.set_by, std::to_string(e.set_at)});
                    reply(out, codes.end, {f.channel}, codes.end_text);
                }
            } else if constexpr (std::is_same_v<fact_type, room_fact::kick_refused>) {
                if (f.why == room_fact::refusal::need_op)
                    reply(out, numeric::chanoprivsneeded, {f.channel}, need_op_text);
                else
                    reply(out, numeric::usernotinchannel, {f.target, f.channel}, not_there_text);
            } else if constexpr (std::is_same_v<fact_type, room_fact::invite_answered>) {
                if (f.invited)
                    reply(out, numeric::inviting, {f.target, f.channel});
                else if (f.why == room_fact::refusal::need_op)
                    reply(out, numeric::chanoprivsneeded, {f.channel}, need_op_text);
                else if (f.why == room_fact::refusal::target_on_channel)
                    reply(out, numeric::useronchannel, {f.target, f.channel}, "is already on channel");
                else
                    reply(out, numeric::nosuchnick, {f.target}, "No such nick/channel");
            } else if constexpr (std::is_same_v<fact_type, room_fact::topic_refused>) {
                reply(out, numeric::chanoprivsneeded, {f.channel}, need_op_text);
            } else if constexpr (std::is_same_v<fact_type, room_fact::message_refused>) {
                if (!f.notice)
                    reply(out, numeric::cannotsendtochan, {f.channel}, speak_refusal_text(f.why));
            } else {
                static_assert(std::is_same_v<fact_type, room_fact::no_such_channel>);
                if (f.message)
                    reply(out, numeric::nosuchnick, {f.channel}, "No such nick/channel");
                else
                    reply(out, numeric::nosuchchannel, {f.channel}, "No such channel");
            }
        },
        fact);
    return out;
}

}  // namespace sala::irc
