#pragma once
// Token bucket for input lines: `burst` lines at once, then `rate` per second.
// Time is passed in, so it is tested without clocks. Not thread-safe: one per session.

#include <chrono>

namespace sala::core {

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    // rate <= 0 disables limiting: take() always returns zero.
    rate_limiter(double burst, double rate, clock::time_point now)
        : burst_(burst), rate_(rate), tokens_(burst), last_(now)
    {
    }

    // Spends one token and returns how long the caller must wait before acting
    // on this line (zero when within the rate). Waits accumulate: a client that
    // keeps sending faster than the rate is told to wait longer and longer.
    [[nodiscard]] clock::duration take(clock::time_point now);

    [[nodiscard]] bool enabled() const { return rate_ > 0; }

private:
    double burst_;
    double rate_;
    double tokens_;
    clock::time_point last_;
};

}  // namespace sala::core
