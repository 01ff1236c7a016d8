// Commands about users rather than channels: USERHOST, ISON, WHOWAS, MONITOR
// and SETNAME (IRCv3), checked here; the directory finds the facts and the
// replies are formatted here from them.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

enum class lines : std::uint8_t { as_needed, at_least_one, exactly_one };

// Numerics whose trailing parameter lists `items` joined by `sep`. `head` is
// the line up to that parameter (":server CODE nick :"). An item that does
// not fit starts the next line, or with lines::exactly_one is left out:
// ISON has one reply line, and clients match it to their request.
void reply_list(session_protocol::effects& out, const std::string& head, const std::vector<std::string>& items,
    char sep, lines mode)
{
    const auto budget = wire_line_max - 2;
    std::string text;
    std::string line = head;
    bool empty = true;
    auto finish = [&] {
        line += "\r\n";
        fit_line(line);
        text += line;
        line = head;
        empty = true;
    };
    for (const auto& item : items) {
        if (!empty && line.size() + 1 + item.size() > budget) {
            if (mode == lines::exactly_one)
                continue;
            finish();
        }
        if (!empty)
            line += sep;
        line += item;
        empty = false;
    }
    if (!empty || (mode != lines::as_needed && text.empty()))
        finish();
    if (!text.empty())
        out.emplace_back(effect::send{std::move(text)});
}

// Every word of every parameter: "ISON a b" and "ISON :a b" ask the same.
std::vector<std::string> words_of(const message& msg)
{
    std::vector<std::string> words;
    for (const auto& p : msg.params)
        for (auto& w : split_list(p, ' '))
            words.push_back(std::move(w));
    return words;
}

// A nick, or a mask of nick characters with * and ?: what WHOWAS may look up.
bool valid_nick_or_mask(std::string_view s, std::size_t max_len)
{
    std::string probe(s);
    for (char& c : probe)
        if (c == '*' || c == '?')
            c = 'a';  // a wildcard stands for some nick character
    return valid_nick(probe, max_len);
}

// WHOWAS shows when the nick was let go, in UTC.
std::string signoff_text(std::int64_t unix_seconds)
{
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    if (gmtime_r(&t, &utc) == nullptr)
        return "unknown time";
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &utc);
    return n == 0 ? std::string("unknown time") : std::string(buf, n);
}

}  // namespace

void session_protocol::on_userhost(effects& out, const message& msg)
{
    auto nicks = words_of(msg);
    if (nicks.empty()) {
        reply(out, numeric::needmoreparams, {"USERHOST"}, "Not enough parameters");
        return;
    }
    if (nicks.size() > max_userhost_nicks)
        nicks.resize(max_userhost_nicks);
    out.emplace_back(effect::find_users{effect::user_lookup::userhost, std::move(nicks)});
}

void session_protocol::on_ison(effects& out, const message& msg)
{
    auto nicks = words_of(msg);
    if (nicks.empty()) {
        reply(out, numeric::needmoreparams, {"ISON"}, "Not enough parameters");
        return;
    }
    out.emplace_back(effect::find_users{effect::user_lookup::ison, std::move(nicks)});
}

session_protocol::effects session_protocol::users_found(
    const effect::find_users& asked, const std::vector<user_presence>& found) const
{
    effects out;
    std::vector<std::string> items;
    items.reserve(found.size());
    if (asked.kind == effect::user_lookup::ison) {
        for (const auto& u : found)
            items.push_back(u.nick);
        reply_list(out, ":" + settings_.server_name + " 303 " + nick_or_star() + " :", items, ' ', lines::exactly_one);
        return out;
    }
    // nick=+user@host, '-' when away; a '*' after the nick would mark an operator.
    for (const auto& u : found)
        items.push_back(u.nick + (u.away ? "=-" : "=+") + u.user + "@" + u.host);
    reply_list(out, ":" + settings_.server_name + " 302 " + nick_or_star() + " :", items, ' ', lines::at_least_one);
    return out;
}

void session_protocol::on_whowas(effects& out, const message& msg)
{
    if (msg.params.empty() || msg.params[0].empty()) {
        reply(out, numeric::nonicknamegiven, {}, "No nickname given");
        return;
    }
    const std::string& nick = msg.params[0];
    if (!valid_nick_or_mask(nick, settings_.nick_len)) {
        // Nobody ever had it. Echoed only when it cannot break the reply line.
        const bool echoable = nick.find(' ') == std::string::npos && nick.front() != ':';
        const std::string_view shown = echoable ? std::string_view(nick) : std::string_view("*");
        reply(out, numeric::wasnosuchnick, {shown}, "There was no such nickname");
        reply(out, numeric::endofwhowas, {shown}, "End of WHOWAS");
        return;
    }
    // A count that is not a positive number asks for everything (RFC 1459).
    std::size_t count = max_whowas_entries;
    if (msg.params.size() > 1) {
        const auto& text = msg.params[1];
        long long n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc{} && end == text.data() + text.size() && n > 0)
            count = std::min(max_whowas_entries, static_cast<std::size_t>(n));
    }
    out.emplace_back(effect::whowas{nick, count});
}

