#pragma once
// Accepts IRC connections, plain and (when configured) TLS, and spreads them
// over the shards round-robin, enforcing one per-address connection limit
// across both ports.
// Thread-safety: runs on the hub executor; release() must be called there too.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>
#include <unordered_map>

#include "server/context.hpp"

namespace sala::server {

class listener {
public:
    // Binds and listens; throws boost::system::system_error if that fails.
    // `tls_endpoint`: the TLS port, when TLS is configured.
    listener(server_context& ctx, const asio::ip::tcp::endpoint& endpoint,
        const std::optional<asio::ip::tcp::endpoint>& tls_endpoint);

    // Accepts on both ports until close().
    void start();
    void close();
    void release(const std::string& ip);
    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const { return plain_.local_endpoint(); }
    // The TLS port's, when there is one.
    [[nodiscard]] std::optional<asio::ip::tcp::endpoint> tls_endpoint() const;

private:
    static asio::awaitable<void> run(listener* self, asio::ip::tcp::acceptor* acceptor, bool tls);

    server_context& ctx_;
    asio::ip::tcp::acceptor plain_;
    std::optional<asio::ip::tcp::acceptor> tls_;
    std::unordered_map<std::string, std::size_t> per_ip_;
    std::size_t next_shard_ = 0;
};

}  // namespace sala::server
