#include "server/tls_connection.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "common/certificate_fingerprint.hpp"

namespace sala::server {

tls_connection::tls_connection(const tls_context& ctx, int fd) : ssl_(SSL_new(ctx.native()))
{
    if (ssl_ == nullptr)
        throw tls_error("cannot start TLS on a connection: " + take_tls_errors());
    SSL_set_fd(ssl_, fd);
    SSL_set_accept_state(ssl_);
}

tls_connection::~tls_connection() { SSL_free(ssl_); }

tls_connection::result tls_connection::classify(int ret)
{
    const int reason = SSL_get_error(ssl_, ret);
    switch (reason) {
    case SSL_ERROR_WANT_READ:
        return result::want_read;
    case SSL_ERROR_WANT_WRITE:
        return result::want_write;
    case SSL_ERROR_ZERO_RETURN:
        return result::closed;
    case SSL_ERROR_SYSCALL:
        // errno 0: the peer closed the connection without close_notify.
        if (errno == 0 || errno == ECONNRESET || errno == EPIPE) {
            ERR_clear_error();
            return result::closed;
        }
        error_ = std::strerror(errno);
        ERR_clear_error();
        return result::failed;
    default:
        error_ = take_tls_errors();
        return result::failed;
    }
}

// Every call starts with an empty error queue: it is per thread, and the
// shard's other connections must not see this one's errors.
tls_connection::result tls_connection::handshake()
{
    ERR_clear_error();
    errno = 0;
    const int ret = SSL_do_handshake(ssl_);
    return ret == 1 ? result::done : classify(ret);
}

bool tls_connection::handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }

tls_connection::result tls_connection::read(std::span<char> into, std::size_t& n)
{
    ERR_clear_error();
    errno = 0;
    n = 0;
    const int ret = SSL_read_ex(ssl_, into.data(), into.size(), &n);
    return ret == 1 ? result::done : classify(ret);
}

tls_connection::result tls_connection::write(std::span<const char> from, std::size_t& n)
{
    ERR_clear_error();
    errno = 0;
    n = 0;
    const int ret = SSL_write_ex(ssl_, from.data(), from.size(), &n);
    return ret == 1 ? result::done : classify(ret);
}

bool tls_connection::has_pending() const { return SSL_has_pending(ssl_) == 1; }

void tls_connection::close_notify()
{
    if (!handshake_done())
        return;
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);
    ERR_clear_error();
}

std::string tls_connection::peer_fingerprint() const
{
    X509* cert = SSL_get1_peer_certificate(ssl_);
    auto fingerprint = certificate_fingerprint(cert);
    X509_free(cert);
    return fingerprint;
}

std::string tls_connection::description() const
{
    return std::string(SSL_get_version(ssl_)) + " " + SSL_get_cipher_name(ssl_);
}

}  // namespace sala::server
