#pragma once
// Gathers the status endpoint's figures from the running server: one hand-off
// to each shard (its counters and its sessions' idle times) and one to the hub
// (users and rooms). Each hand-off is a short walk on that shard; nothing is
// read across threads without a message.

#include <boost/asio/awaitable.hpp>

#include "server/context.hpp"
#include "status/snapshot.hpp"

namespace sala::server {

// `ctx` must outlive the returned coroutine. May run on any executor.
asio::awaitable<status::snapshot> gather_snapshot(server_context& ctx);

}  // namespace sala::server
