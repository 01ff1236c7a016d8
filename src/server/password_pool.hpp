#pragma once
// A few threads for password hashing (argon2id, PBKDF2), which takes tens of
// milliseconds and megabytes each: never on a shard, and never more at once
// than the pool holds, so a flood of logins cannot starve chat of CPU or
// the machine of memory. Its threads run at a lower priority than the
// shards for the same reason.
// Thread-safety: try_submit() from any thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sala::server {

class password_pool {
public:
    // `capacity`: jobs queued and running together.
    password_pool(std::size_t threads, std::size_t capacity);
    // Runs what was queued, then stops.
    ~password_pool() { stop(); }
    // The same, early: later submissions are refused.
    void stop();
    password_pool(const password_pool&) = delete;
    password_pool& operator=(const password_pool&) = delete;

    // False, and `job` dropped, when the pool is full: the caller answers
    // "try again later".
    [[nodiscard]] bool try_submit(std::function<void()> job);
    [[nodiscard]] std::size_t in_flight() const;

private:
    void run();

    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace sala::server
