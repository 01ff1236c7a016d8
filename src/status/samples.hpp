#pragma once
// The status page's own history: a fixed ring of counters taken from snapshots
// at a steady interval, turned into chart series (rates from counter
// differences, gauges as they were). No I/O and no clock: the caller passes
// the time, so tests can replay any sequence, gaps and restarts included.
// Memory is bounded by the capacity fixed at construction, whatever is added.
// Thread-safety: none; the status endpoint's thread owns its sampler.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "status/snapshot.hpp"

namespace sala::status {

// The figures a sample keeps: a few numbers, not the snapshot's user lists.
struct sample_counters {
    std::uint64_t messages_received = 0;   // counter
    std::uint64_t messages_delivered = 0;  // counter
    std::uint64_t connections = 0;         // gauge
    bool history_enabled = false;
    std::uint64_t history_batches = 0;        // counter: store commits
    std::uint64_t history_queue_depth = 0;    // gauge
    std::uint64_t history_commit_p99_us = 0;  // gauge
    bool tls_enabled = false;
    std::uint64_t tls_connections = 0;  // gauge
    std::uint64_t tls_handshakes = 0;   // counter
};

[[nodiscard]] sample_counters counters_of(const snapshot& s);

// One chart: a point per sample in the window, aligned with
// sample_series::seconds_ago; nullopt where the value is unknown (a rate at
// the first sample, or across a counter that went backwards).
struct chart_series {
    std::string name;   // stable key, e.g. "messages_per_second"
    std::string title;  // for people, e.g. "messages/s"
    std::vector<std::optional<double>> points;
};

struct sample_series {
    std::chrono::milliseconds interval{0};
    std::chrono::milliseconds window{0};  // how far back a full ring reaches
    std::vector<double> seconds_ago;  // oldest first; the newest sample is 0
    // messages/s, deliveries/s and connections always; the store's charts
    // when the newest sample has a store, TLS charts when it has TLS.
    std::vector<chart_series> charts;
};

class sampler {
public:
    // Keeps window / interval + 1 samples, at least 2 and at most max_capacity
    // (a very short interval then covers less than the window).
    static constexpr std::size_t max_capacity = 1000;
    sampler(std::chrono::milliseconds interval, std::chrono::milliseconds window);

    // `at` is a monotonic time (any epoch). Returns false and keeps nothing
    // when `at` is not after the newest sample's time.
    bool add(std::chrono::milliseconds at, const sample_counters& counters);

    // The samples no older than the window before the newest one.
    [[nodiscard]] sample_series series() const;

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t capacity() const { return ring_.size(); }
    [[nodiscard]] std::chrono::milliseconds interval() const { return interval_; }

private:
    struct sample {
        std::chrono::milliseconds at{0};
        sample_counters counters;
    };
    [[nodiscard]] const sample& nth_oldest(std::size_t i) const;

    std::chrono::milliseconds interval_;
    std::chrono::milliseconds window_;
    std::vector<sample> ring_;  // sized once; never grows
    std::size_t next_ = 0;      // where the next sample goes
    std::size_t size_ = 0;
};

}  // namespace sala::status
