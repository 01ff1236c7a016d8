#include "server/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "server/log_exceptions.hpp"
#include "server/session.hpp"

namespace sala::server {

listener::listener(server_context& ctx, const asio::ip::tcp::endpoint& endpoint)
    : ctx_(ctx), acceptor_(ctx.shards.front()->ctx)
{
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void listener::close()
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

void listener::release(const std::string& ip)
{
    auto it = per_ip_.find(ip);
    if (it != per_ip_.end() && --it->second == 0)
        per_ip_.erase(it);
}

asio::awaitable<void> listener::run(listener* self)
{
    auto& ctx = self->ctx_;
    asio::steady_timer backoff(ctx.shards.front()->ctx);
    bool out_of_descriptors = false;
    for (;;) {
        auto& target = *ctx.shards[self->next_shard_];
        auto [ec, socket] = co_await self->acceptor_.async_accept(target.ctx, use_nothrow);
        if (ec == asio::error::operation_aborted || !self->acceptor_.is_open())
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
            // A fresh socket's send buffer is empty, so this short write does not block.
            static constexpr std::string_view refusal = "ERROR :Too many connections from your address\r\n";
            boost::system::error_code ignored;
            asio::write(socket, asio::buffer(refusal), ignored);
            socket.close(ignored);
            spdlog::info("refuse {}: {} connections already", ip, count);
            continue;
        }
        ++count;
        ++ctx.live_sessions;
        self->next_shard_ = (self->next_shard_ + 1) % ctx.shards.size();
        auto s = std::make_shared<session>(ctx, target, std::move(socket), std::move(ip));
        asio::co_spawn(target.ctx, session::run(std::move(s)), log_exceptions{"session"});
    }
}

}  // namespace sala::server
