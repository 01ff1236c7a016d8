#pragma once
// Measurement helpers: a latency histogram, the server's resident memory, and
// the report (one human line on stderr, one JSON line on stdout).
// A histogram is used by one thread at a time; merge after the threads joined.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sala::bench {

// Nanoseconds on the steady clock: the same clock for sender and receiver,
// which live in this one process.
[[nodiscard]] std::int64_t now_ns();

// HdrHistogram-style log-linear buckets: 128 linear sub-buckets per power of
// two, so a reported percentile is within 1/128 (< 0.8 %) of the true value.
class histogram {
public:
    static constexpr const char* method = "log-linear histogram, 128 sub-buckets per power of two (<0.8% error)";
    histogram();
    void record(std::uint64_t value);
    void merge(const histogram& other);
    // The value at quantile q (0..1): the middle of its bucket, or the exact max.
    [[nodiscard]] std::uint64_t percentile(double q) const;
    [[nodiscard]] std::uint64_t max() const { return max_; }
    [[nodiscard]] std::uint64_t count() const { return total_; }

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

// VmRSS of `pid` in bytes, from /proc/<pid>/status; nothing if unreadable.
[[nodiscard]] std::optional<std::uint64_t> resident_bytes(long pid);

// User plus system CPU seconds that `pid` has used, from /proc/<pid>/stat;
// nothing if unreadable. On a machine whose cores the load generator shares,
// deliveries per server CPU-second compare servers where deliveries per
// second mostly measure who got the cores.
[[nodiscard]] std::optional<double> cpu_seconds(long pid);

// Builds one flat JSON object; values are numbers, booleans or strings.
class json_line {
public:
    json_line& add(const std::string& key, double value);
    json_line& add(const std::string& key, std::uint64_t value);
    json_line& add(const std::string& key, std::int64_t value);
    json_line& add(const std::string& key, bool value);
    json_line& add(const std::string& key, const std::string& value);
    json_line& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
    [[nodiscard]] std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// Prints the human line to stderr and the JSON line to stdout, flushed.
void report(const std::string& human, const json_line& json);

// Seconds between two steady_clock time points.
[[nodiscard]] double seconds(std::chrono::steady_clock::duration d);

}  // namespace sala::bench
