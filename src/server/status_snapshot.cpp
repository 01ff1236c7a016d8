#include "server/status_snapshot.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "irc/names.hpp"
#include "server/directory.hpp"
#include "server/hub_call.hpp"
#include "server/room.hpp"
#include "server/session.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

struct shard_report {
    shard_stats stats;
    std::size_t connections = 0;
    std::size_t queued_bytes = 0;
    std::size_t kernel_queued_bytes = 0;
    std::unordered_map<std::string, std::int64_t> idle_by_nick;  // folded nick -> seconds
};

struct hub_report {
    std::vector<status::remote_user> remote_users;
    std::vector<status::user_entry> users;
    bool users_truncated = false;
    std::uint64_t registered = 0;
    std::vector<status::channel_entry> channels;
};

std::int64_t seconds(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// The hub's part: users and rooms, with the idle times the shards reported.
asio::awaitable<void> add_users_and_rooms(server_context& ctx, std::chrono::system_clock::time_point now,
    std::unordered_map<std::string, std::int64_t> idle_by_nick, status::snapshot& snap)
{
    auto read_hub = [dir = ctx.dir, max_users = ctx.config.status_max_users, now] {
        hub_report r;
        for (const auto& [key, user] : dir->users()) {
            if (!user->registered)
                continue;
            ++r.registered;
            if (r.users.size() == max_users) {
                r.users_truncated = true;
                continue;
            }
            r.users.push_back({user->nick, user->channels,
                std::chrono::duration_cast<std::chrono::seconds>(now - user->connected_at).count(), 0, user->away,
                user->account});
        }
        // Users of other nodes, each once with the rooms it is in here.
        std::map<std::pair<std::string, std::string>, std::vector<std::string>> remote;
        for (const auto& [room_key, members] : dir->remote_members().all())
            for (const auto& [folded, m] : members)
                remote[{m.nick, m.node}].push_back(room_key);
        for (auto& [who, rooms] : remote) {
            if (r.remote_users.size() == max_users) {
                r.users_truncated = true;
                break;
            }
            std::sort(rooms.begin(), rooms.end());
            r.remote_users.push_back({who.first, who.second, std::move(rooms)});
        }
        for (const auto& [key, room] : dir->rooms()) {
            const auto& topic = room->roster().topic();
            r.channels.push_back(
                {room->name(), room->roster().size(), topic ? topic->text : std::string(), room->message_count()});
        }
        return r;
    };
    auto hub = co_await call_on(ctx.hub_executor(), std::move(read_hub));
    snap.registered = hub.registered;
    snap.users = std::move(hub.users);
    snap.users_truncated = hub.users_truncated;
    snap.channels = std::move(hub.channels);
    snap.cluster.remote_users = std::move(hub.remote_users);
    for (auto& u : snap.users) {
        auto it = idle_by_nick.find(irc::fold(u.nick));
        if (it != idle_by_nick.end())
            u.idle_seconds = it->second;
    }
    std::sort(snap.users.begin(), snap.users.end(), [](const auto& a, const auto& b) { return a.nick < b.nick; });
    std::sort(snap.channels.begin(), snap.channels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
}

}  // namespace

asio::awaitable<status::snapshot> gather_snapshot(server_context& ctx, snapshot_detail detail)
{
    const bool full = detail == snapshot_detail::full;
    status::snapshot snap;
    snap.server_name = ctx.config.name;
    snap.version = SALA_VERSION;
    const auto now = std::chrono::system_clock::now();
    snap.started_at = std::chrono::duration_cast<std::chrono::seconds>(ctx.started_at.time_since_epoch()).count();
    snap.uptime_seconds = std::chrono::duration_cast<std::chrono::seconds>(now - ctx.started_at).count();
    snap.threads = static_cast<unsigned>(ctx.shards.size());
    snap.send_buffer_bytes = ctx.config.limits.send_buffer_bytes;

    std::unordered_map<std::string, std::int64_t> idle_by_nick;
    for (auto& sh : ctx.shards) {
        auto read_shard = [s = sh.get(), full] {
            shard_report r;
            r.stats = s->stats;
            r.connections = s->sessions.size();
            if (!full)
                return r;
            for (auto* sess : s->sessions) {
                r.queued_bytes += sess->queued_bytes();
                r.kernel_queued_bytes += sess->kernel_queued_bytes();
            }
            for (const auto* sess : s->sessions)
                if (sess->registered())
                    r.idle_by_nick.emplace(irc::fold(sess->nick()), seconds(sess->idle()));
            return r;
        };
        auto report = co_await call_on(sh->ctx.get_executor(), std::move(read_shard));
        snap.connections += report.connections;
        snap.messages_received += report.stats.received;
        snap.messages_delivered += report.stats.delivered;
        snap.messages_dropped += report.stats.dropped;
        snap.output_queued_bytes += report.queued_bytes;
        snap.output_kernel_queued_bytes += report.kernel_queued_bytes;
        snap.aborted_closes += report.stats.aborted;
        snap.tls.connections += report.stats.tls_open;
        snap.tls.handshakes += report.stats.tls_handshakes;
        snap.tls.handshake_failures += report.stats.tls_handshake_failures;
        snap.web.websockets += report.stats.websocket_open;
        snap.web.websockets_opened += report.stats.websocket_opened;
        for (std::size_t i = 0; i < snap.disconnects.size(); ++i)
            snap.disconnects[i] += report.stats.disconnects[i];
        idle_by_nick.merge(report.idle_by_nick);
    }

    if (full)
        co_await add_users_and_rooms(ctx, now, std::move(idle_by_nick), snap);
    if (ctx.store != nullptr) {
        const auto h = ctx.store->stats();
        snap.history = {true, h.entries_stored, h.batches_written, h.appends_failed, h.queue_depth, h.commit_p50_us,
            h.commit_p99_us, h.database_bytes, h.entries_pruned, h.queries};
    }
    if (ctx.clustered()) {
        snap.cluster.enabled = true;
        snap.cluster.node = ctx.config.node_name;
        if (ctx.cluster_nodes)
            snap.cluster.nodes = ctx.cluster_nodes();
    }
    if (ctx.web) {
        snap.web.enabled = true;
        snap.web.port = ctx.web_port;
    }
    if (const auto certificate = ctx.tls.current()) {
        snap.tls.enabled = true;
        snap.tls.port = ctx.protocol.sts_port;
        snap.tls.certificate_sha256 = certificate->fingerprint();
        snap.tls.reloads = ctx.tls_reloads.load();
        snap.tls.reload_failures = ctx.tls_reload_failures.load();
    }
    co_return snap;
}

}  // namespace sala::server
