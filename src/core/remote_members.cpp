#include "core/remote_members.hpp"

#include "irc/message.hpp"
#include "irc/names.hpp"

namespace sala::core {

namespace {

std::string nick_of(const std::string& prefix) { return prefix.substr(0, prefix.find('!')); }

}  // namespace

bool remote_members::apply(const history_entry& e)
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
        changed = members.insert_or_assign(irc::fold(nick), nick).second;
        break;
    case history_kind::part:
    case history_kind::quit:
        changed = members.erase(irc::fold(nick)) > 0;
        break;
    case history_kind::kick:
        changed = m.params.size() >= 2 && members.erase(irc::fold(m.params[1])) > 0;
        break;
    case history_kind::nick:
        if (!m.params.empty() && members.erase(irc::fold(nick)) > 0) {
            members.insert_or_assign(irc::fold(m.params[0]), m.params[0]);
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

const std::map<std::string, std::string>& remote_members::of(const std::string& room) const
{
    static const std::map<std::string, std::string> nobody;
    const auto it = rooms_.find(room);
    return it == rooms_.end() ? nobody : it->second;
}

}  // namespace sala::core
