#include "client/tls.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>

#include "common/certificate_fingerprint.hpp"

namespace sala::client {

namespace ssl = boost::asio::ssl;


ssl::context make_tls_context(const client_options& options)
{
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1
        | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (!options.tls_insecure && options.tls_fingerprint.empty()) {
        ctx.set_verify_mode(ssl::verify_peer, ec);
        ctx.set_default_verify_paths(ec);
        if (!options.tls_ca.empty()) {
            ctx.load_verify_file(options.tls_ca, ec);
            if (ec)
                throw std::runtime_error("cannot use the certificates in " + options.tls_ca + ": " + ec.message());
        }
    } else {
        // Pinning still needs the certificate in the callback; insecure
        // accepts it there without looking.
        ctx.set_verify_mode(ssl::verify_peer, ec);
    }
    if (!options.tls_cert.empty()) {
        ctx.use_certificate_chain_file(options.tls_cert, ec);
        if (ec)
            throw std::runtime_error("cannot use the certificate in " + options.tls_cert + ": " + ec.message());
        ctx.use_private_key_file(options.tls_cert, ssl::context::pem, ec);
        if (ec)
            throw std::runtime_error("cannot use the private key in " + options.tls_cert + ": " + ec.message());
    }
    return ctx;
}

std::function<bool(bool, ssl::verify_context&)> server_check(const client_options& options, const std::string& host)
{
    if (options.tls_insecure)
        return [](bool, ssl::verify_context&) { return true; };
    if (!options.tls_fingerprint.empty()) {
        return [pinned = options.tls_fingerprint](bool, ssl::verify_context& v) {
            X509_STORE_CTX* store = v.native_handle();
            // Chain links above the server's own certificate do not matter:
            // the pin names that one.
            if (X509_STORE_CTX_get_error_depth(store) != 0)
                return true;
            return certificate_fingerprint(X509_STORE_CTX_get_current_cert(store)) == pinned;
        };
    }
    return ssl::host_name_verification(host);
}

}  // namespace sala::client
