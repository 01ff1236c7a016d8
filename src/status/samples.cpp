#include "status/samples.hpp"

#include <algorithm>

namespace sala::status {

sample_counters counters_of(const snapshot& s)
{
    sample_counters c;
    c.messages_received = s.messages_received;
    c.messages_delivered = s.messages_delivered;
    c.connections = s.connections;
    c.history_enabled = s.history.enabled;
    c.history_batches = s.history.batches_written;
    c.history_queue_depth = s.history.queue_depth;
    c.history_commit_p99_us = s.history.commit_p99_us;
    c.tls_enabled = s.tls.enabled;
    c.tls_connections = s.tls.connections;
    c.tls_handshakes = s.tls.handshakes;
    return c;
}

namespace {

std::size_t capacity_for(std::chrono::milliseconds interval, std::chrono::milliseconds window)
{
    const auto step = std::max<std::int64_t>(interval.count(), 1);
    const auto wanted = static_cast<std::size_t>(std::max<std::int64_t>(window.count(), 0) / step) + 1;
    return std::clamp<std::size_t>(wanted, 2, sampler::max_capacity);
}

}  // namespace

sampler::sampler(std::chrono::milliseconds interval, std::chrono::milliseconds window)
    : interval_(interval), window_(window), ring_(capacity_for(interval, window))
{
}

bool sampler::add(std::chrono::milliseconds at, const sample_counters& counters)
{
    if (size_ > 0 && at <= nth_oldest(size_ - 1).at)
        return false;
    ring_[next_] = {at, counters};
    next_ = (next_ + 1) % ring_.size();
    size_ = std::min(size_ + 1, ring_.size());
    return true;
}

const sampler::sample& sampler::nth_oldest(std::size_t i) const
{
    const auto oldest = (next_ + ring_.size() - size_) % ring_.size();
    return ring_[(oldest + i) % ring_.size()];
}

sample_series sampler::series() const
{
    using counter_of = std::uint64_t (*)(const sample_counters&);
    struct chart {
        const char* name;
        const char* title;
        bool rate;  // per second from a counter's differences; otherwise the gauge as sampled
        double divisor;  // to the unit shown
        counter_of read;
        bool sample_counters::*enabled;  // nullptr: always present
    };
    static constexpr chart charts[] = {
        {"messages_per_second", "messages/s", true, 1, [](const sample_counters& c) { return c.messages_received; },
            nullptr},
        {"deliveries_per_second", "deliveries/s", true, 1,
            [](const sample_counters& c) { return c.messages_delivered; }, nullptr},
        {"connections", "connections", false, 1, [](const sample_counters& c) { return c.connections; }, nullptr},
        {"store_commits_per_second", "store commits/s", true, 1,
            [](const sample_counters& c) { return c.history_batches; }, &sample_counters::history_enabled},
        {"store_queue_depth", "store queue depth", false, 1,
            [](const sample_counters& c) { return c.history_queue_depth; }, &sample_counters::history_enabled},
        {"store_commit_p99_ms", "store commit p99 (ms)", false, 1000,
            [](const sample_counters& c) { return c.history_commit_p99_us; }, &sample_counters::history_enabled},
        {"tls_connections", "TLS connections", false, 1, [](const sample_counters& c) { return c.tls_connections; },
            &sample_counters::tls_enabled},
        {"tls_handshakes_per_second", "TLS handshakes/s", true, 1,
            [](const sample_counters& c) { return c.tls_handshakes; }, &sample_counters::tls_enabled},
    };

    sample_series out;
    out.interval = interval_;
    // What the charts can cover: less than the window when the ring is the limit.
    out.window = std::min(window_, interval_ * static_cast<std::int64_t>(ring_.size() - 1));
    const sample* newest = size_ > 0 ? &nth_oldest(size_ - 1) : nullptr;
    std::size_t first = 0;
    while (first < size_ && newest->at - nth_oldest(first).at > window_)
        ++first;
    for (std::size_t i = first; i < size_; ++i)
        out.seconds_ago.push_back(static_cast<double>((newest->at - nth_oldest(i).at).count()) / 1000.0);

    for (const auto& c : charts) {
        if (c.enabled != nullptr && (newest == nullptr || !(newest->counters.*c.enabled)))
            continue;
        chart_series s{c.name, c.title, {}};
        for (std::size_t i = first; i < size_; ++i) {
            const auto& cur = nth_oldest(i);
            if (c.enabled != nullptr && !(cur.counters.*c.enabled)) {
                s.points.emplace_back();
                continue;
            }
            const auto value = c.read(cur.counters);
            if (!c.rate) {
                s.points.emplace_back(static_cast<double>(value) / c.divisor);
                continue;
            }
            // A rate needs the sample before, even one just outside the window.
            // A counter that went backwards was reset: its difference means nothing.
            const sample* prev = i > 0 ? &nth_oldest(i - 1) : nullptr;
            if (prev == nullptr || (c.enabled != nullptr && !(prev->counters.*c.enabled))
                || value < c.read(prev->counters)) {
                s.points.emplace_back();
                continue;
            }
            // Over the time that really passed, so a late sample gives the true average.
            const auto seconds = static_cast<double>((cur.at - prev->at).count()) / 1000.0;
            s.points.emplace_back(static_cast<double>(value - c.read(prev->counters)) / c.divisor / seconds);
        }
        out.charts.push_back(std::move(s));
    }
    return out;
}

}  // namespace sala::status
