// The status endpoint over real HTTP against a real chat-server, compared with
// what the test did through real IRC sockets.
#include <boost/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "http_client.hpp"
#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

namespace json = boost::json;
using namespace sala::test;
using namespace std::chrono_literals;

namespace {

struct status_server {
    std::uint16_t http_port = free_loopback_port();
    server_process server;

    explicit status_server(std::vector<std::string> extra = {})
        : server(with_status(http_port, std::move(extra)))
    {
        REQUIRE(server.wait_for_log("status on http://127.0.0.1:" + std::to_string(http_port)));
    }

    static std::vector<std::string> with_status(std::uint16_t port, std::vector<std::string> extra)
    {
        extra.insert(extra.end(), {"--status-port", std::to_string(port), "--status-bind", "127.0.0.1"});
        return extra;
    }

    json::value status() const
    {
        const auto reply = http_get(http_port, "/status");
        REQUIRE(reply.status == 200);
        REQUIRE(reply.headers.find("Content-Type: application/json") != std::string::npos);
        return json::parse(reply.body);
    }
};

std::int64_t number(const json::value& v, std::initializer_list<std::string_view> path)
{
    const json::value* at = &v;
    for (auto key : path)
        at = &at->as_object().at(key);
    return at->to_number<std::int64_t>();
}

const json::object* find_by(const json::array& items, std::string_view field, std::string_view value)
{
    for (const auto& item : items)
        if (item.as_object().at(field).as_string() == value)
            return &item.as_object();
    return nullptr;
}

// Three members of #lobby; alice sends `count` numbered lines that the others
// are seen to receive, so every counter has settled when the test reads them.
void chat(irc_client& alice, irc_client& bob, irc_client& carol, int count)
{
    for (int i = 0; i < count; ++i)
        alice.send_line("PRIVMSG #lobby :line " + std::to_string(i));
    bob.expect("PRIVMSG #lobby :line " + std::to_string(count - 1));
    carol.expect("PRIVMSG #lobby :line " + std::to_string(count - 1));
}

}  // namespace

