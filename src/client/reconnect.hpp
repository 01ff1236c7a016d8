#pragma once
// When to try connecting again: exponential backoff with "equal jitter"
// (half the delay fixed, half random), so that many clients dropped at once do
// not all come back in the same instant. Pure: the random source is a
// parameter. Not thread-safe. Never throws.

#include <chrono>
#include <cstdint>

namespace sala::client {

class reconnect_schedule {
public:
    using duration = std::chrono::milliseconds;

    explicit reconnect_schedule(duration first = std::chrono::seconds(1), duration cap = std::chrono::seconds(60))
        : first_(first), cap_(cap)
    {
    }

    // The delay before the next attempt. `unit_random` is a number in [0, 1)
    // (anything outside is clamped). Each call doubles the base up to the cap.
    [[nodiscard]] duration next(double unit_random);

    // After a connection that registered: the next drop starts from `first` again.
    void reset() { attempt_ = 0; }

    [[nodiscard]] std::uint32_t attempts() const { return attempt_; }

private:
    duration first_;
    duration cap_;
    std::uint32_t attempt_ = 0;
};

}  // namespace sala::client
