#pragma once
// TLS for the load generator's connections, driven by readiness like the
// plain path (each call does what it can without blocking and says what it
// waits for), so a TLS run measures the server's TLS, not a different client.
// No certificate is verified: the servers are local and the point is cost.
// One io_context thread uses a link at a time.

#include <cstddef>
#include <span>

using SSL = struct ssl_st;

namespace sala::bench {

class tls_link {
public:
    enum class result { done, want_read, want_write, failed };

    explicit tls_link(int fd);
    tls_link(const tls_link&) = delete;
    tls_link& operator=(const tls_link&) = delete;
    ~tls_link();

    result handshake();
    result read(std::span<char> into, std::size_t& n);
    // A write that returned want_write is retried with at least the same bytes first.
    result write(std::span<const char> from, std::size_t& n);
    [[nodiscard]] bool has_pending() const;

private:
    result classify(int ret);
    SSL* ssl_;
};

}  // namespace sala::bench
