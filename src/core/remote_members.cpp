#include "core/remote_members.hpp"

#include "irc/message.hpp"
#include "irc/names.hpp"

namespace sala::core {

namespace {

std::string nick_of(const std::string& prefix) { return prefix.substr(0, prefix.find('!')); }

}  // namespace

bool remote_members::apply(const history_entry& e, const std::string& node)
{
    if (!is_event(e.kind) || e.kind == history_kind::topic || e.kind == history_kind::mode)
        return false;
    std::string_view line = e.line;
    while (line.ends_with('\n') || line.ends_with('\r'))
        line.remove_suffix(1);
    const auto parsed = irc::parse(line);
    if (!parsed.msg || parsed.msg->prefix.empty())
        return false;
    const auto& m = *parsed.msg;
    const auto nick = nick_of(m.prefix);
    auto& members = rooms_[e.target];
    bool changed = false;
    switch (e.kind) {
    case history_kind::join:
        members.insert_or_assign(irc::fold(nick), remote_member{nick, m.prefix, node});
        changed = true;
        break;
    case history_kind::part:
    case history_kind::quit:
        changed = members.erase(irc::fold(nick)) > 0;
        break;
    case history_kind::kick:
        changed = m.params.size() >= 2 && members.erase(irc::fold(m.params[1])) > 0;
        break;
    case history_kind::nick:
        if (auto it = members.find(irc::fold(nick)); it != members.end() && !m.params.empty()) {
            auto renamed = std::move(it->second);
            members.erase(it);
            const auto& to = m.params[0];
            renamed.prefix = to + renamed.prefix.substr(renamed.nick.size());
            renamed.nick = to;
            members.insert_or_assign(irc::fold(to), std::move(renamed));
            changed = true;
        }
        break;
    default:
        break;
    }
    if (members.empty())
        rooms_.erase(e.target);
    return changed;
}

const std::map<std::string, remote_member>& remote_members::of(const std::string& room) const
{
    static const std::map<std::string, remote_member> nobody;
    const auto it = rooms_.find(room);
    return it == rooms_.end() ? nobody : it->second;
}

std::vector<lost_user> remote_members::forget_node(const std::string& node)
{
    std::map<std::string, lost_user> lost;  // by prefix: one per user, whatever its rooms
    for (auto room = rooms_.begin(); room != rooms_.end();) {
        auto& members = room->second;
        for (auto it = members.begin(); it != members.end();) {
            if (it->second.node != node) {
                ++it;
                continue;
            }
            auto& user = lost[it->second.prefix];
            user.prefix = it->second.prefix;
            user.rooms.push_back(room->first);
            it = members.erase(it);
        }
        room = members.empty() ? rooms_.erase(room) : std::next(room);
    }
    std::vector<lost_user> out;
    out.reserve(lost.size());
    for (auto& [prefix, user] : lost)
        out.push_back(std::move(user));
    return out;
}

}  // namespace sala::core
