// WHO and WHOX (IRCv3 whox): the request is parsed here, the directory finds
// the users, and the replies are formatted here from those facts.
#include <algorithm>
#include <string>

#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"

namespace sala::irc {

namespace {

// WHOX answers its fields in this order, whatever order they were asked in.
constexpr std::string_view whox_order = "tcuihsnfdlaor";

bool valid_token(std::string_view token)
{
    return !token.empty() && token.size() <= 3
        && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string flags_of(const who_entry& e, bool multi_prefix)
{
    std::string flags = e.away ? "G" : "H";
    if (e.server_operator)
        flags += '*';
    if (e.bot)
        flags += 'B';
    return flags + core::status_prefixes(e.status, multi_prefix);
}

}  // namespace

void session_protocol::on_who(effects& out, const message& msg)
{
    effect::who w;
    w.mask = msg.params.empty() || msg.params[0].empty() ? "*" : msg.params[0];
    if (msg.params.size() > 1 && msg.params[1].starts_with('%')) {
        const std::string_view spec = std::string_view(msg.params[1]).substr(1);
        const auto comma = spec.find(',');
        w.whox = true;
        w.fields = std::string(spec.substr(0, comma));
        // A token is echoed back only when it is what the spec allows.
        if (comma != std::string_view::npos && valid_token(spec.substr(comma + 1)))
            w.token = std::string(spec.substr(comma + 1));
    }
    out.emplace_back(std::move(w));
}

session_protocol::effects session_protocol::who_answered(const effect::who& asked, const std::vector<who_entry>& found) const
{
    effects out;
    const auto& server = settings_.server_name;
    std::string text;
    for (const auto& e : found) {
        if (!asked.whox) {
            text += numeric_line(numeric::whoreply, {e.channel, e.user, e.host, server, e.nick, flags_of(e, has(cap::multi_prefix))},
                "0 " + e.realname);
            continue;
        }
        std::string line = ":" + server + " " + std::string(numeric::whospcrpl) + " " + nick_;
        for (char field : whox_order) {
            if (asked.fields.find(field) == std::string::npos)
                continue;
            std::string value;
            switch (field) {
            case 't': value = asked.token.empty() ? std::string() : asked.token; break;
            case 'c': value = e.channel; break;
            case 'u': value = e.user; break;
            case 'i': value = e.host; break;  // hosts are addresses here
            case 'h': value = e.host; break;
            case 's': value = server; break;
            case 'n': value = e.nick; break;
            case 'f': value = flags_of(e, has(cap::multi_prefix)); break;
            case 'd': value = "0"; break;  // hops: a single server
            case 'l': value = std::to_string(e.idle_seconds); break;
            case 'a': value = e.account.empty() ? "0" : e.account; break;
            case 'o': value = "n/a"; break;
            case 'r': value = ":" + e.realname; break;  // last, and may hold spaces
            default: break;
            }
            if (field == 't' && value.empty())
                continue;
            line += ' ';
            line += value.empty() ? "*" : value;
        }
        line += "\r\n";
        fit_line(line);
        text += line;
    }
    text += numeric_line(numeric::endofwho, {asked.mask}, "End of /WHO list.");
    out.emplace_back(effect::send{std::move(text)});
    return out;
}

}  // namespace sala::irc
