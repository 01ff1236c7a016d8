// WHOIS: the nick is taken from the request here, the directory finds what it
// knows of that user, and the reply lines are formatted here from those facts.
#include <string>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/session_protocol.hpp"

namespace sala::irc {

void session_protocol::on_whois(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::nonicknamegiven, {}, "No nickname given");
        return;
    }
    // "WHOIS server nick" names the nick last too.
    out.emplace_back(effect::whois{msg.params.back()});
}

session_protocol::effects session_protocol::whois_answered(
    const effect::whois& asked, const std::optional<whois_facts>& found) const
{
    effects out;
    if (!found) {
        out.emplace_back(effect::send{numeric_line(numeric::nosuchnick, {asked.nick}, "No such nick/channel")
            + numeric_line(numeric::endofwhois, {asked.nick}, "End of /WHOIS list.")});
        return out;
    }
    const auto& u = *found;
    std::string text = numeric_line(numeric::whoisuser, {u.nick, u.user, u.host, "*"}, u.realname);
    // Each channel with the user's status in it; as many 319 lines as the
    // line limit needs, so a user in many long-named channels is never cut.
    const std::string head_of_319 = numeric_line(numeric::whoischannels, {u.nick}, "");
    const std::size_t room_for_channels = settings_.max_line > head_of_319.size() ? settings_.max_line - head_of_319.size() : 0;
    std::string chans;
    const bool multi_prefix = has(cap::multi_prefix);
    for (const auto& c : u.channels) {
        auto shown = core::status_prefixes(c.status, multi_prefix) + c.name;
        if (!chans.empty() && chans.size() + 1 + shown.size() > room_for_channels) {
            text += numeric_line(numeric::whoischannels, {u.nick}, chans);
            chans.clear();
        }
        if (!chans.empty())
            chans += ' ';
        chans += shown;
    }
    if (!chans.empty())
        text += numeric_line(numeric::whoischannels, {u.nick}, chans);
    text += numeric_line(numeric::whoisserver, {u.nick, settings_.server_name}, settings_.description);
    if (!u.away.empty())
        text += numeric_line(numeric::away, {u.nick}, u.away);
    if (u.server_operator)
        text += numeric_line(numeric::whoisoperator, {u.nick}, "is an IRC operator");
    if (u.bot)
        text += numeric_line(numeric::whoisbot, {u.nick}, "is a bot on " + settings_.network);
    if (u.secure)
        text += numeric_line(numeric::whoissecure, {u.nick}, "is using a secure connection");
    if (!u.account.empty())
        text += numeric_line(numeric::whoisaccount, {u.nick, u.account}, "is logged in as");
    // A fingerprint identifies its holder across nicks: only they see it
    // (and, once there are server operators, those too). Decided here, where
    // the asker's own nick is known, rather than by whoever gathered the facts.
    if (!u.certfp.empty() && same_name(nick_, u.nick))
        text += numeric_line(numeric::whoiscertfp, {u.nick}, "has client certificate fingerprint " + u.certfp);
    text += numeric_line(numeric::whoisidle, {u.nick, std::to_string(u.idle_seconds), std::to_string(u.signon)},
        "seconds idle, signon time");
    text += numeric_line(numeric::endofwhois, {u.nick}, "End of /WHOIS list.");
    out.emplace_back(effect::send{std::move(text)});
    return out;
}

}  // namespace sala::irc
