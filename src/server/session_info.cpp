// Gathering the facts for LUSERS, TIME and STATS (irc::effect::server_query):
// counts from the directory on the hub, command counts from every shard, and
// the clock. The protocol layer formats them.
#include <chrono>

#include "server/directory.hpp"
#include "server/hub_call.hpp"
#include "server/session.hpp"

namespace sala::server {

namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

asio::awaitable<void> session::answer_server_query(const irc::effect::server_query& e)
{
    irc::server_facts facts;
    facts.started_at = unix_seconds(ctx_.started_at);
    using topic = irc::effect::server_topic;
    if (e.topic == topic::lusers) {
        // live_sessions is read on the hub, after every accept the listener
        // made there: a client whose connection was accepted is counted.
        auto count = [dir = ctx_.dir, live = &ctx_.live_sessions] { return dir->user_counts(live->load()); };
        auto counts = co_await call_on(ctx_.hub_executor(), std::move(count));
        facts.counts = counts;
    } else if (e.topic == topic::stats && e.stats_letter == 'm') {
        // Each shard counts its own sessions' lines; summed here, one shard at a time.
        facts.command_uses.assign(irc::session_protocol::command_count(), 0);
        for (const auto& sh : ctx_.shards) {
            auto read = [s = sh.get()] { return s->stats.commands; };
            auto counts = co_await call_on(sh->ctx.get_executor(), std::move(read));
            for (std::size_t row = 0; row < counts.size() && row < facts.command_uses.size(); ++row)
                facts.command_uses[row] += counts[row];
        }
    }
    // Read after any hop, so TIME is as late as the answer.
    facts.now = unix_seconds(std::chrono::system_clock::now());
    auto answer = proto_.server_facts_answered(e, facts);
    co_await carry_out(std::move(answer));
}

}  // namespace sala::server
