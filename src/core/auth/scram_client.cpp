#include <charconv>

#include <openssl/crypto.h>

#include "core/auth/base64.hpp"
#include "core/auth/detail/scram_attributes.hpp"
#include "core/auth/detail/scram_crypto.hpp"
#include "core/auth/scram.hpp"

namespace sala::core::auth {

namespace {

// Below RFC 7677's minimum the password is cheap to brute-force from a
// captured exchange; far above it, a hostile server makes us burn CPU.
constexpr std::uint32_t min_iterations = 4096;
constexpr std::uint32_t max_iterations = 1'000'000;

// "n,," base64-encoded: we never bind a channel and never ask for an authzid.
constexpr std::string_view gs2_header_base64 = "biws";

std::optional<std::uint32_t> parse_iterations(std::string_view text)
{
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    if (value < min_iterations || value > max_iterations)
        return std::nullopt;
    return value;
}

}  // namespace

scram_client::scram_client(std::string username, std::string password, std::string client_nonce)
    : username_(std::move(username))
    , password_(std::move(password))
    , nonce_(std::move(client_nonce))
{
}

std::string scram_client::client_first() const
{
    return "n,,n=" + detail::encode_saslname(username_) + ",r=" + nonce_;
}

std::optional<std::string> scram_client::client_final(std::string_view server_first)
{
    // server-first-message = ["m=" ...] "r=" ... "," "s=" ... "," "i=" ... ["," extensions]
    // We know no mandatory extension (m=), so anything but r= first fails.
    const auto attributes = detail::split_attributes(server_first);
    if (!attributes || attributes->size() < 3 || (*attributes)[0].name != 'r' || (*attributes)[1].name != 's'
        || (*attributes)[2].name != 'i')
        return std::nullopt;
    const std::string_view nonce = (*attributes)[0].value;
    // The server must add randomness of its own to ours, or a replayed
    // exchange would verify.
    if (nonce.size() <= nonce_.size() || nonce.substr(0, nonce_.size()) != nonce_ || !detail::is_valid_nonce(nonce))
        return std::nullopt;
    const auto salt = base64_decode((*attributes)[1].value);
    const auto iterations = parse_iterations((*attributes)[2].value);
    if (!salt || salt->empty() || !iterations)
        return std::nullopt;

    const detail::scram_keys keys = detail::derive_scram_keys(password_, *salt, *iterations);
    const std::string without_proof = "c=" + std::string(gs2_header_base64) + ",r=" + std::string(nonce);
    const std::string client_first_bare = client_first().substr(3);  // after "n,,"
    const std::string auth_message = client_first_bare + "," + std::string(server_first) + "," + without_proof;
    const sha256_digest client_signature = detail::hmac_sha256(keys.stored_key, auth_message);
    const sha256_digest proof = detail::xor_digests(keys.client_key, client_signature);
    expected_server_signature_ = base64_encode(detail::as_bytes(detail::hmac_sha256(keys.server_key, auth_message)));
    return without_proof + ",p=" + base64_encode(detail::as_bytes(proof));
}

bool scram_client::verify_server_final(std::string_view server_final) const
{
    // An "e=" error, a missing prior client_final() or any other text fails.
    if (expected_server_signature_.empty() || server_final.substr(0, 2) != "v=")
        return false;
    const std::string_view signature = server_final.substr(2);
    return signature.size() == expected_server_signature_.size()
        && CRYPTO_memcmp(signature.data(), expected_server_signature_.data(), signature.size()) == 0;
}

}  // namespace sala::core::auth
