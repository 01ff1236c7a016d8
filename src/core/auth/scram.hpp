#pragma once
// SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the server's
// side as a state machine the session protocol drives, and the client's side
// for chat-client and the tests. Pure computation (OpenSSL's HMAC, SHA-256,
// PBKDF2); the server never learns the password, and the store keeps only
// the salted keys. Usernames and passwords are used as given (UTF-8 bytes,
// no SASLprep), as most IRC servers and clients do.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sala::core::auth {

using sha256_digest = std::array<std::uint8_t, 32>;

// What the store keeps per account: enough to check a proof, not to make one.
struct scram_credentials {
    std::string salt;  // raw bytes
    std::uint32_t iterations = 0;
    sha256_digest stored_key{};
    sha256_digest server_key{};
};

inline constexpr std::uint32_t scram_iterations = 4096;

// PBKDF2 over the password: slow by design, run it off the shards.
[[nodiscard]] scram_credentials make_scram_credentials(std::string_view password, std::string salt,
    std::uint32_t iterations = scram_iterations);

// `count` random bytes from OpenSSL's generator (salts, nonces).
[[nodiscard]] std::string random_bytes(std::size_t count);
// A nonce as SCRAM wants it: printable, no comma; from random bytes.
[[nodiscard]] std::string make_nonce();

// The client's first message, parsed.
struct scram_client_first {
    std::string username;  // "n=", with =2C and =3D decoded
    std::string authzid;   // "a=", may be empty
    std::string client_nonce;
    std::string bare;      // client-first-message-bare, for the signature
    std::string gs2_header;  // "n,," or "y,,", echoed in the final message's c=
};

// nullopt for a malformed message, one asking for channel binding ("p="),
// or one with extensions ("m=").
[[nodiscard]] std::optional<scram_client_first> parse_scram_client_first(std::string_view message);

class scram_server {
public:
    // `server_nonce`: make_nonce(), appended to the client's.
    scram_server(scram_client_first first, scram_credentials credentials, std::string server_nonce);

    // "r=<nonce>,s=<base64 salt>,i=<iterations>"
    [[nodiscard]] const std::string& server_first() const { return server_first_; }
    // The client's final message: "v=<base64 server signature>" when its proof
    // is right and its nonce and c= match; nullopt otherwise (wrong password,
    // tampered or malformed message).
    [[nodiscard]] std::optional<std::string> finish(std::string_view client_final) const;

private:
    scram_client_first first_;
    scram_credentials credentials_;
    std::string nonce_;  // client's + server's
    std::string server_first_;
};

class scram_client {
public:
    // `client_nonce`: make_nonce(); fixed in tests (RFC 7677's vector).
    scram_client(std::string username, std::string password, std::string client_nonce = make_nonce());

    // "n,,n=<user>,r=<nonce>"
    [[nodiscard]] std::string client_first() const;
    // The server's first message in, the client-final-message out; nullopt
    // when the server's message is malformed, its nonce does not extend
    // ours, or its iteration count is below 4096 or absurd (> 1,000,000).
    [[nodiscard]] std::optional<std::string> client_final(std::string_view server_first);
    // True when the server's "v=" proves it knew the keys.
    [[nodiscard]] bool verify_server_final(std::string_view server_final) const;

private:
    std::string username_;
    std::string password_;
    std::string nonce_;
    std::string expected_server_signature_;  // set by client_final()
};

}  // namespace sala::core::auth
