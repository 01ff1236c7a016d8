#include "server/deadline_sweep.hpp"

#include <boost/asio/post.hpp>

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
