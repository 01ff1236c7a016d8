#include "client/scrollback.hpp"

#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;

namespace {

const clock_time t0 = clock_time{} + 1000h;

event said(const std::string& where, const std::string& nick, std::string text)
{
    return event{event_kind::message, t0, {where}, nick, std::move(text), false, false};
}

// Registered as alice in #lobby and #dev (current: #lobby), with a private
// window for bob.
client_state two_rooms()
{
    client_state c(client_settings{"alice", "", {"#lobby", "#dev"}, "h:1"});
    c.on_connected(t0);
    c.on_line(":srv 001 alice :hi", t0);
    c.on_line(":alice!a@h JOIN #lobby", t0);
    c.on_line(":alice!a@h JOIN #dev", t0);
    c.on_line(":bob!b@h PRIVMSG alice :psst", t0);
    return c;
}

}  // namespace

TEST_CASE("scrollback files lines under their windows", "[scrollback]")
{
    const auto c = two_rooms();
    scrollback s;
    s.add(c, said("#dev", "bob", "in dev"));
    s.add(c, said("#lobby", "bob", "in lobby"));
    s.add(c, event{event_kind::info, t0, {}, {}, "for the current window", false, false});
    REQUIRE(s.lines("#DEV").size() == 1);
    CHECK(s.lines("#dev").front().parts.body == "in dev");
    CHECK(s.lines("#dev").front().label.empty());
    REQUIRE(s.lines("#lobby").size() == 2);
    CHECK(s.lines("#lobby").back().parts.body == "for the current window");
}

TEST_CASE("scrollback shows lines of windows that are not open in the current one, labelled", "[scrollback]")
{
    const auto c = two_rooms();
    scrollback s;
    s.add(c, said("carol", "carol", "no window for me"));
    s.add(c, event{event_kind::quit, t0, {"#dev", "#gone"}, "bob", "bye", false, false});
    CHECK(s.log_count() == 2);
    REQUIRE(s.lines("#lobby").size() == 2);
    CHECK(s.lines("#lobby").front().label == "[carol]");
    CHECK(s.lines("#lobby").back().label.empty());  // only messages are labelled
    CHECK(s.lines("#dev").size() == 1);
}

TEST_CASE("scrollback is bounded in lines and bytes per window", "[scrollback]")
{
    const auto c = two_rooms();
    scrollback by_lines(100, 1 << 20);
    for (int i = 0; i < 10'000; ++i)
        by_lines.add(c, said("#dev", "bob", std::to_string(i)));
    REQUIRE(by_lines.lines("#dev").size() == 100);
    CHECK(by_lines.lines("#dev").front().parts.body == "9900");

    scrollback by_bytes(2000, 64 * 1024);
    for (int i = 0; i < 1000; ++i)
        by_bytes.add(c, said("#dev", "bob", std::string(8000, 'x')));
    CHECK(by_bytes.bytes("#dev") <= 64 * 1024);
    CHECK(by_bytes.bytes("#dev") + by_bytes.bytes("#dev") / by_bytes.lines("#dev").size() > 64 * 1024);
    // One line over the limit on its own is still kept.
    scrollback tiny(10, 10);
    tiny.add(c, said("#dev", "bob", "a long line"));
    CHECK(tiny.lines("#dev").size() == 1);
}

TEST_CASE("scrollback forgets windows that closed", "[scrollback]")
{
    auto c = two_rooms();
    scrollback s;
    s.add(c, said("#dev", "bob", "hi"));
    s.add(c, said("bob", "bob", "psst"));
    CHECK(s.log_count() == 2);
    c.on_line(":alice!a@h PART #dev", t0);
    s.prune(c);
    CHECK(s.log_count() == 1);
    CHECK(s.lines("#dev").empty());
    CHECK(s.lines("bob").size() == 1);
}

TEST_CASE("scrollback puts history where its time belongs", "[scrollback]")
{
    const auto c = two_rooms();
    scrollback s;
    auto at = [](const std::string& text, clock_time when, bool history) {
        event e = said("#dev", "bob", text);
        e.time = when;
        e.history = history;
        return e;
    };
    s.add(c, at("live 10", t0 + 10s, false), t0);
    s.add(c, at("live 20", t0 + 20s, false), t0);
    // A gap filled after a reconnect: between the two.
    s.add(c, at("gap 12", t0 + 12s, true), t0);
    s.add(c, at("gap 12 too", t0 + 12s, true), t0);
    // An older page: on top, in its order.
    s.add(c, at("old 1", t0 + 1s, true), t0);
    s.add(c, at("old 2", t0 + 2s, true), t0);
    // Newer than everything: at the end.
    s.add(c, at("latest", t0 + 30s, true), t0);
    std::vector<std::string> order;
    for (const auto& l : s.lines("#dev"))
        order.push_back(l.parts.body);
    CHECK(order == std::vector<std::string>{"old 1", "old 2", "live 10", "gap 12", "gap 12 too", "live 20", "latest"});
    CHECK(s.lines("#dev").front().history);
    CHECK_FALSE(s.lines("#dev")[2].history);
}

TEST_CASE("older history does not push out what is on screen", "[scrollback]")
{
    const auto c = two_rooms();
    scrollback s(3, 1 << 20);
    CHECK(s.has_room("#dev"));
    for (int i = 0; i < 3; ++i)
        s.add(c, said("#dev", "bob", std::to_string(i)));
    CHECK_FALSE(s.has_room("#dev"));
    event old = said("#dev", "bob", "old");
    old.time = t0 - 1h;
    old.history = true;
    s.add(c, old, t0);
    REQUIRE(s.lines("#dev").size() == 3);
    CHECK(s.lines("#dev").front().parts.body == "0");
}
