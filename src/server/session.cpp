#include "server/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>
#include <span>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include "irc/labeled.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/text.hpp"
#include "server/hub_call.hpp"
#include "server/listener.hpp"
#include "server/log_exceptions.hpp"
#include "irc/replies.hpp"
#include "server/room.hpp"
#include "server/web_connection.hpp"

namespace sala::server {

namespace {

using clock = std::chrono::steady_clock;

// How many recent NICK/QUIT lines a session remembers to show each only once.
constexpr std::size_t once_memory = 32;

// One read buffer per shard thread: reads complete synchronously after the
// socket is readable, so no two sessions of a shard use it at once.
std::array<char, 65536>& shard_read_buffer()
{
    thread_local std::array<char, 65536> buffer;
    return buffer;
}

// Where TLS output is staged for encryption: one record's worth, per shard
// thread, used by one write at a time (session::write_now_tls).
std::array<char, 16384>& shard_tls_buffer()
{
    thread_local std::array<char, 16384> buffer;
    return buffer;
}

// How long a client on the TLS port has to complete its handshake.
constexpr auto tls_handshake_time = std::chrono::seconds(10);

bool is_quiet_error(const boost::system::error_code& ec)
{
    return ec == asio::error::eof || ec == asio::error::operation_aborted || ec == asio::error::connection_reset
        || ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor;
}

// The WebSocket close code that tells a web client why its session ended.
websocket::close_code close_code_for(disconnect_reason why)
{
    switch (why) {
    case disconnect_reason::quit:
        return websocket::close_code::normal;
    case disconnect_reason::shutdown:
        return websocket::close_code::going_away;
    case disconnect_reason::ping_timeout:
    case disconnect_reason::sendq:
    case disconnect_reason::flood:
    case disconnect_reason::registration_timeout:
        return websocket::close_code::policy_violation;
    case disconnect_reason::error:
        break;
    }
    return websocket::close_code::internal_error;
}

}  // namespace

session::session(server_context& ctx, shard& home, shard_socket socket, std::string peer_ip,
    const std::shared_ptr<const tls_context>& tls, const web_site* web)
    : ctx_(ctx),
      home_(home),
      socket_(std::move(socket)),
      tls_(tls ? std::make_unique<tls_connection>(*tls, socket_.native_handle()) : nullptr),
      web_(web ? std::make_unique<web_connection>(*web, ctx.config.limits.max_line + ctx.config.limits.max_tags + 2)
               : nullptr),
      read_pause_(home.ctx),
      reader_(ctx.config.limits.max_line + ctx.config.limits.max_tags + 2),
      limiter_(ctx.config.limits.line_burst, ctx.config.limits.line_rate, clock::now()),
      proto_(ctx.protocol, std::move(peer_ip))
{
    if (tls_)
        proto_.set_secure();
}

session::~session() = default;

asio::awaitable<void> session::run(std::shared_ptr<session> self)
{
    auto& home = self->home_;
    home.sessions.insert(self.get());
    const auto now = clock::now();
    self->last_input_ = now;
    self->registration_deadline_ = now + self->ctx_.config.limits.registration_timeout;
    boost::system::error_code ignored;
    self->socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    // Bounds what a client that stops reading pins in the kernel, on top of its send queue.
    if (const auto sndbuf = self->ctx_.config.limits.send_buffer_bytes; sndbuf != 0)
        self->socket_.set_option(asio::socket_base::send_buffer_size(static_cast<int>(sndbuf)), ignored);
    // Reads and writes are attempted directly and report would_block instead
    // of blocking; the loops then wait for readiness.
    self->socket_.non_blocking(true, ignored);
    spdlog::info("connect {} on shard {}", self->proto_.host(), home.index);
    if (self->ctx_.shutting_down)
        self->begin_shutdown();

    if (self->tls_)
        ++home.stats.tls_open;
    std::exception_ptr read_failure;
    try {
        bool ready = true;
        if (self->tls_) {
            auto handshake = self->tls_handshake();  // named: see "A compiler bug to remember"
            self->handshaking_ = true;
            ready = co_await std::move(handshake);
            self->handshaking_ = false;
            ++self->ctx_.tls_handshakes_ended;
        }
        if (ready) {
            auto reading = self->read_loop();
            co_await std::move(reading);
        }
    } catch (...) {
        read_failure = std::current_exception();
    }
    if (self->tls_)
        --home.stats.tls_open;
    if (self->web_ && self->web_->upgraded())
        --home.stats.websocket_open;
    // The reader throwing is a bug: it must show in the log and in /status.
    if (log_exception("reader of " + self->proto_.host(), read_failure)) {
        self->reason_kind_ = disconnect_reason::error;
        self->reason_ = "Internal error";
    }

    self->closing_ = true;
    self->ended_ = true;  // a flush still queued on the shard skips this session
    try {
        co_await self->leave_everything();
    } catch (const std::exception& e) {
        spdlog::error("cleanup of {} failed: {}", self->proto_.host(), e.what());
    }
    // Closed once the nick is free: a client that reconnects the moment it
    // sees the connection end must find its nick available.
    self->socket_.close(ignored);
    ++status::count_of(home.stats.disconnects, self->reason_kind_);
    spdlog::info("disconnect {} {}: {}", self->proto_.host(), self->proto_.nick_or_star(), self->reason_);
    home.sessions.erase(self.get());
    if (self->ctx_.acceptor != nullptr)
        asio::post(self->ctx_.hub_executor(),
            [acc = self->ctx_.acceptor, ip = self->proto_.host()] { acc->release(ip); });
    self->outbox_.clear();
    --self->ctx_.live_sessions;
}

asio::awaitable<void> session::read_loop()
{
    // When the output side ends the session (end()), a line being handled is
    // finished, not abandoned halfway (a join announced to a room must reach
    // it): the loop checks `ended_` between steps.
    const auto& lim = ctx_.config.limits;
    for (;;) {
        if (ended_)
            co_return;
        // Wait for input without holding a buffer, then read into the shard's
        // buffer: an idle connection costs no read buffer at all. TLS may
        // hold decrypted input already, which the socket would not announce.
        boost::system::error_code ec;
        if (!(tls_ && tls_->has_pending())) {
            auto [wec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, use_nothrow);
            if (ended_)
                co_return;  // cancelled by end(), which has recorded the reason
            ec = wec;
        }
        std::size_t n = 0;
        if (!ec)
            n = read_some(shard_read_buffer(), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            continue;
        if (!ec && n == 0)
            ec = asio::error::eof;
        if (ec) {
            if (!closing_) {
                reason_kind_ = ec == asio::error::eof ? disconnect_reason::quit : disconnect_reason::error;
                reason_ = ec == asio::error::eof ? "Connection closed" : ec.message();
                if (!is_quiet_error(ec))
                    spdlog::warn("read from {}: {}", proto_.host(), ec.message());
            }
            co_return;
        }
        if (closing_)
            continue;  // draining input while our last words are flushed
        last_input_ = clock::now();
        ping_sent_ = false;
        // The web port: lines come out of WebSocket messages. A close is
        // acted on after the lines that came before it (a QUIT, say).
        std::optional<web_input> web_end;
        if (web_) {
            auto input = web_->receive({shard_read_buffer().data(), n}, reader_);
            on_web_input(input);
            if (input.close)
                web_end = std::move(input);
        } else {
            reader_.append({shard_read_buffer().data(), n});
        }
        while (!closing_) {
            auto line = reader_.next();
            if (!line)
                break;
            if (limiter_.enabled()) {
                const auto wait = limiter_.take(clock::now());
                if (wait > clock::duration::zero()) {
                    // Over the rate: slow this client down. Its unprocessed input
                    // (ours plus the kernel's) is the measure of excess flood.
                    const auto backlog = reader_.pending() + socket_.available(ec);
                    if (backlog > lim.recvq_bytes) {
                        ++home_.stats.dropped;
                        close_after_flush("Excess Flood", disconnect_reason::flood, "Excess Flood");
                        break;
                    }
                    read_pause_.expires_after(wait);
                    auto [tec] = co_await read_pause_.async_wait(use_nothrow);
                    if (tec || ended_)
                        co_return;
                }
            }
            if (const auto v = ctx_.motd_version.load(std::memory_order_relaxed); v != motd_version_) {
                motd_version_ = v;
                proto_.set_motd(ctx_.motd.current());
            }
            // Named, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
            auto effects = line->overlong ? proto_.on_overlong_line() : proto_.on_line(line->text);
            if (const auto row = proto_.last_command(); row < home_.stats.commands.size())
                ++home_.stats.commands[row];
            labeling_ = !proto_.label().empty();
            co_await carry_out(std::move(effects));
            if (labeling_) {
                // Every answer is in now: carry_out waited for the rooms' too.
                labeling_ = false;
                const auto batch_id = "lr" + std::to_string(++labeled_batches_);
                auto answer = irc::labeled(ctx_.config.name, proto_.label(), labeled_answer_,
                    proto_.has(irc::cap::batch), batch_id);
                labeled_answer_.clear();
                deliver(make_plain(std::move(answer)));
            }
            if (ended_)
                co_return;
        }
        if (web_end && !closing_) {
            web_close_code_ = web_end->code;
            if (!web_end->error_text.empty()) {
                close_after_flush(web_end->error_text, disconnect_reason::error, web_end->error_text);
            } else {
                // The HTTP exchange is over, or the client closed the
                // WebSocket (its close frame is answered already).
                close_after_flush({}, disconnect_reason::quit, "Connection closed");
            }
        }
    }
}

void session::on_web_input(const web_input& input)
{
    if (!web_->output().empty())
        schedule_flush();
    if (input.upgraded) {
        ++home_.stats.websocket_opened;
        ++home_.stats.websocket_open;
        // Registration starts with the WebSocket, not with the page's first request.
        registration_deadline_ = clock::now() + ctx_.config.limits.registration_timeout;
    }
}

asio::awaitable<bool> session::tls_handshake()
{
    // Bounded like registration, and shorter: a client that opens the TLS
    // port and says nothing holds a descriptor and a per-address slot.
    const auto deadline = std::min(registration_deadline_, clock::now() + tls_handshake_time);
    for (;;) {
        const auto step = tls_->handshake();
        if (step == tls_connection::result::done) {
            ++home_.stats.tls_handshakes;
            spdlog::debug("tls {}: {}", proto_.host(), tls_->description());
            proto_.set_certfp(tls_->peer_fingerprint());  // SASL EXTERNAL
            co_return true;
        }
        if (step != tls_connection::result::want_read && step != tls_connection::result::want_write) {
            ++home_.stats.tls_handshake_failures;
            reason_kind_ = disconnect_reason::error;
            reason_ = "TLS handshake failed";
            spdlog::debug("tls handshake with {} failed: {}", proto_.host(),
                step == tls_connection::result::closed ? "connection closed" : tls_->error());
            co_return false;
        }
        // The sweep's deadline check does not know about handshakes: this
        // wait carries its own, by racing the readiness wait with a timer.
        read_pause_.expires_at(deadline);
        read_pause_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) {
                boost::system::error_code ignored;
                self->socket_.cancel(ignored);
            }
        });
        const auto wanted = step == tls_connection::result::want_read ? asio::ip::tcp::socket::wait_read
                                                                     : asio::ip::tcp::socket::wait_write;
        auto [ec] = co_await socket_.async_wait(wanted, use_nothrow);
        read_pause_.cancel();
        if (ended_)
            co_return false;
        if (ec) {
            ++home_.stats.tls_handshake_failures;
            reason_kind_ = disconnect_reason::error;
            reason_ = ec == asio::error::operation_aborted ? "TLS handshake timed out" : "TLS handshake failed";
            spdlog::debug("tls handshake with {}: {}", proto_.host(), reason_);
            co_return false;
        }
    }
}

