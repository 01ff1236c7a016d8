#include "server/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <ctime>
#include <future>
#include <functional>
#include <optional>
#include <thread>

#include "common/fd_limit.hpp"
#include "irc/tokens.hpp"
#include "server/deadline_sweep.hpp"
#include "server/directory.hpp"
#include "server/history_pruner.hpp"
#include "server/listener.hpp"
#include "server/web_site.hpp"
#include "server/log_exceptions.hpp"
#include "server/session.hpp"
#include "server/status_snapshot.hpp"
#include "server/tls_context.hpp"
#include "status/http_server.hpp"
#include "server/account_service.hpp"
#include "store/nats/nats_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_error.hpp"

namespace sala::server {

namespace {

using work_guard = asio::executor_work_guard<asio::io_context::executor_type>;

std::string now_text()
{
    const auto t = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &utc);
    return buf;
}

asio::awaitable<void> shut_down(server_context& ctx, std::vector<work_guard>& guards, asio::io_context* status_ctx)
{
    if (status_ctx != nullptr)
        status_ctx->stop();
    spdlog::info("shutting down: telling {} clients", ctx.live_sessions.load());
    ctx.shutting_down = true;
    ctx.acceptor->close();
    for (auto& s : ctx.shards)
        asio::post(s->ctx, [sh = s.get()] {
            for (auto* sess : sh->sessions)
                sess->begin_shutdown();
        });
    asio::steady_timer tick(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + ctx.config.shutdown_grace;
    while (ctx.live_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(10));
        co_await tick.async_wait(use_nothrow);
    }
    ctx.dir->close_all_rooms();
    for (auto& g : guards)
        g.reset();
    if (ctx.live_sessions.load() > 0) {
        spdlog::warn("shutdown: {} sessions did not finish in time", ctx.live_sessions.load());
        for (auto& s : ctx.shards)
            s->ctx.stop();
    }
}

irc::protocol_settings protocol_settings_for(const server_config& config, std::string created_text)
{
    const auto& lim = config.limits;
    irc::protocol_settings s;
    s.server_name = config.name;
    s.network = config.network;
    s.version = "sala-" SALA_VERSION;
    s.description = config.description;
    s.admin_location = config.admin_location;
    s.admin_email = config.admin_email;
    s.created_text = std::move(created_text);
    s.motd_lines = config.motd_lines;
    s.password = config.password;
    s.autojoin = irc::split_list(config.autojoin, ',');
    s.max_line = lim.max_line;
    s.max_tags = lim.max_tags;
    s.nick_len = lim.nick_len;
    s.channel_len = lim.channel_len;
    s.topic_len = lim.topic_len;
    s.max_channels = lim.max_channels_per_user;
    // Accounts live in the store: without one (--no-history) none are offered.
    s.accounts = config.history;
    s.password_min_length = config.password_min_length;
    return s;
}

}  // namespace

