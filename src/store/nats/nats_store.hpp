#pragma once
// The cluster's store: every room's history goes through one JetStream
// stream (a subject per room), so every node sees one order per room, and
// the stream's acknowledgement is what makes a line durable. Each node
// keeps a replica of the stream in its own SQLite store, which answers
// history queries and holds what is not yet in NATS (accounts, bans and
// registered channels stay per node for now).
//
// An append is published, and done once this node's consumer has seen it
// come back in the stream and the replica has written it: lines of other
// nodes that the stream holds before it have been handed on by then. What
// the stream has not taken is sent again until it does, so while NATS is
// out of reach a room's lines wait (and its senders with them, by the
// room's back-pressure) rather than reach anyone unstored. Lines
// of other nodes go to remote_handler in stream order, after the replica.
// nats.c calls back on its own threads; so do the handlers.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/forwarding_store.hpp"

namespace sala::store::nats {

struct cluster_settings {
    std::vector<std::string> servers;  // nats://host:port
    std::string node;                  // this node's name, unique in the cluster
    std::int64_t max_age_ms = 0;       // the stream forgets older lines (0: never)
};

// Stamping lanes (core::msgid_source): at most this many nodes at once.
inline constexpr unsigned msgid_lanes = 16;

class nats_store final : public forwarding_store {
public:
    using remote_handler = std::function<void(std::string node, std::vector<core::history_entry>)>;
    using lost_handler = std::function<void(std::string node)>;

    // Connects, creates the stream and buckets if missing and claims a
    // msgid lane; throws store_error when any of that fails.
    nats_store(cluster_settings settings, std::unique_ptr<store> replica);
    ~nats_store() override;
    nats_store(const nats_store&) = delete;
    nats_store& operator=(const nats_store&) = delete;

    // Starts consuming the stream and beating: `remote` gets other nodes'
    // lines, `lost` the name of a node whose heartbeats stopped.
    void start(remote_handler remote, lost_handler lost);
    [[nodiscard]] unsigned lane() const { return lane_; }
    [[nodiscard]] const std::string& node() const { return settings_.node; }
    // The nodes beating at the last beat, this one included; any thread.
    [[nodiscard]] std::vector<std::string> nodes() const;

    void append(std::vector<core::history_entry> entries, written_handler done) override;
    void claim_nick(std::string folded_nick, status_handler done) override;
    void release_nick(std::string folded_nick) override;

private:
    struct connection;  // the nats.c handles
    struct unconfirmed {
        std::vector<core::history_entry> entries;
        written_handler done;
    };
    // A write on its way to the stream. One per room is in flight at a time,
    // the next published only once the stream has it: a write that must be
    // sent again (a NATS server died with it) then cannot land behind a
    // later one, so each room's lines from this node keep their order.
    struct outbound {
        std::uint64_t write = 0;
        std::string data;
    };

    // Runs `job` on the worker, which makes nats.c's blocking requests
    // (bucket reads and writes) so no caller waits for the network.
    void post(std::function<void()> job);
    void work();
    // The worker: forgets the nick claims of this node (left behind when it
    // last stopped) and of nodes not beating, or only of `node`.
    void release_stale_nicks(const std::string* node = nullptr);
    // The worker: tells the cluster this node is alive, and finds the nodes
    // that are no longer.
    void beat();
    [[nodiscard]] std::set<std::string> beating_nodes();

    // Publishes the first write queued for `subject` (with mutex_ held, or
    // not: nats.c takes its own locks; the queue entry is copied).
    void publish(const std::string& subject, const outbound& w);
    // nats.c's callbacks, on its threads.
    void received(const char* node, const char* write, const char* data, int length);
    // The stream has the write of `subject` holding `data`: the next one goes.
    void stored(const std::string& subject, std::string_view data);
    // It may not: the write is sent again (the stream drops duplicates).
    void not_stored(const std::string& subject, std::string_view data);
    // This node's write came back in the stream: the replica writes it,
    // then its `done`.
    void confirm(std::uint64_t write);

    cluster_settings settings_;
    std::unique_ptr<connection> nats_;
    unsigned lane_ = 0;
    remote_handler remote_;
    lost_handler lost_;
    std::set<std::string> alive_;  // the worker's: nodes beating at the last beat
    mutable std::mutex alive_mutex_;
    std::vector<std::string> alive_copy_;  // alive_, for nodes(), under alive_mutex_
    std::mutex mutex_;  // guards unconfirmed_, outbound_ and next_write_
    std::unordered_map<std::uint64_t, unconfirmed> unconfirmed_;
    std::unordered_map<std::string, std::deque<outbound>> outbound_;  // by subject; the first is in flight
    std::uint64_t next_write_ = 0;
    // Names this run's writes for the stream's duplicate check, which spans
    // restarts: the node's name and when it started.
    std::string run_id_;
    std::mutex jobs_mutex_;
    std::condition_variable jobs_ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread worker_;
    std::atomic<std::uint64_t> publish_retries_{0};
    std::atomic<std::uint64_t> remote_batches_{0};
};

}  // namespace sala::store::nats
