#pragma once
// Thousands of IRC connections to 127.0.0.1 driven by one io_context on the
// calling thread: for tests that need a crowd without a thread per client.
// A member is a socket, a partial-line buffer and an output queue; each
// complete line it receives goes to the crowd's line handler.
//
// Failure: nothing throws once constructed. A connection that fails or is
// closed by the server is counted in closed() and its reason kept in
// first_error(). Waits are bounded: run_until() returns false at its deadline.
// Not thread-safe: use from one thread, the one that calls run_until().

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sala::test {

class crowd {
public:
    // Called for each line (without CR LF) member `who` receives; it may call
    // send() and open(). PING is answered before the handler sees it.
    using line_handler = std::function<void(std::size_t who, std::string_view line)>;

    crowd(std::uint16_t port, line_handler on_line);
    ~crowd();
    crowd(const crowd&) = delete;
    crowd& operator=(const crowd&) = delete;

    // Connects a new member and sends `greeting` (lines, each ending in CR LF:
    // NICK, USER, JOIN...) as soon as it is connected. Returns its index.
    std::size_t open(std::string greeting);

    // Queues `line` + CR LF for member `who`.
    void send(std::size_t who, std::string_view line);

    // Runs the io_context until `done()` holds or `timeout` passes; returns done().
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

    // Runs until `done()` holds, for as long as `progress()` keeps rising: false
    // once it has not risen for `stall`, or after `limit` in all. For waits
    // whose length depends on the build and the machine (a Debug or sanitizer
    // build is many times slower), where only a stall is a failure.
    bool run_while_progressing(const std::function<bool()>& done, const std::function<std::size_t()>& progress,
        std::chrono::milliseconds stall, std::chrono::milliseconds limit);

    [[nodiscard]] boost::asio::io_context& context() { return io_; }
    [[nodiscard]] std::size_t size() const { return members_.size(); }
    [[nodiscard]] std::size_t closed() const { return closed_; }
    [[nodiscard]] const std::string& first_error() const { return first_error_; }

private:
    struct member;

    void read_some(std::size_t who);
    void flush(std::size_t who);
    void hand_over(std::size_t who, std::string_view line);
    void fail(std::size_t who, const std::string& why);

    boost::asio::io_context io_{1};
    boost::asio::ip::tcp::endpoint server_;
    line_handler on_line_;
    std::vector<std::unique_ptr<member>> members_;
    std::vector<char> read_buffer_;  // shared: a read completes before the next starts
    std::size_t closed_ = 0;
    std::string first_error_;
};

}  // namespace sala::test
