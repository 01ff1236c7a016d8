#include "client/client_app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <utility>
#include <vector>

#include "client/failure.hpp"
#include "client/sanitize.hpp"
#include "client/tls.hpp"
#include "irc/line_reader.hpp"

namespace sala::client {

namespace {

using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

clock_time now() { return std::chrono::system_clock::now(); }

// After QUIT (or end of input) the server gets this long to close the connection.
constexpr auto quit_grace = 2s;
// End of input waits at most this long for the lines before it to be sent.
constexpr auto input_drain_limit = 10s;
// Lines longer than this from the server are dropped (IRCv3 allows 8191 of tags + 512).
constexpr std::size_t max_server_line = 8191 + 512;
// The reader stops while more than this waits to be sent: a server that sends
// PINGs but reads no PONGs must not grow the outbox without limit.
constexpr std::size_t max_outbox_bytes = 256 * 1024;

}  // namespace

client_app::client_app(asio::io_context& ctx, const client_options& options, view& v, asio::ssl::context tls)
    : ctx_(ctx),
      options_(options),
      view_(v),
      state_(client_settings{options.nick, options.password,
                             options.channel.empty() ? std::vector<std::string>{} : std::vector<std::string>{options.channel},
                             options.host + ":" + std::to_string(options.port), options.sasl}),
      schedule_(options.reconnect_min, options.reconnect_max),
      tls_context_(std::move(tls)),
      tls_(options.tls),
      port_(options.port),
      wake_writer_(ctx),
      drained_(ctx),
      backoff_(ctx),
      quit_timer_(ctx),
      resolver_(ctx),
      attempt_(options.connect_timeout),
      attempt_timer_(ctx)
{
}

void client_app::flush()
{
    for (auto& line : state_.take_outgoing()) {
        outbox_bytes_ += line.size();
        outbox_.push_back(std::move(line));
    }
    if (!outbox_.empty())
        wake_writer_.cancel();
    const auto events = state_.take_events();
    view_.update(state_, events);
    // End of input quits once everything typed before it has gone out.
    if (input_ended_ && !state_.quitting() && state_.state() == connection_state::registered
        && state_.held_count() == 0)
        request_quit("");
}

void client_app::submit(std::string_view line)
{
    state_.on_input(line, now());
    if (state_.quitting())
        request_quit("");  // /quit: arm the grace timer
    flush();
}

void client_app::switch_window(std::size_t n)
{
    state_.switch_to(n);
    flush();
}

void client_app::request_older_history()
{
    if (state_.request_older_history(now()))
        flush();
}

void client_app::close_socket()
{
    if (socket_) {
        boost::system::error_code ignored;
        socket_->close(ignored);
    }
}

void client_app::request_quit(std::string_view reason)
{
    const bool first = !state_.quitting();
    state_.quit(reason);  // queues QUIT when connected; no-op if already quitting
    backoff_.cancel();    // not connected: stop waiting to reconnect
    if (first || quit_timer_.expiry() == asio::steady_timer::time_point{}) {
        quit_timer_.expires_after(quit_grace);
        quit_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec)
                close_socket();  // the server did not close in time
        });
    }
    if (!socket_)
        backoff_.cancel();
    flush();
}

void client_app::end_of_input()
{
    input_ended_ = true;
    // A bound on the wait for registration and joins, so a dead server does
    // not keep a script hanging.
    auto limit = std::make_shared<asio::steady_timer>(ctx_, input_drain_limit);
    limit->async_wait([this, limit](boost::system::error_code) { request_quit(""); });
    flush();
}

asio::awaitable<bool> client_app::connect(tcp::socket& socket)
{
    auto [rec, endpoints] = co_await resolver_.async_resolve(options_.host, std::to_string(port_), use_nothrow);
    if (rec) {
        disconnect_reason_ = rec.message();
        co_return false;
    }
    // The watchdog may have given up during the lookup; connecting now would
    // open the socket it closed.
    if (!abandoned_.empty())
        co_return false;
    auto [cec, endpoint] = co_await asio::async_connect(socket, endpoints, use_nothrow);
    (void)endpoint;
    if (cec) {
        disconnect_reason_ = cec.message();
        co_return false;
    }
    co_return abandoned_.empty();
}

