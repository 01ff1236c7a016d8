#include "client/presentation.hpp"

#include <ctime>

#include "client/sanitize.hpp"
#include "irc/names.hpp"

namespace sala::client {

std::string format_clock(clock_time t)
{
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[8];
    const auto n = std::strftime(buf, sizeof buf, "%H:%M", &tm);
    return std::string(buf, n);
}

std::string format_stamp(const event& e, clock_time now)
{
    if (!e.history)
        return format_clock(e.time);
    auto local_day = [](clock_time t) {
        const std::time_t tt = std::chrono::system_clock::to_time_t(t);
        std::tm tm{};
        localtime_r(&tt, &tm);
        return tm;
    };
    const auto then = local_day(e.time);
    const auto today = local_day(now);
    if (then.tm_year == today.tm_year && then.tm_yday == today.tm_yday)
        return format_clock(e.time);
    char buf[32];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &then);
    return std::string(buf, n);
}

line_parts describe(const event& e)
{
    const std::string where = e.windows.empty() ? std::string() : e.windows.front();
    switch (e.kind) {
    case event_kind::message: return {"<" + e.nick + ">", e.text, false};
    case event_kind::action: return {"* " + e.nick, e.text, false};
    case event_kind::notice: return {"-" + e.nick + "-", e.text, false};
    case event_kind::join: return {"*", e.nick + " joined " + where, true};
    case event_kind::part:
        return {"*", e.nick + " left " + where + (e.text.empty() ? "" : " (" + e.text + ")"), true};
    case event_kind::quit: return {"*", e.nick + " quit" + (e.text.empty() ? "" : " (" + e.text + ")"), true};
    case event_kind::nick_change: return {"*", e.nick + " is now known as " + e.text, true};
    case event_kind::topic:
        if (e.nick.empty())
            return {"*", "topic of " + where + ": " + e.text, true};
        return {"*", e.nick + " changed the topic of " + where + " to: " + e.text, true};
    case event_kind::mode: return {"*", e.nick + " sets mode " + e.text + " on " + e.subject, true};
    case event_kind::kick:
        return {"*", e.subject + " was kicked from " + where + " by " + e.nick + (e.text.empty() ? "" : " (" + e.text + ")"),
                true};
    // Not dimmed: losing a room is news, not background.
    case event_kind::kicked:
        return {"-!-", "you were kicked from " + where + " by " + e.nick + (e.text.empty() ? "" : " (" + e.text + ")"),
                false};
    case event_kind::invite: return {"*", e.nick + " invites " + e.subject + " to " + where, true};
    case event_kind::invited: return {"-!-", e.nick + " invites you to " + where + " (/join " + where + ")", false};
    case event_kind::info: return {"-!-", e.text, true};
    case event_kind::error: return {"-!-", "error: " + e.text, false};
    case event_kind::connecting: return {"-!-", "connecting to " + e.text, true};
    case event_kind::connected: return {"-!-", "connected to " + e.text + " as " + e.nick, true};
    case event_kind::disconnected: return {"-!-", "connection lost: " + e.text, false};
    }
    return {"-!-", e.text, true};
}

std::string format_plain(const event& e, std::string_view stamp, std::string_view current_window)
{
    const auto parts = describe(e);
    std::string out(stamp);
    out += ' ';
    if (e.history)
        out += "[history] ";
    // Name the window when it is not the one typed lines go to; joins and
    // parts name it already.
    const bool conversation
        = e.kind == event_kind::message || e.kind == event_kind::action || e.kind == event_kind::notice;
    if (conversation && !e.windows.empty() && !irc::same_name(e.windows.front(), current_window))
        out += "[" + sanitize_text(e.windows.front()) + "] ";
    out += sanitize_text(parts.nick_part);
    out += ' ';
    out += sanitize_text(parts.body);
    return out;
}

std::size_t nick_colour(std::string_view nick, std::size_t palette)
{
    std::uint32_t h = 2166136261u;
    for (char c : irc::fold(nick)) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return palette == 0 ? 0 : h % palette;
}

}  // namespace sala::client
