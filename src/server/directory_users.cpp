// The directory's part of USERHOST, ISON, WHOWAS and MONITOR: facts about
// users, answered on the hub for the protocol to format.
#include <chrono>

#include "server/directory.hpp"

namespace sala::server {

std::vector<irc::user_presence> directory::present(const std::vector<std::string>& nicks) const
{
    std::vector<irc::user_presence> found;
    for (const auto& nick : nicks)
        if (auto u = find_user(nick); u && u->registered)
            found.push_back({u->nick, u->user, u->host, !u->away.empty()});
    return found;
}

std::vector<irc::past_user> directory::whowas(std::string_view nick_or_mask, std::size_t max) const
{
    return whowas_.find(nick_or_mask, max);
}

irc::monitor_facts directory::monitor(const user_ptr& watcher, const irc::effect::monitor& asked)
{
    return monitors_.handle(watcher, asked, *this);
}

void directory::nick_gone(const user_record& u, const std::string& old_nick)
{
    const auto now = std::chrono::system_clock::now();
    whowas_.record({old_nick, u.user, u.host, u.realname,
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()});
    monitors_.went_offline(old_nick);
}

}  // namespace sala::server
