#pragma once
// The running client: the state machine wired to one TCP or TLS connection at
// a time (connect, register, read, write, lag pings, reconnect with backoff,
// the upgrade to TLS that an sts policy asks for) and to a view. Everything
// runs on one io_context thread; not thread-safe.
//
// Errors: connection failures are values (shown, then retried); only the
// first connection failing ends the program (exit_code() 1). Nothing throws
// except std::bad_alloc.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <optional>
#include <random>
#include <string>

#include "client/attempt_deadline.hpp"
#include "client/client_state.hpp"
#include "client/net.hpp"
#include "client/options.hpp"
#include "client/reconnect.hpp"
#include "client/view.hpp"

namespace sala::client {

class client_app {
public:
    // `tls`: from make_tls_context(options), for --tls and for an sts upgrade.
    client_app(asio::io_context& ctx, const client_options& options, view& v, asio::ssl::context tls);

    // The connection loop; returns when the user quit or the first connect failed.
    asio::awaitable<void> run();

    // From the input side.
    void submit(std::string_view line);
    void switch_window(std::size_t n);
    // PageUp at the top of the current window: older history, if there is any to ask for.
    void request_older_history();
    void request_quit(std::string_view reason);
    // End of stdin (plain mode): quit once what was typed has been sent.
    void end_of_input();

    // Hands outgoing lines to the writer and events to the view; call after
    // anything that may have changed the state.
    void flush();

    [[nodiscard]] client_state& state() { return state_; }
    [[nodiscard]] int exit_code() const { return exit_code_; }
    [[nodiscard]] const std::string& fatal_error() const { return fatal_error_; }

private:
    using tls_stream = asio::ssl::stream<asio::ip::tcp::socket&>;

    asio::awaitable<bool> connect(asio::ip::tcp::socket& socket);
    asio::awaitable<bool> handshake(tls_stream& stream);
    // Starts the clock on a stage of the attempt (attempt_deadline.hpp):
    // past its limit the watchdog closes the socket and notes why.
    void enter_stage(attempt_stage stage);
    void end_stages();
    // `stream` is the socket itself or TLS over it.
    template <class Stream>
    asio::awaitable<void> session(Stream& stream, asio::ip::tcp::socket& socket);
    template <class Stream>
    asio::awaitable<void> read_loop(Stream& stream, asio::ip::tcp::socket& socket);
    template <class Stream>
    asio::awaitable<void> write_loop(Stream& stream, asio::ip::tcp::socket& socket);
    // Lag pings, and the state machine's clock (client_state::tick).
    asio::awaitable<void> ping_loop(asio::ip::tcp::socket& socket);
    void close_socket();

    asio::io_context& ctx_;
    client_options options_;
    view& view_;
    client_state state_;
    reconnect_schedule schedule_;
    asio::ssl::context tls_context_;
    bool tls_;             // the next connection uses TLS
    std::uint16_t port_;   // and this port
    bool sts_upgrade_ = false;  // the server's sts policy asked for TLS: reconnect at once
    std::mt19937_64 random_{std::random_device{}()};

    asio::ip::tcp::socket* socket_ = nullptr;  // the live connection, if any
    std::deque<std::string> outbox_;
    std::size_t outbox_bytes_ = 0;
    asio::steady_timer wake_writer_;  // cancelled when outbox_ gains lines
    asio::steady_timer drained_;      // cancelled when the writer takes outbox_
    asio::steady_timer backoff_;      // the wait before reconnecting
    asio::steady_timer quit_timer_;   // bounds the wait for the server after QUIT
    asio::ip::tcp::resolver resolver_;
    attempt_deadline attempt_;        // until registered, each stage of connecting is timed
    asio::steady_timer attempt_timer_;
    std::string abandoned_;           // why the watchdog gave up on this attempt; empty if it did not
    bool input_ended_ = false;
    std::string disconnect_reason_;
    std::string fatal_error_;
    int exit_code_ = 0;
};

}  // namespace sala::client
