#pragma once
// A running chat-server: shards and their threads, the listener, the directory,
// and orderly shutdown on SIGINT/SIGTERM.

#include "server/config.hpp"

namespace sala::server {

// Runs until SIGINT or SIGTERM; returns the process exit status.
int run_server(server_config config);

}  // namespace sala::server
