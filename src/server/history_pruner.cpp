#include "server/history_pruner.hpp"

#include <boost/asio/post.hpp>

#include "server/outgoing.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

constexpr auto prune_interval = std::chrono::hours(1);

}  // namespace

history_pruner::history_pruner(server_context& ctx) : ctx_(ctx), timer_(ctx.hub_executor()) {}

void history_pruner::start()
{
    asio::post(timer_.get_executor(), [this] { prune_and_wait(); });
}

void history_pruner::stop()
{
    asio::post(timer_.get_executor(), [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

void history_pruner::prune_and_wait()
{
    if (stopped_ || ctx_.store == nullptr)
        return;
    const auto keep = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.config.history_retention).count();
    ctx_.store->prune(unix_millis_now() - keep, ctx_.config.history_max);
    timer_.expires_after(prune_interval);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            prune_and_wait();
    });
}

}  // namespace sala::server
