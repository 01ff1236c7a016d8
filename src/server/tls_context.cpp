#include "server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>

#include "common/certificate_fingerprint.hpp"

namespace sala::server {

namespace {

// Forward secrecy and AEAD only for TLS 1.2; TLS 1.3's own suites are all so.
constexpr const char* tls12_ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20";

// Any client certificate is accepted: it is an identity (its fingerprint),
// not a claim checked against a CA.
int accept_any_client_certificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

std::string take_tls_errors()
{
    std::string out;
    while (const auto e = ERR_get_error()) {
        std::array<char, 256> text{};
        ERR_error_string_n(e, text.data(), text.size());
        if (!out.empty())
            out += "; ";
        out += text.data();
    }
    return out.empty() ? "unknown TLS error" : out;
}

std::shared_ptr<const tls_context> tls_context::load(const std::string& cert_file, const std::string& key_file)
{
    ERR_clear_error();
    SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
    if (raw == nullptr)
        throw tls_error("cannot create a TLS context: " + take_tls_errors());
    std::shared_ptr<tls_context> ctx(new tls_context(raw));
    const auto fail = [](const std::string& what) { throw tls_error(what + ": " + take_tls_errors()); };
    if (SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION) != 1)
        fail("cannot require TLS 1.2");
    if (SSL_CTX_set_cipher_list(raw, tls12_ciphers) != 1)
        fail("cannot set the TLS 1.2 ciphers");
    SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    // Idle connections give their read and write buffers back; writes may
    // complete in parts and be retried from wherever the outbox then is.
    SSL_CTX_set_mode(raw, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE
            | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, accept_any_client_certificate);
    // Resumed sessions need one once client certificates are asked for.
    static constexpr unsigned char session_context[] = "sala";
    SSL_CTX_set_session_id_context(raw, session_context, sizeof session_context - 1);
    if (SSL_CTX_use_certificate_chain_file(raw, cert_file.c_str()) != 1)
        fail("cannot use the certificate in " + cert_file);
    if (SSL_CTX_use_PrivateKey_file(raw, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
            fail("the key in " + key_file + " does not match the certificate in " + cert_file);
        fail("cannot use the private key in " + key_file);
    }
    if (SSL_CTX_check_private_key(raw) != 1)
        fail("the key in " + key_file + " does not match the certificate in " + cert_file);
    ctx->fingerprint_ = certificate_fingerprint(SSL_CTX_get0_certificate(raw));
    return ctx;
}

tls_context::~tls_context() { SSL_CTX_free(ctx_); }

}  // namespace sala::server
