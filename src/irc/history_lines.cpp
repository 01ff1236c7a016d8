#include "irc/history_lines.hpp"

#include "irc/message.hpp"
#include "irc/server_time.hpp"

namespace sala::irc {

namespace {

bool shown(const core::history_entry& e, cap_set caps, bool events)
{
    if (core::is_event(e.kind))
        return events;
    if (e.kind == core::history_kind::tagmsg)
        return events && (caps & bit(cap::message_tags)) != 0;
    return true;
}

// One line, ending in its only CR LF, with no NUL: anything else would end
// early or run into the next line on the client's side.
bool one_line(std::string_view line)
{
    return line.size() > 2 && line.ends_with("\r\n")
        && line.find_first_of(std::string_view("\r\n\0", 3)) == line.size() - 2;
}

class tag_list {
public:
    // Adds `tag` ("key=value", escaped) if the tag data stays within the limit.
    void add(std::string_view tag)
    {
        const auto grown = text_.size() + (text_.empty() ? 0 : 1) + tag.size();
        if (grown + 2 > max_server_tag_bytes)  // '@' and the space
            return;
        if (!text_.empty())
            text_ += ';';
        text_ += tag;
    }

    void append_to(std::string& out) const
    {
        if (text_.empty())
            return;
        out += '@';
        out += text_;
        out += ' ';
    }

private:
    std::string text_;
};

}  // namespace

void append_history_lines(std::string& out, std::span<const core::history_entry> entries, cap_set caps,
    bool events, const std::optional<history_batch>& batch)
{
    const bool batched = batch && (caps & bit(cap::batch)) != 0;
    const std::string batch_tag = batched ? "batch=" + std::string(batch->ref) : std::string();
    if (batched)
        out += ":" + std::string(batch->server) + " BATCH +" + std::string(batch->ref) + " "
            + std::string(batch->type) + " " + std::string(batch->target) + "\r\n";
    const bool server_time = (caps & bit(cap::server_time)) != 0;
    const bool message_tags = (caps & bit(cap::message_tags)) != 0;
    for (const auto& e : entries) {
        if (!shown(e, caps, events) || !one_line(e.line))
            continue;
        tag_list tags;
        if (batched)
            tags.add(batch_tag);
        if (server_time)
            tags.add("time=" + format_server_time(e.time_ms));
        if (message_tags) {
            if (!e.msgid.empty())
                tags.add("msgid=" + escape_tag_value(e.msgid));
            if (!e.client_tags.empty())
                tags.add(e.client_tags);
        }
        tags.append_to(out);
        out += e.line;
    }
    if (batched)
        out += ":" + std::string(batch->server) + " BATCH -" + std::string(batch->ref) + "\r\n";
}

std::string replay_on_join(std::string_view server, std::string_view channel, cap_set caps, std::string_view ref,
    std::span<const core::history_entry> recent)
{
    std::string text;
    if (recent.empty() || (caps & bit(cap::chathistory)) != 0)
        return text;
    append_history_lines(text, recent, caps, false, history_batch{server, "chathistory", channel, ref});
    return text;
}

}  // namespace sala::irc
