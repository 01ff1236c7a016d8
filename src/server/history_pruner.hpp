#pragma once
// Forgets history older than --history-days, and each channel's lines past
// --history-max: at start, then hourly, in the store's background (the store
// deletes a little at a time between commits).

#include <boost/asio/steady_timer.hpp>

#include "server/context.hpp"

namespace sala::server {

class history_pruner {
public:
    explicit history_pruner(server_context& ctx);
    void start();
    // At shutdown: a pending hourly wait must not keep the hub running.
    void stop();

private:
    void prune_and_wait();

    server_context& ctx_;
    asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace sala::server