std::size_t session::read_some(std::span<char> into, boost::system::error_code& ec)
{
    if (!tls_)
        return socket_.read_some(asio::buffer(into.data(), into.size()), ec);
    std::size_t n = 0;
    switch (tls_->read(into, n)) {
    case tls_connection::result::done:
        return n;
    case tls_connection::result::want_read:
        ec = asio::error::would_block;
        return 0;
    case tls_connection::result::closed:
        ec = asio::error::eof;
        return 0;
    case tls_connection::result::want_write:  // renegotiation is off; a KeyUpdate reply cannot wait
    case tls_connection::result::failed:
        break;
    }
    spdlog::debug("tls read from {}: {}", proto_.host(), tls_->error());
    ec = asio::error::connection_aborted;
    return 0;
}

void session::schedule_flush()
{
    // A blocked session is written when the socket becomes writable.
    if (flush_queued_ || writer_blocked_)
        return;
    flush_queued_ = true;
    if (home_.to_flush.empty())
        asio::post(home_.ctx, [sh = &home_] { flush_shard(*sh); });
    home_.to_flush.push_back(shared_from_this());
}

void session::flush_shard(shard& sh)
{
    // By index: a session queued while this runs (none today) is written in
    // this task too, instead of waiting for a task that is never posted.
    // Cleared, not swapped, so the list keeps its capacity from pass to pass.
    for (std::size_t i = 0; i < sh.to_flush.size(); ++i) {
        session* s = sh.to_flush[i].get();
        s->flush_queued_ = false;
        if (!s->ended_ && !s->writer_blocked_)
            s->flush();
    }
    sh.to_flush.clear();
}

