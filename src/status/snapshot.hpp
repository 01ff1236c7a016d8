#pragma once
// What the status endpoint reports: a copy of the server's figures taken at one
// moment. Plain data, no I/O; rendered by render.hpp.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status/disconnect_reason.hpp"

namespace sala::status {

struct user_entry {
    std::string nick;
    std::vector<std::string> channels;
    std::int64_t connected_seconds = 0;
    std::int64_t idle_seconds = 0;
    std::string away;  // empty: not away
    std::string account;  // logged in to; empty: none
};

struct channel_entry {
    std::string name;
    std::size_t members = 0;
    std::string topic;
    std::uint64_t messages = 0;
};

// The history store's figures (all zero with --no-history).
struct history_figures {
    bool enabled = false;
    std::uint64_t stored = 0;           // lines written
    std::uint64_t batches_written = 0;  // transactions committed
    std::uint64_t write_errors = 0;     // appends that could not be written (disk full, I/O error)
    std::uint64_t queue_depth = 0;      // appends waiting for the writer
    std::uint64_t commit_p50_us = 0;
    std::uint64_t commit_p99_us = 0;
    std::uint64_t database_bytes = 0;
    std::uint64_t pruned = 0;  // lines forgotten by --history-days
    std::uint64_t queries = 0;
};

// TLS figures (all zero without a certificate).
struct tls_figures {
    bool enabled = false;
    std::uint16_t port = 0;
    std::string certificate_sha256;       // the certificate new connections get
    std::uint64_t connections = 0;        // open TLS connections
    std::uint64_t handshakes = 0;         // completed since start
    std::uint64_t handshake_failures = 0; // failed or timed out
    std::uint64_t reloads = 0;            // certificates loaded by SIGHUP
    std::uint64_t reload_failures = 0;    // SIGHUPs whose files could not be used
};

// The web port (all zero when it is off).
struct web_figures {
    bool enabled = false;
    std::uint16_t port = 0;
    std::uint64_t websockets = 0;         // open IRC-over-WebSocket connections
    std::uint64_t websockets_opened = 0;  // since start
};

// A cluster node's view of the network (empty when the server runs alone).
struct remote_user {
    std::string nick;
    std::string node;  // the node the user is connected to
    std::vector<std::string> channels;  // folded names
};
struct cluster_figures {
    bool enabled = false;
    std::string node;                // this node
    std::vector<std::string> nodes;  // the nodes beating, this one included
    std::vector<remote_user> remote_users;
};

struct snapshot {
    std::string server_name;
    std::string version;
    std::int64_t started_at = 0;  // Unix seconds
    std::int64_t uptime_seconds = 0;
    unsigned threads = 0;

    std::uint64_t connections = 0;  // open client connections
    std::uint64_t registered = 0;   // of which registered
    std::vector<user_entry> users;  // registered users, at most the configured cap
    bool users_truncated = false;
    std::vector<channel_entry> channels;

    std::uint64_t messages_received = 0;   // PRIVMSG/NOTICE accepted from clients
    std::uint64_t messages_delivered = 0;  // copies queued to clients
    std::uint64_t messages_dropped = 0;    // lines dropped by limits

    std::uint64_t output_queued_bytes = 0;         // in the sessions' send queues
    std::uint64_t output_kernel_queued_bytes = 0;  // in the kernel's send buffers, not yet acknowledged
    std::uint64_t send_buffer_bytes = 0;           // SO_SNDBUF per client (0: autotuned)
    std::uint64_t aborted_closes = 0;  // connections reset after their grace period for last words
    disconnect_counters disconnects{};
    history_figures history;
    tls_figures tls;
    web_figures web;
    cluster_figures cluster;
};

}  // namespace sala::status
