#pragma once
// The time limit on each stage of one connection attempt: the TCP connect
// (with the name lookup), the TLS handshake, and registration until the
// server's welcome (001). A server that accepts and then says nothing, a SYN
// that is never answered or a handshake that stalls would otherwise hold the
// client at "connecting" for ever; past the limit the attempt is abandoned and
// the reconnect schedule tries again, with the reason shown.
//
// Each stage gets the whole limit from when it begins, so a slow lookup does
// not shorten the handshake. Pure: the clock is a parameter, the caller owns
// the timer. Not thread-safe. Nothing throws except std::bad_alloc (reason()).

#include <chrono>
#include <string>

namespace sala::client {

enum class attempt_stage { idle, connecting, tls_handshake, registering };

class attempt_deadline {
public:
    using clock = std::chrono::steady_clock;

    explicit attempt_deadline(std::chrono::milliseconds limit) : limit_(limit) {}

    // `stage` begins now, with the whole limit ahead of it.
    void enter(attempt_stage stage, clock::time_point now)
    {
        stage_ = stage;
        deadline_ = now + limit_;
    }
    // Registered, or the attempt ended some other way: nothing is timed.
    void clear() { stage_ = attempt_stage::idle; }

    [[nodiscard]] attempt_stage stage() const { return stage_; }
    // When the current stage runs out; time_point::max() while idle.
    [[nodiscard]] clock::time_point deadline() const
    {
        return stage_ == attempt_stage::idle ? clock::time_point::max() : deadline_;
    }
    [[nodiscard]] bool expired(clock::time_point now) const { return now >= deadline(); }
    // For the user, once expired: which stage took too long, and the limit
    // ("TLS handshake timed out after 30 s").
    [[nodiscard]] std::string reason() const;

private:
    std::chrono::milliseconds limit_;
    attempt_stage stage_ = attempt_stage::idle;
    clock::time_point deadline_{};
};

}  // namespace sala::client
