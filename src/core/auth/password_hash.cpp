#include "core/auth/password_hash.hpp"

#include <stdexcept>

#include <sodium.h>

namespace sala::core::auth {

namespace {

// sodium_init() picks the fastest implementations and seeds its generator;
// a function-local static runs it once even when several pool threads
// arrive together.
void require_sodium()
{
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string hash_password(std::string_view password)
{
    require_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), argon2_ops, argon2_memory,
            crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        throw std::runtime_error("argon2id hashing failed (out of memory)");
    return std::string(out);
}

bool verify_password(std::string_view stored_hash, std::string_view password)
{
    require_sodium();
    // libsodium reads a NUL-terminated string of at most STRBYTES - 1 characters;
    // a longer row or one with a NUL inside cannot be a hash it wrote.
    if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES
        || stored_hash.find('\0') != std::string_view::npos)
        return false;
    char terminated[crypto_pwhash_STRBYTES] = {};
    stored_hash.copy(terminated, stored_hash.size());
    return crypto_pwhash_str_verify(terminated, password.data(), password.size()) == 0;
}

}  // namespace sala::core::auth
