#include "client/options.hpp"

#include <CLI/CLI.hpp>

#include "common/cli_parse.hpp"

#include <cctype>
#include <iostream>

#include "client/password_source.hpp"
#include "irc/names.hpp"

namespace sala::client {

namespace {

// --sasl's mechanism and, for PLAIN and SCRAM-SHA-256, its password; an exit
// status on error.
std::optional<int> settle_sasl(client_options& o, const std::string& mechanism, const std::string& password_file)
{
    const auto m = parse_mechanism(mechanism);
    if (!m) {
        std::cerr << "chat-client: --sasl takes PLAIN, SCRAM-SHA-256 or EXTERNAL, not '" << mechanism << "'\n";
        return 2;
    }
    o.sasl.mechanism = *m;
    if (o.sasl.account.empty())
        o.sasl.account = o.nick;
    if (*m == sasl_mechanism::external) {
        if (o.tls_cert.empty()) {
            std::cerr << "chat-client: --sasl=EXTERNAL logs in with a client certificate: give --tls-cert\n";
            return 2;
        }
        if (!password_file.empty()) {
            std::cerr << "chat-client: --password-file is for a password; --sasl=EXTERNAL uses --tls-cert\n";
            return 2;
        }
        return std::nullopt;
    }
    auto found = find_password(password_file, o.sasl.account);
    if (!found.password) {
        std::cerr << "chat-client: " << found.error << "\n";
        return 2;
    }
    o.sasl.password = std::move(*found.password);
    return std::nullopt;
}

}  // namespace

options_result parse_options(int argc, const char* const* argv)
{
    client_options o;
    double ping_interval = 30, reconnect_min = 1, reconnect_max = 60, connect_timeout = 30;
    CLI::App app{"chat-client: a terminal chat client for sala and any IRC server", "chat-client"};
    app.set_version_flag("--version", std::string("chat-client " SALA_VERSION));
    app.add_option("nick", o.nick, "Your nick")->required();
    app.add_option("--host", o.host, "Server to connect to")->capture_default_str();
    auto* port = app.add_option("--port", o.port, "Server port (default 6667, 6697 with TLS)");
    app.add_option("--channel", o.channel, "Room to join")->capture_default_str();
    app.add_option("--password", o.password, "Server password (PASS)");
    std::string sasl_mechanism_name, password_file;
    auto* sasl = app.add_flag("--sasl{PLAIN}", sasl_mechanism_name,
        "Log in to your account while connecting (SASL): --sasl or --sasl=PLAIN with a password, "
        "--sasl=SCRAM-SHA-256 with a password the server never sees, --sasl=EXTERNAL with --tls-cert");
    app.add_option("--account", o.sasl.account, "Account to log in to with --sasl (default: your nick)")->needs(sasl);
    app.add_option("--password-file", password_file,
        "Read the --sasl password from the first line of this file (else $SALA_PASSWORD, else a prompt)")
        ->needs(sasl);
    app.add_flag("--plain", o.plain, "Line mode: lines from stdin are sent, events printed on stdout");
    app.add_option("--ping-interval", ping_interval, "Seconds between lag checks")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    app.add_option("--reconnect-min", reconnect_min, "First reconnect delay in seconds (doubles each try)")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    app.add_option("--reconnect-max", reconnect_max, "Longest reconnect delay in seconds")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    app.add_option("--connect-timeout", connect_timeout,
        "Seconds each step of connecting (TCP connect, TLS handshake, registration until the server's "
        "welcome) may take before the attempt is given up and retried")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    app.add_flag("--tls", o.tls, "Connect with TLS, verifying the server's certificate and name");
    app.add_flag("--tls-insecure", o.tls_insecure, "Connect with TLS without verifying the server (testing only)");
    app.add_option("--tls-fingerprint", o.tls_fingerprint,
        "Connect with TLS and accept only the certificate with this SHA-256 (hex, colons allowed)");
    app.add_option("--tls-ca", o.tls_ca, "Also trust the certificates in this PEM file (a private CA, a self-signed server)")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-cert", o.tls_cert, "Present this client certificate (PEM with its key): implies --tls")
        ->check(CLI::ExistingFile);
    if (auto status = parse_command_line(app, argc, argv, "chat-client"))
        return {std::nullopt, *status};
    if (!irc::valid_nick(o.nick, 30)) {
        std::cerr << "chat-client: '" << o.nick << "' is not a valid nick (letters, digits, []\\`_^{|}-)\n";
        return {std::nullopt, 2};
    }
    if (!o.channel.empty() && !irc::is_channel(o.channel))
        o.channel.insert(0, "#");
    if (!o.channel.empty() && !irc::valid_channel(o.channel, 50)) {
        std::cerr << "chat-client: '" << o.channel << "' is not a valid channel name\n";
        return {std::nullopt, 2};
    }
    std::string pinned;
    for (const char c : o.tls_fingerprint) {
        if (c == ':')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            std::cerr << "chat-client: --tls-fingerprint takes a SHA-256 in hex\n";
            return {std::nullopt, 2};
        }
        pinned += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!o.tls_fingerprint.empty() && pinned.size() != 64) {
        std::cerr << "chat-client: --tls-fingerprint takes a SHA-256: 64 hex digits\n";
        return {std::nullopt, 2};
    }
    o.tls_fingerprint = pinned;
    o.tls = o.tls || o.tls_insecure || !o.tls_fingerprint.empty() || !o.tls_cert.empty();
    if (sasl->count() > 0)
        if (auto status = settle_sasl(o, sasl_mechanism_name, password_file))
            return {std::nullopt, *status};
    if (port->count() == 0)
        o.port = o.tls ? 6697 : 6667;
    auto ms = [](double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0)); };
    o.ping_interval = ms(ping_interval);
    o.reconnect_min = ms(reconnect_min);
    o.reconnect_max = ms(std::max(reconnect_max, reconnect_min));
    o.connect_timeout = ms(connect_timeout);
    return {std::move(o), 0};
}

}  // namespace sala::client