void session::flush()
{
    boost::system::error_code ec;
    if (write_now(ec)) {
        if (flush_then_close_) {
            // The last words are with the kernel: the session is over.
            boost::system::error_code ignored;
            if (tls_)
                tls_->close_notify();
            socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            end();
        }
        return;
    }
    if (ec)
        write_failed(ec);
    else
        wait_writable();  // the client is not keeping up
}

void session::wait_writable()
{
    // A plain handler, not a coroutine: it exists only while the kernel's
    // buffer is full, so an idle session pays nothing for its output side.
    writer_blocked_ = true;
    socket_.async_wait(asio::ip::tcp::socket::wait_write,
        [self = shared_from_this()](const boost::system::error_code& ec) { self->on_writable(ec); });
}

void session::on_writable(const boost::system::error_code& ec)
{
    writer_blocked_ = false;
    if (ended_)
        return;
    if (ec)
        write_failed(ec);
    else
        flush();
}

void session::write_failed(const boost::system::error_code& ec)
{
    if (!closing_) {
        reason_kind_ = disconnect_reason::error;
        reason_ = "Write error: " + ec.message();
        if (!is_quiet_error(ec))
            spdlog::warn("write to {}: {}", proto_.host(), ec.message());
    }
    end();
}

void session::end()
{
    if (ended_)
        return;
    ended_ = true;
    // Wakes the reader wherever it waits; it sees `ended_` and returns.
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    read_pause_.cancel();
}

