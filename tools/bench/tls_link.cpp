#include "tls_link.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace sala::bench {

namespace {

SSL_CTX* client_context()
{
    // One for the process: contexts are shared across threads by design.
    static SSL_CTX* const ctx = [] {
        SSL_CTX* c = SSL_CTX_new(TLS_client_method());
        if (c == nullptr)
            throw std::runtime_error("cannot create a TLS context");
        SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
        SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
        SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE
                | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        return c;
    }();
    return ctx;
}

}  // namespace

tls_link::tls_link(int fd) : ssl_(SSL_new(client_context()))
{
    if (ssl_ == nullptr)
        throw std::runtime_error("cannot start TLS on a connection");
    SSL_set_fd(ssl_, fd);
    SSL_set_connect_state(ssl_);
}

tls_link::~tls_link() { SSL_free(ssl_); }

tls_link::result tls_link::classify(int ret)
{
    switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
        return result::want_read;
    case SSL_ERROR_WANT_WRITE:
        return result::want_write;
    default:
        ERR_clear_error();
        return result::failed;
    }
}

tls_link::result tls_link::handshake()
{
    ERR_clear_error();
    const int ret = SSL_do_handshake(ssl_);
    return ret == 1 ? result::done : classify(ret);
}

tls_link::result tls_link::read(std::span<char> into, std::size_t& n)
{
    ERR_clear_error();
    n = 0;
    const int ret = SSL_read_ex(ssl_, into.data(), into.size(), &n);
    return ret == 1 ? result::done : classify(ret);
}

tls_link::result tls_link::write(std::span<const char> from, std::size_t& n)
{
    ERR_clear_error();
    n = 0;
    const int ret = SSL_write_ex(ssl_, from.data(), from.size(), &n);
    return ret == 1 ? result::done : classify(ret);
}

bool tls_link::has_pending() const { return SSL_has_pending(ssl_) == 1; }

}  // namespace sala::bench
