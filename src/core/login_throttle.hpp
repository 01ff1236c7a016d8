#pragma once
// Counts attempts per key (a client address, an account name) in fixed
// windows: after `limit` attempts in one window the key is refused until the
// window ends. Memory is bounded: past `max_keys` keys, expired ones go, and
// then the oldest. Time is passed in; not thread-safe (its owner locks).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sala::core {

class login_throttle {
public:
    using clock = std::chrono::steady_clock;

    login_throttle(std::size_t limit, clock::duration window, std::size_t max_keys = 65536)
        : limit_(limit), window_(window), max_keys_(max_keys)
    {
    }

    [[nodiscard]] bool allowed(std::string_view key, clock::time_point now) const;
    void record(std::string_view key, clock::time_point now);
    [[nodiscard]] std::size_t keys() const { return counts_.size(); }

private:
    struct window_count {
        clock::time_point started;
        std::size_t attempts = 0;
    };
    void make_room(clock::time_point now);

    std::size_t limit_;
    clock::duration window_;
    std::size_t max_keys_;
    std::unordered_map<std::string, window_count> counts_;
};

}  // namespace sala::core
