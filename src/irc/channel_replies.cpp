// Channel replies: the lines, from facts.
#include "irc/channel_replies.hpp"

#include <algorithm>

#include "irc/numerics.hpp"
#include "irc/replies.hpp"

namespace sala::irc {

void add_to_nick_lines(std::vector<std::string>& lines, std::string_view name)
{
    if (lines.empty() || lines.back().size() + name.size() + 1 > nick_lines_budget) {
        lines.emplace_back(name);
        return;
    }
    lines.back() += ' ';
    lines.back() += name;
}

std::string topic_reply(std::string_view server, std::string_view requester, std::string_view channel,
    const std::optional<channel_topic>& topic)
{
    if (!topic)
        return numeric_reply(server, numeric::notopic, requester, {channel}, "No topic is set");
    return numeric_reply(server, numeric::topic, requester, {channel}, topic->text)
        + numeric_reply(server, numeric::topicwhotime, requester, {channel, topic->set_by, std::to_string(topic->set_at)});
}

std::string names_reply(std::string_view server, std::string_view requester, std::string_view channel, bool secret,
    const std::vector<std::string>& nick_lines)
{
    // ":server 353 requester = #room :" once, then each list appended as it
    // is: nicks are valid names already, with nothing to clean. A join storm
    // sends this to every joiner, so it is one allocation.
    auto head = numeric_reply(server, numeric::namreply, requester, {secret ? "@" : "=", channel}, "");
    head.resize(head.size() - 2);
    auto tail = numeric_reply(server, numeric::endofnames, requester, {channel}, "End of /NAMES list.");
    // A list fits unless the server name, nick and channel are all long; then
    // it is split again at its spaces, so no line is cut.
    const std::size_t room = wire_line_max > head.size() + 2 ? wire_line_max - head.size() - 2 : 0;
    std::size_t size = tail.size();
    for (const auto& nicks : nick_lines)
        size += head.size() + nicks.size() + 2;
    std::string out;
    out.reserve(size);
    auto add_line = [&](std::string_view nicks) {
        out += head;
        out += nicks;
        out += "\r\n";
    };
    for (const std::string_view nicks : nick_lines) {
        std::string_view rest = nicks;
        while (rest.size() > room) {
            auto cut = rest.rfind(' ', room);
            if (cut == std::string_view::npos || cut == 0)
                cut = std::min(rest.find(' '), rest.size());
            add_line(rest.substr(0, cut));
            rest.remove_prefix(std::min(cut + 1, rest.size()));
        }
        if (!rest.empty())
            add_line(rest);
    }
    out += tail;
    return out;
}

std::string list_reply(std::string_view server, std::string_view requester, const std::vector<listed_channel>& channels)
{
    std::string out;
    for (const auto& c : channels)
        out += numeric_reply(server, numeric::list, requester, {c.name, std::to_string(c.members)}, c.topic);
    out += numeric_reply(server, numeric::listend, requester, {}, "End of /LIST");
    return out;
}

std::string channel_modes_reply(std::string_view server, std::string_view requester, const channel_mode_facts& facts)
{
    // Parameters are single words (a key, a number), so they can follow the
    // mode string as middles; with no modes set, the string is "+".
    std::string modes = facts.modes.empty() ? std::string("+") : facts.modes;
    for (const auto& p : facts.params)
        modes += ' ' + p;
    return numeric_reply(server, numeric::channelmodeis, requester, {facts.name, modes})
        + numeric_reply(server, numeric::creationtime, requester, {facts.name, std::to_string(facts.created)});
}

}  // namespace sala::irc
