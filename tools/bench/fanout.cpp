// fanout: N members join one channel; P of them publish numbered, timestamped
// PRIVMSGs. Every member checks order and completeness per publisher and
// records the delivery latency.
//
// Full speed: publisher p keeps at most --window messages outstanding, where a
// message counts as acknowledged once p's observer (a non-publishing member on
// p's own thread, so no cross-thread wake-ups) has received it.
// Fixed rate: each publisher sends on a schedule (rate / P per second) and
// stamps the *scheduled* time, so a stalled server cannot hide its queueing
// delay (no coordinated omission).

#include "common/use_nothrow.hpp"
#include "common/fd_limit.hpp"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <sstream>

#include "irc_conn.hpp"
#include "modes.hpp"
#include "runner.hpp"
#include "stats.hpp"

namespace sala::bench {

namespace {

// Per io_context thread; the atomics are read by the controlling thread.
struct thread_stats {
    histogram latency;
    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::size_t> joined{0};
    std::atomic<std::size_t> failed{0};
    std::uint64_t out_of_order = 0;  // sequence number lower than expected
    std::uint64_t gaps = 0;          // sequence numbers skipped (later counted as lost)
    std::uint64_t disconnects = 0;
    std::uint64_t sendq_disconnects = 0;
    std::size_t in_setup = 0;
    std::size_t retries = 0;
    std::string first_error;
};

struct publisher {
    std::shared_ptr<irc_conn> conn;  // set on its thread once joined
    std::uint64_t acked = 0;         // next sequence number the observer expects
    bool waiting = false;
    std::unique_ptr<asio::steady_timer> wake;
    std::atomic<std::uint64_t> sent{0};
    std::atomic<bool> done{false};
};

struct member {
    std::vector<std::uint64_t> next_seq;  // per publisher
    std::vector<std::uint64_t> received;  // per publisher
    std::vector<publisher*> observes;     // publishers this member acknowledges for
    bool disconnected = false;
};

struct fanout_state {
    options opts;
    tcp::endpoint server;
    std::string prefix;
    std::vector<member> members;
    std::vector<std::unique_ptr<publisher>> publishers;
    std::vector<std::unique_ptr<thread_stats>> stats;
    std::size_t threads = 1;
};

std::uint64_t to_u64(std::string_view s, bool& ok)
{
    std::uint64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    ok = ok && r.ec == std::errc{} && r.ptr == s.data() + s.size();
    return v;
}

// "<channel> :<publisher> <seq> <send_ns> <padding>"
void on_privmsg(fanout_state& st, member& m, thread_stats& ts, std::string_view rest)
{
    const auto colon = rest.find(" :");
    if (colon == std::string_view::npos)
        return;
    std::string_view text = rest.substr(colon + 2);
    std::string_view fields[3];
    for (auto& f : fields) {
        const auto sp = text.find(' ');
        f = text.substr(0, sp);
        text = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
    }
    bool ok = true;
    const auto p = to_u64(fields[0], ok);
    const auto seq = to_u64(fields[1], ok);
    const auto sent_ns = to_u64(fields[2], ok);
    if (!ok || p >= st.publishers.size())
        return;
    const auto now = static_cast<std::uint64_t>(now_ns());
    ts.latency.record(now > sent_ns ? now - sent_ns : 0);
    ts.deliveries.store(ts.deliveries.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    ++m.received[p];
    auto& next = m.next_seq[p];
    if (seq == next) {
        ++next;
    } else if (seq > next) {
        ts.gaps += seq - next;
        next = seq + 1;
    } else {
        ++ts.out_of_order;
    }
    for (auto* pub : m.observes) {
        if (pub == st.publishers[p].get()) {
            pub->acked = std::max(pub->acked, seq + 1);
            if (pub->waiting && pub->wake)
                pub->wake->cancel();
        }
    }
}

asio::awaitable<void> run_member(fanout_state* st, std::size_t i)
{
    const std::size_t t = i % st->threads;
    auto& ts = *st->stats[t];
    auto& m = st->members[i];
    const auto& c = st->opts.common;
    std::string error;
    auto conn = co_await open_registered(st->server, source_address(c, i), make_nick(st->prefix, i), c.retries,
                                         &error, &ts.retries);
    const bool ok = conn && co_await conn->join(c.channel);
    --ts.in_setup;
    if (!ok) {
        if (ts.first_error.empty())
            ts.first_error = conn ? conn->last_error() : error;
        ts.failed.fetch_add(1, std::memory_order_relaxed);
        co_return;
    }
    if (i < st->publishers.size())
        st->publishers[i]->conn = conn;
    ts.joined.fetch_add(1, std::memory_order_relaxed);

    for (;;) {
        while (auto line = conn->next_line()) {
            const auto v = split_line(*line);
            if (v.command == "PRIVMSG")
                on_privmsg(*st, m, ts, v.rest);
        }
        if (co_await conn->fill())
            break;
    }
    m.disconnected = true;
    ++ts.disconnects;
    if (conn->last_error().find("SendQ") != std::string::npos ||
        conn->last_error().find("buffer") != std::string::npos)
        ++ts.sendq_disconnects;
    if (ts.first_error.empty())
        ts.first_error = conn->last_error().empty() ? "disconnected" : conn->last_error();
}

// Starts this thread's members, at most --concurrency (over all threads) at once,
// so the server's listen backlog is not overrun.
asio::awaitable<void> launch_members(fanout_state* st, std::size_t t)
{
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pause(ex);
    auto& ts = *st->stats[t];
    for (std::size_t i = t; i < st->members.size(); i += st->threads) {
        while (ts.in_setup >= std::max<std::size_t>(1, st->opts.common.concurrency / st->threads)) {
            pause.expires_after(std::chrono::milliseconds(1));
            co_await pause.async_wait(use_nothrow);
        }
        ++ts.in_setup;
        asio::co_spawn(ex, run_member(st, i), asio::detached);
    }
}

asio::awaitable<void> run_publisher(fanout_state* st, std::size_t p)
{
    auto ex = co_await asio::this_coro::executor;
    auto& pub = *st->publishers[p];
    const auto& f = st->opts.fanout;
    pub.wake = std::make_unique<asio::steady_timer>(ex);
    const std::string padding(f.payload, 'x');
    const std::string head = "PRIVMSG " + st->opts.common.channel + " :" + std::to_string(p) + ' ';
    const bool paced = f.rate > 0;
    const auto interval = paced ? static_cast<std::int64_t>(1e9 * static_cast<double>(f.publishers) / f.rate) : 0;
    const auto start = now_ns();
    const auto end = start + static_cast<std::int64_t>(f.duration * 1e9);
    auto due = start + (paced ? interval * static_cast<std::int64_t>(p) / static_cast<std::int64_t>(f.publishers) : 0);
    std::string line;
    for (std::uint64_t seq = 0; seq < f.messages && pub.conn && !pub.conn->failed(); ++seq) {
        if (paced) {
            if (due > now_ns()) {
                pub.wake->expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
                co_await pub.wake->async_wait(use_nothrow);
            }
        } else {
            while (seq - pub.acked >= f.window && now_ns() < end && !pub.conn->failed()) {
                pub.waiting = true;
                pub.wake->expires_after(std::chrono::milliseconds(20));
                co_await pub.wake->async_wait(use_nothrow);
                pub.waiting = false;
            }
            due = now_ns();
        }
        if (now_ns() >= end)
            break;
        line = head;
        line += std::to_string(seq);
        line += ' ';
        line += std::to_string(due);
        line += ' ';
        line += padding;
        pub.conn->send(line);
        pub.sent.store(seq + 1, std::memory_order_relaxed);
        if (paced)
            due += interval;
    }
    pub.done.store(true, std::memory_order_release);
}

}  // namespace

int run_fanout(const options& o)
{
    const auto& f = o.fanout;
    sala::raise_open_file_limit();
    runner run(o.common.threads);  // declared first: destroyed after everything that holds sockets
    fanout_state st;
    st.opts = o;
    st.server = server_endpoint(o.common);
    st.prefix = nick_prefix(o.common, 'f');
    st.threads = o.common.threads;
    st.members.resize(f.members);
    for (auto& m : st.members) {
        m.next_seq.assign(f.publishers, 0);
        m.received.assign(f.publishers, 0);
    }
    for (std::size_t p = 0; p < f.publishers; ++p)
        st.publishers.push_back(std::make_unique<publisher>());
    for (std::size_t t = 0; t < st.threads; ++t)
        st.stats.push_back(std::make_unique<thread_stats>());
    // Observer of publisher p: the last non-publisher member on p's thread.
    for (std::size_t p = 0; p < f.publishers; ++p) {
        for (std::size_t i = f.members; i-- > f.publishers;) {
            if (i % st.threads == p % st.threads) {
                st.members[i].observes.push_back(st.publishers[p].get());
                break;
            }
        }
    }

    json_line json;
    json.add("mode", "fanout").add("label", o.common.label).add("server", o.common.host + ':' + std::to_string(o.common.port));
    json.add("threads", std::uint64_t{o.common.threads}).add("members", std::uint64_t{f.members});
    json.add("publishers", std::uint64_t{f.publishers}).add("rate", f.rate).add("window", std::uint64_t{f.window});
    json.add("payload", std::uint64_t{f.payload});

    auto sum = [&st](auto field) {
        std::uint64_t total = 0;
        for (auto& s : st.stats)
            total += field(*s);
        return total;
    };
    auto joined = [&] { return sum([](thread_stats& s) { return std::uint64_t{s.joined.load()}; }); };
    auto failed = [&] { return sum([](thread_stats& s) { return std::uint64_t{s.failed.load()}; }); };
    auto deliveries = [&] { return sum([](thread_stats& s) { return s.deliveries.load(std::memory_order_relaxed); }); };

    for (std::size_t t = 0; t < st.threads; ++t)
        asio::co_spawn(run.context(t), launch_members(&st, t), asio::detached);
    const auto setup_start = std::chrono::steady_clock::now();
    run.start();
    const bool set_up = wait_until([&] { return joined() + failed() >= f.members; }, after_seconds(o.common.setup_timeout));
    const double setup_s = seconds(std::chrono::steady_clock::now() - setup_start);
    if (!set_up || failed() > 0 || joined() < f.members) {
        const auto j = joined(), fl = failed();
        run.stop();
        std::string why;
        for (auto& s : st.stats)
            if (why.empty())
                why = s->first_error;
        std::ostringstream human;
        human << "fanout " << o.common.label << ": setup failed: " << j << " of " << f.members << " joined, " << fl
              << " failed" << (set_up ? "" : " (timed out)") << (why.empty() ? "" : ": " + why);
        json.add("ok", false).add("error", human.str()).add("joined", j).add("setup_s", setup_s);
        report(human.str(), json);
        return 1;
    }
    // Let the tail of the JOIN storm reach the members before measuring.
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + f.members / 20));
    const auto before = deliveries();  // PRIVMSGs cannot have arrived yet: always 0

