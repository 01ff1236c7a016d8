#include "common/use_nothrow.hpp"
#include "irc_conn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>

#include <array>
#include <cctype>

#include "irc/message.hpp"

namespace sala::bench {

namespace {

// IP_BIND_ADDRESS_NO_PORT: bind() picks the address only; the port is chosen at
// connect() by the full 4-tuple, so each source address has the whole range.
#ifdef IP_BIND_ADDRESS_NO_PORT
using bind_no_port = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;
#endif

// One read buffer per thread: fill() reads only after the socket is readable
// and copies the bytes into the connection's line reader before suspending.
thread_local std::array<char, 65536> read_buffer;

// A TLS step as the plain path's error codes: waiting is would_block
// (the loops then wait for readiness), failing is `failure`.
error_code as_error(tls_link::result r, error_code failure)
{
    switch (r) {
    case tls_link::result::done:
        return {};
    case tls_link::result::want_read:
    case tls_link::result::want_write:
        return asio::error::would_block;
    case tls_link::result::failed:
        break;
    }
    return failure;
}

}  // namespace

line_view split_line(std::string_view line)
{
    line_view v;
    if (!line.empty() && line.front() == '@') {  // tags: skip them
        const auto sp = line.find(' ');
        line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    }
    if (!line.empty() && line.front() == ':') {
        const auto sp = line.find(' ');
        v.prefix = line.substr(1, sp == std::string_view::npos ? std::string_view::npos : sp - 1);
        line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    }
    const auto sp = line.find(' ');
    v.command = line.substr(0, sp);
    v.rest = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    return v;
}

asio::awaitable<error_code> irc_conn::connect(tcp::endpoint server, asio::ip::address_v4 source)
{
    error_code ec;
    socket_.open(tcp::v4(), ec);
    if (ec)
        co_return ec;
#ifdef IP_BIND_ADDRESS_NO_PORT
    socket_.set_option(bind_no_port(true), ec);  // best effort: older kernels lack it
#endif
    socket_.bind(tcp::endpoint(source, 0), ec);
    if (ec)
        co_return ec;
    auto [cec] = co_await socket_.async_connect(server, use_nothrow);
    if (cec)
        co_return cec;
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);
    if (!ec && use_websocket)
        co_return co_await ws_handshake(server);
    if (ec || !use_tls)
        co_return ec;
    tls_ = std::make_unique<tls_link>(socket_.native_handle());
    co_return co_await tls_handshake();
}

asio::awaitable<error_code> irc_conn::tls_handshake()
{
    for (;;) {
        const auto step = tls_->handshake();
        if (step == tls_link::result::done)
            co_return error_code{};
        if (step == tls_link::result::failed)
            co_return make_error_code(boost::system::errc::protocol_error);
        const auto wanted = step == tls_link::result::want_read ? tcp::socket::wait_read : tcp::socket::wait_write;
        auto [ec] = co_await socket_.async_wait(wanted, use_nothrow);
        if (ec)
            co_return ec;
    }
}

