// idle: open N registered connections that stay silent (PING is answered),
// hold them, and report the server's resident memory per connection.

#include "common/use_nothrow.hpp"
#include "common/fd_limit.hpp"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include "irc_conn.hpp"
#include "modes.hpp"
#include "runner.hpp"
#include "stats.hpp"

namespace sala::bench {

namespace {

struct idle_thread {
    std::atomic<std::size_t> registered{0};
    std::atomic<std::size_t> failed{0};
    std::atomic<std::size_t> dropped{0};  // registered, then closed by the server
    std::size_t in_setup = 0;
    std::size_t retries = 0;  // read after the threads joined
    std::string first_error;
};

struct idle_state {
    options opts;
    tcp::endpoint server;
    std::string prefix;
    std::size_t threads = 1;
    std::size_t concurrency_per_thread = 1;
    std::vector<std::unique_ptr<idle_thread>> per_thread;
};

asio::awaitable<void> hold_connection(idle_state* st, std::size_t i)
{
    auto& th = *st->per_thread[i % st->threads];
    std::string error;
    const auto& c = st->opts.common;
    auto conn = co_await open_registered(st->server, source_address(c, i), make_nick(st->prefix, i), c.retries,
                                         &error, &th.retries);
    --th.in_setup;
    if (!conn) {
        if (th.first_error.empty())
            th.first_error = error;
        th.failed.fetch_add(1, std::memory_order_relaxed);
        co_return;
    }
    th.registered.fetch_add(1, std::memory_order_relaxed);
    for (;;) {
        while (conn->next_line()) {
        }
        if (co_await conn->fill())
            break;
    }
    th.dropped.fetch_add(1, std::memory_order_relaxed);
    if (th.first_error.empty())
        th.first_error = conn->last_error().empty() ? "closed by the server" : conn->last_error();
}

asio::awaitable<void> launch(idle_state* st, std::size_t t)
{
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pause(ex);
    auto& th = *st->per_thread[t];
    for (std::size_t i = t; i < st->opts.idle.connections; i += st->threads) {
        while (th.in_setup >= st->concurrency_per_thread) {
            pause.expires_after(std::chrono::milliseconds(1));
            co_await pause.async_wait(use_nothrow);
        }
        ++th.in_setup;
        asio::co_spawn(ex, hold_connection(st, i), asio::detached);
    }
}

}  // namespace

int run_idle(const options& o)
{
    const auto& io = o.idle;
    const auto fd_limit = sala::raise_open_file_limit();
    runner run(o.common.threads);
    idle_state st;
    st.opts = o;
    st.server = server_endpoint(o.common);
    st.prefix = nick_prefix(o.common, 'i');
    st.threads = o.common.threads;
    st.concurrency_per_thread = std::max<std::size_t>(1, o.common.concurrency / st.threads);
    for (std::size_t t = 0; t < st.threads; ++t)
        st.per_thread.push_back(std::make_unique<idle_thread>());

    auto sum = [&st](auto field) {
        std::size_t total = 0;
        for (auto& t : st.per_thread)
            total += field(*t);
        return total;
    };
    auto registered = [&] { return sum([](idle_thread& t) { return t.registered.load(); }); };
    auto failed = [&] { return sum([](idle_thread& t) { return t.failed.load(); }); };
    auto dropped = [&] { return sum([](idle_thread& t) { return t.dropped.load(); }); };

    const auto rss_before = io.server_pid > 0 ? resident_bytes(io.server_pid) : std::nullopt;
    for (std::size_t t = 0; t < st.threads; ++t)
        asio::co_spawn(run.context(t), launch(&st, t), asio::detached);
    const auto start = std::chrono::steady_clock::now();
    run.start();
    const bool set_up =
        wait_until([&] { return registered() + failed() >= io.connections; }, after_seconds(o.common.setup_timeout));
    const double setup_s = seconds(std::chrono::steady_clock::now() - start);
    std::this_thread::sleep_for(std::chrono::duration<double>(io.hold));
    const auto rss_after = io.server_pid > 0 ? resident_bytes(io.server_pid) : std::nullopt;
    const std::size_t held = registered() - dropped();
    const std::size_t fails = failed();
    const std::size_t drops = dropped();
    run.stop();
    std::string first_error;
    std::size_t retries = 0;
    for (auto& t : st.per_thread) {
        retries += t->retries;
        if (first_error.empty())
            first_error = t->first_error;
    }

    json_line json;
    json.add("mode", "idle").add("label", o.common.label).add("server", o.common.host + ':' + std::to_string(o.common.port));
    json.add("threads", std::uint64_t{o.common.threads}).add("connections", std::uint64_t{io.connections});
    json.add("registered", std::uint64_t{held}).add("failed", std::uint64_t{fails}).add("dropped", std::uint64_t{drops});
    json.add("connect_retries", std::uint64_t{retries}).add("client_fd_limit", std::uint64_t{fd_limit}).add("setup_s", setup_s);
    json.add("conns_per_s", static_cast<double>(held + drops) / std::max(1e-9, setup_s));
    std::ostringstream human;
    human << "idle " << o.common.label << ": " << held << " of " << io.connections << " connections registered and held";
    if (fails > 0 || drops > 0)
        human << " (" << fails << " failed, " << drops << " dropped" << (first_error.empty() ? "" : ": " + first_error) << ")";
    if (!set_up)
        human << " (setup timed out)";
    if (rss_before && rss_after) {
        const auto delta = static_cast<std::int64_t>(*rss_after) - static_cast<std::int64_t>(*rss_before);
        const double per_conn = held > 0 ? static_cast<double>(delta) / static_cast<double>(held) : 0.0;
        json.add("rss_before", std::uint64_t{*rss_before}).add("rss_after", std::uint64_t{*rss_after});
        json.add("bytes_per_conn", per_conn);
        human.setf(std::ios::fixed);
        human.precision(0);
        human << ", server RSS " << static_cast<double>(*rss_before) / 1048576.0 << " -> "
              << static_cast<double>(*rss_after) / 1048576.0 << " MiB: " << per_conn << " bytes per connection";
    } else if (io.server_pid > 0) {
        human << ", server RSS unreadable (pid " << io.server_pid << ")";
    }
    if (!first_error.empty())
        json.add("first_error", first_error);
    json.add("ok", set_up && fails == 0 && drops == 0);
    report(human.str(), json);
    return set_up ? 0 : 1;
}

}  // namespace sala::bench