    const auto cpu_before = f.server_pid > 0 ? cpu_seconds(f.server_pid) : std::nullopt;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t p = 0; p < f.publishers; ++p)
        asio::co_spawn(run.context(p), run_publisher(&st, p), asio::detached);
    auto all_done = [&] {
        return std::all_of(st.publishers.begin(), st.publishers.end(),
                           [](auto& p) { return p->done.load(std::memory_order_acquire); });
    };
    const bool published = wait_until(all_done, after_seconds(f.duration + 5));
    const auto t_pub = std::chrono::steady_clock::now();
    std::uint64_t sent = 0;
    for (auto& p : st.publishers)
        sent += p->sent.load(std::memory_order_relaxed);
    const std::uint64_t expected = sent * (f.members - 1);

    // Wait for the last deliveries: until all arrived, nothing moved for 2 s, or --drain.
    auto last_change = std::chrono::steady_clock::now();
    auto last_seen = deliveries();
    auto t_last = last_change;
    const auto drain_deadline = after_seconds(f.drain);
    while (std::chrono::steady_clock::now() < drain_deadline) {
        const auto d = deliveries();
        const auto now = std::chrono::steady_clock::now();
        if (d != last_seen) {
            last_seen = d;
            last_change = now;
            t_last = now;
        }
        if (d - before >= expected || now - last_change > std::chrono::seconds(2))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const auto cpu_after = f.server_pid > 0 ? cpu_seconds(f.server_pid) : std::nullopt;
    run.stop();

    histogram lat;
    std::uint64_t delivered = 0, ooo = 0, gaps = 0, disc = 0, sendq = 0, retries = 0;
    std::string first_error;
    for (auto& s : st.stats) {
        lat.merge(s->latency);
        delivered += s->deliveries.load();
        ooo += s->out_of_order;
        gaps += s->gaps;
        disc += s->disconnects;
        sendq += s->sendq_disconnects;
        retries += s->retries;
        if (first_error.empty())
            first_error = s->first_error;
    }
    std::uint64_t lost = 0;
    for (std::size_t i = 0; i < st.members.size(); ++i)
        for (std::size_t p = 0; p < f.publishers; ++p)
            if (p != i) {
                const auto want = st.publishers[p]->sent.load();
                const auto got = st.members[i].received[p];
                lost += want > got ? want - got : 0;
            }

    const double pub_s = std::max(1e-9, seconds(t_pub - t0));
    const double del_s = std::max(1e-9, seconds(t_last - t0));
    const double msgs_per_s = static_cast<double>(sent) / pub_s;
    const double del_per_s = static_cast<double>(delivered) / del_s;
    auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };

    std::ostringstream human;
    human.setf(std::ios::fixed);
    human.precision(0);
    human << "fanout " << o.common.label << ": " << f.members << " members, " << f.publishers << " publishers, "
          << (f.rate > 0 ? "rate " + std::to_string(static_cast<long>(f.rate)) + "/s" : "full speed") << ": " << sent
          << " msgs (" << msgs_per_s << "/s), " << delivered << " deliveries (" << del_per_s << "/s), lost " << lost
          << ", out of order " << ooo << ", disconnects " << disc;
    human.precision(1);
    human << ", latency us p50 " << us(lat.percentile(0.5)) << " p99 " << us(lat.percentile(0.99)) << " p99.9 "
          << us(lat.percentile(0.999)) << " max " << us(lat.max());
    std::optional<double> server_cpu;
    if (cpu_before && cpu_after)
        server_cpu = *cpu_after - *cpu_before;
    if (server_cpu && *server_cpu > 0) {
        human.precision(2);
        human << ", server CPU " << *server_cpu << " s (";
        human.precision(0);
        human << static_cast<double>(delivered) / *server_cpu << " deliveries per CPU-second)";
    }
    if (!first_error.empty())
        human << " (first error: " << first_error << ")";

    json.add("ok", published && lost == 0 && ooo == 0 && disc == 0).add("setup_s", setup_s);
    json.add("published", sent).add("publish_s", pub_s).add("msgs_per_s", msgs_per_s);
    json.add("expected", expected).add("deliveries", delivered).add("deliveries_per_s", del_per_s);
    json.add("lost", lost).add("gaps", gaps).add("out_of_order", ooo);
    json.add("disconnects", disc).add("sendq_disconnects", sendq).add("connect_retries", retries);
    json.add("latency_method", histogram::method);
    json.add("latency_p50_us", us(lat.percentile(0.5))).add("latency_p99_us", us(lat.percentile(0.99)));
    json.add("latency_p999_us", us(lat.percentile(0.999))).add("latency_max_us", us(lat.max()));
    if (server_cpu && *server_cpu > 0)
        json.add("server_cpu_s", *server_cpu).add("deliveries_per_server_cpu_s", static_cast<double>(delivered) / *server_cpu);
    if (!first_error.empty())
        json.add("first_error", first_error);
    report(human.str(), json);
    return 0;
}

}  // namespace sala::bench