asio::awaitable<bool> client_app::handshake(tls_stream& stream)
{
    // The name goes out (SNI) so a server with several certificates picks
    // the right one.
    // (SSL_set_tlsext_host_name, without the macro's C cast.)
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
        const_cast<char*>(options_.host.c_str()));
    stream.set_verify_callback(server_check(options_, options_.host));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (hec) {
        disconnect_reason_ = "TLS: " + hec.message();
        if (hec.category() == asio::error::get_ssl_category()
            && ERR_GET_REASON(static_cast<unsigned long>(hec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED)
            disconnect_reason_ += options_.tls_fingerprint.empty()
                ? " (not signed by a trusted CA, or not for this host name; see --tls-ca, --tls-fingerprint)"
                : " (not the certificate --tls-fingerprint names)";
        co_return false;
    }
    co_return abandoned_.empty();
}

void client_app::enter_stage(attempt_stage stage)
{
    attempt_.enter(stage, std::chrono::steady_clock::now());
    attempt_timer_.expires_at(attempt_.deadline());  // cancels the previous stage's wait
    attempt_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !attempt_.expired(std::chrono::steady_clock::now()))
            return;
        // Closing is what makes every stage give up: the connect, the
        // handshake and the session's reader all end with an error.
        abandoned_ = attempt_.reason();
        attempt_.clear();
        resolver_.cancel();
        close_socket();
    });
}

void client_app::end_stages()
{
    attempt_.clear();
    attempt_timer_.cancel();
}

asio::awaitable<void> client_app::run()
{
    bool ever_connected = false;
    while (!state_.quitting()) {
        state_.on_connecting(now());
        flush();
        tcp::socket socket(ctx_);
        socket_ = &socket;
        std::optional<tls_stream> secure;
        abandoned_.clear();
        enter_stage(attempt_stage::connecting);
        bool ok = co_await connect(socket);
        if (ok && tls_) {
            enter_stage(attempt_stage::tls_handshake);
            secure.emplace(socket, tls_context_);
            ok = co_await handshake(*secure);
        }
        if (ok) {
            enter_stage(attempt_stage::registering);
            ever_connected = true;
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            state_.on_connected(now());
            flush();
            disconnect_reason_ = "connection closed";
            if (secure)
                co_await session(*secure, socket);
            else
                co_await session(socket, socket);
            if (state_.state() == connection_state::registered || state_.quitting())
                schedule_.reset();
        }
        end_stages();
        if (!abandoned_.empty())
            disconnect_reason_ = abandoned_;
        if (sts_upgrade_ && !state_.quitting()) {
            // IRCv3 sts: the plaintext connection is left for TLS at once, and
            // a failure there is not answered by falling back to plaintext.
            sts_upgrade_ = false;
            tls_ = true;
            port_ = *state_.sts_port();
            socket_ = nullptr;
            outbox_.clear();
            outbox_bytes_ = 0;
            state_.note("the server asks for TLS (sts): reconnecting to port " + std::to_string(port_), now());
            flush();
            continue;
        }
        socket_ = nullptr;
        outbox_.clear();
        outbox_bytes_ = 0;
        if (!ever_connected) {
            fatal_error_ = "cannot connect to " + options_.host + ":" + std::to_string(port_) + ": "
                + disconnect_reason_;
            exit_code_ = 1;
            co_return;
        }
        if (!ok || !state_.quitting())
            state_.on_disconnected(disconnect_reason_, now());
        if (state_.quitting())
            break;
        const auto delay = schedule_.next(std::uniform_real_distribution<double>(0.0, 1.0)(random_));
        // A failed attempt never connected, so nothing above said why.
        state_.note((ok ? std::string() : "cannot connect: " + disconnect_reason_ + "; ") + "reconnecting in "
                + std::to_string(delay.count()) + " ms",
            now());
        flush();
        backoff_.expires_after(delay);
        (void)co_await backoff_.async_wait(use_nothrow);
    }
    quit_timer_.cancel();
    if (!state_.login_failure().empty()) {
        fatal_error_ = "login failed: " + sanitize_text(state_.login_failure());
        exit_code_ = 1;
    }
}

