#include "options.hpp"

#include <CLI/CLI.hpp>

#include "common/cli_parse.hpp"
#include <boost/asio/ip/address_v4.hpp>

#include <iostream>

namespace sala::bench {

namespace {

void add_common(CLI::App& app, common_options& c)
{
    app.add_option("--host", c.host, "Server address (127.0.0.0/8 only)")->capture_default_str();
    app.add_option("--port", c.port, "Server port")->capture_default_str();
    app.add_option("--threads", c.threads, "io_contexts, one thread each")
        ->check(CLI::Range(1u, 64u))
        ->capture_default_str();
    app.add_option("--sources", c.sources, "Source addresses 127.0.0.1, .2, ... (0: as many as needed)")
        ->check(CLI::Range(0u, 250u))
        ->capture_default_str();
    app.add_option("--per-source", c.per_source, "Connections per source address")
        ->check(CLI::Range(std::size_t{1}, std::size_t{28000}))
        ->capture_default_str();
    app.add_option("--label", c.label, "Free text copied into the JSON line");
    app.add_option("--channel", c.channel, "Channel to join")->capture_default_str();
    app.add_flag("--tls", c.tls, "Connect with TLS (the server's certificate is not checked)");
    app.add_flag("--websocket", c.websocket,
                 "Speak IRC over WebSocket (text.ircv3.net); --port is then the server's web port");
    app.add_option("--setup-timeout", c.setup_timeout, "Seconds for connecting, registering and joining")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--nick-prefix", c.nick_prefix, "Start of every nick (default: random, 3 characters)");
}

// fanout and idle: how connections are set up.
void add_setup(CLI::App& app, common_options& c)
{
    app.add_option("--concurrency", c.concurrency, "Connections being set up at once")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
        ->capture_default_str();
    app.add_option("--retries", c.retries, "Extra attempts for a connection that fails before 001")
        ->check(CLI::Range(0u, 100u))
        ->capture_default_str();
}

}  // namespace

options_result parse_options(int argc, const char* const* argv)
{
    options o;
    CLI::App app{"sala-bench: load generator for IRC servers (loopback only)", "sala-bench"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("sala-bench 0.1.0"));

    auto* fan = app.add_subcommand("fanout", "N members in one channel, P of them publish");
    add_common(*fan, o.common);
    add_setup(*fan, o.common);
    auto& f = o.fanout;
    fan->add_option("--members", f.members, "Members of the channel")
        ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 20))
        ->capture_default_str();
    fan->add_option("--publishers", f.publishers, "Members that publish")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 16))
        ->capture_default_str();
    fan->add_option("--messages", f.messages, "Messages per publisher")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
        ->capture_default_str();
    fan->add_option("--window", f.window, "Outstanding messages per publisher at full speed")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    fan->add_option("--rate", f.rate, "Total messages/s (0: full speed, bounded by --window)")
        ->check(CLI::Range(0.0, 1e8))
        ->capture_default_str();
    fan->add_option("--duration", f.duration, "Publishing stops after this many seconds")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    fan->add_option("--drain", f.drain, "Seconds to wait for the last deliveries")
        ->check(CLI::Range(0.01, 600.0))
        ->capture_default_str();
    fan->add_option("--payload", f.payload, "Padding bytes per message")
        ->check(CLI::Range(std::size_t{0}, std::size_t{400}))
        ->capture_default_str();
    fan->add_option("--server-pid", f.server_pid, "Server process whose CPU time is read while publishing (0: none)")
        ->check(CLI::Range(0L, 1L << 30));

    auto* idle = app.add_subcommand("idle", "Hold N registered idle connections, measure server memory");
    add_common(*idle, o.common);
    add_setup(*idle, o.common);
    auto& i = o.idle;
    idle->add_option("--connections", i.connections, "Connections to open")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 22))
        ->capture_default_str();
    idle->add_option("--server-pid", i.server_pid, "Server process whose VmRSS is read (0: none)")
        ->check(CLI::Range(0L, 1L << 30));
    idle->add_option("--hold", i.hold, "Seconds to hold the connections before measuring")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();

    auto* churn = app.add_subcommand("churn", "Connect, register, join, say one line, quit; repeat");
    add_common(*churn, o.common);
    auto& c = o.churn;
    churn->add_option("--duration", c.duration, "Seconds to run")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    churn->add_option("--max-cycles", c.max_cycles, "Stop after this many connections")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
        ->capture_default_str();
    churn->add_option("--concurrency", c.concurrency, "Connections cycling at once")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10000}))
        ->capture_default_str();

    if (auto status = sala::parse_command_line(app, argc, argv, "sala-bench"))
        return {std::nullopt, *status};

    if (fan->parsed())
        o.which = mode::fanout;
    else if (idle->parsed())
        o.which = mode::idle;
    else
        o.which = mode::churn;

    // Loopback only: this tool must never load anything but the local machine.
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address_v4(o.common.host, ec);
    if (ec || (addr.to_uint() >> 24) != 127) {
        std::cerr << "sala-bench: --host must be an IPv4 address in 127.0.0.0/8\n";
        return {std::nullopt, 2};
    }
    if (o.common.channel.empty() || o.common.channel.front() != '#' ||
        o.common.channel.find_first_of(" ,\r\n") != std::string::npos) {
        std::cerr << "sala-bench: --channel must start with # and hold no space or comma\n";
        return {std::nullopt, 2};
    }
    if (o.common.tls && o.common.websocket) {
        std::cerr << "sala-bench: --websocket over --tls is not supported\n";
        return {std::nullopt, 2};
    }
    if (o.which == mode::fanout && f.members < f.publishers + o.common.threads) {
        // Every publisher needs a non-publishing observer on its own thread.
        std::cerr << "sala-bench: --members must be at least --publishers + --threads\n";
        return {std::nullopt, 2};
    }
    return {std::move(o), 0};
}

}  // namespace sala::bench
