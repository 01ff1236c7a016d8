// All of Beast lives in this file, so only it pays Beast's compile time.
#include "common/use_nothrow.hpp"
#include "status/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "status/render.hpp"
#include "status/samples.hpp"

namespace sala::status {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using response = http::response<http::string_body>;

response make_response(unsigned version, bool keep_alive, http::status code, std::string_view content_type,
    std::string body)
{
    response res{code, version};
    res.set(http::field::server, "sala");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response error_response(unsigned version, http::status code, std::string_view why)
{
    // After a request we could not parse, the connection cannot be reused.
    return make_response(version, false, code, "text/plain; charset=utf-8", std::string(why) + "\n");
}

}  // namespace

struct http_server::state : std::enable_shared_from_this<state> {
    state(asio::io_context& c, http_options o, snapshot_source s, snapshot_source samples_from)
        : ctx(c)
        , options(std::move(o))
        , source(std::move(s))
        , sample_source(samples_from ? std::move(samples_from) : source)
        , acceptor(c)
        , samples(options.sample_interval, options.sample_window)
        , sample_timer(c)
    {
    }

    asio::io_context& ctx;
    http_options options;
    snapshot_source source;
    snapshot_source sample_source;
    tcp::acceptor acceptor;
    // Touched only by coroutines on ctx's one thread, so no lock.
    sampler samples;
    asio::steady_timer sample_timer;
};

namespace {

asio::awaitable<response> answer(std::shared_ptr<http_server::state> st, http::request<http::string_body> req)
{
    const auto version = req.version();
    const bool keep_alive = req.keep_alive();
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = make_response(version, keep_alive, http::status::method_not_allowed, "text/plain; charset=utf-8",
            "only GET and HEAD are served here\n");
        res.set(http::field::allow, "GET, HEAD");
        co_return res;
    }
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (target == "/status") {
        auto snap = co_await st->source();
        co_return make_response(version, keep_alive, http::status::ok, "application/json", to_json(snap));
    }
    if (target == "/status/samples")
        co_return make_response(version, keep_alive, http::status::ok, "application/json", to_json(st->samples.series()));
    if (target == "/metrics") {
        auto snap = co_await st->source();
        co_return make_response(
            version, keep_alive, http::status::ok, "text/plain; version=0.0.4; charset=utf-8", to_prometheus(snap));
    }
    if (target == "/" || target == "/index.html") {
        auto snap = co_await st->source();
        co_return make_response(version, keep_alive, http::status::ok, "text/html; charset=utf-8", status_page(snap));
    }
    co_return make_response(version, keep_alive, http::status::not_found, "text/plain; charset=utf-8",
        "not found; try /status, /status/samples, /metrics or /\n");
}

asio::awaitable<void> serve(std::shared_ptr<http_server::state> st, tcp::socket socket)
{
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(st->options.header_limit);
        parser.body_limit(st->options.body_limit);
        // One deadline for the whole request: a client trickling bytes is cut off too.
        stream.expires_after(st->options.read_timeout);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset
            || ec == asio::error::operation_aborted)
            break;
        response res;
        bool head = false;
        if (ec == http::error::header_limit) {
            res = error_response(11, http::status::request_header_fields_too_large, "request headers too large");
        } else if (ec == http::error::body_limit) {
            res = error_response(11, http::status::payload_too_large, "request body too large");
        } else if (ec) {
            res = error_response(11, http::status::bad_request, "malformed request: " + ec.message());
        } else {
            auto req = parser.release();
            head = req.method() == http::verb::head;
            res = co_await answer(st, std::move(req));
        }
        if (head) {
            const auto length = res.body().size();
            res.body().clear();
            res.content_length(length);
        }
        stream.expires_after(st->options.read_timeout);
        auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
        if (wec || !res.keep_alive())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

std::chrono::milliseconds monotonic_now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch());
}

// One sample at start, then one per interval. A slow gather delays the next
// tick instead of piling ticks up: the rates divide by the time that really
// passed, so a late sample is still right.
asio::awaitable<void> sample_loop(std::shared_ptr<http_server::state> st)
{
    auto next = std::chrono::steady_clock::now();
    while (st->acceptor.is_open()) {
        auto snap = co_await st->sample_source();
        st->samples.add(monotonic_now(), counters_of(snap));
        next += st->options.sample_interval;
        const auto now = std::chrono::steady_clock::now();
        if (next < now)
            next = now + st->options.sample_interval;
        st->sample_timer.expires_at(next);
        auto [ec] = co_await st->sample_timer.async_wait(use_nothrow);
        if (ec)
            co_return;
    }
}

asio::awaitable<void> accept_loop(std::shared_ptr<http_server::state> st)
{
    for (;;) {
        auto [ec, socket] = co_await st->acceptor.async_accept(use_nothrow);
        if (!st->acceptor.is_open())
            co_return;
        if (ec) {
            spdlog::warn("status accept: {}", ec.message());
            asio::steady_timer backoff(st->ctx, std::chrono::milliseconds(100));
            co_await backoff.async_wait(use_nothrow);
            continue;
        }
        asio::co_spawn(st->ctx, serve(st, std::move(socket)), asio::detached);
    }
}

}  // namespace

http_server::http_server(
    asio::io_context& ctx, http_options options, snapshot_source source, snapshot_source sample_source)
    : state_(std::make_shared<state>(ctx, std::move(options), std::move(source), std::move(sample_source)))
{
    const tcp::endpoint endpoint(asio::ip::make_address(state_->options.bind), state_->options.port);
    state_->acceptor.open(endpoint.protocol());
    state_->acceptor.set_option(asio::socket_base::reuse_address(true));
    state_->acceptor.bind(endpoint);
    state_->acceptor.listen();
}

http_server::~http_server() = default;

void http_server::start()
{
    asio::co_spawn(state_->ctx, accept_loop(state_), asio::detached);
    asio::co_spawn(state_->ctx, sample_loop(state_), asio::detached);
}

void http_server::stop()
{
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    state_->sample_timer.cancel();
}

tcp::endpoint http_server::local_endpoint() const
{
    return state_->acceptor.local_endpoint();
}

}  // namespace sala::status