bool session::write_now(boost::system::error_code& ec)
{
    if (web_)
        return write_now_web(ec);
    if (tls_)
        return write_now_tls(ec);
    outbox::gather_list pieces;
    std::array<asio::const_buffer, outbox::max_pieces> buffers;
    while (!outbox_.empty()) {
        const auto count = outbox_.prepare(pieces);
        for (std::size_t i = 0; i < count; ++i)
            buffers[i] = asio::buffer(pieces[i]);
        // The socket is in non-blocking mode: this takes what the kernel takes now.
        const auto written = socket_.write_some(std::span<const asio::const_buffer>(buffers.data(), count), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec = {};
            return false;
        }
        if (ec)
            return false;
        outbox_.commit(written);
    }
    return true;
}

bool session::write_now_tls(boost::system::error_code& ec)
{
    // TLS has no gather write: the pieces are copied into one record's worth
    // (16 KiB) in the shard's buffer and encrypted from there. A write that
    // could not finish is retried with the same bytes first: they stay in the
    // outbox until committed, and the staged length never shrinks.
    auto& staged = shard_tls_buffer();
    outbox::gather_list pieces;
    while (!outbox_.empty()) {
        const auto count = outbox_.prepare(pieces);
        std::size_t length = 0;
        for (std::size_t i = 0; i < count && length < staged.size(); ++i) {
            const auto take = std::min(pieces[i].size(), staged.size() - length);
            std::memcpy(staged.data() + length, pieces[i].data(), take);
            length += take;
        }
        std::size_t written = 0;
        switch (tls_->write({staged.data(), length}, written)) {
        case tls_connection::result::done:
            outbox_.commit(written);
            continue;
        case tls_connection::result::want_write:
            return false;
        case tls_connection::result::closed:
            ec = asio::error::broken_pipe;
            return false;
        case tls_connection::result::want_read:  // renegotiation is off
        case tls_connection::result::failed:
            break;
        }
        spdlog::debug("tls write to {}: {}", proto_.host(), tls_->error());
        ec = asio::error::connection_aborted;
        return false;
    }
    return true;
}

