#pragma once
// The status endpoint: a small HTTP/1.1 server (Boost.Beast) serving /status,
// /metrics, /status/samples and /. It runs on its own io_context and thread, so
// answering a request never runs on a chat shard; figures are fetched through
// `source`. It also fetches them every `sample_interval` for the page's charts,
// and keeps those samples on its own thread (status/samples.hpp).
// Thread-safety: construct, start and stop from the thread that runs `ctx`.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "status/snapshot.hpp"

namespace sala::status {

using snapshot_source = std::function<boost::asio::awaitable<snapshot>()>;

struct http_options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8080;
    std::chrono::milliseconds read_timeout{10'000};  // for a whole request, and idle keep-alive
    std::uint32_t header_limit = 8 * 1024;           // bigger headers get 431
    std::uint64_t body_limit = 4 * 1024;             // bigger bodies get 413
    std::chrono::milliseconds sample_interval{5'000};  // how often the charts get a point
    std::chrono::milliseconds sample_window{600'000};  // how far back the charts reach
};

class http_server {
public:
    // Binds and listens; throws boost::system::system_error when it cannot.
    // `sample_source` feeds the charts and needs only the counters that
    // sample_counters keeps; empty: `source` is used.
    http_server(boost::asio::io_context& ctx, http_options options, snapshot_source source,
        snapshot_source sample_source = {});
    ~http_server();

    void start();
    void stop();
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

    struct state;  // shared with the connection coroutines, defined in the .cpp

private:
    std::shared_ptr<state> state_;
};

}  // namespace sala::status
