#include "core/auth/base64.hpp"
#include "core/auth/detail/scram_attributes.hpp"
#include "core/auth/detail/scram_crypto.hpp"
#include "core/auth/scram.hpp"

namespace sala::core::auth {

scram_server::scram_server(scram_client_first first, scram_credentials credentials, std::string server_nonce)
    : first_(std::move(first))
    , credentials_(std::move(credentials))
    , nonce_(first_.client_nonce + server_nonce)
    , server_first_("r=" + nonce_ + ",s=" + base64_encode(credentials_.salt)
                    + ",i=" + std::to_string(credentials_.iterations))
{
}

std::optional<std::string> scram_server::finish(std::string_view client_final) const
{
    // client-final-message = "c=" ... "," "r=" ... ["," extensions] "," "p=" ...
    const auto attributes = detail::split_attributes(client_final);
    if (!attributes || attributes->size() < 3)
        return std::nullopt;
    const auto& channel_binding = attributes->front();
    const auto& nonce = (*attributes)[1];
    const auto& proof = attributes->back();
    if (channel_binding.name != 'c' || nonce.name != 'r' || proof.name != 'p')
        return std::nullopt;
    // c= repeats our gs2 header so that a man in the middle cannot strip a
    // client's "y" (or its authzid); canonical base64 makes text comparison exact.
    if (channel_binding.value != base64_encode(first_.gs2_header) || nonce.value != nonce_)
        return std::nullopt;
    const auto proof_bytes = base64_decode(proof.value);
    if (!proof_bytes || proof_bytes->size() != sha256_digest{}.size())
        return std::nullopt;
    sha256_digest client_proof{};
    proof_bytes->copy(reinterpret_cast<char*>(client_proof.data()), client_proof.size());

    // Values hold no commas, so the last comma is the one before p=.
    const std::string_view without_proof = client_final.substr(0, client_final.rfind(','));
    const std::string auth_message = first_.bare + "," + server_first_ + "," + std::string(without_proof);
    const sha256_digest client_signature = detail::hmac_sha256(credentials_.stored_key, auth_message);
    const sha256_digest client_key = detail::xor_digests(client_proof, client_signature);
    if (!detail::same_digest(detail::sha256(detail::as_bytes(client_key)), credentials_.stored_key))
        return std::nullopt;
    const sha256_digest server_signature = detail::hmac_sha256(credentials_.server_key, auth_message);
    return "v=" + base64_encode(detail::as_bytes(server_signature));
}

}  // namespace sala::core::auth