bool session::write_now_web(boost::system::error_code& ec)
{
    // Frames are staged a few lines at a time, only when the last ones are
    // written: the send queue stays in the outbox, where its limit applies.
    for (;;) {
        const auto staged = web_->output();
        if (!staged.empty()) {
            const auto written = write_raw(staged, ec);
            if (ec || written == 0)
                return false;
            web_->consume(written);
            continue;
        }
        if (!outbox_.empty()) {
            if (!web_->upgraded() || web_->close_sent()) {
                // Nothing but HTTP before the upgrade, nothing after a close frame.
                outbox_.clear();
                continue;
            }
            outbox::gather_list pieces;
            const auto count = outbox_.prepare(pieces);
            outbox_.commit(web_->frame_lines({pieces.data(), count}));
            continue;
        }
        if (flush_then_close_ && web_->upgraded() && !web_->close_sent()) {
            web_->close(web_close_code_, reason_);
            continue;
        }
        return true;
    }
}

std::size_t session::write_raw(std::string_view bytes, boost::system::error_code& ec)
{
    if (!tls_) {
        const auto n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            ec = {};
        return ec ? 0 : n;
    }
    std::size_t written = 0;
    switch (tls_->write(bytes, written)) {
    case tls_connection::result::done:
        return written;
    case tls_connection::result::want_write:
        return 0;
    case tls_connection::result::closed:
        ec = asio::error::broken_pipe;
        return 0;
    case tls_connection::result::want_read:  // renegotiation is off
    case tls_connection::result::failed:
        break;
    }
    spdlog::debug("tls write to {}: {}", proto_.host(), tls_->error());
    ec = asio::error::connection_aborted;
    return 0;
}

std::size_t session::kernel_queued_bytes()
{
    int unsent = 0;
    if (!socket_.is_open() || ::ioctl(socket_.native_handle(), SIOCOUTQ, &unsent) != 0 || unsent < 0)
        return 0;
    return static_cast<std::size_t>(unsent);
}

void session::check_deadlines(clock::time_point now)
{
    if (closing_) {
        if (close_deadline_ && now >= *close_deadline_)
            expire();
        return;
    }
    if (!proto_.registered()) {
        if (now >= registration_deadline_ && !handshaking_)
            close_after_flush("Closing Link: " + proto_.host() + " (Registration timed out)",
                disconnect_reason::registration_timeout, "Registration timeout");
        return;
    }
    const auto& lim = ctx_.config.limits;
    const auto idle = now - last_input_;
    if (idle >= lim.ping_timeout) {
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(idle).count();
        const auto text = "Ping timeout: " + std::to_string(secs) + " seconds";
        close_after_flush("Closing Link: " + proto_.host() + " (" + text + ")", disconnect_reason::ping_timeout, text);
    } else if (idle >= lim.ping_interval && !ping_sent_) {
        deliver(make_plain("PING :" + ctx_.config.name + "\r\n"));  // not an answer: never labeled
        ping_sent_ = true;
    }
    if (nick_deadline_ && now >= *nick_deadline_) {
        nick_deadline_.reset();
        asio::co_spawn(home_.ctx, rename_to_guest(shared_from_this(), proto_.nick()), log_exceptions{"nick enforcement"});
    }
}

void session::expire()
{
    // The client did not take its last words within the grace period: reset
    // the connection, so the kernel frees its send buffer now instead of
    // retrying a zero window for minutes after the close.
    boost::system::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    ++home_.stats.aborted;
    socket_.close(ignored);
    end();
}

