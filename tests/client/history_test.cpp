// The client's channel history: what it asks for, what it shows as history,
// in what order, and that nothing shows twice. First the tracker alone, then
// the client state machine fed the lines a server sends.
#include "client/history.hpp"

#include <algorithm>

#include "client/client_state.hpp"
#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;

namespace {

const clock_time t0 = clock_time{} + 1000h;

using request = std::vector<std::string>;
using requests = std::vector<request>;

channel_line said(const std::string& msgid, const std::string& text, clock_time when = t0)
{
    channel_line l;
    l.msgid = msgid;
    l.server_time = when;
    l.key = line_key(msgid, "", "bob!b@h", "PRIVMSG", "#lobby", text);
    l.shown = event{event_kind::message, when, {"#lobby"}, "bob", text, false, false};
    return l;
}

// The texts of the events, "h:" before those shown as history.
std::vector<std::string> texts(const std::vector<event>& events)
{
    std::vector<std::string> out;
    for (const auto& e : events)
        out.push_back((e.history ? "h:" : "") + e.text);
    return out;
}

// A tracker on a server with CHATHISTORY, in #lobby, its first LATEST taken.
history_tracker joined_lobby(history_limits limits = {})
{
    history_tracker h(limits);
    h.registered(true);
    h.joined("#lobby", t0);
    (void)h.take_requests();
    return h;
}

// Answers the pending request with a batch of `lines` ("id:text").
void answer(history_tracker& h, const std::string& ref, const std::vector<std::string>& lines)
{
    REQUIRE(h.batch_opened(ref, "chathistory", "#lobby"));
    for (const auto& l : lines) {
        const auto colon = l.find(':');
        (void)h.line("#lobby", said(l.substr(0, colon), l.substr(colon + 1)), ref);
    }
    h.batch_closed(ref, t0);
}

}  // namespace

TEST_CASE("line keys: the msgid, else time, source and text", "[history]")
{
    CHECK(line_key("abc", "2024-01-01T00:00:00.000Z", "a!b@c", "PRIVMSG", "#x", "hi")
          == line_key("abc", "", "other", "NOTICE", "#y", "else"));
    CHECK(line_key("abc", "", "", "", "", "") != line_key("abd", "", "", "", "", ""));
    const auto by_time = line_key("", "2024-01-01T00:00:00.000Z", "a!b@c", "PRIVMSG", "#x", "hi");
    CHECK(by_time != 0);
    CHECK(by_time == line_key("", "2024-01-01T00:00:00.000Z", "a!b@c", "PRIVMSG", "#X", "hi"));
    CHECK(by_time != line_key("", "2024-01-01T00:00:00.001Z", "a!b@c", "PRIVMSG", "#x", "hi"));
    CHECK(by_time != line_key("", "2024-01-01T00:00:00.000Z", "a!b@c", "PRIVMSG", "#x", "hi!"));
    CHECK(line_key("", "", "a!b@c", "PRIVMSG", "#x", "hi") == 0);
}

TEST_CASE("a first join asks for the latest lines and shows them before live ones", "[history]")
{
    history_tracker h;
    h.registered(true);
    h.joined("#Lobby", t0);
    CHECK(h.take_requests() == requests{{"LATEST", "#Lobby", "*", "50"}});
    CHECK(h.loading("#lobby"));
    // Live lines that arrive before the answer wait for it.
    CHECK(h.line("#lobby", said("m3", "live, also in the answer")) == line_fate::held);
    CHECK(h.line("#lobby", said("m4", "live")) == line_fate::held);
    CHECK(h.take_events().empty());
    CHECK(h.held_lines() == 2);
    answer(h, "b1", {"m1:one", "m2:two", "m3:live, also in the answer"});
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:one", "h:two", "h:live, also in the answer", "live"});
    CHECK_FALSE(h.loading("#lobby"));
    CHECK(h.held_lines() == 0);
    CHECK(h.held_bytes() == 0);
    CHECK(h.open_batches() == 0);
    // Later live lines show at once; a repeat never does.
    CHECK(h.line("#lobby", said("m5", "five")) == line_fate::shown);
    CHECK(h.line("#lobby", said("m5", "five")) == line_fate::repeat);
    CHECK(texts(h.take_events()) == std::vector<std::string>{"five"});
    CHECK(h.take_requests().empty());
}

