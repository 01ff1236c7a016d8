#include "client/client_state.hpp"

#include <algorithm>

#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;

namespace {

const clock_time t0 = clock_time{} + 1000h;

client_settings settings()
{
    return client_settings{"alice", "", {"#lobby"}, "localhost:6667"};
}

// A client that has registered (with `caps` acknowledged) and joined #lobby
// with bob in it; outputs taken.
client_state registered(const std::string& caps = "server-time echo-message")
{
    client_state c(settings());
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :" + caps + " batch", t0);
    if (!caps.empty())
        c.on_line(":srv CAP * ACK :" + caps, t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    c.on_line(":alice!a@h JOIN #lobby", t0);
    c.on_line(":srv 353 alice = #lobby :alice @bob", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    return c;
}

}  // namespace

TEST_CASE("registration negotiates capabilities and joins", "[client_state]")
{
    client_state c(client_settings{"alice", "secret", {"#lobby"}, "h:1"});
    c.on_connected(t0);
    CHECK(c.take_outgoing()
          == std::vector<std::string>{"CAP LS 302\r\n", "PASS secret\r\n", "NICK alice\r\n", "USER alice 0 * alice\r\n"});
    c.on_line(":srv CAP * LS * :multi-prefix server-time", t0);
    CHECK(c.take_outgoing().empty());  // waits for the last LS line
    c.on_line(":srv CAP * LS :echo-message sasl=PLAIN", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"CAP REQ :server-time echo-message multi-prefix\r\n"});
    c.on_line(":srv CAP * ACK :server-time echo-message", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"CAP END\r\n"});
    CHECK(c.has_cap("echo-message"));
    CHECK(c.state() == connection_state::registering);
    c.on_line(":irc.example 001 alice :Welcome", t0);
    CHECK(c.state() == connection_state::registered);
    CHECK(c.server_name() == "irc.example");
    CHECK(c.take_outgoing() == std::vector<std::string>{"JOIN #lobby\r\n"});
}

TEST_CASE("registration without useful capabilities ends CAP at once", "[client_state]")
{
    client_state c(settings());
    c.on_connected(t0);
    (void)c.take_outgoing();
    c.on_line(":srv CAP * LS :account-notify", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"CAP END\r\n"});
    c.on_line(":srv CAP * NAK :x", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"CAP END\r\n"});
}

TEST_CASE("nick in use during registration tries another", "[client_state]")
{
    client_state c(settings());
    c.on_connected(t0);
    (void)c.take_outgoing();
    c.on_line(":srv 433 * alice :Nickname is already in use", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"NICK alice_\r\n"});
    c.on_line(":srv 001 alice_ :Welcome", t0);
    CHECK(c.nick() == "alice_");
}

TEST_CASE("PING is answered and lag measured", "[client_state]")
{
    auto c = registered();
    c.on_line("PING :abc", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"PONG abc\r\n"});
    CHECK(c.send_lag_ping(t0));
    CHECK_FALSE(c.send_lag_ping(t0));
    CHECK(c.take_outgoing() == std::vector<std::string>{"PING sala-lag\r\n"});
    c.on_line(":srv PONG srv :sala-lag", t0 + 42ms);
    REQUIRE(c.lag());
    CHECK(*c.lag() == 42ms);
    CHECK_FALSE(c.ping_outstanding());
}

TEST_CASE("channel events update members and produce events", "[client_state]")
{
    auto c = registered();
    REQUIRE(c.current());
    CHECK(member_nicks(*c.current()) == std::vector<std::string>{"alice", "bob"});
    c.on_line("@time=2024-05-01T12:34:56.000Z :carol!c@h JOIN #lobby", t0);
    c.on_line(":carol!c@h NICK caroline", t0);
    c.on_line(":bob!b@h PART #lobby :bye", t0);
    c.on_line(":caroline!c@h QUIT :gone", t0);
    CHECK(member_nicks(*c.current()) == std::vector<std::string>{"alice"});
    const auto ev = c.take_events();
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].kind == event_kind::join);
    CHECK(ev[0].nick == "carol");
    CHECK(ev[0].time == *parse_server_time("2024-05-01T12:34:56Z"));
    CHECK(ev[1].kind == event_kind::nick_change);
    CHECK(ev[1].text == "caroline");
    CHECK(ev[2].kind == event_kind::part);
    CHECK(ev[2].text == "bye");
    CHECK(ev[3].kind == event_kind::quit);
    CHECK(ev[3].windows == std::vector<std::string>{"#lobby"});
}