void session::deliver(const outgoing_ptr& m, const void* origin, delivery mode)
{
    if (closing_ || ended_)
        return;
    if (origin == this && (mode == delivery::others_once || (mode == delivery::echo_if_asked && !proto_.echo_message())))
        return;
    if ((proto_.caps() & m->requires_caps) != m->requires_caps)
        return;
    if (labeling_ && origin == this) {
        // An answer to the labeled line being handled: held until it is complete.
        if (m->is_chat)
            ++home_.stats.delivered;
        labeled_answer_ += m->prefix_for(tag_variant_bits());
        labeled_answer_ += m->body_for();
        return;
    }
    if (mode == delivery::others_once) {
        for (const auto& seen : recent_once_)
            if (seen == m)
                return;
        if (recent_once_.size() == once_memory)
            recent_once_.erase(recent_once_.begin());
        recent_once_.push_back(m);
    }
    const auto variant = tag_variant_bits();
    const auto limit = ctx_.config.limits.sendq_bytes;
    if (!outbox_.push(m, variant, limit)) {
        // The flush task may just not have had its turn yet (hand-offs queue
        // ahead of it on a busy shard): give the kernel what it will take first.
        if (!writer_blocked_) {
            boost::system::error_code ignored;
            write_now(ignored);
        }
        if (!outbox_.push(m, variant, limit)) {
            ++home_.stats.dropped;
            close_after_flush("SendQ exceeded", disconnect_reason::sendq, "SendQ exceeded");
            return;
        }
    }
    if (m->is_chat)
        ++home_.stats.delivered;
    schedule_flush();
}

void session::send_raw(std::string line)
{
    deliver(make_plain(std::move(line)), this);
}

void session::close_after_flush(const std::string& text, disconnect_reason why, std::string log_reason)
{
    if (closing_)
        return;
    // The last words bypass the send-queue limit: they are small and bounded.
    // A web client gets them only over an open WebSocket, then a close frame.
    if (!web_ || (web_->upgraded() && !web_->close_sent() && !text.empty()))
        outbox_.push_unbounded(make_plain("ERROR :" + text + "\r\n"), plain);
    if (web_ && web_close_code_ == websocket::close_code::normal)
        web_close_code_ = close_code_for(why);
    closing_ = true;
    proto_.closing();
    flush_then_close_ = true;
    reason_kind_ = why;
    reason_ = std::move(log_reason);
    close_deadline_ = clock::now() + close_grace;
    schedule_flush();
}

void session::abandon()
{
    ended_ = true;
    rooms_.clear();
    if (me_) {
        me_->owner.reset();
        me_.reset();
    }
    outbox_.clear();
    recent_once_.clear();
}

void session::begin_shutdown()
{
    close_after_flush("Server shutting down", disconnect_reason::shutdown, "Server shutting down");
}

void session::disconnect(const std::string& text)
{
    if (!closing_)
        close_after_flush("Closing Link: " + proto_.host() + " (" + text + ")", disconnect_reason::quit, text);
}

std::uint8_t session::tag_variant_bits() const
{
    return static_cast<std::uint8_t>((proto_.server_time() ? with_time : 0) | (proto_.message_tags() ? with_client_tags : 0)
        | (proto_.has(irc::cap::account_tag) ? with_account : 0) | (proto_.has(irc::cap::extended_join) ? extended : 0));
}

asio::awaitable<void> session::leave_everything()
{
    if (!me_)
        co_return;
    if (proto_.registered()) {
        auto shown = make_tagged(irc::relay(proto_.prefix(), "QUIT", {}, reason_), server_time_tag(), {}, false, false,
            {}, proto_.account());
        const auto rooms = std::move(rooms_);
        for (const auto& [key, r] : rooms) {
            room_event ev;
            ev.what = room_event::kind::quit;
            ev.user = me_;
            ev.shown_once = shown;
            ev.origin = this;
            co_await tell_room(*r, std::move(ev));
        }
    }
    auto release = [dir = ctx_.dir, me = me_] { dir->release(me); };
    co_await call_on(ctx_.hub_executor(), std::move(release));
    me_.reset();
}

}  // namespace sala::server
