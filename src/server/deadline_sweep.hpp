#pragma once
// Registration, ping and closing deadlines of every session on a shard,
// checked by one timer per shard rather than one timer (and one coroutine)
// per connection: an idle connection then costs neither. A deadline is acted
// on at most one tick late; the tick is a tenth of the shortest limit.

#include "server/context.hpp"

namespace sala::server {

// Starts the sweep on `s`'s own thread. It stops by itself once the server is
// shutting down and the shard has no sessions left.
void start_deadline_sweep(server_context& ctx, shard& s);

}  // namespace sala::server
