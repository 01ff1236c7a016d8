#pragma once
// The full-screen view's scrollback: one log per open window, each bounded in
// lines and in bytes, so neither a long session nor a hostile server (endless
// windows, 8 KiB lines) grows it without limit. Lines from history go where
// their time puts them, so older pages land on top and a gap filled after a
// reconnect lands before what was said since. Pure; one owner, not
// thread-safe; nothing throws except std::bad_alloc.

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "client/client_state.hpp"
#include "client/presentation.hpp"

namespace sala::client {

struct scrollback_line {
    std::string stamp;  // "HH:MM" (history from another day: "YYYY-MM-DD HH:MM")
    std::string label;  // "[bob]": where a line shown in another window came from
    line_parts parts;
    std::string nick;
    bool self = false;
    bool mention = false;
    bool history = false;  // said before it reached us: shown dimmed
    clock_time time{};     // when it was said (or happened)
};

class scrollback {
public:
    explicit scrollback(std::size_t max_lines = 2000, std::size_t max_bytes = std::size_t{1} << 20);

    // Files `e` under each of its windows that is open in `state`. An event
    // for no window, or for a name with no open window, goes to the current
    // window; a message there is labelled with where it came from. A line
    // from history goes after the last line not newer than it; others at the
    // end. `now` picks the stamp's form (see format_stamp).
    void add(const client_state& state, const event& e, clock_time now = std::chrono::system_clock::now());
    // Forgets the logs of windows that are no longer open.
    void prune(const client_state& state);

    // The lines of a window, oldest first ("" when no window is open).
    [[nodiscard]] const std::deque<scrollback_line>& lines(std::string_view window) const;
    // What a window's lines take, as counted against max_bytes.
    [[nodiscard]] std::size_t bytes(std::string_view window) const;
    // A window's log can take a line without dropping its oldest: older
    // history loaded now would stay.
    [[nodiscard]] bool has_room(std::string_view window) const;
    [[nodiscard]] std::size_t log_count() const { return logs_.size(); }

private:
    struct window_log {
        std::deque<scrollback_line> lines;
        std::size_t bytes = 0;
    };
    void append(const std::string& window, scrollback_line line);
    void insert_by_time(const std::string& window, scrollback_line line);
    void trim(window_log& l);

    std::size_t max_lines_;
    std::size_t max_bytes_;
    std::map<std::string, window_log, std::less<>> logs_;  // by folded window name
};

}  // namespace sala::client
