#include "client/scrollback.hpp"

#include <algorithm>

#include "irc/names.hpp"

namespace sala::client {

namespace {

// The strings' bytes plus the line itself, so that many short lines count too.
std::size_t cost(const scrollback_line& l)
{
    return sizeof l + l.stamp.size() + l.label.size() + l.parts.nick_part.size() + l.parts.body.size() + l.nick.size();
}

bool is_open(const client_state& state, std::string_view name)
{
    const auto& ws = state.windows();
    return std::any_of(ws.begin(), ws.end(), [&](const window& w) { return irc::same_name(w.name, name); });
}

}  // namespace

scrollback::scrollback(std::size_t max_lines, std::size_t max_bytes) : max_lines_(max_lines), max_bytes_(max_bytes) {}

void scrollback::add(const client_state& state, const event& e, clock_time now)
{
    const scrollback_line line{format_stamp(e, now), {}, describe(e), e.nick, e.self, e.mention, e.history, e.time};
    const auto* cur = state.current();
    const std::string current = cur ? cur->name : std::string();
    const bool conversation
        = e.kind == event_kind::message || e.kind == event_kind::action || e.kind == event_kind::notice;
    bool to_current = e.windows.empty();
    std::string label;
    for (const auto& w : e.windows) {
        if (is_open(state, w)) {
            if (e.history)
                insert_by_time(w, line);
            else
                append(w, line);
        } else {
            to_current = true;
            if (conversation && label.empty())
                label = "[" + w + "]";
        }
    }
    // Once, even when several of its windows are closed (a quit, a nick change).
    if (to_current && std::none_of(e.windows.begin(), e.windows.end(), [&](const std::string& w) {
            return irc::same_name(w, current) && is_open(state, w);
        })) {
        auto l = line;
        l.label = std::move(label);
        append(current, std::move(l));
    }
}

void scrollback::append(const std::string& window, scrollback_line line)
{
    auto& l = logs_[irc::fold(window)];
    l.bytes += cost(line);
    l.lines.push_back(std::move(line));
    trim(l);
}

void scrollback::insert_by_time(const std::string& window, scrollback_line line)
{
    auto& l = logs_[irc::fold(window)];
    // From the end: a gap or a join's history belongs there or near it. An
    // older page goes to the top, each line after the one before it.
    auto at = l.lines.end();
    while (at != l.lines.begin() && std::prev(at)->time > line.time)
        --at;
    l.bytes += cost(line);
    l.lines.insert(at, std::move(line));
    trim(l);
}

void scrollback::trim(window_log& l)
{
    // The oldest lines go first (even one just loaded from history); the
    // newest stays even when it alone is over max_bytes.
    while (l.lines.size() > 1 && (l.lines.size() > max_lines_ || l.bytes > max_bytes_)) {
        l.bytes -= cost(l.lines.front());
        l.lines.pop_front();
    }
}

void scrollback::prune(const client_state& state)
{
    // "" holds what arrives while no window is open; it stays.
    std::erase_if(logs_, [&](const auto& entry) { return !entry.first.empty() && !is_open(state, entry.first); });
}

const std::deque<scrollback_line>& scrollback::lines(std::string_view window) const
{
    static const std::deque<scrollback_line> none;
    const auto it = logs_.find(irc::fold(window));
    return it == logs_.end() ? none : it->second.lines;
}

bool scrollback::has_room(std::string_view window) const
{
    const auto it = logs_.find(irc::fold(window));
    return it == logs_.end() || (it->second.lines.size() < max_lines_ && it->second.bytes < max_bytes_);
}

std::size_t scrollback::bytes(std::string_view window) const
{
    const auto it = logs_.find(irc::fold(window));
    return it == logs_.end() ? 0 : it->second.bytes;
}

}  // namespace sala::client