TEST_CASE("status reports the users rooms and exact message counts", "[status]")
{
    status_server s;
    irc_client alice(s.server.port()), bob(s.server.port()), carol(s.server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    carol.register_as("carol");
    carol.send_line("AWAY :out to lunch");
    carol.expect(" 306 ");
    carol.send_line("REGISTER * * carolpass1");
    carol.expect(" 900 ");
    alice.send_line("TOPIC #lobby :welcome all");
    carol.expect("TOPIC #lobby :welcome all");
    chat(alice, bob, carol, 7);

    const auto st = s.status();
    CHECK(st.at("server").at("name").as_string() == "sala");
    CHECK(number(st, {"server", "threads"}) >= 1);
    CHECK(number(st, {"connections", "total"}) == 3);
    CHECK(number(st, {"connections", "registered"}) == 3);
    CHECK(number(st, {"messages", "received"}) == 7);
    CHECK(number(st, {"messages", "delivered"}) == 7 * 2);  // N * (M - 1)
    CHECK_FALSE(st.at("users_truncated").as_bool());

    const auto& users = st.at("users").as_array();
    REQUIRE(users.size() == 3);
    for (auto nick : {"alice", "bob", "carol"}) {
        const auto* u = find_by(users, "nick", nick);
        REQUIRE(u != nullptr);
        CHECK(u->at("channels").as_array() == json::array{"#lobby"});
    }
    CHECK(find_by(users, "nick", "carol")->at("away").as_string() == "out to lunch");
    CHECK(find_by(users, "nick", "bob")->at("away").is_null());
    CHECK(find_by(users, "nick", "carol")->at("account").as_string() == "carol");
    CHECK(find_by(users, "nick", "bob")->at("account").is_null());

    const auto* lobby = find_by(st.at("channels").as_array(), "name", "#lobby");
    REQUIRE(lobby != nullptr);
    CHECK(lobby->at("members").to_number<int>() == 3);
    CHECK(lobby->at("messages").to_number<int>() == 7);
    CHECK(lobby->at("topic").as_string() == "welcome all");

    bob.send_line("QUIT :done");
    alice.expect("QUIT :Quit: done");
    // The room relays the QUIT before bob's session has finished closing, so
    // wait (bounded) for the count to settle rather than read it once.
    auto after = s.status();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (number(after, {"connections", "total"}) != 2 && std::chrono::steady_clock::now() < deadline)
        after = s.status();
    CHECK(number(after, {"connections", "total"}) == 2);
    CHECK(number(after, {"disconnects", "quit"}) == 1);
    require_clean_exit(s.server);
}

TEST_CASE("status counts echoes and caps the user list", "[status]")
{
    status_server s({"--status-max-users", "2"});
    irc_client alice(s.server.port()), bob(s.server.port()), carol(s.server.port());
    alice.register_as("alice", "echo-message");
    bob.register_as("bob");
    carol.register_as("carol");
    chat(alice, bob, carol, 4);
    alice.expect("PRIVMSG #lobby :line 3");  // the echo

    const auto st = s.status();
    CHECK(number(st, {"messages", "received"}) == 4);
    CHECK(number(st, {"messages", "delivered"}) == 4 * 3);  // two members plus the echo
    CHECK(st.at("users").as_array().size() == 2);
    CHECK(st.at("users_truncated").as_bool());
    CHECK(number(st, {"connections", "registered"}) == 3);
    require_clean_exit(s.server);
}

TEST_CASE("metrics are well formed Prometheus text that agrees with status", "[status]")
{
    status_server s;
    irc_client alice(s.server.port()), bob(s.server.port()), carol(s.server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    carol.register_as("carol");
    chat(alice, bob, carol, 5);

    const auto reply = http_get(s.http_port, "/metrics");
    REQUIRE(reply.status == 200);
    CHECK(reply.headers.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    const std::regex comment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+)");
    const std::regex sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"\})? (-?[0-9.eE+-]+))");
    std::map<std::string, double> values;
    std::istringstream lines(reply.body);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, comment))
            continue;
        INFO("line: " << line);
        REQUIRE(std::regex_match(line, m, sample));
        values[m[1].str() + m[2].str()] = std::stod(m[3].str());
    }
    const auto st = s.status();
    CHECK(values.at("sala_messages_received_total") == 5);
    CHECK(values.at("sala_messages_delivered_total") == 10);
    CHECK(values.at("sala_connections") == static_cast<double>(number(st, {"connections", "total"})));
    CHECK(values.at("sala_users_registered") == 3);
    CHECK(values.at("sala_channels") == 1);
    CHECK(values.count("sala_disconnects_total{reason=\"sendq\"}") == 1);
    for (const auto& [name, value] : values)
        if (name.find("_total") != std::string::npos)
            CHECK(value >= 0);
    require_clean_exit(s.server);
}