TEST_CASE("after a reconnect the gap is asked for after the last line seen, page by page", "[history]")
{
    history_limits limits;
    limits.gap_page = 3;
    limits.gap_pages = 3;
    auto h = joined_lobby(limits);
    answer(h, "b1", {"m1:one"});
    (void)h.line("#lobby", said("m2", "two"));
    (void)h.take_events();

    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "msgid=m2", "3"}});
    CHECK(h.line("#lobby", said("m9", "live after the rejoin")) == line_fate::held);
    answer(h, "b2", {"m3:three", "m4:four", "m5:five"});
    // A full page: there may be more.
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "msgid=m5", "3"}});
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:three", "h:four", "h:five"});
    CHECK(h.loading("#lobby"));
    answer(h, "b3", {"m6:six", "m9:live after the rejoin"});
    CHECK(h.take_requests().empty());
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:six", "h:live after the rejoin"});
    CHECK_FALSE(h.loading("#lobby"));
    CHECK(h.held_lines() == 0);

    // The next gap starts from the newest line, live or not.
    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "msgid=m9", "3"}});
}

TEST_CASE("a gap fill stops after a bounded number of pages, and says so", "[history]")
{
    history_limits limits;
    limits.gap_page = 1;
    limits.gap_pages = 3;
    auto h = joined_lobby(limits);
    answer(h, "b0", {"m0:zero"});
    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests().size() == 1);
    (void)h.line("#lobby", said("live", "live"));
    for (int page = 1; page <= 3; ++page) {
        const auto n = std::to_string(page);
        answer(h, "b" + n, {"m" + n + ":" + n});
        CHECK(h.take_requests().size() == (page < 3 ? 1u : 0u));
    }
    const auto shown = texts(h.take_events());
    REQUIRE(shown.size() == 6);  // zero, three pages, the note, the live line
    CHECK(shown[4].find("more was said") != std::string::npos);
    CHECK(shown[5] == "live");
}

TEST_CASE("a gap after a msgid the server does not know is asked for by time", "[history]")
{
    auto h = joined_lobby();
    const clock_time said_at = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h + 34min + 56s + 789ms;
    answer(h, "b0", {});
    (void)h.line("#lobby", said("old-server-id", "before the restart", said_at));
    (void)h.take_events();
    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "msgid=old-server-id", "100"}});
    answer(h, "b1", {});  // an empty answer: nothing new, or an unknown msgid
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "timestamp=2024-05-01T12:34:56.788Z", "100"}});
    REQUIRE(h.batch_opened("b2", "chathistory", "#lobby"));
    (void)h.line("#lobby", said("new-id", "said at the same time", said_at), "b2");
    (void)h.line("#lobby", said("new-id-2", "after", said_at + 1s), "b2");
    h.batch_closed("b2", t0);
    CHECK(h.take_requests().empty());  // no third try
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:said at the same time", "h:after"});
}

TEST_CASE("without lines seen a rejoin asks for the latest again", "[history]")
{
    auto h = joined_lobby();
    answer(h, "b1", {});
    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"LATEST", "#lobby", "*", "50"}});
}

TEST_CASE("the server's CHATHISTORY limit caps every request", "[history]")
{
    history_tracker h;
    h.registered(true);
    h.server_limit(20);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"LATEST", "#lobby", "*", "20"}});
    answer(h, "b1", {"m1:one"});
    CHECK(h.want_older("#lobby", t0));
    CHECK(h.take_requests() == requests{{"BEFORE", "#lobby", "msgid=m1", "20"}});
}

