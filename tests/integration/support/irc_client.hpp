#pragma once
// A blocking IRC test client over a plain TCP socket to 127.0.0.1, with
// poll()-based timeouts on every wait.
//
// Failure: the constructor throws std::runtime_error if it cannot connect.
// expect(), register_as() and send_line() fail the current Catch2 test (with
// the last lines received) on timeout or a dead connection, so they may be
// called only from the test's own thread. read_line(), send_raw(),
// wait_closed() and the other members report by return value and are safe to
// use from a helper thread that owns the client.
// Not thread-safe: one thread per client at a time.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/server_process.hpp"

namespace sala::test {

using line_predicate = std::function<bool(const std::string&)>;

class irc_client {
public:
    // Connects to 127.0.0.1:port. A non-zero `receive_buffer` sets SO_RCVBUF
    // before connecting (a small one makes a client that never reads fill up fast).
    explicit irc_client(std::uint16_t port, int receive_buffer = 0);
    ~irc_client();
    irc_client(const irc_client&) = delete;
    irc_client& operator=(const irc_client&) = delete;

    // Sends `line` + CRLF; fails the test if it cannot be sent in time.
    void send_line(std::string_view line, std::chrono::milliseconds timeout = default_timeout);

    // Sends bytes as they are. Returns how many were sent before the timeout or
    // an error (EPIPE, ECONNRESET): send_raw(b).size() == b.size() on success.
    std::size_t send_raw(std::string_view bytes, std::chrono::milliseconds timeout = default_timeout);

    // The next line without CR LF, or nullopt on timeout or when the connection is closed.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = default_timeout);

    // Reads lines until one contains `needle` (or matches `pred`) and returns it;
    // lines before it are consumed. Fails the test on timeout or close.
    std::string expect(std::string_view needle, std::chrono::milliseconds timeout = default_timeout);
    std::string expect(const line_predicate& pred, std::chrono::milliseconds timeout = default_timeout,
        std::string_view what = "a line matching the predicate");

    // Like expect, but returns every line read, the matching one last.
    std::vector<std::string> collect_until(std::string_view needle,
        std::chrono::milliseconds timeout = default_timeout);

    // CAP LS 302 / CAP REQ :caps / CAP END when `caps` is not empty, then NICK
    // and USER; waits for 001 and, unless `autojoin` is empty, for the 366 of
    // that channel. Returns every line read. Fails the test on an error reply.
    std::vector<std::string> register_as(const std::string& nick, const std::string& caps = {},
        const std::string& autojoin = "#lobby");

    // Reads (and keeps in the transcript) until the server closes the
    // connection: true on EOF or ECONNRESET, false on timeout.
    bool wait_closed(std::chrono::milliseconds timeout = default_timeout);

    [[nodiscard]] bool closed() const { return closed_; }
    [[nodiscard]] const std::string& nick() const { return nick_; }
    [[nodiscard]] int fd() const { return fd_; }

    // The last lines received (bounded), for failure messages.
    [[nodiscard]] std::string transcript() const;
    // Whether any line received so far (within the bounded transcript) contains `needle`.
    [[nodiscard]] bool saw(std::string_view needle) const;
    // How many lines received so far (within the bounded transcript) contain `needle`.
    [[nodiscard]] std::size_t count_seen(std::string_view needle) const;

    void close();

private:
    std::optional<std::string> pop_buffered_line();
    [[noreturn]] void fail(const std::string& why) const;

    int fd_ = -1;
    bool closed_ = false;
    std::string nick_;
    std::string in_;        // received bytes not yet returned as lines
    std::size_t in_start_ = 0;  // consumed prefix of in_
    std::deque<std::string> transcript_;
};

// The trailing parameter of an IRC line ("" if there is none).
std::string trailing(const std::string& line);

// The line without a leading "@tags " part.
std::string_view without_tags(std::string_view line);

// The value of tag `key` ("time", "msgid", "+typing"...) in the line's
// "@tags " part, unescaped; "" for a tag without a value; nullopt when the
// line has no such tag.
std::optional<std::string> tag_value(std::string_view line, std::string_view key);

// Whether `line` is numeric `code` ("NNN") from the server.
bool is_numeric(const std::string& line, std::string_view code);

// Whether `line` announces that `nick` joined `channel` (":nick!... JOIN #c" or
// "JOIN :#c"; both forms are valid IRC).
bool is_join(const std::string& line, std::string_view nick, std::string_view channel);

}  // namespace sala::test