TEST_CASE("the page is HTML and names the users", "[status]")
{
    status_server s;
    irc_client dora(s.server.port());
    dora.register_as("dora");
    dora.send_line("TOPIC #lobby :<script>alert(1)</script>");
    dora.expect("TOPIC #lobby");
    const auto reply = http_get(s.http_port, "/");
    REQUIRE(reply.status == 200);
    CHECK(reply.headers.find("Content-Type: text/html") != std::string::npos);
    CHECK(reply.body.find("<!doctype html>") == 0);
    CHECK(reply.body.find("<td>dora</td>") != std::string::npos);
    CHECK(reply.body.find("<td>#lobby</td>") != std::string::npos);
    CHECK(reply.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(reply.body.find("<script>alert") == std::string::npos);
    CHECK(reply.body.find("src=\"http") == std::string::npos);  // no external assets
    require_clean_exit(s.server);
}

TEST_CASE("unknown paths other methods and bad requests get clear errors", "[status]")
{
    status_server s({"--status-timeout", "0.3"});
    CHECK(http_get(s.http_port, "/nope").status == 404);
    CHECK(http_exchange(s.http_port, "POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status == 405);
    CHECK(http_exchange(s.http_port, "HEAD /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200);
    const std::string huge = "GET /status HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n";
    CHECK(http_exchange(s.http_port, huge).status == 431);
    CHECK(http_exchange(s.http_port, "NOT-HTTP\r\n\r\n").status == 400);
    // A client that sends half a request is cut off by the timeout...
    CHECK(closed_after(s.http_port, "GET /status HTTP/1.1\r\nHost:", 3s));
    // ...and after all of that the server still answers.
    CHECK(http_get(s.http_port, "/status").status == 200);
    require_clean_exit(s.server);
}

TEST_CASE("keep-alive serves several requests on one connection", "[status]")
{
    status_server s;
    const std::string two = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const auto reply = http_exchange(s.http_port, two);
    CHECK(reply.status == 200);
    CHECK(reply.body.find("sala_up 1") != std::string::npos);
    require_clean_exit(s.server);
}

namespace {

// Bytes the kernel still holds to send on TCP sockets whose local port is
// `port` (orphaned sockets included: a socket closed with unsent data stays
// here, retrying, until the peer takes it or the kernel gives up).
std::size_t kernel_unsent_on_port(std::uint16_t port)
{
    std::ifstream in("/proc/net/tcp");
    std::string line;
    std::getline(in, line);  // header
    std::size_t unsent = 0;
    while (std::getline(in, line)) {
        // "  sl  local_address rem_address   st tx_queue:rx_queue ..."
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues;
        fields >> slot >> local >> remote >> state >> queues;
        const auto colon = local.find(':');
        if (colon == std::string::npos || std::stoul(local.substr(colon + 1), nullptr, 16) != port)
            continue;
        unsent += std::stoul(queues.substr(0, queues.find(':')), nullptr, 16);
    }
    return unsent;
}

// Polls `pred` (bounded), reading /status each time; the last status read.
json::value wait_for_status(const status_server& s, const std::function<bool(const json::value&)>& pred,
    std::chrono::milliseconds timeout = 60s)
{
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    auto st = s.status();
    while (!pred(st) && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(20ms);  // polling interval of a bounded wait for a condition
        st = s.status();
    }
    return st;
}

}  // namespace

TEST_CASE("status: a client that never reads pins little in the kernel and is reset after its grace", "[status]")
{
    constexpr int sndbuf = 16384;
    status_server s({"--line-rate", "0", "--sndbuf", std::to_string(sndbuf), "--sendq", "262144"});
    irc_client talker(s.server.port());
    irc_client reader(s.server.port());
    irc_client lazy(s.server.port(), 4096);  // never reads from here on
    talker.register_as("talker");
    reader.register_as("reader");
    lazy.register_as("lazy");
    reader.expect([](const std::string& l) { return is_join(l, "lazy", "#lobby"); });
    CHECK(number(s.status(), {"output", "send_buffer_bytes"}) == sndbuf);

    // 80 KB for lazy: more than its kernel buffers take, less than its SendQ.
    const std::string text(400, 'x');
    for (int i = 0; i < 200; ++i)
        talker.send_line("PRIVMSG #lobby :" + std::to_string(i) + " " + text);
    reader.expect("PRIVMSG #lobby :199 ", 60s);
    const auto stalled = wait_for_status(s, [](const json::value& st) { return number(st, {"output", "queued_bytes"}) > 0; });
    INFO(json::serialize(stalled));
    REQUIRE(number(stalled, {"output", "queued_bytes"}) > 0);
    // The kernel's share is bounded by --sndbuf (Linux doubles the figure for
    // its own bookkeeping), not by tcp_wmem's 4 MiB.
    CHECK(number(stalled, {"output", "kernel_queued_bytes"}) > 0);
    CHECK(number(stalled, {"output", "kernel_queued_bytes"}) <= 2 * sndbuf);
    CHECK(number(stalled, {"disconnects", "sendq"}) == 0);

    // Past the SendQ, lazy is cut off; it never takes its ERROR line either,
    // so after the grace period its connection is reset, not left to drain.
    reader.send_line("QUIT");
    reader.wait_closed();
    for (int i = 0; i < 1000; ++i)
        talker.send_line("PRIVMSG #lobby :" + std::to_string(i) + " " + text);
    // Talker's copy of lazy's QUIT may still be on its way when the reset is counted.
    const auto cut = wait_for_status(s, [](const json::value& st) {
        return number(st, {"disconnects", "sendq"}) == 1 && number(st, {"output", "aborted_closes"}) == 1
            && number(st, {"output", "queued_bytes"}) == 0;
    });
    INFO(json::serialize(cut));
    CHECK(number(cut, {"disconnects", "sendq"}) == 1);
    CHECK(number(cut, {"output", "aborted_closes"}) == 1);
    CHECK(number(cut, {"output", "queued_bytes"}) == 0);

    // Nothing is left in the kernel for lazy: the reset freed it at once.
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (kernel_unsent_on_port(s.server.port()) != 0 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(20ms);
    CHECK(kernel_unsent_on_port(s.server.port()) == 0);
    require_clean_exit(s.server);
}

namespace {

const json::array* chart_points(const json::value& samples, std::string_view name)
{
    for (const auto& c : samples.at("charts").as_array())
        if (c.at("name").as_string() == name)
            return &c.at("points").as_array();
    return nullptr;
}

// What a rate chart adds up to: each known rate times the time it covers,
// which is how many messages the counter gained over the series.
double total_of_rate(const json::value& samples, std::string_view name)
{
    const auto* points = chart_points(samples, name);
    REQUIRE(points != nullptr);
    const auto& ago = samples.at("seconds_ago").as_array();
    REQUIRE(points->size() == ago.size());
    double total = 0;
    for (std::size_t i = 1; i < points->size(); ++i)
        if (!(*points)[i].is_null())
            total += (*points)[i].to_number<double>()
                * (ago[i - 1].to_number<double>() - ago[i].to_number<double>());
    return total;
}

json::value samples_of(const status_server& s)
{
    const auto reply = http_get(s.http_port, "/status/samples");
    REQUIRE(reply.status == 200);
    REQUIRE(reply.headers.find("Content-Type: application/json") != std::string::npos);
    return json::parse(reply.body);
}

json::value wait_for_samples(const status_server& s, const std::function<bool(const json::value&)>& pred)
{
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    auto samples = samples_of(s);
    while (!pred(samples) && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(50ms);  // polling interval of a bounded wait for a condition
        samples = samples_of(s);
    }
    return samples;
}

}  // namespace

TEST_CASE("status samples grow and chart the messages that were sent", "[status]")
{
    status_server s({"--status-sample-interval", "0.2"});
    // The first sample, taken before anyone connects, is the baseline.
    const auto first = wait_for_samples(s, [](const json::value& v) { return !v.at("seconds_ago").as_array().empty(); });
    const auto first_count = first.at("seconds_ago").as_array().size();
    REQUIRE(first_count >= 1);
    CHECK(first.at("interval_seconds").to_number<double>() == 0.2);
    CHECK(first.at("window_seconds").to_number<double>() > 0);

    irc_client alice(s.server.port()), bob(s.server.port()), carol(s.server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    carol.register_as("carol");
    chat(alice, bob, carol, 20);

    // Every message counted once the newest sample has seen them all.
    const auto after = wait_for_samples(s, [](const json::value& v) {
        return total_of_rate(v, "messages_per_second") > 19.5 && total_of_rate(v, "deliveries_per_second") > 39.5;
    });
    INFO(json::serialize(after));
    CHECK(after.at("seconds_ago").as_array().size() > first_count);
    CHECK(std::abs(total_of_rate(after, "messages_per_second") - 20) < 0.01);
    CHECK(std::abs(total_of_rate(after, "deliveries_per_second") - 40) < 0.01);  // 20 * (3 - 1)
    double fastest = 0;
    for (const auto& p : *chart_points(after, "messages_per_second"))
        if (!p.is_null())
            fastest = std::max(fastest, p.to_number<double>());
    CHECK(fastest > 0);
    const auto* connections = chart_points(after, "connections");
    REQUIRE(connections != nullptr);
    CHECK(connections->back().to_number<double>() == 3);
    // The history store is on (--db :memory:), TLS is not.
    CHECK(chart_points(after, "store_commits_per_second") != nullptr);
    CHECK(chart_points(after, "store_queue_depth") != nullptr);
    CHECK(chart_points(after, "tls_connections") == nullptr);
    require_clean_exit(s.server);
}