session_protocol::effects session_protocol::whowas_answered(
    const effect::whowas& asked, const std::vector<past_user>& found) const
{
    effects out;
    std::string text;
    if (found.empty())
        text += numeric_line(numeric::wasnosuchnick, {asked.nick}, "There was no such nickname");
    for (std::size_t i = 0; i < found.size() && i < asked.count; ++i) {
        const auto& e = found[i];
        text += numeric_line(numeric::whowasuser, {e.nick, e.user, e.host, "*"}, e.realname);
        text += numeric_line(numeric::whoisserver, {e.nick, settings_.server_name}, signoff_text(e.signoff));
    }
    text += numeric_line(numeric::endofwhowas, {asked.nick}, "End of WHOWAS");
    out.emplace_back(effect::send{std::move(text)});
    return out;
}

void session_protocol::on_monitor(effects& out, const message& msg)
{
    using action = effect::monitor_action;
    const auto op = to_upper(msg.params[0]);
    if (op == "+" || op == "-") {
        if (msg.params.size() < 2 || msg.params[1].empty()) {
            reply(out, numeric::needmoreparams, {"MONITOR"}, "Not enough parameters");
            return;
        }
        effect::monitor m{op == "+" ? action::add : action::remove, {}};
        // Targets must be nicks: no masks, so nobody follows a user across nick changes.
        for (auto& t : split_list(msg.params[1], ','))
            if (valid_nick(t, settings_.nick_len))
                m.targets.push_back(std::move(t));
        if (!m.targets.empty())
            out.emplace_back(std::move(m));
    } else if (op == "C") {
        out.emplace_back(effect::monitor{action::clear, {}});
    } else if (op == "L") {
        out.emplace_back(effect::monitor{action::list, {}});
    } else if (op == "S") {
        out.emplace_back(effect::monitor{action::status, {}});
    }
}

session_protocol::effects session_protocol::monitor_answered(const effect::monitor& asked, const monitor_facts& facts) const
{
    effects out;
    const auto head = [&](std::string_view code) {
        return ":" + settings_.server_name + " " + std::string(code) + " " + nick_or_star() + " :";
    };
    using action = effect::monitor_action;
    switch (asked.action) {
    case action::add:
    case action::status:
        reply_list(out, head(numeric::mononline), facts.online, ',', lines::as_needed);
        reply_list(out, head(numeric::monoffline), facts.offline, ',', lines::as_needed);
        break;
    case action::list:
        reply_list(out, head(numeric::monlist), facts.listed, ',', lines::as_needed);
        reply(out, numeric::endofmonlist, {}, "End of MONITOR list");
        break;
    case action::remove:
    case action::clear:
        break;
    }
    if (asked.action == action::add && !facts.refused.empty()) {
        // The targets as sent, as many as leave room for the rest of the line.
        std::string refused;
        for (const auto& t : facts.refused) {
            if (refused.size() + 1 + t.size() > 300)
                break;
            refused += (refused.empty() ? "" : ",") + t;
        }
        reply(out, numeric::monlistfull, {std::to_string(settings_.monitor_limit), refused}, "Monitor list is full.");
    }
    return out;
}

std::string session_protocol::monitor_notice(const monitor_change& change) const
{
    if (!registered_)
        return {};
    return numeric_line(change.online ? numeric::mononline : numeric::monoffline, {}, change.who);
}

void session_protocol::on_setname(effects& out, const message& msg)
{
    const std::string& realname = msg.params[0];
    if (realname.empty() || realname.size() > settings_.realname_len) {
        out.emplace_back(effect::send{
            relay(settings_.server_name, "FAIL", {"SETNAME", "INVALID_REALNAME"}, "Realname is not valid")});
        return;
    }
    realname_ = realname;
    auto line = relay(prefix_, "SETNAME", {}, realname);
    out.emplace_back(effect::set_realname{realname, line});
    // Without the capability the change is made silently, as before SETNAME had one.
    if (has(cap::setname))
        out.emplace_back(effect::send{std::move(line)});
}

std::string session_protocol::user_modes() const
{
    std::string letters;
    if (invisible_)
        letters += 'i';
    if (bot_)
        letters += 'B';
    if (server_operator_)
        letters += 'o';
    if (wallops_)
        letters += 'w';
    return letters;
}

}  // namespace sala::irc
