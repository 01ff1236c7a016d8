#pragma once
// How events read as text, shared by the plain and the full-screen view.
// Pure (format_clock reads the local time zone); nothing throws except
// std::bad_alloc.

#include <cstddef>
#include <string>
#include <string_view>

#include "client/event.hpp"

namespace sala::client {

// "HH:MM" in the local time zone.
[[nodiscard]] std::string format_clock(clock_time t);

// The time stamp of an event shown at `now`: "HH:MM", and for a line from
// history said on another day "YYYY-MM-DD HH:MM" (local time).
[[nodiscard]] std::string format_stamp(const event& e, clock_time now);

// One line for --plain, sanitized, without a newline:
//   "12:34 <alice> hello", "12:34 * bob joined #lobby", "12:34 * alice waves".
// Events of a window other than `current_window` name it: "12:34 [#dev] <bob> hi".
// A line from history is marked, since a pipe has no colours:
//   "12:34 [history] <alice> hello".
// `stamp` is the "HH:MM" to use (format_stamp(e, now) in the program).
[[nodiscard]] std::string format_plain(const event& e, std::string_view stamp, std::string_view current_window);

// The body of a line without time stamp or window, sanitized; the nick part
// separately so a view can colour it. E.g. {"<alice>", "hello"},
// {"*", "bob joined #lobby"}.
struct line_parts {
    std::string nick_part;  // "<alice>", "* alice", "-alice-", "*" or "-!-"
    std::string body;       // may still carry IRC formatting codes; render it
    bool system = false;    // joins, parts, quits, nick changes: shown dimmed
};
[[nodiscard]] line_parts describe(const event& e);

// A stable colour index in [0, palette) for a nick (FNV-1a of the folded nick).
[[nodiscard]] std::size_t nick_colour(std::string_view nick, std::size_t palette);

}  // namespace sala::client