int run_server(server_config config)
{
    // OpenSSL writes to TLS sockets with write(), not with MSG_NOSIGNAL as
    // Asio does: a client that vanishes mid-write would kill the server.
    std::signal(SIGPIPE, SIG_IGN);
    // A reload asked for while the database opens is not a reason to die:
    // SIGHUP is ignored until its handler is in place, below.
    std::signal(SIGHUP, SIG_IGN);
    // Declared first, destroyed last: hand-offs still queued on the shards when
    // they are torn down hold work on the status executor.
    asio::io_context status_ctx{1};
    server_context ctx;
    ctx.config = std::move(config);
    std::unique_ptr<store::store> history;
    try {
        if (ctx.config.history)
            history = std::make_unique<store::sqlite::sqlite_store>(ctx.config.db_path,
                ctx.config.durability_full ? store::sqlite::durability::full : store::sqlite::durability::normal);
    } catch (const store::store_error& e) {
        spdlog::critical("cannot use the history database: {}", e.what());
        return 2;
    }
    store::nats::nats_store* cluster = nullptr;
    if (!ctx.config.cluster_servers.empty()) {
        try {
            auto joined = std::make_unique<store::nats::nats_store>(
                store::nats::cluster_settings{ctx.config.cluster_servers, ctx.config.node_name,
                    std::chrono::duration_cast<std::chrono::milliseconds>(ctx.config.history_retention).count()},
                std::move(history));
            cluster = joined.get();
            ctx.msgid_lane = joined->lane();
            ctx.cluster_nodes = [cluster = joined.get()] { return cluster->nodes(); };
            ctx.msgid_lanes = store::nats::msgid_lanes;
            history = std::move(joined);
        } catch (const store::store_error& e) {
            spdlog::critical("cannot join the cluster: {}", e.what());
            return 2;
        }
        spdlog::info("cluster node {} (msgid lane {})", ctx.config.node_name, ctx.msgid_lane);
    }
    ctx.store = history.get();
    // Hashing gets the cores, at a lower priority than the shards; DESIGN.md
    // allows twice as many hashes in flight.
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    auto accounts = history ? std::make_unique<account_service>(*history, cores, 2 * cores) : nullptr;
    ctx.accounts = accounts.get();
    ctx.protocol = protocol_settings_for(ctx.config, now_text());
    for (std::size_t i = 0; i < ctx.config.threads; ++i)
        ctx.shards.push_back(std::make_unique<shard>(i));
    directory dir(ctx);
    ctx.dir = &dir;
    // Other nodes' lines reach the rooms here in the stream's order.
    if (cluster != nullptr) {
        try {
            cluster->start(
                [&ctx](std::string node, std::vector<core::history_entry> lines) {
                    asio::post(ctx.hub_executor(), [&ctx, node = std::move(node), lines = std::move(lines)]() mutable {
                        ctx.dir->remote_lines(node, std::move(lines));
                    });
                },
                [&ctx](std::string node) {
                    asio::post(ctx.hub_executor(), [&ctx, node = std::move(node)] { ctx.dir->node_lost(node); });
                });
        } catch (const store::store_error& e) {
            spdlog::critical("cannot join the cluster: {}", e.what());
            return 2;
        }
    }
    // K-lines hold from the first connection on: read before anyone can come in.
    if (history) {
        std::promise<std::optional<std::vector<core::server_ban>>> loading;
        auto loaded = loading.get_future();
        history->load_server_bans(unix_millis_now(), [&loading](auto found) { loading.set_value(std::move(found)); });
        auto bans = loaded.get();
        if (!bans) {
            spdlog::critical("cannot read the server bans from the database");
            return 2;
        }
        dir.set_server_bans(std::move(*bans));
    }

    if (ctx.config.tls()) {
        try {
            ctx.tls.replace(tls_context::load(ctx.config.tls_cert, ctx.config.tls_key));
        } catch (const tls_error& e) {
            spdlog::critical("cannot use the TLS certificate: {}", e.what());
            return 2;
        }
    }
    if (ctx.config.web_port != 0 && ctx.config.web_root.empty()) {
        ctx.web = std::make_shared<const web_site>(ctx.config.web_origins, ctx.config.tls());
    } else if (ctx.config.web_port != 0) {
        try {
            ctx.web = web_site::from_directory(ctx.config.web_root, ctx.config.web_origins, ctx.config.tls());
        } catch (const std::exception& e) {
            spdlog::critical("cannot serve the web client from {}: {}", ctx.config.web_root, e.what());
            return 2;
        }
    }
    std::optional<listener> acceptor;
    try {
        const auto address = asio::ip::make_address(ctx.config.bind);
        listener::endpoints where{asio::ip::tcp::endpoint(address, ctx.config.port), std::nullopt, std::nullopt};
        if (ctx.config.tls())
            where.tls.emplace(address, ctx.config.tls_port);
        if (ctx.web)
            where.web.emplace(asio::ip::make_address(ctx.config.web_bind), ctx.config.web_port);
        acceptor.emplace(ctx, where);
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {} (port {}{}{}): {}", ctx.config.bind, ctx.config.port,
            ctx.config.tls() ? ", TLS port " + std::to_string(ctx.config.tls_port) : std::string(),
            ctx.web ? ", web port " + ctx.config.web_bind + ":" + std::to_string(ctx.config.web_port) : std::string(),
            e.what());
        return 1;
    }
    if (const auto web_endpoint = acceptor->web_endpoint())
        ctx.web_port = web_endpoint->port();
    ctx.acceptor = &*acceptor;
    // The policy names the port actually bound (--tls-port 0 picks one).
    if (const auto tls_endpoint = acceptor->tls_endpoint()) {
        ctx.protocol.sts_port = tls_endpoint->port();
        ctx.protocol.sts_duration = static_cast<std::uint64_t>(ctx.config.sts_duration.count());
    }
    const auto files = sala::raise_open_file_limit();

    // The status endpoint has its own thread: serving it never runs on a chat shard.
    std::optional<status::http_server> status_server;
    if (ctx.config.status_port != 0) {
        try {
            status::http_options options;
            options.bind = ctx.config.status_bind;
            options.port = ctx.config.status_port;
            options.read_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(ctx.config.status_timeout * 1000));
            options.sample_interval =
                std::chrono::milliseconds(static_cast<std::int64_t>(ctx.config.status_sample_interval * 1000));
            status_server.emplace(status_ctx, options, [&ctx] { return gather_snapshot(ctx); },
                [&ctx] { return gather_snapshot(ctx, snapshot_detail::counters); });
        } catch (const std::exception& e) {
            spdlog::critical("cannot serve status on {}:{}: {}", ctx.config.status_bind, ctx.config.status_port, e.what());
            return 1;
        }
        const auto status_endpoint = status_server->local_endpoint();
        spdlog::info("status on http://{}:{}/status", status_endpoint.address().to_string(), status_endpoint.port());
        status_server->start();
    }

    std::vector<work_guard> guards;
    for (auto& s : ctx.shards) {
        guards.emplace_back(s->ctx.get_executor());
        start_deadline_sweep(ctx, *s);
    }

    history_pruner pruner(ctx);
    pruner.start();

    auto& hub = ctx.shards.front()->ctx;
    asio::signal_set signals(hub, SIGINT, SIGTERM);
    asio::signal_set reload_signal(hub, SIGHUP);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec)
            return;
        spdlog::info("signal {} received", signo);
        pruner.stop();
        reload_signal.cancel();
        asio::co_spawn(hub, shut_down(ctx, guards, status_server ? &status_ctx : nullptr), log_exceptions{"shutdown"});
    });
    // SIGHUP: the MOTD, and a new certificate and key for new connections
    // (established ones keep theirs). A file that cannot be used leaves the
    // old one in place.
    std::function<void(const boost::system::error_code&, int)> on_reload;
    on_reload = [&](const boost::system::error_code& ec, int) {
        if (ec)
            return;
        if (!ctx.config.motd_file.empty()) {
            if (auto lines = read_motd(ctx.config.motd_file)) {
                ctx.motd.replace(std::make_shared<const std::vector<std::string>>(std::move(*lines)));
                ++ctx.motd_version;
                spdlog::info("SIGHUP: MOTD reloaded from {}", ctx.config.motd_file);
            } else {
                spdlog::error("SIGHUP: cannot read the MOTD file {}; the old MOTD stays", ctx.config.motd_file);
            }
        }
        if (ctx.config.tls()) {
            try {
                auto next = tls_context::load(ctx.config.tls_cert, ctx.config.tls_key);
                spdlog::info("SIGHUP: TLS certificate reloaded (SHA-256 {})", next->fingerprint());
                ctx.tls.replace(std::move(next));
                ++ctx.tls_reloads;
            } catch (const tls_error& e) {
                ++ctx.tls_reload_failures;
                spdlog::error("SIGHUP: TLS certificate not reloaded, the old one stays in use: {}", e.what());
            }
        }
        reload_signal.async_wait(on_reload);
    };
    reload_signal.async_wait(on_reload);
    acceptor->start();

    // Announced only now, with the signal handlers in place: whoever waits for
    // this line may stop the server with SIGINT or SIGTERM right away.
    const auto endpoint = acceptor->local_endpoint();
    if (const auto tls_endpoint = acceptor->tls_endpoint())
        spdlog::info("tls on {}:{} (certificate SHA-256 {})", tls_endpoint->address().to_string(),
            tls_endpoint->port(), ctx.tls.current()->fingerprint());
    if (const auto web_endpoint = acceptor->web_endpoint())
        spdlog::info("web on {}:{} ({} IRC over WebSocket at /irc)", web_endpoint->address().to_string(),
            web_endpoint->port(), ctx.config.tls() ? "HTTPS," : "HTTP,");
    spdlog::info("listening on {}:{} ({} threads, open-file limit {}: about {} connections)",
        endpoint.address().to_string(), endpoint.port(), ctx.shards.size(), files, files > 32 ? files - 32 : 0);

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < ctx.shards.size(); ++i)
        threads.emplace_back([&ctx, i] { ctx.shards[i]->ctx.run(); });
    std::thread status_thread;
    if (status_server)
        status_thread = std::thread([&status_ctx] { status_ctx.run(); });
    hub.run();
    for (auto& t : threads)
        t.join();
    if (status_thread.joinable())
        status_thread.join();
    // After a forced stop, sessions and rooms that never finished still hold
    // each other (a room its members, a member its rooms and its directory
    // record, the record its session): no thread runs now, so any shard's
    // state may be touched to cut those cycles. Then coroutines still parked
    // on one shard hold objects bound to another (a session on shard 1 holds
    // a room whose timer is on shard 0). Destroying the shards one by one
    // would free a service that a later one still uses, so every shard drops
    // its pending work first, while all of them exist.
    for (auto& s : ctx.shards)
        for (auto* sess : s->sessions)
            sess->abandon();
    // The flush tasks that would have emptied these lists will never run.
    for (auto& s : ctx.shards)
        s->to_flush.clear();
    // Writes what the rooms handed over; the completions it posts land on
    // stopped shards and are dropped with their pending work below.
    ctx.store = nullptr;
    ctx.accounts = nullptr;
    if (accounts)
        accounts->stop();
    history.reset();
    accounts.reset();
    for (auto& s : ctx.shards)
        s->ctx.drop_pending_work();
    spdlog::info("stopped");
    return 0;
}

}  // namespace sala::server
