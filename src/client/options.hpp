#pragma once
// chat-client's command line (CLI11).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "client/sasl.hpp"

namespace sala::client {

struct client_options {
    std::string nick;
    std::string host = "localhost";
    std::uint16_t port = 6667;
    std::string channel = "#lobby";
    std::string password;  // PASS (a server password), not an account's
    // --sasl: the mechanism, the account (default: the nick) and, for PLAIN
    // and SCRAM-SHA-256, the password from --password-file, SALA_PASSWORD or a prompt.
    sasl_settings sasl;
    bool plain = false;
    // TLS: verified against the system's CAs (and --tls-ca) and the host
    // name, or pinned to a certificate's SHA-256, or not verified at all.
    bool tls = false;
    bool tls_insecure = false;
    std::string tls_fingerprint;  // lowercase hex, no separators
    std::string tls_ca;           // extra trusted certificates (PEM)
    std::string tls_cert;         // client certificate and key (PEM), for CertFP/SASL EXTERNAL
    // How often the lag PING goes out; silence for three intervals drops the
    // connection. Short in tests.
    std::chrono::milliseconds ping_interval{30'000};
    std::chrono::milliseconds reconnect_min{1'000};
    std::chrono::milliseconds reconnect_max{60'000};
    // Each stage of connecting (TCP connect, TLS handshake, registration
    // until the welcome) may take this long before the attempt is given up
    // and retried. Long enough for a loaded server; short in tests.
    std::chrono::milliseconds connect_timeout{30'000};
};

struct options_result {
    std::optional<client_options> options;  // empty: exit with exit_code
    int exit_code = 0;                      // 0 after --help/--version, 2 for bad options
};

// Parses argv; prints help, version or the error itself. Never throws.
// With a --sasl mechanism that needs a password it also finds it
// (password_source.hpp), which may prompt on the terminal.
[[nodiscard]] options_result parse_options(int argc, const char* const* argv);

}  // namespace sala::client
