#pragma once
// Accepts IRC connections and spreads them over the shards round-robin,
// enforcing the per-address connection limit.
// Thread-safety: runs on the hub executor; release() must be called there too.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <unordered_map>

#include "server/context.hpp"

namespace sala::server {

class listener {
public:
    // Binds and listens; throws boost::system::system_error if that fails.
    listener(server_context& ctx, const asio::ip::tcp::endpoint& endpoint);

    static asio::awaitable<void> run(listener* self);

    void close();
    void release(const std::string& ip);
    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

private:
    server_context& ctx_;
    asio::ip::tcp::acceptor acceptor_;
    std::unordered_map<std::string, std::size_t> per_ip_;
    std::size_t next_shard_ = 0;
};

}  // namespace sala::server
