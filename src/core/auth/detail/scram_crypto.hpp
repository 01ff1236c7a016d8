#pragma once
// The SCRAM-SHA-256 key schedule (RFC 5802 section 3), shared by the client
// and the server side, over OpenSSL. Each function throws std::runtime_error
// if OpenSSL fails, which in practice means it ran out of memory.

#include <cstdint>
#include <string_view>

#include "core/auth/scram.hpp"

namespace sala::core::auth::detail {

struct scram_keys {
    sha256_digest client_key{};
    sha256_digest stored_key{};  // SHA-256(client_key): what checks a proof
    sha256_digest server_key{};
};

[[nodiscard]] scram_keys derive_scram_keys(std::string_view password, std::string_view salt,
    std::uint32_t iterations);

[[nodiscard]] sha256_digest sha256(std::string_view bytes);
[[nodiscard]] sha256_digest hmac_sha256(const sha256_digest& key, std::string_view message);
[[nodiscard]] sha256_digest xor_digests(const sha256_digest& a, const sha256_digest& b);
// Constant time, so a proof check leaks nothing about how much of it matched.
[[nodiscard]] bool same_digest(const sha256_digest& a, const sha256_digest& b);

[[nodiscard]] std::string_view as_bytes(const sha256_digest& digest);

}  // namespace sala::core::auth::detail