TEST_CASE("messages actions mentions and private chats", "[client_state]")
{
    auto c = registered();
    c.on_line(":bob!b@h PRIVMSG #lobby :hi there", t0);
    c.on_line(":bob!b@h PRIVMSG #lobby :\x01" "ACTION waves\x01", t0);
    c.on_line(":bob!b@h PRIVMSG #lobby :Alice: ping", t0);
    c.on_line(":bob!b@h PRIVMSG #lobby :malice is not a mention", t0);
    c.on_line(":bob!b@h PRIVMSG alice :psst", t0);
    const auto ev = c.take_events();
    REQUIRE(ev.size() == 5);
    CHECK(ev[0].kind == event_kind::message);
    CHECK(ev[0].text == "hi there");
    CHECK(ev[1].kind == event_kind::action);
    CHECK(ev[1].text == "waves");
    CHECK(ev[2].mention);
    CHECK_FALSE(ev[3].mention);
    CHECK(ev[4].windows == std::vector<std::string>{"bob"});
    REQUIRE(c.windows().size() == 2);
    CHECK(c.windows()[1].name == "bob");
    CHECK(c.windows()[1].unread);
    CHECK(c.windows()[1].mention);
    CHECK(c.switch_to(1));
    CHECK_FALSE(c.windows()[1].unread);
}

TEST_CASE("CTCP VERSION is answered and other CTCP hidden", "[client_state]")
{
    auto c = registered();
    c.on_line(":bob!b@h PRIVMSG alice :\x01VERSION\x01", t0);
    CHECK(c.take_events().empty());
    const auto out = c.take_outgoing();
    REQUIRE(out.size() == 1);
    CHECK(out[0].starts_with("NOTICE bob :\x01VERSION sala"));
}

TEST_CASE("typed text is sent and echoed locally only without echo-message", "[client_state]")
{
    auto with_echo = registered();
    with_echo.on_input("hello all", t0);
    CHECK(with_echo.take_outgoing() == std::vector<std::string>{"PRIVMSG #lobby :hello all\r\n"});
    CHECK(with_echo.take_events().empty());

    auto without = registered("");
    without.on_input("hello", t0);
    without.on_input("/me waves", t0);
    CHECK(without.take_outgoing()
          == std::vector<std::string>{"PRIVMSG #lobby hello\r\n", "PRIVMSG #lobby :\x01" "ACTION waves\x01\r\n"});
    const auto ev = without.take_events();
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].self);
    CHECK(ev[1].kind == event_kind::action);
}

TEST_CASE("long messages are split at character boundaries", "[client_state]")
{
    auto c = registered();
    std::string text;
    for (int i = 0; i < 300; ++i)
        text += "é";
    c.on_input(text, t0);
    const auto out = c.take_outgoing();
    REQUIRE(out.size() == 2);
    CHECK(out[0].size() <= 512);
}

TEST_CASE("text typed before the join waits for it", "[client_state]")
{
    client_state c(settings());
    c.on_input("early", t0);
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :", t0);
    c.on_line(":srv 001 alice :hi", t0);
    (void)c.take_outgoing();
    c.on_line(":alice!a@h JOIN :#lobby", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"PRIVMSG #lobby early\r\n"});
}