TEST_CASE("older pages are asked for once each, until the start", "[history]")
{
    history_limits limits;
    limits.older_page = 2;
    auto h = joined_lobby(limits);
    CHECK_FALSE(h.want_older("#lobby", t0));  // the LATEST answer is on its way
    answer(h, "b1", {"m5:five", "m6:six"});
    (void)h.line("#lobby", said("m7", "live"));
    (void)h.take_events();

    CHECK(h.want_older("#lobby", t0));
    CHECK(h.take_requests() == requests{{"BEFORE", "#lobby", "msgid=m5", "2"}});
    CHECK_FALSE(h.want_older("#lobby", t0));  // once per page
    CHECK(h.take_requests().empty());
    // Live lines are not held for older history.
    CHECK(h.line("#lobby", said("m8", "live during BEFORE")) == line_fate::shown);
    answer(h, "b2", {"m3:three", "m4:four"});
    CHECK(texts(h.take_events()) == std::vector<std::string>{"live during BEFORE", "h:three", "h:four"});

    CHECK(h.want_older("#lobby", t0));
    CHECK(h.take_requests() == requests{{"BEFORE", "#lobby", "msgid=m3", "2"}});
    answer(h, "b3", {"m2:two"});  // less than a page: the start
    CHECK_FALSE(h.want_older("#lobby", t0));
    CHECK(h.take_requests().empty());

    // A gap after the older pages starts from the newest line, not the oldest.
    h.disconnected();
    h.registered(true);
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"AFTER", "#lobby", "msgid=m8", "100"}});
}

TEST_CASE("an older page that brings nothing new is not asked for again", "[history]")
{
    auto h = joined_lobby();
    answer(h, "b1", {"m5:five"});
    REQUIRE(h.want_older("#lobby", t0));
    (void)h.take_requests();
    // The server fails it: the same page is not asked for again.
    h.failed({"CHATHISTORY", "MESSAGE_ERROR", "BEFORE", "#lobby", "Messages could not be retrieved"}, t0);
    CHECK_FALSE(h.loading("#lobby"));
    CHECK_FALSE(h.want_older("#lobby", t0));
    const auto shown = texts(h.take_events());
    REQUIRE(shown.size() == 2);
    CHECK(shown[1] == "history of #lobby not loaded: Messages could not be retrieved");
}

TEST_CASE("FAIL CHATHISTORY ends the request it answers and shows the held lines", "[history]")
{
    history_tracker h;
    h.registered(true);
    h.joined("#a", t0);
    h.joined("#b", t0);
    CHECK(h.take_requests().size() == 2);
    auto in_b = said("x1", "live in b");
    in_b.shown.windows = {"#b"};
    CHECK(h.line("#b", std::move(in_b)) == line_fate::held);
    // Names #b: ends #b's request, not the older one of #a.
    h.failed({"CHATHISTORY", "INVALID_TARGET", "LATEST", "#b", "Messages could not be retrieved"}, t0);
    CHECK(h.loading("#a"));
    CHECK_FALSE(h.loading("#b"));
    CHECK(texts(h.take_events())
          == std::vector<std::string>{"history of #b not loaded: Messages could not be retrieved", "live in b"});
    // Names no channel: ends the oldest request.
    h.failed({"CHATHISTORY", "INVALID_PARAMS", "LATEST", "*", "Invalid limit"}, t0);
    CHECK_FALSE(h.loading("#a"));
    // Nothing asked: ignored.
    h.failed({"CHATHISTORY", "INVALID_PARAMS", "x"}, t0);
    h.failed({"CHATHISTORY"}, t0);
    CHECK(h.take_events().size() == 1);
}

