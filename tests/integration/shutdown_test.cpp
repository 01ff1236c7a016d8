// Process-level behaviour: shutdown on SIGTERM, ping timeouts.
#include <csignal>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("shutdown: SIGTERM tells every client and exits 0", "[integration][shutdown]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    irc_client unregistered(server.port());
    unregistered.send_line("NICK halfway");
    unregistered.send_line("PING :connected");
    unregistered.expect("connected");

    const auto start = clock_type::now();
    server.send_signal(SIGTERM);
    for (irc_client* c : {&alice, &bob, &unregistered}) {
        CHECK(c->expect("ERROR") == "ERROR :Server shutting down");
        CHECK(c->wait_closed());
    }
    const auto status = server.wait_exit(5s);
    const auto took = clock_type::now() - start;
    INFO(server.log_text());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    CHECK(took < 5s);
    CHECK(server.log_text().find("did not finish in time") == std::string::npos);
    require_clean_exit(server);
}

TEST_CASE("shutdown: SIGINT with no clients exits 0 at once", "[integration][shutdown]")
{
    server_process server;
    server.send_signal(SIGINT);
    const auto status = server.wait_exit(5s);
    INFO(server.log_text());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
}

TEST_CASE("shutdown: a client that never answers PING is dropped and one that answers stays",
    "[integration][shutdown]")
{
    server_process server({"--ping-interval", "0.2", "--ping-timeout", "0.5"});
    irc_client silent(server.port());
    irc_client lively(server.port());
    silent.register_as("silent");
    lively.register_as("lively");

    // lively answers every PING for a bounded 1.2 s, longer than the timeout.
    const auto until = clock_type::now() + 1200ms;
    int pings = 0;
    while (clock_type::now() < until) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now());
        const auto line = lively.read_line(left);
        if (!line) {
            REQUIRE_FALSE(lively.closed());
            continue;
        }
        if (line->starts_with("PING ")) {
            ++pings;
            lively.send_line("PONG " + line->substr(5));
        }
    }
    CHECK(pings >= 1);
    CHECK_FALSE(lively.closed());

    CHECK(silent.expect("PING") == "PING :sala");
    CHECK(silent.expect("ERROR").starts_with("ERROR :Closing Link: 127.0.0.1 (Ping timeout"));
    CHECK(silent.wait_closed());
    CHECK(server.wait_for_log("disconnect 127.0.0.1 silent: Ping timeout"));

    // The room was told, and lively still chats.
    lively.send_line("PRIVMSG #lobby :still alive");
    lively.send_line("PING :end");
    lively.collect_until(":end");
    CHECK(lively.count_seen(":silent!silent@127.0.0.1 QUIT :Ping timeout") == 1);
    CHECK(server.log_text().find("disconnect 127.0.0.1 lively") == std::string::npos);
    require_clean_exit(server);
}

namespace {

// The start-up failure of a server given `args`: its message, which carries the
// exit status and the log ("" if it started after all).
std::string startup_failure(std::vector<std::string> args)
{
    try {
        server_process server(std::move(args));
        server.terminate();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("shutdown: bad options exit 2 with a message on stderr", "[integration][shutdown]")
{
    const auto unknown = startup_failure({"--no-such-option"});
    INFO(unknown);
    CHECK(unknown.find("exited with status 2 before listening") != std::string::npos);
    CHECK(unknown.find("--no-such-option") != std::string::npos);

    const auto ping = startup_failure({"--ping-interval", "2", "--ping-timeout", "1"});
    INFO(ping);
    CHECK(ping.find("exited with status 2 before listening") != std::string::npos);
    CHECK(ping.find("--ping-timeout") != std::string::npos);

    const auto sendq = startup_failure({"--sendq", "10"});
    INFO(sendq);
    CHECK(sendq.find("exited with status 2 before listening") != std::string::npos);
}

namespace {

// A room in which `lazy` stopped reading long ago: its kernel buffers are full
// and its send queue holds what the room said since. `reader` confirms every
// line, so when this returns the server has queued all of them for lazy too.
void fill_a_client_that_never_reads(irc_client& talker, irc_client& reader, irc_client& lazy)
{
    talker.register_as("talker");
    reader.register_as("reader", {}, "#lobby");
    lazy.register_as("lazy");
    reader.send_line("JOIN #second");
    reader.expect(" 366 ");
    lazy.send_line("JOIN #second");  // lazy's rooms span both shards' members
    reader.expect([](const std::string& l) { return is_join(l, "lazy", "#second"); });
    // 1,000 lines of 400 bytes: far more than lazy's 4 KiB receive buffer and
    // the server's 64 KiB send buffer take, far less than the 1 MiB SendQ.
    const std::string text(400, 'x');
    for (int i = 0; i < 1000; ++i)
        talker.send_line("PRIVMSG #lobby :" + std::to_string(i) + " " + text);
    reader.expect("PRIVMSG #lobby :999 ", std::chrono::milliseconds(60000));
}

}  // namespace

TEST_CASE("shutdown: a client that never reads does not hold up the exit", "[integration][shutdown]")
{
    server_process server({"--line-rate", "0"});
    irc_client talker(server.port());
    irc_client reader(server.port());
    irc_client lazy(server.port(), 4096);
    fill_a_client_that_never_reads(talker, reader, lazy);

    server.send_signal(SIGTERM);
    CHECK(reader.expect("ERROR") == "ERROR :Server shutting down");
    CHECK(reader.wait_closed());
    // lazy never takes its last words: it is reset once their grace (2 s) is
    // over, within the shutdown's own grace (3 s), and the server exits 0.
    const auto status = server.wait_exit(std::chrono::milliseconds(30000));
    INFO(server.log_text());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    CHECK(server.log_text().find("did not finish in time") == std::string::npos);
    CHECK(server.log_text().find("disconnect 127.0.0.1 lazy: Server shutting down") != std::string::npos);
}

TEST_CASE("shutdown: sessions that outlive the grace are dropped and the server still exits cleanly",
    "[integration][shutdown]")
{
    // No grace at all: every session, rooms and all, is still alive when the
    // shards stop, so tearing them down is exercised with state on every shard
    // (the sanitizer builds turn a use-after-free here into a failed exit).
    server_process server({"--line-rate", "0", "--shutdown-grace", "0", "--threads", "2"});
    irc_client talker(server.port());
    irc_client reader(server.port());
    irc_client lazy(server.port(), 4096);
    fill_a_client_that_never_reads(talker, reader, lazy);
    irc_client unregistered(server.port());
    unregistered.send_line("NICK halfway");
    unregistered.send_line("PING :connected");
    unregistered.expect("connected");

    server.send_signal(SIGTERM);
    const auto status = server.wait_exit(std::chrono::milliseconds(30000));
    INFO(server.log_text());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    CHECK(server.log_text().find("did not finish in time") != std::string::npos);
}
