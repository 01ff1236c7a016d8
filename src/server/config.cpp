#include "server/config.hpp"

#include <CLI/CLI.hpp>

#include "common/cli_parse.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "core/auth/password_hash.hpp"
#include "irc/names.hpp"
#include "irc/tokens.hpp"

namespace sala::server {

namespace {

std::chrono::milliseconds to_millis(double seconds)
{
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

}  // namespace

options_result parse_options(int argc, const char* const* argv)
{
    server_config cfg;
    auto& lim = cfg.limits;
    double registration_timeout = 30, ping_interval = 90, ping_timeout = 180, shutdown_grace = 3;

    CLI::App app{"chat-server: a chat room for the terminal, speaking IRC", "chat-server"};
    app.set_version_flag("--version", std::string("chat-server " SALA_VERSION));
    app.set_config("--config", "", "Read options from FILE: 'key = value' lines, keys are long option names");
    app.allow_config_extras(false);
    app.get_formatter()->column_width(34);

    app.add_option("--bind", cfg.bind, "Address to listen on for IRC")->capture_default_str();
    app.add_option("--port", cfg.port, "IRC port (0: any free port, printed at start)")->capture_default_str();
    app.add_option("--threads", cfg.threads, "Shards, one thread each (0: one per core)")
        ->check(CLI::Range(0u, 256u))
        ->capture_default_str();
    app.add_option("--name", cfg.name, "Server name shown to clients")->capture_default_str();
    app.add_option("--network", cfg.network, "Network name in ISUPPORT")->capture_default_str();
    app.add_option("--description", cfg.description, "One line about this server, shown by LINKS, WHOIS and ADMIN")
        ->capture_default_str();
    app.add_option("--admin-location", cfg.admin_location, "Where the server is and who runs it, shown by ADMIN");
    app.add_option("--admin-email", cfg.admin_email, "How to reach the administrator, shown by ADMIN");
    app.add_option("--motd", cfg.motd_file, "Message of the day file")->check(CLI::ExistingFile);
    app.add_option("--password", cfg.password, "Connection password clients must send with PASS");
    app.add_option("--autojoin", cfg.autojoin, "Channels every client joins on registration (comma-separated)")
        ->capture_default_str();
    app.add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error, critical or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();

    app.add_option("--status-port", cfg.status_port, "HTTP port of /status, /metrics and / (0: no endpoint)")
        ->capture_default_str();
    app.add_option("--status-bind", cfg.status_bind, "Address of the status endpoint")->capture_default_str();
    app.add_option("--web-port", cfg.web_port, "Port of the web client and IRC over WebSocket (0: no web port)")
        ->capture_default_str();
    app.add_option("--web-bind", cfg.web_bind, "Address of the web port")->capture_default_str();
    app.add_option("--web-root", cfg.web_root,
           "Serve the web client from this directory, read at start, instead of the built-in copy")
        ->check(CLI::ExistingDirectory);
    app.add_option("--web-origins", cfg.web_origins,
           "Origins whose pages may open IRC over WebSocket, comma-separated, * for any (default: the page's own)")
        ->delimiter(',')
        ->check(CLI::Validator(
            [](std::string& origin) -> std::string {
                if (origin == "*" || origin.starts_with("http://") || origin.starts_with("https://"))
                    return {};
                return "an origin is * or scheme://host[:port], such as https://chat.example.org";
            },
            "ORIGIN"));
    app.add_option("--status-max-users", cfg.status_max_users, "Users listed in /status at most")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--status-timeout", cfg.status_timeout, "Seconds an HTTP client has to send its request")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    // Each sample gathers figures from every shard, so not much more often than 10/s.
    app.add_option("--status-sample-interval", cfg.status_sample_interval,
           "Seconds between the points of the status page's charts (they cover 10 minutes)")
        ->check(CLI::Range(0.1, 600.0))
        ->capture_default_str();

    app.add_option("--max-line", lim.max_line, "Longest line without tags, in bytes (longer gets 417)")
        ->check(CLI::Range(std::size_t{64}, std::size_t{65536}))
        ->capture_default_str();
    app.add_option("--sendq", lim.sendq_bytes, "Output queued for one client before it is cut off, in bytes")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 34))
        ->capture_default_str();
    app.add_option("--sndbuf", lim.send_buffer_bytes,
           "Kernel send buffer per client, in bytes (0: the kernel's autotuning)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--recvq", lim.recvq_bytes, "Unprocessed input of a throttled client before Excess Flood")
        ->check(CLI::Range(std::size_t{512}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--line-burst", lim.line_burst, "Lines a client may send at once")
        ->check(CLI::Range(1.0, 1e9))
        ->capture_default_str();
    app.add_option("--line-rate", lim.line_rate, "Lines per second after the burst (0: no limit)")
        ->check(CLI::Range(0.0, 1e9))
        ->capture_default_str();
    app.add_option("--max-per-ip", lim.max_per_ip, "Concurrent connections from one address")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--registration-timeout", registration_timeout, "Seconds to register before being dropped")
        ->check(CLI::Range(0.01, 86400.0))
        ->capture_default_str();
    app.add_option("--ping-interval", ping_interval, "Idle seconds before the server sends PING")
        ->check(CLI::Range(0.01, 86400.0))
        ->capture_default_str();
    app.add_option("--ping-timeout", ping_timeout, "Silent seconds before a client is dropped")
        ->check(CLI::Range(0.01, 86400.0))
        ->capture_default_str();
    app.add_option("--shutdown-grace", shutdown_grace, "Seconds SIGTERM waits for clients to take their last words")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    app.add_option("--nick-len", lim.nick_len, "Longest nick")
        ->check(CLI::Range(std::size_t{1}, std::size_t{200}))
        ->capture_default_str();
    app.add_option("--channel-len", lim.channel_len, "Longest channel name")
        ->check(CLI::Range(std::size_t{2}, std::size_t{200}))
        ->capture_default_str();
    app.add_option("--topic-len", lim.topic_len, "Longest topic")
        ->check(CLI::Range(std::size_t{1}, std::size_t{400}))
        ->capture_default_str();

    app.add_option("--db", cfg.db_path, "History database file (:memory: keeps nothing)")->capture_default_str();
    bool no_history = false;
    app.add_flag("--no-history", no_history, "Keep and replay no history at all");
    std::string durability = "normal";
    app.add_option("--durability", durability,
           "normal: nothing anyone saw is lost if the server dies; full: nor if the machine loses power")
        ->check(CLI::IsMember({"normal", "full"}))
        ->capture_default_str();
    std::string cluster;
    app.add_option("--cluster", cluster,
        "NATS servers (nats://host:port, comma-separated) with JetStream: run as one node of a cluster");
    app.add_option("--node-name", cfg.node_name, "This node's name in the cluster (default: the host name)");
    app.add_option("--replay-lines", cfg.replay_lines, "Recent lines a joiner is shown (0: none)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000}))
        ->capture_default_str();
    double replay_age_hours = 24;
    app.add_option("--replay-age", replay_age_hours, "Hours back that replay on join reaches")
        ->check(CLI::Range(0.0, 24.0 * 365))
        ->capture_default_str();
    unsigned nick_grace_seconds = 30;
    app.add_option("--nick-grace", nick_grace_seconds,
           "Seconds a registered nick may be used without logging in to it (0: no renaming)")
        ->check(CLI::Range(0u, 86400u))
        ->capture_default_str();
    app.add_option("--password-min-length", cfg.password_min_length, "Shortest password accepted for an account, in bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{300}))
        ->capture_default_str();
    unsigned history_days = 30;
    app.add_option("--history-days", history_days, "Days history is kept")
        ->check(CLI::Range(1u, 36500u))
        ->capture_default_str();
    app.add_option("--history-max", cfg.history_max, "Newest lines kept per channel (0: no limit)")
        ->capture_default_str();

    app.add_option("--tls-cert", cfg.tls_cert, "TLS certificate (PEM, chain included): turns on the TLS port")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-key", cfg.tls_key, "TLS private key (PEM; default: in the --tls-cert file)")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-port", cfg.tls_port, "TLS port, with --tls-cert (0: any free port, printed at start)")
        ->capture_default_str();
    unsigned sts_seconds = 300;
    app.add_option("--sts-duration", sts_seconds,
           "Seconds clients keep to TLS once told (IRCv3 sts; raise it once the certificate is known good)")
        ->capture_default_str();

    std::vector<std::string> oper_blocks;
    app.add_option("--oper", oper_blocks,
        "Server operator NAME:HASH (repeatable); HASH from --hash-password. OPER NAME password gives +o");
    bool hash_password = false;
    app.add_flag("--hash-password", hash_password,
        "Read a password from standard input, print its argon2id hash for --oper, and exit");

    if (auto status = parse_command_line(app, argc, argv, "chat-server"))
        return {std::nullopt, *status};
    if (hash_password) {
        std::string password;
        std::getline(std::cin, password);
        if (!password.empty() && password.back() == '\r')
            password.pop_back();
        if (password.empty()) {
            std::cerr << "chat-server: --hash-password: no password on standard input\n";
            return {std::nullopt, 2};
        }
        std::cout << core::auth::hash_password(password) << "\n";
        return {std::nullopt, 0};
    }
    for (const auto& block : oper_blocks) {
        const auto colon = block.find(':');
        const auto name = block.substr(0, colon);
        const auto hash = colon == std::string::npos ? std::string() : block.substr(colon + 1);
        if (!irc::valid_nick(name, 30) || !hash.starts_with("$argon2id$")) {
            std::cerr << "chat-server: --oper: '" << name
                      << "' must be NAME:HASH, a name without spaces and an argon2id hash from --hash-password\n";
            return {std::nullopt, 2};
        }
        cfg.operators.push_back({name, hash});
    }

    lim.registration_timeout = to_millis(registration_timeout);
    lim.ping_interval = to_millis(ping_interval);
    lim.ping_timeout = to_millis(ping_timeout);
    cfg.shutdown_grace = to_millis(shutdown_grace);
    cfg.durability_full = durability == "full";
    cfg.sts_duration = std::chrono::seconds(sts_seconds);
    if (!cfg.tls_key.empty() && cfg.tls_cert.empty()) {
        std::cerr << "chat-server: --tls-key needs --tls-cert\n";
        return {std::nullopt, 2};
    }
    if (cfg.tls_key.empty())
        cfg.tls_key = cfg.tls_cert;
    cfg.history = !no_history;
    if (!cfg.history)
        cfg.replay_lines = 0;
    cfg.replay_age = std::chrono::seconds(static_cast<std::int64_t>(replay_age_hours * 3600));
    cfg.nick_grace = std::chrono::seconds(nick_grace_seconds);
    cfg.history_retention = std::chrono::hours(24 * static_cast<std::int64_t>(history_days));
    cfg.cluster_servers = irc::split_list(cluster, ',');
    if (!cfg.cluster_servers.empty()) {
        for (const auto& url : cfg.cluster_servers) {
            if (!url.starts_with("nats://") || url.size() == 7 || url.find_first_of(" \r\n") != std::string::npos) {
                std::cerr << "chat-server: --cluster: '" << url << "' is not a nats://host:port URL\n";
                return {std::nullopt, 2};
            }
        }
        if (cfg.node_name.empty()) {
            std::array<char, 256> host{};
            if (gethostname(host.data(), host.size() - 1) == 0)
                cfg.node_name = host.data();
        }
        if (cfg.node_name.empty() || cfg.node_name.size() > 64
            || cfg.node_name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
                != std::string::npos) {
            std::cerr << "chat-server: --node-name must be 1-64 letters, digits, ., - or _\n";
            return {std::nullopt, 2};
        }
        if (!cfg.history) {
            std::cerr << "chat-server: --cluster keeps this node's copy of the history in --db: not with --no-history\n";
            return {std::nullopt, 2};
        }
    }
    if (lim.ping_timeout <= lim.ping_interval) {
        std::cerr << "chat-server: --ping-timeout must be longer than --ping-interval\n";
        return {std::nullopt, 2};
    }
    if (cfg.threads == 0)
        cfg.threads = std::max(1u, std::thread::hardware_concurrency());
    if (cfg.name.empty() || cfg.name.find_first_of(" :!@\r\n") != std::string::npos) {
        std::cerr << "chat-server: --name must be a single word without : ! or @\n";
        return {std::nullopt, 2};
    }
    for (std::size_t start = 0; start <= cfg.autojoin.size() && !cfg.autojoin.empty();) {
        const auto comma = cfg.autojoin.find(',', start);
        const auto chan = cfg.autojoin.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!irc::valid_channel(chan, lim.channel_len)) {
            std::cerr << "chat-server: --autojoin: '" << chan << "' is not a valid channel name\n";
            return {std::nullopt, 2};
        }
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (!cfg.motd_file.empty()) {
        auto lines = read_motd(cfg.motd_file);
        if (!lines) {
            std::cerr << "chat-server: cannot read the MOTD file " << cfg.motd_file << "\n";
            return {std::nullopt, 2};
        }
        cfg.motd_lines = std::move(*lines);
    }
    return {std::move(cfg), 0};
}

std::optional<std::vector<std::string>> read_motd(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
    }
    if (in.bad())
        return std::nullopt;
    return lines;
}

}  // namespace sala::server