TEST_CASE("a lost connection shows the held lines and forgets the requests", "[history]")
{
    history_tracker h;
    h.registered(true);
    h.joined("#lobby", t0);
    (void)h.take_requests();
    (void)h.line("#lobby", said("m1", "held"));
    REQUIRE(h.batch_opened("b1", "chathistory", "#lobby"));
    h.disconnected();
    CHECK(texts(h.take_events()) == std::vector<std::string>{"held"});
    CHECK_FALSE(h.loading("#lobby"));
    CHECK(h.open_batches() == 0);
    CHECK_FALSE(h.in_history_batch("b1"));
}

TEST_CASE("live lines wait a bounded time for history that does not come", "[history]")
{
    history_limits limits;
    limits.hold_for = 10s;
    history_tracker h(limits);
    h.registered(true);
    h.joined("#lobby", t0);
    (void)h.take_requests();
    CHECK(h.line("#lobby", said("m5", "live")) == line_fate::held);
    h.tick(t0 + 9s);
    CHECK(h.take_events().empty());
    h.tick(t0 + 10s);
    CHECK(texts(h.take_events()) == std::vector<std::string>{"live"});
    // Still on its way: later live lines are not held, and the answer when it
    // comes is history, without the line shown already.
    CHECK(h.loading("#lobby"));
    CHECK(h.line("#lobby", said("m6", "live too")) == line_fate::shown);
    answer(h, "b1", {"m4:four", "m5:live"});
    CHECK(texts(h.take_events()) == std::vector<std::string>{"live too", "h:four"});
}

TEST_CASE("a channel left is forgotten: the next join is a first join", "[history]")
{
    auto h = joined_lobby();
    (void)h.line("#lobby", said("m1", "held"));
    h.left("#LOBBY");
    CHECK(h.channel_count() == 0);
    CHECK(h.held_bytes() == 0);
    CHECK(h.take_events().empty());  // nowhere to show them
    h.joined("#lobby", t0);
    CHECK(h.take_requests() == requests{{"LATEST", "#lobby", "*", "50"}});
}

TEST_CASE("without CHATHISTORY the server's replay is history, and shown once", "[history]")
{
    history_tracker h;
    h.registered(false);
    h.joined("#lobby", t0);
    CHECK(h.take_requests().empty());
    CHECK_FALSE(h.want_older("#lobby", t0));
    CHECK_FALSE(h.batch_opened("n1", "netsplit", "#lobby"));
    CHECK_FALSE(h.batch_opened("x1", "chathistory", "#elsewhere"));  // not joined
    answer(h, "r1", {"m1:one", "m2:two"});
    CHECK(h.line("#lobby", said("m3", "live")) == line_fate::shown);
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:one", "h:two", "live"});
    // The replay after a reconnect repeats what is on screen already.
    h.disconnected();
    h.registered(false);
    h.joined("#lobby", t0);
    answer(h, "r2", {"m2:two", "m3:live", "m4:four"});
    CHECK(texts(h.take_events()) == std::vector<std::string>{"h:four"});
    CHECK(h.take_requests().empty());
}

TEST_CASE("repeats without msgids are known by time, source and text", "[history]")
{
    history_tracker h;
    h.registered(false);
    h.joined("#lobby", t0);
    auto line = [](const std::string& time, const std::string& text) {
        channel_line l;
        l.server_time = t0;
        l.key = line_key("", time, "bob!b@h", "PRIVMSG", "#lobby", text);
        l.shown = event{event_kind::message, t0, {"#lobby"}, "bob", text, false, false};
        return l;
    };
    CHECK(h.line("#lobby", line("2024-01-01T00:00:00.000Z", "hi")) == line_fate::shown);
    CHECK(h.line("#lobby", line("2024-01-01T00:00:00.000Z", "hi")) == line_fate::repeat);
    CHECK(h.line("#lobby", line("2024-01-01T00:00:00.001Z", "hi")) == line_fate::shown);
    // With neither msgid nor time nothing is taken for a repeat.
    channel_line bare;
    bare.shown.text = "same";
    CHECK(h.line("#lobby", bare) == line_fate::shown);
    CHECK(h.line("#lobby", bare) == line_fate::shown);
}