template <class Stream>
asio::awaitable<void> client_app::session(Stream& stream, tcp::socket& socket)
{
    auto ex = co_await asio::this_coro::executor;
    auto [order, read_end, write_end, ping_end]
        = co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, read_loop(stream, socket), asio::deferred),
            asio::co_spawn(ex, write_loop(stream, socket), asio::deferred),
            asio::co_spawn(ex, ping_loop(socket), asio::deferred))
              .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)order;
    boost::system::error_code ignored;
    socket.close(ignored);
    // The loops report errors as values; an exception from one is a bug that
    // must not pass silently (the connection is then dropped and retried).
    const std::array<std::pair<const char*, std::exception_ptr>, 3> ends
        = {{{"reader", read_end}, {"writer", write_end}, {"pinger", ping_end}}};
    for (const auto& [loop, end] : ends) {
        if (auto what = describe_failure(end); !what.empty()) {
            state_.note(std::string("bug: the connection's ") + loop + " failed: " + what, now(), true);
            disconnect_reason_ = "internal error";
        }
    }
    flush();
}

template <class Stream>
asio::awaitable<void> client_app::read_loop(Stream& stream, tcp::socket& socket)
{
    irc::line_reader reader(max_server_line);
    std::array<char, 16384> buf{};
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(buf), use_nothrow);
        if (ec) {
            if (ec != asio::error::eof && ec != asio::error::operation_aborted)
                disconnect_reason_ = ec.message();
            co_return;
        }
        reader.append(std::string_view(buf.data(), n));
        const auto t = now();
        while (auto line = reader.next())
            if (!line->overlong)
                state_.on_line(line->text, t);
        if (attempt_.stage() == attempt_stage::registering && state_.state() == connection_state::registered)
            end_stages();
        flush();
        // The server made us quit (a failed --sasl login): bound the wait
        // for it to close, as for a typed /quit.
        if (state_.quitting())
            request_quit("");
        if (!tls_ && state_.sts_port()) {
            sts_upgrade_ = true;
            co_return;
        }
        while (outbox_bytes_ > max_outbox_bytes) {
            drained_.expires_at(asio::steady_timer::time_point::max());
            (void)co_await drained_.async_wait(use_nothrow);
            const auto cs = co_await asio::this_coro::cancellation_state;
            if (!socket.is_open() || cs.cancelled() != asio::cancellation_type::none)
                co_return;
        }
    }
}

template <class Stream>
asio::awaitable<void> client_app::write_loop(Stream& stream, tcp::socket& socket)
{
    std::vector<std::string> batch;
    for (;;) {
        if (outbox_.empty()) {
            wake_writer_.expires_at(asio::steady_timer::time_point::max());
            (void)co_await wake_writer_.async_wait(use_nothrow);
            // Woken by flush() (go on) or by the session ending (stop).
            const auto cs = co_await asio::this_coro::cancellation_state;
            if (!socket.is_open() || cs.cancelled() != asio::cancellation_type::none)
                co_return;
            continue;
        }
        // Everything queued goes out in one gathered write.
        batch.assign(std::make_move_iterator(outbox_.begin()), std::make_move_iterator(outbox_.end()));
        outbox_.clear();
        outbox_bytes_ = 0;
        drained_.cancel();
        std::vector<asio::const_buffer> buffers;
        buffers.reserve(batch.size());
        for (const auto& line : batch)
            buffers.push_back(asio::buffer(line));
        auto [ec, n] = co_await asio::async_write(stream, buffers, use_nothrow);
        (void)n;
        if (ec) {
            disconnect_reason_ = ec.message();
            co_return;
        }
    }
}

asio::awaitable<void> client_app::ping_loop(tcp::socket& socket)
{
    // Wakes every second at most, for the state machine's timeouts; pings
    // every ping_interval.
    const auto tick = std::min<std::chrono::milliseconds>(options_.ping_interval, 1s);
    asio::steady_timer timer(ctx_);
    auto next_ping = std::chrono::steady_clock::now() + options_.ping_interval;
    for (;;) {
        timer.expires_after(tick);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec || !socket.is_open())
            co_return;
        state_.tick(now());
        if (state_.has_output())
            flush();
        if (std::chrono::steady_clock::now() < next_ping)
            continue;
        next_ping = std::chrono::steady_clock::now() + options_.ping_interval;
        const auto sent = state_.ping_outstanding();
        if (sent && now() - *sent > 3 * options_.ping_interval) {
            disconnect_reason_ = "ping timeout";
            co_return;
        }
        if (state_.send_lag_ping(now()))
            flush();
    }
}

}  // namespace sala::client
