#include "server/outgoing.hpp"

#include <chrono>

#include "irc/server_time.hpp"

namespace sala::server {

outgoing_ptr make_plain(std::string line)
{
    auto m = std::make_shared<outgoing>();
    m->line = std::move(line);
    return m;
}

namespace {

std::shared_ptr<outgoing> build_tagged(std::string line, const std::string& time_tag, const std::string& client_tags,
    bool is_chat, bool needs_message_tags, const std::string& msgid)
{
    auto m = std::make_shared<outgoing>();
    m->line = std::move(line);
    m->is_chat = is_chat;
    m->requires_caps = needs_message_tags ? irc::bit(irc::cap::message_tags) : irc::cap_set{0};
    m->tag_prefix[with_time] = "@" + time_tag + " ";
    // What only clients with message-tags get: the msgid, then the sender's tags.
    std::string tagged = msgid.empty() ? std::string() : "msgid=" + msgid;
    if (!client_tags.empty())
        tagged += (tagged.empty() ? "" : ";") + client_tags;
    if (!tagged.empty()) {
        m->tag_prefix[with_client_tags] = "@" + tagged + " ";
        m->tag_prefix[with_time | with_client_tags] = "@" + time_tag + ";" + tagged + " ";
    } else {
        m->tag_prefix[with_time | with_client_tags] = m->tag_prefix[with_time];
    }
    return m;
}

}  // namespace

// Fills `m->whole` for every variant `mask` admits: the tags of
// tag_prefix, with ";account=..." added under with_account, before `line`
// or, under `extended`, `extended_line`.
void spell_out(outgoing& m, std::uint8_t mask, const std::string& account, const std::string& extended_line)
{
    m.mask = mask;
    m.whole.assign(std::size_t{mask} + 1, std::string());
    for (unsigned v = 0; v <= mask; ++v) {
        if ((v & ~unsigned{mask}) != 0)
            continue;
        std::string tags = m.tag_prefix[v & 3u];
        if ((v & with_account) != 0 && !account.empty()) {
            const auto tag = "account=" + account;
            tags = tags.empty() ? "@" + tag + " " : tags.substr(0, tags.size() - 1) + ";" + tag + " ";
        }
        m.whole[v] = tags + ((v & extended) != 0 ? extended_line : m.line);
    }
}

outgoing_ptr make_tagged(std::string line, const std::string& time_tag, const std::string& client_tags,
    bool is_chat, bool needs_message_tags, const std::string& msgid, const std::string& account)
{
    auto m = build_tagged(std::move(line), time_tag, client_tags, is_chat, needs_message_tags, msgid);
    if (!account.empty())
        spell_out(*m, 3 | with_account, account, {});
    return m;
}

outgoing_ptr make_join(std::string line, std::string extended_line, const std::string& time_tag,
    const std::string& msgid, const std::string& account)
{
    auto m = build_tagged(std::move(line), time_tag, {}, false, false, msgid);
    spell_out(*m, static_cast<std::uint8_t>(3 | extended | (account.empty() ? 0 : with_account)), account, extended_line);
    return m;
}

outgoing_ptr make_run(const std::vector<outgoing_ptr>& parts, std::size_t first)
{
    auto m = std::make_shared<outgoing>();
    if (first < parts.size()) {
        m->is_chat = parts[first]->is_chat;
        m->requires_caps = parts[first]->requires_caps;
    }
    std::uint8_t mask = 3;
    for (auto i = first; i < parts.size(); ++i)
        mask = static_cast<std::uint8_t>(mask | parts[i]->mask);
    if (mask != 3) {
        m->mask = mask;
        m->whole.assign(std::size_t{mask} + 1, std::string());
    }
    for (unsigned v = 0; v <= mask; ++v) {
        if ((v & ~unsigned{mask}) != 0)
            continue;
        auto& text = mask == 3 ? m->tag_prefix[v] : m->whole[v];
        std::size_t size = 0;
        for (auto i = first; i < parts.size(); ++i)
            size += parts[i]->prefix_for(v).size() + parts[i]->body_for().size();
        text.reserve(size);
        for (auto i = first; i < parts.size(); ++i) {
            text += parts[i]->prefix_for(v);
            text += parts[i]->body_for();
        }
    }
    return m;
}

outgoing_ptr make_for_cap(std::string line, const std::string& time_tag, irc::cap c)
{
    auto m = build_tagged(std::move(line), time_tag, {}, false, false, {});
    m->requires_caps = irc::bit(c);
    return m;
}

std::int64_t unix_millis_now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string server_time_tag() { return server_time_tag(unix_millis_now()); }

std::string server_time_tag(std::int64_t unix_ms) { return "time=" + irc::format_server_time(unix_ms); }

}  // namespace sala::server
