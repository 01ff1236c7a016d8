#pragma once
// Accepts connections on the IRC ports, plain and (when configured) TLS,
// and on the web port, and spreads them over the shards round-robin,
// enforcing one per-address connection limit across all ports.
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
    struct endpoints {
        asio::ip::tcp::endpoint plain;
        std::optional<asio::ip::tcp::endpoint> tls;  // when TLS is configured
        std::optional<asio::ip::tcp::endpoint> web;  // when the web port is on
    };
    // Binds and listens; throws boost::system::system_error if that fails.
    listener(server_context& ctx, const endpoints& where);

    // Accepts on every port until close().
    void start();
    void close();
    void release(const std::string& ip);
    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const { return plain_.local_endpoint(); }
    // The TLS port's and the web port's, when there are.
    [[nodiscard]] std::optional<asio::ip::tcp::endpoint> tls_endpoint() const;
    [[nodiscard]] std::optional<asio::ip::tcp::endpoint> web_endpoint() const;

private:
    enum class port_kind : std::uint8_t { plain, tls, web };
    static asio::awaitable<void> run(listener* self, asio::ip::tcp::acceptor* acceptor, port_kind kind);

    server_context& ctx_;
    asio::ip::tcp::acceptor plain_;
    std::optional<asio::ip::tcp::acceptor> tls_;
    std::optional<asio::ip::tcp::acceptor> web_;
    std::unordered_map<std::string, std::size_t> per_ip_;
    std::size_t next_shard_ = 0;
};

}  // namespace sala::server
