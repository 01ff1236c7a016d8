#pragma once
// A server certificate and key in an OpenSSL context, and the slot that
// holds the one new connections get, which SIGHUP replaces.
//
// OpenSSL directly, not Asio's ssl::stream: a stream keeps two 17 KB
// buffers for its whole life and needs a buffer for every pending read,
// while a session here waits for readiness holding no buffer at all and
// reads into its shard's. With SSL_MODE_RELEASE_BUFFERS an idle TLS
// connection keeps only OpenSSL's own state (tls_connection.hpp).

#include <memory>
#include <stdexcept>
#include <string>

#include "server/shared_slot.hpp"

using SSL_CTX = struct ssl_ctx_st;

namespace sala::server {

// A certificate or key that cannot be used, with the file and OpenSSL's reason.
class tls_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class tls_context {
public:
    // TLS 1.2 and 1.3 only, forward-secret AEAD ciphers; asks clients for a
    // certificate without requiring one, so their fingerprints can identify
    // them. `key_file` may be the certificate file too (one PEM with both).
    // Throws tls_error.
    static std::shared_ptr<const tls_context> load(const std::string& cert_file, const std::string& key_file);

    tls_context(const tls_context&) = delete;
    tls_context& operator=(const tls_context&) = delete;
    ~tls_context();

    [[nodiscard]] SSL_CTX* native() const { return ctx_; }
    // SHA-256 of the server's certificate, hex: what a client pins.
    [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }

private:
    explicit tls_context(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
    std::string fingerprint_;
};

// The context new connections take. A connection keeps the context it
// started with (OpenSSL counts its references), so replacing it leaves
// established connections alone.
using tls_slot = shared_slot<const tls_context>;

// OpenSSL's queued errors as one line, and the queue emptied.
[[nodiscard]] std::string take_tls_errors();


}  // namespace sala::server
