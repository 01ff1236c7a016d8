#pragma once
// One IRC client connection for the load generator. An irc_conn lives on one
// io_context thread and is used only from that thread (not thread-safe); hold
// it by shared_ptr, because its write loop keeps it alive while writing.
//
// Failure: I/O errors come back as error codes (connect, fill) or as a closed
// connection (send drops data once the socket failed); nothing throws.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "irc/line_reader.hpp"
#include "tls_link.hpp"
#include "ws_link.hpp"

namespace sala::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// The parts of a line the hot path needs, without allocating: views into the line.
struct line_view {
    std::string_view prefix;   // without ':'
    std::string_view command;  // "PRIVMSG", "001"
    std::string_view rest;     // everything after the command and its space
};
[[nodiscard]] line_view split_line(std::string_view line);

class irc_conn : public std::enable_shared_from_this<irc_conn> {
public:
    explicit irc_conn(asio::any_io_executor ex) : socket_(std::move(ex)) {}

    // Every connection of this run speaks TLS (--tls): set before any connects.
    static inline bool use_tls = false;
    // Every connection of this run speaks WebSocket (--websocket): the server
    // endpoint is then a web listener, and lines travel one per frame.
    static inline bool use_websocket = false;

    // Opens the socket bound to `source` (port chosen at connect, so many source
    // addresses can each use the whole port range) and connects.
    asio::awaitable<error_code> connect(tcp::endpoint server, asio::ip::address_v4 source);

    // Waits until the socket is readable and appends what is there to the
    // line reader. Error (eof included) when the connection is gone.
    asio::awaitable<error_code> fill();

    // The next complete line already received, or nothing. PING is answered
    // here and not returned; an ERROR line is remembered in last_error().
    [[nodiscard]] std::optional<std::string_view> next_line();

    // Queues `line` + CR LF. Written at once when the socket takes it, otherwise
    // by a write loop. Dropped after a write error.
    void send(std::string_view line);

    // Sends NICK and USER and waits for 001, answering PING. False on error.
    asio::awaitable<bool> register_as(std::string nick);

    // Sends JOIN and waits for 366 (end of NAMES) of `channel`. False on error.
    asio::awaitable<bool> join(std::string channel);

    void close();
    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] const std::string& last_error() const { return last_error_; }

private:
    static asio::awaitable<void> write_loop(std::shared_ptr<irc_conn> self);
    static asio::awaitable<void> tls_write_loop(std::shared_ptr<irc_conn> self);
    asio::awaitable<error_code> tls_handshake();
    asio::awaitable<error_code> ws_handshake(tcp::endpoint server);
    // Received bytes into the line reader: as they are, or taken out of frames.
    error_code take_bytes(std::string_view bytes);
    // One non-blocking read or write, plain or through TLS; would_block when
    // the socket (or TLS) has to wait.
    std::size_t read_some(error_code& ec);
    std::size_t write_some(error_code& ec);
    // Writes the outbox now if no write loop is running; starts one for the rest.
    void flush();
    // Queues bytes as they are (a WebSocket control frame).
    void send_wire(std::string_view bytes);

    tcp::socket socket_;
    std::unique_ptr<tls_link> tls_;
    std::unique_ptr<ws_link> ws_;
    irc::line_reader reader_{16384};
    std::string outbox_;
    bool writing_ = false;
    bool failed_ = false;
    std::string last_error_;
};

// Connects from `source` and registers as `nick`. A connection that fails
// before 001 (refused or reset: some servers' listen backlog is short) is
// retried up to `retries` times after a short pause. Nothing on failure, with
// the reason in `error`; `retried` counts the extra attempts.
asio::awaitable<std::shared_ptr<irc_conn>> open_registered(tcp::endpoint server, asio::ip::address_v4 source,
                                                           std::string nick, unsigned retries,
                                                           std::string* error, std::size_t* retried);

}  // namespace sala::bench
