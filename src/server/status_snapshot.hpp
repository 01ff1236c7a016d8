#pragma once
// Gathers the status endpoint's figures from the running server: one hand-off
// to each shard (its counters and its sessions' idle times) and one to the hub
// (users and rooms). Each hand-off is a short walk on that shard; nothing is
// read across threads without a message.

#include <boost/asio/awaitable.hpp>

#include "server/context.hpp"
#include "status/snapshot.hpp"

namespace sala::server {

// How much to gather. The charts' sampler runs every few seconds whether or
// not anyone looks, so it takes only the counters: no walk over every
// session and user, no hand-off to the hub.
enum class snapshot_detail { full, counters };

// `ctx` must outlive the returned coroutine. May run on any executor. With
// snapshot_detail::counters the users, rooms, registered count and output
// queue figures are left empty.
asio::awaitable<status::snapshot> gather_snapshot(server_context& ctx, snapshot_detail detail = snapshot_detail::full);

}  // namespace sala::server
