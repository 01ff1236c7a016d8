// A hostile server must not make the client keep more than client_limits
// allows, however many lines it sends; below the limits nothing changes.
#include "client/client_state.hpp"

#include <algorithm>
#include <string>

#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;

namespace {

const clock_time t0 = clock_time{} + 1000h;

// Registered as alice, in #lobby with bob; outputs taken.
client_state registered(client_limits limits = {})
{
    client_state c(client_settings{"alice", "", {"#lobby"}, "localhost:6667"}, limits);
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :", t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    c.on_line(":alice!a@h JOIN #lobby", t0);
    c.on_line(":srv 353 alice = #lobby :alice @bob", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    return c;
}

bool has_window(const client_state& c, const std::string& name)
{
    return std::any_of(c.windows().begin(), c.windows().end(), [&](const window& w) { return w.name == name; });
}

std::size_t private_windows(const client_state& c)
{
    return static_cast<std::size_t>(std::count_if(c.windows().begin(), c.windows().end(),
                                                  [](const window& w) { return w.name.front() != '#'; }));
}

const window& lobby(const client_state& c) { return c.windows().front(); }

}  // namespace

TEST_CASE("private messages from endless senders open a bounded number of windows", "[client_limits]")
{
    auto c = registered();
    const auto limit = c.limits().private_windows;
    for (int i = 0; i < 10'000; ++i)
        c.on_line(":pm" + std::to_string(i) + "!u@h PRIVMSG alice :hi", t0);
    CHECK(private_windows(c) == limit);
    CHECK(c.windows().size() == limit + 1);
    CHECK(has_window(c, "pm0"));
    CHECK(has_window(c, "pm" + std::to_string(limit - 1)));
    CHECK_FALSE(has_window(c, "pm" + std::to_string(limit)));
    // Every message is still shown: past the limit under a name with no window.
    const auto ev = c.take_events();
    REQUIRE(ev.size() == 10'000);
    CHECK(ev.back().windows == std::vector<std::string>{"pm9999"});
    CHECK(ev.back().text == "hi");
    // A sender with a window keeps it; closing one makes room for a new one.
    c.on_line(":pm0!u@h PRIVMSG alice :again", t0);
    CHECK(c.take_events().front().windows == std::vector<std::string>{"pm0"});
    c.on_input("/win 2", t0);
    c.on_input("/part", t0);
    CHECK_FALSE(has_window(c, "pm0"));
    c.on_line(":late!u@h PRIVMSG alice :hello", t0);
    CHECK(has_window(c, "late"));
}

TEST_CASE("a private message under the limit opens its window", "[client_limits]")
{
    auto c = registered(client_limits{.windows = 3, .private_windows = 2});
    c.on_line(":bob!b@h PRIVMSG alice :one", t0);
    c.on_line(":carol!c@h NOTICE alice :two", t0);
    c.on_line(":dave!d@h PRIVMSG alice :three", t0);
    CHECK(has_window(c, "bob"));
    CHECK(has_window(c, "carol"));
    CHECK_FALSE(has_window(c, "dave"));
    // What we send opens a window while there is room in all; here there is none.
    c.on_input("/msg erin hi", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"PRIVMSG erin hi\r\n"});
    CHECK_FALSE(has_window(c, "erin"));
}

TEST_CASE("joins forced on us past the window limit are left", "[client_limits]")
{
    auto c = registered();
    for (int i = 0; i < 10'000; ++i)
        c.on_line(":alice!a@h JOIN #f" + std::to_string(i), t0);
    CHECK(c.windows().size() == c.limits().windows);
    const auto out = c.take_outgoing();
    REQUIRE(out.size() == 10'000 - (c.limits().windows - 1));
    CHECK(out.back() == "PART #f9999\r\n");
    const auto ev = c.take_events();
    CHECK(ev.back().kind == event_kind::error);
    // A /join then is refused at once, without asking the server.
    c.on_input("/join #more", t0);
    CHECK(c.take_outgoing().empty());
    CHECK(c.take_events().back().kind == event_kind::error);
}

// One 353 line of 20 distinct names.
std::string names_line(const std::string& channel, const std::string& stem)
{
    std::string line = ":srv 353 alice = " + channel + " :";
    for (int k = 0; k < 20; ++k)
        line += (k ? " " : "@") + stem + "_" + std::to_string(k);
    return line;
}

TEST_CASE("NAMES replies without an end are bounded", "[client_limits]")
{
    auto c = registered();
    for (int i = 0; i < 10'000; ++i) {
        const auto n = std::to_string(i);
        c.on_line(names_line("#nowhere" + n, "a" + n), t0);  // no window: not kept
        c.on_line(names_line("#lobby", "l" + n), t0);
    }
    CHECK(c.usage().names_lists == 1);
    CHECK(c.usage().names == c.limits().members + 2);  // the list being gathered and alice, bob

    auto small = registered(client_limits{.members = 1000, .all_members = 1500});
    small.on_line(":alice!a@h JOIN #dev", t0);
    for (int i = 0; i < 10'000; ++i)
        small.on_line(names_line("#lobby", "l" + std::to_string(i)), t0);
    for (int i = 0; i < 10'000; ++i)
        small.on_line(names_line("#dev", "d" + std::to_string(i)), t0);
    CHECK(small.usage().names_lists == 2);
    CHECK(small.usage().names == 1500);
    small.on_line(":srv 366 alice #lobby :End", t0);
    CHECK(lobby(small).members.size() == 1000);
    const auto ev = small.take_events();
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back().text == "#lobby: only 1000 members are listed");
    // Leaving a room drops what was gathered for it.
    small.on_line(":alice!a@h PART #dev", t0);
    CHECK(small.usage().names_lists == 0);
}

TEST_CASE("NAMES under the limits fills the member list, sorted and once each", "[client_limits]")
{
    auto c = registered();
    c.on_line(":srv 353 alice = #lobby :alice @Bob +carol", t0);
    c.on_line(":srv 353 alice = #lobby :bob dave ~erin", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    CHECK(member_nicks(lobby(c)) == std::vector<std::string>{"alice", "Bob", "carol", "dave", "erin"});
    CHECK(c.usage().names_lists == 0);
    c.on_line(":Frank!f@h JOIN #lobby", t0);
    c.on_line(":carol!c@h PART #lobby", t0);
    c.on_line(":bob!b@h NICK :zed", t0);
    CHECK(member_nicks(lobby(c)) == std::vector<std::string>{"alice", "dave", "erin", "Frank", "zed"});
}

TEST_CASE("JOINs of endless members are bounded", "[client_limits]")
{
    auto c = registered(client_limits{.members = 100, .all_members = 150});
    c.on_line(":alice!a@h JOIN #dev", t0);
    (void)c.take_events();
    for (int i = 0; i < 10'000; ++i)
        c.on_line(":m" + std::to_string(i) + "!u@h JOIN #lobby", t0);
    for (int i = 0; i < 10'000; ++i)
        c.on_line(":d" + std::to_string(i) + "!u@h JOIN #dev", t0);
    CHECK(lobby(c).members.size() == 100);
    CHECK(c.usage().names == 150);
    // Every JOIN is still shown.
    CHECK(c.take_events().size() == 20'000);
    // A name longer than nick_bytes is not listed.
    auto d = registered();
    d.on_line(":" + std::string(65, 'q') + "!u@h JOIN #lobby", t0);
    d.on_line(":" + std::string(64, 'q') + "!u@h JOIN #lobby", t0);
    CHECK(lobby(d).members.size() == 3);
}

TEST_CASE("endless CAP LS continuation lines are bounded", "[client_limits]")
{
    client_state c(client_settings{"alice", "", {}, "h:1"});
    c.on_connected(t0);
    (void)c.take_outgoing();
    for (int i = 0; i < 10'000; ++i) {
        const auto n = std::to_string(i);
        c.on_line(":srv CAP * LS * :cap" + n + " x" + n + "=y server-time", t0);
    }
    CHECK(c.usage().offered_caps == 1);
    CHECK(c.take_outgoing().empty());  // still waiting for the last LS line
    c.on_line(":srv CAP * LS :echo-message", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"CAP REQ :server-time echo-message\r\n"});
    for (int i = 0; i < 10'000; ++i)
        c.on_line(":srv CAP * ACK :a" + std::to_string(i) + " server-time", t0);
    CHECK(c.usage().caps == 1);
    CHECK(c.has_cap("server-time"));
}
