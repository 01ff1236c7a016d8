// churn: each worker connects, registers, joins, says one line, quits and
// waits for the server to close; then again, until --duration or --max-cycles.

#include "common/use_nothrow.hpp"
#include "common/fd_limit.hpp"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <sstream>

#include "irc_conn.hpp"
#include "modes.hpp"
#include "runner.hpp"
#include "stats.hpp"

namespace sala::bench {

namespace {

struct churn_thread {
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::size_t> workers_done{0};
    std::uint64_t started = 0;
    histogram cycle_time;
    std::string first_error;
};

struct churn_state {
    options opts;
    tcp::endpoint server;
    std::string prefix;
    std::size_t threads = 1;
    std::int64_t end_ns = 0;
    std::uint64_t max_per_thread = 0;
    std::vector<std::unique_ptr<churn_thread>> per_thread;
};

// One cycle; false when any step failed.
asio::awaitable<bool> cycle(churn_state* st, churn_thread* th, std::size_t n)
{
    const auto& c = st->opts.common;
    auto conn = std::make_shared<irc_conn>(co_await asio::this_coro::executor);
    const auto cec = co_await conn->connect(st->server, source_address(c, (n % 4) * c.per_source));
    bool ok = !cec && co_await conn->register_as(make_nick(st->prefix, n));
    ok = ok && co_await conn->join(c.channel);
    if (ok) {
        conn->send("PRIVMSG " + c.channel + " :churn " + std::to_string(n));
        conn->send("QUIT :bye");
        while (!co_await conn->fill()) {  // until the server closes
            while (conn->next_line()) {
            }
        }
    } else if (th->first_error.empty()) {
        th->first_error = cec ? cec.message() : (conn->last_error().empty() ? "register/join failed" : conn->last_error());
    }
    conn->close();
    co_return ok;
}

asio::awaitable<void> worker(churn_state* st, std::size_t t)
{
    auto& th = *st->per_thread[t];
    asio::steady_timer pause(co_await asio::this_coro::executor);
    while (now_ns() < st->end_ns && th.started < st->max_per_thread) {
        const std::size_t n = static_cast<std::size_t>(th.started++) * st->threads + t;
        const auto begin = now_ns();
        if (co_await cycle(st, &th, n)) {
            th.cycle_time.record(static_cast<std::uint64_t>(now_ns() - begin));
            th.completed.fetch_add(1, std::memory_order_relaxed);
        } else {
            th.failed.fetch_add(1, std::memory_order_relaxed);
            pause.expires_after(std::chrono::milliseconds(10));  // no hot loop against a refusing server
            co_await pause.async_wait(use_nothrow);
        }
    }
    th.workers_done.fetch_add(1, std::memory_order_release);
}

}  // namespace

int run_churn(const options& o)
{
    const auto& co = o.churn;
    sala::raise_open_file_limit();
    runner run(o.common.threads);
    churn_state st;
    st.opts = o;
    st.server = server_endpoint(o.common);
    st.prefix = nick_prefix(o.common, 'c');
    st.threads = o.common.threads;
    st.max_per_thread = (co.max_cycles + st.threads - 1) / st.threads;
    for (std::size_t t = 0; t < st.threads; ++t)
        st.per_thread.push_back(std::make_unique<churn_thread>());
    const std::size_t per_thread = std::max<std::size_t>(1, co.concurrency / st.threads);

    const auto start = std::chrono::steady_clock::now();
    st.end_ns = now_ns() + static_cast<std::int64_t>(co.duration * 1e9);
    for (std::size_t t = 0; t < st.threads; ++t)
        for (std::size_t w = 0; w < per_thread; ++w)
            asio::co_spawn(run.context(t), worker(&st, t), asio::detached);
    run.start();
    auto all_done = [&] {
        std::size_t done = 0;
        for (auto& t : st.per_thread)
            done += t->workers_done.load(std::memory_order_acquire);
        return done >= per_thread * st.threads;
    };
    // A cycle in progress at the deadline gets a few seconds to finish.
    const bool finished = wait_until(all_done, after_seconds(co.duration + 5));
    const double elapsed = seconds(std::chrono::steady_clock::now() - start);
    run.stop();

    std::uint64_t completed = 0, failed = 0;
    histogram cycle_time;
    std::string first_error;
    for (auto& t : st.per_thread) {
        completed += t->completed.load();
        failed += t->failed.load();
        cycle_time.merge(t->cycle_time);
        if (first_error.empty())
            first_error = t->first_error;
    }
    const double per_s = static_cast<double>(completed) / std::max(1e-9, elapsed);
    auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };

    std::ostringstream human;
    human.setf(std::ios::fixed);
    human.precision(0);
    human << "churn " << o.common.label << ": " << completed << " connections in " << elapsed << " s (" << per_s
          << "/s), " << failed << " failed";
    human.precision(2);
    human << ", cycle ms p50 " << ms(cycle_time.percentile(0.5)) << " p99 " << ms(cycle_time.percentile(0.99));
    if (!first_error.empty())
        human << " (first error: " << first_error << ")";
    if (!finished)
        human << " (workers did not finish)";
    json_line json;
    json.add("mode", "churn").add("label", o.common.label).add("server", o.common.host + ':' + std::to_string(o.common.port));
    json.add("threads", std::uint64_t{o.common.threads}).add("concurrency", std::uint64_t{per_thread * st.threads});
    json.add("completed", completed).add("failed", failed).add("elapsed_s", elapsed).add("conns_per_s", per_s);
    json.add("cycle_p50_ms", ms(cycle_time.percentile(0.5))).add("cycle_p99_ms", ms(cycle_time.percentile(0.99)));
    if (!first_error.empty())
        json.add("first_error", first_error);
    json.add("ok", finished && failed == 0);
    report(human.str(), json);
    return 0;
}

}  // namespace sala::bench