TEST_CASE("what a server can make the tracker keep is bounded", "[history]")
{
    history_limits limits;
    limits.held_lines = 10;
    limits.held_bytes = 100'000;
    limits.remembered = 50;
    limits.open_batches = 4;

    SECTION("held lines, by count: past it they show, in order")
    {
        auto h = joined_lobby(limits);
        for (int i = 0; i < 25; ++i)
            (void)h.line("#lobby", said("m" + std::to_string(i), std::to_string(i)));
        CHECK(h.held_lines() == 0);
        const auto shown = texts(h.take_events());
        REQUIRE(shown.size() == 25);
        CHECK(std::is_sorted(shown.begin(), shown.end(),
                             [](const std::string& a, const std::string& b) { return std::stoi(a) < std::stoi(b); }));
    }
    SECTION("held lines, by bytes in all channels")
    {
        history_tracker h(limits);
        h.registered(true);
        for (int c = 0; c < 20; ++c) {
            const auto chan = "#c" + std::to_string(c);
            h.joined(chan, t0);
            auto l = said("m" + std::to_string(c), std::string(8000, 'x'));
            l.shown.windows = {chan};
            (void)h.line(chan, std::move(l));
            CHECK(h.held_bytes() <= limits.held_bytes);
        }
        CHECK(h.held_lines() < 20);
    }
    SECTION("remembered keys")
    {
        auto h = joined_lobby(limits);
        answer(h, "b", {});
        for (int i = 0; i < 1000; ++i)
            (void)h.line("#lobby", said("m" + std::to_string(i), "x"));
        CHECK(h.remembered_keys() == 50);
        // The newest are the ones remembered.
        CHECK(h.line("#lobby", said("m999", "x")) == line_fate::repeat);
        CHECK(h.line("#lobby", said("m0", "x")) == line_fate::shown);
    }
    SECTION("open batches")
    {
        history_tracker h(limits);
        h.registered(false);
        h.joined("#lobby", t0);
        for (int i = 0; i < 100; ++i)
            (void)h.batch_opened("r" + std::to_string(i), "chathistory", "#lobby");
        CHECK(h.open_batches() == 4);
        CHECK_FALSE(h.in_history_batch("r50"));
    }
}

// --- the client state machine, fed a server's lines ---

