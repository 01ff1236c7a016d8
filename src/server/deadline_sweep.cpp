#include "server/deadline_sweep.hpp"

#include <boost/asio/post.hpp>

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "server/session.hpp"

namespace sala::server {

namespace {

using clock = std::chrono::steady_clock;

clock::duration tick_for(const core::limits& lim)
{
    const clock::duration shortest = std::min({clock::duration(lim.registration_timeout),
        clock::duration(lim.ping_interval), clock::duration(lim.ping_timeout), clock::duration(session::close_grace)});
    return std::clamp(shortest / 10, clock::duration(std::chrono::milliseconds(10)),
        clock::duration(std::chrono::seconds(1)));
}

// A TLS handshake allocates and frees some 40 KB (record buffers, key
// exchange) between the small objects that stay, so a burst of handshakes
// leaves the heap full of holes that malloc keeps: 40-50 KB of RSS per idle
// TLS connection instead of the ~17 KB OpenSSL holds (docs/BENCHMARKS.md,
// "TLS"). Giving those pages back costs a walk of the heap (21 ms on the hub
// with 5,000 fresh TLS connections), so it runs when handshakes pause for a
// tick, at most every 2 s, and every 10 s while they go on.
constexpr auto trim_after_pause = std::chrono::seconds(2);
constexpr auto trim_during_handshakes = std::chrono::seconds(10);

void trim_after_handshakes(server_context& ctx, clock::time_point now)
{
    // Only the hub's sweep runs this.
    static std::uint64_t trimmed_at_count = 0;
    static std::uint64_t previous_count = 0;
    static clock::time_point last_trim{};
    const auto count = ctx.tls_handshakes_ended.load(std::memory_order_relaxed);
    const bool paused = count == previous_count;
    previous_count = count;
    if (count == trimmed_at_count || now - last_trim < (paused ? trim_after_pause : trim_during_handshakes))
        return;
    trimmed_at_count = count;
    last_trim = now;
    ::malloc_trim(0);
    spdlog::debug("heap trimmed after TLS handshakes in {} us",
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - now).count());
}

void schedule(server_context& ctx, shard& s, clock::duration tick)
{
    s.deadline_timer.expires_after(tick);
    s.deadline_timer.async_wait([&ctx, &s, tick](const boost::system::error_code& ec) {
        if (ec)
            return;
        const auto now = clock::now();
        // Safe to walk: check_deadlines never adds or removes sessions itself.
        for (auto* sess : s.sessions)
            sess->check_deadlines(now);
        if (s.index == 0)
            trim_after_handshakes(ctx, now);
        if (ctx.shutting_down && s.sessions.empty())
            return;
        schedule(ctx, s, tick);
    });
}

}  // namespace

void start_deadline_sweep(server_context& ctx, shard& s)
{
    asio::post(s.ctx, [&ctx, &s] { schedule(ctx, s, tick_for(ctx.config.limits)); });
}

}  // namespace sala::server
