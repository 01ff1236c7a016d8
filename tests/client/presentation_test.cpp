#include "client/presentation.hpp"

#include "support/catch.hpp"

using namespace sala::client;

TEST_CASE("plain lines read like a chat log", "[presentation]")
{
    const clock_time t{};
    CHECK(format_plain(event{event_kind::message, t, {"#lobby"}, "alice", "hello", false, false}, "12:34", "#lobby")
          == "12:34 <alice> hello");
    CHECK(format_plain(event{event_kind::join, t, {"#lobby"}, "bob", "", false, false}, "12:34", "#lobby")
          == "12:34 * bob joined #lobby");
    CHECK(format_plain(event{event_kind::part, t, {"#lobby"}, "bob", "", false, false}, "12:34", "#lobby")
          == "12:34 * bob left #lobby");
    CHECK(format_plain(event{event_kind::quit, t, {"#lobby"}, "bob", "bye", false, false}, "12:34", "#lobby")
          == "12:34 * bob quit (bye)");
    CHECK(format_plain(event{event_kind::nick_change, t, {"#lobby"}, "bob", "robert", false, false}, "12:34", "#lobby")
          == "12:34 * bob is now known as robert");
    CHECK(format_plain(event{event_kind::action, t, {"#lobby"}, "alice", "waves", false, false}, "12:34", "#lobby")
          == "12:34 * alice waves");
    CHECK(format_plain(event{event_kind::message, t, {"#dev"}, "bob", "hi", false, false}, "12:34", "#lobby")
          == "12:34 [#dev] <bob> hi");
}

TEST_CASE("plain lines are sanitized", "[presentation]")
{
    const auto line = format_plain(event{event_kind::message, {}, {"#lobby"}, "eve", "\x1b[2J\x1b]0;pwned\x07ok", false, false},
                                   "00:00", "#lobby");
    CHECK(line == "00:00 <eve> [2J]0;pwnedok");
}

TEST_CASE("nick colours are stable and case-insensitive", "[presentation]")
{
    CHECK(nick_colour("alice", 12) == nick_colour("Alice", 12));
    CHECK(nick_colour("alice", 12) < 12);
    CHECK(nick_colour("x", 0) == 0);
}

TEST_CASE("history is marked in plain lines, without colour", "[presentation]")
{
    event e{event_kind::message, {}, {"#lobby"}, "alice", "said before", false, false};
    e.history = true;
    CHECK(format_plain(e, "09:15", "#lobby") == "09:15 [history] <alice> said before");
    e.windows = {"#dev"};
    CHECK(format_plain(e, "09:15", "#lobby") == "09:15 [history] [#dev] <alice> said before");
}

TEST_CASE("history from another day carries its date", "[presentation]")
{
    using namespace std::chrono_literals;
    const clock_time now = std::chrono::sys_days{std::chrono::year{2024} / 5 / 10} + 12h;
    event e{event_kind::message, now - 1h, {"#lobby"}, "alice", "x", false, false};
    CHECK(format_stamp(e, now) == format_clock(e.time));
    e.history = true;
    CHECK(format_stamp(e, now) == format_clock(e.time));  // today, in any time zone
    e.time = now - 72h;
    CHECK(format_stamp(e, now) == "2024-05-07 " + format_clock(e.time));
    e.history = false;  // live lines are always "HH:MM"
    CHECK(format_stamp(e, now) == format_clock(e.time));
}
