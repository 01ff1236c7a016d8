#pragma once
// What every part of a running server can reach: its configuration, its shards,
// and the executor of the directory. Built once at start-up; the configuration
// is read-only afterwards, so any thread may read it.

#include "common/use_nothrow.hpp"
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <functional>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "irc/session_protocol.hpp"
#include "server/config.hpp"
#include "server/shared_slot.hpp"
#include "server/tls_context.hpp"
#include "status/disconnect_reason.hpp"

namespace sala::server {

namespace asio = boost::asio;

using status::disconnect_reason;

// A timer bound to a shard's io_context: its executor is one pointer, where
// asio::steady_timer's type-erased executor costs 48 bytes more per timer.
using shard_timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
    asio::io_context::executor_type>;

// A connection's socket, bound to its shard's io_context the same way.
using shard_socket = asio::ip::tcp::socket::rebind_executor<asio::io_context::executor_type>::other;

// Counters of one shard. Thread-safety: touched only by the shard's own thread;
// a reader on another thread must post to the shard to read them.
struct shard_stats {
    std::uint64_t received = 0;   // PRIVMSG/NOTICE lines accepted from clients
    std::uint64_t delivered = 0;  // PRIVMSG/NOTICE copies queued to clients
    std::uint64_t dropped = 0;    // lines dropped by limits (length, UTF-8, flood)
    std::uint64_t aborted = 0;    // connections reset because their last words were not taken in time
    std::uint64_t tls_open = 0;                // TLS connections now
    std::uint64_t tls_handshakes = 0;          // completed
    std::uint64_t tls_handshake_failures = 0;  // failed or timed out
    std::uint64_t websocket_open = 0;          // IRC-over-WebSocket connections now
    std::uint64_t websocket_opened = 0;        // upgrades on the web port
    status::disconnect_counters disconnects{};
    // Lines run per command (STATS m), by row of session_protocol's command table.
    std::vector<std::uint64_t> commands = std::vector<std::uint64_t>(irc::session_protocol::command_count());
};

// A shard's io_context, which can destroy its pending handlers (and the
// coroutine frames they own) without being destroyed itself.
class shard_io_context : public asio::io_context {
public:
    shard_io_context() : asio::io_context(1) {}
    // Only after the context has stopped and its thread has ended.
    void drop_pending_work() { shutdown(); }
};

// One io_context and one thread. A connection lives on one shard for its life.
struct shard {
    explicit shard(std::size_t i) : index(i) {}
    std::size_t index;
    shard_io_context ctx;
    shard_stats stats;
    std::unordered_set<class session*> sessions;  // live sessions, for shutdown and deadlines
    asio::steady_timer deadline_timer{ctx};        // see deadline_sweep.hpp
    // Sessions with output queued in this pass of the shard: one task writes
    // them all once the pass is over, so what the pass queued leaves in one
    // writev per session (session::flush_shard). Owning pointers: a session
    // that ends before the task runs stays valid until the task skips it.
    std::vector<std::shared_ptr<class session>> to_flush;
};

class directory;
class listener;
}  // namespace sala::server

namespace sala::store {
class store;
}

namespace sala::server {

struct server_context {
    server_config config;
    irc::protocol_settings protocol;  // derived from config, for every connection's state machine
    std::vector<std::unique_ptr<shard>> shards;
    // The directory lives on shard 0; touch it only from hub_executor().
    directory* dir = nullptr;
    listener* acceptor = nullptr;
    // History and, later, everything else that persists; null: nothing kept.
    store::store* store = nullptr;
    // In a cluster: this node's msgid stamping lane (core::msgid_source).
    unsigned msgid_lane = 0;
    unsigned msgid_lanes = 1;
    // The nodes beating, this one included; any thread. Empty when alone.
    std::function<std::vector<std::string>()> cluster_nodes;
    // Accounts, kept in the store; null without one.
    class account_service* accounts = nullptr;
    std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
    // Sessions alive on all shards; shutdown waits for it to reach zero.
    std::atomic<std::size_t> live_sessions{0};
    std::atomic<bool> shutting_down{false};
    // The TLS port's certificate (empty slot: no TLS); SIGHUP replaces it.
    tls_slot tls;
    std::atomic<std::uint64_t> tls_reloads{0};
    // The web port's pages and origin policy; null when the web port is off.
    std::shared_ptr<const class web_site> web;
    std::uint16_t web_port = 0;  // as bound
    // The MOTD read again by SIGHUP (empty slot: the one read at start, in
    // `protocol`); sessions look at the version before each line.
    shared_slot<const std::vector<std::string>> motd;
    std::atomic<std::uint64_t> motd_version{0};
    // Handshakes ended (done or failed), for the heap trim (deadline_sweep.cpp).
    std::atomic<std::uint64_t> tls_handshakes_ended{0};
    std::atomic<std::uint64_t> tls_reload_failures{0};

    // One node of several (README, "Cluster").
    [[nodiscard]] bool clustered() const { return !config.cluster_servers.empty(); }
    [[nodiscard]] asio::any_io_executor hub_executor() const { return shards.front()->ctx.get_executor(); }
};

}  // namespace sala::server
