#pragma once
// The io_contexts of a run, one thread each, and small helpers every mode uses.
// A connection is created on one context and stays there; code running on a
// context touches only that context's state. The controlling (main) thread
// reads atomics while the contexts run and everything else after stop().

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "options.hpp"

namespace sala::bench {

class runner {
public:
    explicit runner(unsigned threads);
    runner(const runner&) = delete;
    runner& operator=(const runner&) = delete;
    ~runner();

    [[nodiscard]] std::size_t size() const { return contexts_.size(); }
    [[nodiscard]] boost::asio::io_context& context(std::size_t i) { return *contexts_[i % contexts_.size()]; }

    void start();  // one thread per context, each kept running until stop()
    void stop();   // stops every context and joins the threads; idempotent

private:
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<std::thread> threads_;
};

// Polls `done` every millisecond until it holds or `deadline` passes; returns done().
template <class Pred>
bool wait_until(Pred done, std::chrono::steady_clock::time_point deadline)
{
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

[[nodiscard]] std::chrono::steady_clock::time_point after_seconds(double s);

// The server's endpoint (already checked to be in 127.0.0.0/8).
[[nodiscard]] boost::asio::ip::tcp::endpoint server_endpoint(const common_options& o);

// Source address of connection `index`: 127.0.0.1 for the first per_source
// connections, 127.0.0.2 for the next, ... (wrapping after `sources` when set).
[[nodiscard]] boost::asio::ip::address_v4 source_address(const common_options& o, std::size_t index);

// "<prefix><index in base 36>"; the prefix is the option or a mode letter
// plus two random characters, so runs against one server do not collide.
[[nodiscard]] std::string nick_prefix(const common_options& o, char mode_letter);
[[nodiscard]] std::string make_nick(const std::string& prefix, std::size_t index);

}  // namespace sala::bench
