#pragma once
// chat-server's options: command line and --config file (CLI11).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"

namespace sala::server {

struct server_config {
    std::string bind = "0.0.0.0";
    std::uint16_t port = 6667;
    unsigned threads = 0;  // 0: one per core
    std::string name = "sala";
    std::string network = "sala";
    std::string description = "sala chat server";  // LINKS, WHOIS and ADMIN
    std::string admin_location;                    // ADMIN; empty: server and network names
    std::string admin_email;                       // ADMIN; empty: none configured
    std::string motd_file;
    std::string password;
    std::string autojoin = "#lobby";  // comma-separated; empty joins nothing
    std::string log_level = "info";
    std::string status_bind = "127.0.0.1";
    std::uint16_t status_port = 8080;  // 0: no status endpoint
    std::size_t status_max_users = 1000;
    double status_timeout = 10;  // seconds to send a whole HTTP request
    double status_sample_interval = 5;  // seconds between the status page's chart points
    // How long SIGTERM waits for clients to take their last words before the
    // remaining connections are dropped.
    std::chrono::milliseconds shutdown_grace{3000};
    core::limits limits;
    // History (README, "History"): where it is kept and how much is replayed.
    std::string db_path = "sala.db";  // ":memory:" keeps nothing
    bool history = true;              // --no-history: no store, no replay (benchmarks compare the two)
    bool durability_full = false;     // --durability full: commits survive power loss
    std::size_t replay_lines = 20;    // on join; 0: none
    std::chrono::seconds replay_age{24 * 3600};
    // How long someone may use a registered account's nick without logging
    // in to it before being renamed Guest-N; 0: never renamed.
    std::chrono::seconds nick_grace{30};
    std::size_t password_min_length = 8;  // bytes
    std::chrono::hours history_retention{30 * 24};
    std::size_t history_max = 100'000;  // lines kept per channel; 0: no limit but the days
    std::vector<std::string> motd_lines;  // read from motd_file at start-up
    // Cluster (README, "Cluster"): empty when this server runs alone.
    std::vector<std::string> cluster_servers;  // nats://host:port
    std::string node_name;                     // unique in the cluster
    // TLS (README, "TLS"): configured when a certificate is given.
    std::string tls_cert;  // PEM, the chain after the certificate
    std::string tls_key;   // PEM; empty: in tls_cert
    std::uint16_t tls_port = 6697;
    std::chrono::seconds sts_duration{300};  // how long clients keep to TLS once told (IRCv3 sts)
    // The web port (README, "Web"): the web client and IRC over WebSocket.
    std::uint16_t web_port = 8090;  // 0: no web port
    std::string web_bind = "0.0.0.0";
    std::vector<std::string> web_origins;  // allowed Origins, "*" any; empty: the page's own
    std::string web_root;  // serve the web client from here, not the built-in copy
    [[nodiscard]] bool tls() const { return !tls_cert.empty(); }
    // Operator blocks (--oper NAME:HASH): OPER NAME password becomes +o when
    // the password verifies against the argon2id HASH.
    struct operator_block {
        std::string name;
        std::string password_hash;
    };
    std::vector<operator_block> operators;
};

struct options_result {
    std::optional<server_config> config;  // set when the server should start
    int exit_code = 0;                    // otherwise: 0 after --help/--version, 2 on bad input
};

// Parses argv, prints help, version or a clear error itself. Reads the MOTD file.
[[nodiscard]] options_result parse_options(int argc, const char* const* argv);

// The lines of a MOTD file (CR LF or LF), or nullopt when it cannot be read.
[[nodiscard]] std::optional<std::vector<std::string>> read_motd(const std::string& path);

}  // namespace sala::server
