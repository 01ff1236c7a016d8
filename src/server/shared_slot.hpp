#pragma once
// A value that one thread replaces now and then (SIGHUP: the TLS certificate,
// the MOTD) while any thread takes the current one. Readers keep what they
// took for as long as they hold it. Thread-safe.

#include <memory>
#include <mutex>

namespace sala::server {

template <class T>
class shared_slot {
public:
    [[nodiscard]] std::shared_ptr<T> current() const
    {
        std::lock_guard lock(mutex_);
        return current_;
    }
    void replace(std::shared_ptr<T> next)
    {
        std::lock_guard lock(mutex_);
        current_ = std::move(next);
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<T> current_;
};

}  // namespace sala::server