namespace {

// Registered as alice with `caps` acknowledged (of those offered), in #lobby,
// outputs taken.
client_state history_client(const std::string& caps = "server-time echo-message batch message-tags draft/chathistory")
{
    client_state c(client_settings{"alice", "", {"#lobby"}, "h:1"});
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :" + caps, t0);
    c.on_line(":srv CAP * ACK :" + caps, t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    c.on_line(":srv 005 alice CHATHISTORY=100 MSGREFTYPES=msgid,timestamp :are supported", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    return c;
}

std::vector<std::string> sent(client_state& c) { return c.take_outgoing(); }

}  // namespace

TEST_CASE("the client asks for the capabilities history needs", "[history][client_state]")
{
    client_state c(client_settings{"alice", "", {"#lobby"}, "h:1"});
    c.on_connected(t0);
    (void)c.take_outgoing();
    c.on_line(":srv CAP * LS :draft/chathistory batch draft/event-playback message-tags server-time echo-message", t0);
    CHECK(sent(c)
          == std::vector<std::string>{"CAP REQ :server-time echo-message batch message-tags draft/chathistory\r\n"});
}

TEST_CASE("the client shows a channel's history before its live lines, with their time", "[history][client_state]")
{
    auto c = history_client();
    c.on_line("@time=2024-05-01T10:00:00.000Z :alice!a@h JOIN #lobby", t0);
    CHECK(sent(c) == std::vector<std::string>{"CHATHISTORY LATEST #lobby * 50\r\n"});
    CHECK(c.history_loading("#lobby"));
    c.on_line(":srv 353 alice = #lobby :alice bob", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    c.on_line("@time=2024-05-01T10:00:01.000Z;msgid=m3 :bob!b@h PRIVMSG #lobby :live", t0);
    c.on_line(":srv BATCH +h1 chathistory #lobby", t0);
    c.on_line("@batch=h1;time=2024-04-30T09:00:00.000Z;msgid=m1 :bob!b@h PRIVMSG #lobby :yesterday", t0);
    c.on_line("@batch=h1;time=2024-05-01T09:59:00.000Z;msgid=m2 :carol!c@h PRIVMSG #lobby :\x01" "ACTION waves\x01",
              t0);
    c.on_line("@batch=h1;time=2024-05-01T09:59:30.000Z;msgid=m2b :carol!c@h PRIVMSG #lobby :\x01VERSION\x01", t0);
    c.on_line("@batch=h1;time=2024-05-01T09:59:40.000Z :carol!c@h JOIN #lobby", t0);
    c.on_line(":srv BATCH -h1", t0);
    CHECK_FALSE(c.history_loading("#lobby"));
    CHECK(sent(c).empty());  // a replayed CTCP VERSION is not answered
    const auto events = c.take_events();
    REQUIRE(events.size() == 4);
    CHECK(events[0].kind == event_kind::join);
    CHECK(events[1].history);
    CHECK(events[1].text == "yesterday");
    CHECK(events[1].time == *parse_server_time("2024-04-30T09:00:00.000Z"));
    CHECK(events[2].history);
    CHECK(events[2].kind == event_kind::action);
    CHECK_FALSE(events[3].history);
    CHECK(events[3].text == "live");
    // The JOIN in the batch was history, not a member arriving.
    CHECK(member_nicks(c.windows().front()) == std::vector<std::string>{"alice", "bob"});
    CHECK(c.usage().history_batches == 0);
}

TEST_CASE("after a reconnect the client fills the gap and shows nothing twice", "[history][client_state]")
{
    auto c = history_client();
    c.on_line(":alice!a@h JOIN #lobby", t0);
    c.on_line(":srv BATCH +h1 chathistory #lobby", t0);
    c.on_line(":srv BATCH -h1", t0);
    c.on_line("@time=2024-05-01T10:00:00.000Z;msgid=m1 :bob!b@h PRIVMSG #lobby :before the drop", t0);
    (void)c.take_events();
    (void)c.take_outgoing();

    c.on_disconnected("connection reset", t0);
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :server-time echo-message batch message-tags draft/chathistory", t0);
    c.on_line(":srv CAP * ACK :server-time echo-message batch message-tags draft/chathistory", t0);
    c.on_line(":srv 001 alice :Welcome back", t0);
    (void)c.take_outgoing();
    c.on_line(":alice!a@h JOIN #lobby", t0);
    CHECK(sent(c) == std::vector<std::string>{"CHATHISTORY AFTER #lobby msgid=m1 100\r\n"});
    c.on_line("@time=2024-05-01T10:05:00.000Z;msgid=m4 :bob!b@h PRIVMSG #lobby :live after the rejoin", t0);
    c.on_line(":srv BATCH +h2 chathistory #lobby", t0);
    c.on_line("@batch=h2;time=2024-05-01T10:01:00.000Z;msgid=m2 :bob!b@h PRIVMSG #lobby :while you were away", t0);
    c.on_line("@batch=h2;time=2024-05-01T10:02:00.000Z;msgid=m3 :bob!b@h PRIVMSG #lobby :and more", t0);
    c.on_line("@batch=h2;time=2024-05-01T10:05:00.000Z;msgid=m4 :bob!b@h PRIVMSG #lobby :live after the rejoin", t0);
    c.on_line(":srv BATCH -h2", t0);
    c.on_line("@time=2024-05-01T10:05:00.000Z;msgid=m4 :bob!b@h PRIVMSG #lobby :live after the rejoin", t0);
    std::vector<std::string> shown;
    for (const auto& e : c.take_events())
        if (e.kind == event_kind::message)
            shown.push_back((e.history ? "h:" : "") + e.text);
    CHECK(shown == std::vector<std::string>{"h:while you were away", "h:and more", "h:live after the rejoin"});
    CHECK(sent(c).empty());
}

TEST_CASE("PageUp at the top asks for the page before the oldest line", "[history][client_state]")
{
    auto c = history_client();
    CHECK_FALSE(c.request_older_history(t0));  // not in the room yet
    c.on_line(":alice!a@h JOIN #lobby", t0);
    CHECK_FALSE(c.request_older_history(t0));  // the first page is on its way
    c.on_line(":srv BATCH +h1 chathistory #lobby", t0);
    c.on_line("@batch=h1;time=2024-05-01T10:00:00.000Z;msgid=m7 :bob!b@h PRIVMSG #lobby :oldest", t0);
    c.on_line(":srv BATCH -h1", t0);
    (void)c.take_outgoing();
    CHECK(c.request_older_history(t0));
    CHECK(sent(c) == std::vector<std::string>{"CHATHISTORY BEFORE #lobby msgid=m7 50\r\n"});
    CHECK_FALSE(c.request_older_history(t0));
    c.on_line(":srv FAIL CHATHISTORY MESSAGE_ERROR BEFORE #lobby :Messages could not be retrieved", t0);
    CHECK_FALSE(c.history_loading("#lobby"));
    c.on_disconnected("gone", t0);
    CHECK_FALSE(c.request_older_history(t0));  // offline: nothing is queued
    CHECK(sent(c).empty());
}

TEST_CASE("without draft/chathistory the join replay is history, shown once", "[history][client_state]")
{
    auto c = history_client("server-time echo-message batch message-tags");
    auto join = [&] {
        c.on_line(":alice!a@h JOIN #lobby", t0);
        c.on_line(":srv 366 alice #lobby :End", t0);
        c.on_line(":srv BATCH +r chathistory #lobby", t0);
        c.on_line("@batch=r;time=2024-05-01T10:00:00.000Z;msgid=m1 :bob!b@h PRIVMSG #lobby :replayed", t0);
        c.on_line("@batch=r;time=2024-05-01T10:00:01.000Z;msgid=m2 :bob!b@h NOTICE #lobby :noted", t0);
        c.on_line(":srv BATCH -r", t0);
    };
    join();
    CHECK(sent(c).empty());
    auto events = c.take_events();
    REQUIRE(events.size() == 3);
    CHECK((events[1].history && events[1].text == "replayed"));
    CHECK((events[2].history && events[2].kind == event_kind::notice));
    CHECK_FALSE(c.request_older_history(t0));

    c.on_disconnected("x", t0);
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :server-time batch message-tags", t0);
    c.on_line(":srv CAP * ACK :server-time batch message-tags", t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    (void)c.take_events();
    join();
    events = c.take_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == event_kind::join);
}

TEST_CASE("without batch or chathistory the client works as before", "[history][client_state]")
{
    auto c = history_client("server-time");
    c.on_line(":alice!a@h JOIN #lobby", t0);
    CHECK(sent(c).empty());
    c.on_line("@time=2024-05-01T10:00:00.000Z :bob!b@h PRIVMSG #lobby :hello", t0);
    c.on_line(":bob!b@h PRIVMSG #lobby :hello again", t0);
    c.on_line(":bob!b@h PRIVMSG #lobby :hello again", t0);
    const auto events = c.take_events();
    REQUIRE(events.size() == 4);
    CHECK(std::none_of(events.begin(), events.end(), [](const event& e) { return e.history; }));
}