asio::awaitable<error_code> irc_conn::ws_handshake(tcp::endpoint server)
{
    ws_ = std::make_unique<ws_link>();
    const auto request = ws_link::upgrade_request(server.address().to_string() + ':' + std::to_string(server.port()));
    auto [wec, written] = co_await asio::async_write(socket_, asio::buffer(request), use_nothrow);
    if (wec)
        co_return wec;
    std::string answer;
    for (;;) {
        auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, use_nothrow);
        if (ec)
            co_return ec;
        const std::size_t n = socket_.read_some(asio::buffer(read_buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            continue;
        if (ec)
            co_return ec;
        answer.append(read_buffer.data(), n);
        const auto step = ws_->take_upgrade(answer);
        if (step == ws_link::status::failed)
            co_return make_error_code(boost::system::errc::protocol_error);
        if (step == ws_link::status::done)
            co_return take_bytes(answer);
    }
}

error_code irc_conn::take_bytes(std::string_view bytes)
{
    if (!ws_) {
        reader_.append(bytes);
        return {};
    }
    std::string pong;
    bool pinged = false;
    const auto step = ws_->feed(
        bytes,
        [this](std::string_view line) {
            reader_.append(line);
            reader_.append("\r\n");
        },
        [&](std::string_view payload) {
            pong.assign(payload);
            pinged = true;
        });
    if (pinged) {
        std::string frame;
        ws_->append_frame(frame, pong, ws_link::pong_opcode);
        send_wire(frame);
    }
    return step == ws_link::status::failed ? make_error_code(boost::system::errc::connection_aborted) : error_code{};
}

std::size_t irc_conn::read_some(error_code& ec)
{
    if (!tls_)
        return socket_.read_some(asio::buffer(read_buffer), ec);
    std::size_t n = 0;
    ec = as_error(tls_->read(read_buffer, n), asio::error::eof);
    return n;
}

std::size_t irc_conn::write_some(error_code& ec)
{
    if (!tls_)
        return socket_.write_some(asio::buffer(outbox_), ec);
    std::size_t n = 0;
    ec = as_error(tls_->write(outbox_, n), asio::error::broken_pipe);
    return n;
}

asio::awaitable<error_code> irc_conn::fill()
{
    for (;;) {
        error_code ec;
        if (!(tls_ && tls_->has_pending())) {
            auto [wec] = co_await socket_.async_wait(tcp::socket::wait_read, use_nothrow);
            if (wec)
                co_return wec;
        }
        const std::size_t n = read_some(ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            continue;
        if (ec)
            co_return ec;
        co_return take_bytes(std::string_view(read_buffer.data(), n));
    }
}

std::optional<std::string_view> irc_conn::next_line()
{
    while (auto l = reader_.next()) {
        if (l->overlong)
            continue;
        const auto v = split_line(l->text);
        if (v.command == "PING") {
            std::string pong = "PONG ";
            pong.append(v.rest);
            send(pong);
            continue;
        }
        if (v.command == "ERROR")
            last_error_ = std::string(v.rest);
        return l->text;
    }
    return std::nullopt;
}

void irc_conn::send(std::string_view line)
{
    if (failed_)
        return;
    if (ws_) {
        ws_->append_frame(outbox_, line);
    } else {
        outbox_.append(line);
        outbox_.append("\r\n");
    }
    flush();
}

void irc_conn::send_wire(std::string_view bytes)
{
    if (failed_)
        return;
    outbox_.append(bytes);
    flush();
}

void irc_conn::flush()
{
    if (writing_)
        return;
    error_code ec;
    const std::size_t n = write_some(ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
        failed_ = true;
        outbox_.clear();
        return;
    }
    outbox_.erase(0, n);
    if (!outbox_.empty()) {
        writing_ = true;
        asio::co_spawn(socket_.get_executor(), tls_ ? tls_write_loop(shared_from_this()) : write_loop(shared_from_this()),
            asio::detached);
    }
}

asio::awaitable<void> irc_conn::tls_write_loop(std::shared_ptr<irc_conn> self)
{
    // TLS retries a write with the same leading bytes: the outbox keeps them
    // until written, and sends only append.
    while (!self->outbox_.empty() && !self->failed_) {
        auto [wec] = co_await self->socket_.async_wait(tcp::socket::wait_write, use_nothrow);
        error_code ec = wec;
        std::size_t n = 0;
        if (!ec)
            n = self->write_some(ec);
        if (ec == asio::error::would_block)
            continue;
        if (ec) {
            self->failed_ = true;
            self->outbox_.clear();
            break;
        }
        self->outbox_.erase(0, n);
    }
    self->writing_ = false;
}

asio::awaitable<void> irc_conn::write_loop(std::shared_ptr<irc_conn> self)
{
    std::string buf;
    while (!self->outbox_.empty() && !self->failed_) {
        buf.clear();
        buf.swap(self->outbox_);
        auto [ec, n] = co_await asio::async_write(self->socket_, asio::buffer(buf), use_nothrow);
        if (ec) {
            self->failed_ = true;
            self->outbox_.clear();
        }
    }
    self->writing_ = false;
}

asio::awaitable<bool> irc_conn::register_as(std::string nick)
{
    send("NICK " + nick);
    send("USER " + nick + " 0 * :" + nick);
    for (;;) {
        while (auto line = next_line()) {
            const auto v = split_line(*line);
            if (v.command == "001")
                co_return true;
            if (v.command == "433" || v.command == "432" || v.command == "ERROR" || v.command == "465") {
                last_error_ = "registration: " + std::string(*line);
                co_return false;
            }
        }
        if (const auto ec = co_await fill()) {
            if (last_error_.empty())
                last_error_ = "registration: " + ec.message();
            co_return false;
        }
    }
}

asio::awaitable<bool> irc_conn::join(std::string channel)
{
    send("JOIN " + channel);
    for (;;) {
        while (auto line = next_line()) {
            const auto v = split_line(*line);
            if (v.command == "366" || v.command == "403" || v.command == "405" || v.command == "471" ||
                v.command == "473" || v.command == "474" || v.command == "475" || v.command == "ERROR") {
                // Numerics: "<me> <channel> :text"; compare the channel case-insensitively.
                const auto parsed = irc::parse(*line);
                if (!parsed.msg)
                    continue;
                if (v.command == "ERROR") {
                    last_error_ = "join: " + std::string(*line);
                    co_return false;
                }
                const auto& params = parsed.msg->params;
                if (params.size() < 2)
                    continue;
                std::string got = params[1];
                for (auto& ch : got)
                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                std::string want = channel;
                for (auto& ch : want)
                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                if (got == want) {
                    if (v.command != "366")
                        last_error_ = "join: " + std::string(*line);
                    co_return v.command == "366";
                }
            }
        }
        if (const auto ec = co_await fill()) {
            if (last_error_.empty())
                last_error_ = "join: " + ec.message();
            co_return false;
        }
    }
}

asio::awaitable<std::shared_ptr<irc_conn>> open_registered(tcp::endpoint server, asio::ip::address_v4 source,
                                                           std::string nick, unsigned retries,
                                                           std::string* error, std::size_t* retried)
{
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pause(ex);
    for (unsigned attempt = 0;; ++attempt) {
        auto conn = std::make_shared<irc_conn>(ex);
        const auto ec = co_await conn->connect(server, source);
        if (!ec && co_await conn->register_as(nick))
            co_return conn;
        *error = ec ? "connect: " + ec.message() : conn->last_error();
        conn->close();
        // A nick or password refusal will not change on retry.
        if (attempt >= retries || error->find(" 43") != std::string::npos || error->find(" 46") != std::string::npos)
            co_return nullptr;
        ++*retried;
        pause.expires_after(std::chrono::milliseconds(20 * (attempt + 1)));
        co_await pause.async_wait(use_nothrow);
    }
}

void irc_conn::close()
{
    tls_.reset();
    error_code ec;
    socket_.close(ec);
    failed_ = true;
}

}  // namespace sala::bench
