#include "server/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "server/log_exceptions.hpp"
#include "server/session.hpp"

namespace sala::server {

namespace {

void open_and_listen(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& endpoint)
{
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

}  // namespace

listener::listener(server_context& ctx, const endpoints& where) : ctx_(ctx), plain_(ctx.shards.front()->ctx)
{
    open_and_listen(plain_, where.plain);
    if (where.tls) {
        tls_.emplace(ctx.shards.front()->ctx);
        open_and_listen(*tls_, *where.tls);
    }
    if (where.web) {
        web_.emplace(ctx.shards.front()->ctx);
        open_and_listen(*web_, *where.web);
    }
}

std::optional<asio::ip::tcp::endpoint> listener::tls_endpoint() const
{
    if (!tls_)
        return std::nullopt;
    return tls_->local_endpoint();
}

std::optional<asio::ip::tcp::endpoint> listener::web_endpoint() const
{
    if (!web_)
        return std::nullopt;
    return web_->local_endpoint();
}

void listener::start()
{
    auto& hub = ctx_.shards.front()->ctx;
    asio::co_spawn(hub, run(this, &plain_, port_kind::plain), log_exceptions{"listener"});
    if (tls_)
        asio::co_spawn(hub, run(this, &*tls_, port_kind::tls), log_exceptions{"tls listener"});
    if (web_)
        asio::co_spawn(hub, run(this, &*web_, port_kind::web), log_exceptions{"web listener"});
}

void listener::close()
{
    boost::system::error_code ignored;
    plain_.close(ignored);
    if (tls_)
        tls_->close(ignored);
    if (web_)
        web_->close(ignored);
}

void listener::release(const std::string& ip)
{
    auto it = per_ip_.find(ip);
    if (it != per_ip_.end() && --it->second == 0)
        per_ip_.erase(it);
}

asio::awaitable<void> listener::run(listener* self, asio::ip::tcp::acceptor* acceptor, port_kind kind)
{
    auto& ctx = self->ctx_;
    asio::steady_timer backoff(ctx.shards.front()->ctx);
    bool out_of_descriptors = false;
    for (;;) {
        auto& target = *ctx.shards[self->next_shard_];
        auto [ec, socket] = co_await acceptor->async_accept(target.ctx, use_nothrow);
        if (ec == asio::error::operation_aborted || !acceptor->is_open())
            co_return;
        if (ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system
            || ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
            // Spinning on accept would burn a core; wait for descriptors to free up.
            if (!out_of_descriptors)
                spdlog::warn("accept: {}; pausing accepts until connections close", ec.message());
            out_of_descriptors = true;
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(use_nothrow);
            continue;
        }
        if (ec) {
            spdlog::warn("accept: {}", ec.message());
            continue;
        }
        if (out_of_descriptors) {
            spdlog::info("accept: resumed");
            out_of_descriptors = false;
        }
        boost::system::error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec);
        if (peer_ec)
            continue;
        auto ip = peer.address().to_string();
        auto& count = self->per_ip_[ip];
        if (count >= ctx.config.limits.max_per_ip) {
            // A fresh socket's send buffer is empty, so this short write does
            // not block. A TLS or web client could not read it: it is just closed.
            static constexpr std::string_view refusal = "ERROR :Too many connections from your address\r\n";
            boost::system::error_code ignored;
            if (kind == port_kind::plain)
                asio::write(socket, asio::buffer(refusal), ignored);
            socket.close(ignored);
            spdlog::info("refuse {}: {} connections already", ip, count);
            continue;
        }
        ++count;
        ++ctx.live_sessions;
        self->next_shard_ = (self->next_shard_ + 1) % ctx.shards.size();
        // The web port speaks TLS whenever the server has a certificate.
        std::shared_ptr<const tls_context> certificate;
        if (kind == port_kind::tls || (kind == port_kind::web && ctx.config.tls()))
            certificate = ctx.tls.current();
        const web_site* site = kind == port_kind::web ? ctx.web.get() : nullptr;
        std::shared_ptr<session> s;
        try {
            s = std::make_shared<session>(ctx, target, std::move(socket), std::move(ip), certificate, site);
        } catch (const tls_error& e) {
            spdlog::warn("tls: {}", e.what());
            --ctx.live_sessions;
            self->release(peer.address().to_string());
            continue;
        }
        asio::co_spawn(target.ctx, session::run(std::move(s)), log_exceptions{"session"});
    }
}

}  // namespace sala::server
