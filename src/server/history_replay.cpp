#include "server/history_replay.hpp"

#include "server/outgoing.hpp"

namespace sala::server {

std::string replay_on_join(const std::vector<core::history_entry>& lines, const std::string& room_name,
    irc::cap_set caps, const std::string& batch_ref)
{
    const bool batch = (caps & irc::bit(irc::cap::batch)) != 0;
    const bool time = (caps & irc::bit(irc::cap::server_time)) != 0;
    const bool tags = (caps & irc::bit(irc::cap::message_tags)) != 0;
    std::string out;
    if (batch)
        out += ":sala BATCH +" + batch_ref + " chathistory " + room_name + "\r\n";
    for (const auto& e : lines) {
        std::string t;
        auto add = [&t](const std::string& tag) { t += (t.empty() ? "@" : ";") + tag; };
        if (batch)
            add("batch=" + batch_ref);
        if (time)
            add(server_time_tag(e.time_ms));
        if (tags) {
            add("msgid=" + e.msgid);
            if (!e.client_tags.empty())
                add(e.client_tags);
        }
        if (!t.empty())
            t += ' ';
        out += t + e.line;
    }
    if (batch)
        out += ":sala BATCH -" + batch_ref + "\r\n";
    return out;
}

}  // namespace sala::server
