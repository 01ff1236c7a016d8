// Answers to queries about channels (effect::query): the server finds the
// facts, formatted here with the asker's nick.
#include "irc/numerics.hpp"
#include "irc/session_protocol.hpp"

namespace sala::irc {

session_protocol::effects session_protocol::list_answered(const std::vector<listed_channel>& found) const
{
    effects out;
    out.emplace_back(effect::send{list_reply(settings_.server_name, nick_, found)});
    return out;
}

session_protocol::effects session_protocol::topic_answered(
    const effect::query& asked, const std::optional<channel_topic_facts>& found) const
{
    effects out;
    if (!found)
        reply(out, numeric::nosuchchannel, {asked.target}, "No such channel");
    else
        out.emplace_back(effect::send{topic_reply(settings_.server_name, nick_, found->name, found->topic)});
    return out;
}

session_protocol::effects session_protocol::names_answered(
    const effect::query& asked, const std::optional<channel_names>& found) const
{
    effects out;
    // Nothing to show is still an answer: 366 alone, as for an empty channel.
    static const std::vector<std::string> none;
    out.emplace_back(effect::send{found
            ? names_reply(settings_.server_name, nick_, found->name, found->secret, found->nick_lines)
            : names_reply(settings_.server_name, nick_, asked.target, false, none)});
    return out;
}

session_protocol::effects session_protocol::channel_modes_answered(
    const effect::query& asked, const std::optional<channel_mode_facts>& found) const
{
    effects out;
    if (!found)
        reply(out, numeric::nosuchchannel, {asked.target}, "No such channel");
    else
        out.emplace_back(effect::send{channel_modes_reply(settings_.server_name, nick_, *found)});
    return out;
}

}  // namespace sala::irc
