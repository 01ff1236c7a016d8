#include "core/auth/detail/scram_crypto.hpp"

#include <climits>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace sala::core::auth::detail {

namespace {

const unsigned char* as_uchars(std::string_view bytes)
{
    return reinterpret_cast<const unsigned char*>(bytes.data());
}

int checked_int(std::size_t size)
{
    if (size > INT_MAX)
        throw std::length_error("SCRAM input too long for OpenSSL");
    return static_cast<int>(size);
}

sha256_digest salted_password(std::string_view password, std::string_view salt, std::uint32_t iterations)
{
    if (iterations == 0 || iterations > INT_MAX)
        throw std::invalid_argument("SCRAM iteration count out of range");
    sha256_digest out{};
    if (PKCS5_PBKDF2_HMAC(password.data(), checked_int(password.size()), as_uchars(salt),
            checked_int(salt.size()), static_cast<int>(iterations), EVP_sha256(),
            static_cast<int>(out.size()), out.data())
        != 1)
        throw std::runtime_error("PBKDF2 failed");
    return out;
}

}  // namespace

scram_keys derive_scram_keys(std::string_view password, std::string_view salt, std::uint32_t iterations)
{
    const sha256_digest salted = salted_password(password, salt, iterations);
    scram_keys keys;
    keys.client_key = hmac_sha256(salted, "Client Key");
    keys.stored_key = sha256(as_bytes(keys.client_key));
    keys.server_key = hmac_sha256(salted, "Server Key");
    return keys;
}

sha256_digest sha256(std::string_view bytes)
{
    sha256_digest out{};
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), nullptr, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return out;
}

sha256_digest hmac_sha256(const sha256_digest& key, std::string_view message)
{
    sha256_digest out{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), as_uchars(message), message.size(),
            out.data(), &length)
            == nullptr
        || length != out.size())
        throw std::runtime_error("HMAC-SHA-256 failed");
    return out;
}

sha256_digest xor_digests(const sha256_digest& a, const sha256_digest& b)
{
    sha256_digest out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
    return out;
}

bool same_digest(const sha256_digest& a, const sha256_digest& b)
{
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view as_bytes(const sha256_digest& digest)
{
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace sala::core::auth::detail
