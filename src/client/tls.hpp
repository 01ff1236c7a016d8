#pragma once
// The client's TLS settings as an Asio ssl::context, and the check that
// decides whether a server's certificate is accepted. The client keeps one
// connection, so Asio's ssl::stream and its buffers cost nothing that
// matters here (the server drives OpenSSL itself to stay lean).

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <functional>
#include <stdexcept>
#include <string>

#include "client/options.hpp"

namespace sala::client {

// Throws std::runtime_error with the file and the reason when a
// certificate or CA file cannot be used.
[[nodiscard]] boost::asio::ssl::context make_tls_context(const client_options& options);

// The verification a connection to `host` uses: the pinned fingerprint when
// one is given (the chain is then not checked), else the CAs and the host
// name; nothing for --tls-insecure.
[[nodiscard]] std::function<bool(bool, boost::asio::ssl::verify_context&)> server_check(
    const client_options& options, const std::string& host);

}  // namespace sala::client
