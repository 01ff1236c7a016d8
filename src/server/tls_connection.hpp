#pragma once
// TLS on one accepted socket, driven by readiness: each call does what it can
// without blocking and says what it waits for, so the session keeps its
// shape (wait for readable, read into the shard's buffer; write from the
// outbox, wait for writable only when the kernel is full). One shard thread
// uses it at a time.

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "server/tls_context.hpp"

using SSL = struct ssl_st;

namespace sala::server {

class tls_connection {
public:
    enum class result {
        done,        // the call did its work (`n` says how much)
        want_read,   // call again once the socket is readable
        want_write,  // call again once the socket is writable
        closed,      // the peer closed the TLS session or the connection
        failed,      // a protocol or socket error; error() says which
    };

    // Server side of `fd`, which stays owned by the caller's socket.
    tls_connection(const tls_context& ctx, int fd);
    tls_connection(const tls_connection&) = delete;
    tls_connection& operator=(const tls_connection&) = delete;
    ~tls_connection();

    result handshake();
    [[nodiscard]] bool handshake_done() const;
    result read(std::span<char> into, std::size_t& n);
    // A failed or interrupted write must be retried with at least the same
    // bytes first (the outbox keeps them until they are committed).
    result write(std::span<const char> from, std::size_t& n);
    // Decrypted input OpenSSL holds: readable without the socket saying so.
    [[nodiscard]] bool has_pending() const;
    // Sends close_notify if the socket takes it now; never waits.
    void close_notify();

    [[nodiscard]] const std::string& error() const { return error_; }
    // SHA-256 of the client's certificate, hex; empty without one.
    [[nodiscard]] std::string peer_fingerprint() const;
    // "TLSv1.3 TLS_AES_256_GCM_SHA384", for logs.
    [[nodiscard]] std::string description() const;

private:
    result classify(int ret);

    SSL* ssl_;
    std::string error_;
};

}  // namespace sala::server
