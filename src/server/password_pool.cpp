#include "server/password_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace sala::server {

password_pool::password_pool(std::size_t threads, std::size_t capacity) : capacity_(capacity)
{
    for (std::size_t i = 0; i < threads; ++i)
        threads_.emplace_back([this] { run(); });
}

void password_pool::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
}

bool password_pool::try_submit(std::function<void()> job)
{
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() + running_ >= capacity_)
            return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

std::size_t password_pool::in_flight() const
{
    std::lock_guard lock(mutex_);
    return jobs_.size() + running_;
}

void password_pool::run()
{
    // Linux sets niceness per thread: chat keeps its priority over hashing.
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10) != 0)
        spdlog::debug("password pool: could not lower the thread's priority");
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty())
                return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++running_;
        }
        try {
            job();
        } catch (const std::exception& e) {
            spdlog::error("password pool: {}", e.what());
        }
        std::lock_guard lock(mutex_);
        --running_;
    }
}

}  // namespace sala::server