TEST_CASE("commands", "[client_state]")
{
    auto c = registered();
    c.on_input("/join dev", t0);
    c.on_input("/msg bob hi you", t0);
    c.on_input("/nick al", t0);
    c.on_input("/names", t0);
    c.on_input("/topic new topic", t0);
    c.on_input("/topic", t0);
    c.on_input("/away lunch", t0);
    c.on_input("/away", t0);
    c.on_input("/quote MODE #lobby", t0);
    c.on_input("//not a command", t0);
    CHECK(c.take_outgoing()
          == std::vector<std::string>{"JOIN #dev\r\n", "PRIVMSG bob :hi you\r\n", "NICK al\r\n", "NAMES #lobby\r\n",
                                      "TOPIC #lobby :new topic\r\n", "TOPIC #lobby\r\n", "AWAY lunch\r\n", "AWAY\r\n",
                                      "MODE #lobby\r\n", "PRIVMSG #lobby :/not a command\r\n"});
    c.on_line(":alice!a@h JOIN #dev", t0);
    REQUIRE(c.current());
    CHECK(c.current()->name == "#dev");
    c.on_input("/part", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"PART #dev\r\n"});
    c.on_line(":alice!a@h PART #dev", t0);
    CHECK(c.current()->name == "#lobby");
    c.on_line(":srv 353 alice = #lobby :alice bob", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    (void)c.take_events();
    c.on_input("/bogus", t0);
    c.on_input("/win 9", t0);
    c.on_input("/help", t0);
    const auto ev = c.take_events();
    REQUIRE(ev.size() > 3);
    CHECK(ev[0].kind == event_kind::error);
    CHECK(ev[1].kind == event_kind::error);
    CHECK(ev[2].kind == event_kind::info);
    c.on_input("/quit bye now", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"QUIT :bye now\r\n"});
    CHECK(c.quitting());
}

TEST_CASE("names requested by the user are listed", "[client_state]")
{
    auto c = registered();
    c.on_input("/names", t0);
    c.on_line(":srv 353 alice = #lobby :alice @bob +carol", t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    const auto ev = c.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].text == "members of #lobby (3): alice @bob +carol");
}

TEST_CASE("a lost connection rejoins on the next one", "[client_state]")
{
    auto c = registered();
    c.on_input("/join #dev", t0);
    c.on_line(":alice!a@h JOIN #dev", t0);
    c.on_disconnected("reset", t0);
    CHECK(c.state() == connection_state::disconnected);
    const auto ev = c.take_events();
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back().kind == event_kind::disconnected);
    c.on_input("while away", t0);  // held until #dev is joined again
    (void)c.take_outgoing();
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :", t0);
    c.on_line(":srv 001 alice :hi", t0);
    const auto out = c.take_outgoing();
    CHECK(std::count(out.begin(), out.end(), "JOIN #lobby\r\n") == 1);
    CHECK(std::count(out.begin(), out.end(), "JOIN #dev\r\n") == 1);
    c.on_line(":alice!a@h JOIN #dev", t0);
    CHECK(c.take_outgoing() == std::vector<std::string>{"PRIVMSG #dev :while away\r\n"});
}

TEST_CASE("malformed lines are ignored", "[client_state]")
{
    auto c = registered();
    for (const char* line : {"", "@", ":x", "PRIVMSG", ":bob!b@h PRIVMSG #lobby", ":bob JOIN", "353", "CAP", "366", "JOIN", "NICK"})
        c.on_line(line, t0);
    CHECK(c.take_events().empty());
    CHECK(c.state() == connection_state::registered);
}

TEST_CASE("server-time parsing", "[client_state]")
{
    CHECK(parse_server_time("1970-01-01T00:01:00.500Z") == clock_time{} + 60500ms);
    CHECK_FALSE(parse_server_time("yesterday"));
    CHECK_FALSE(parse_server_time("2024-13-01T00:00:00Z"));
}

TEST_CASE("why the last attempt failed is kept for the status line", "[client_state]")
{
    client_state c(settings());
    CHECK(c.disconnect_reason().empty());
    // An attempt that never connected shows no "connection lost" event, but
    // the status line still needs its reason.
    c.on_disconnected("connect timed out after 30 s", t0);
    CHECK(c.take_events().empty());
    CHECK(c.disconnect_reason() == "connect timed out after 30 s");
    c.on_connected(t0);
    c.on_disconnected("registration timed out after 30 s (no welcome from the server)", t0);
    CHECK(c.state() == connection_state::disconnected);
    CHECK(c.disconnect_reason() == "registration timed out after 30 s (no welcome from the server)");
}
