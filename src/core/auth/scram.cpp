// What both sides of SCRAM share: credentials, randomness, and the parse of
// the client's first message.
#include "core/auth/scram.hpp"

#include <climits>
#include <stdexcept>

#include <openssl/rand.h>

#include "core/auth/base64.hpp"
#include "core/auth/detail/scram_attributes.hpp"
#include "core/auth/detail/scram_crypto.hpp"

namespace sala::core::auth {

namespace {

// 18 bytes: 144 bits of randomness, and a multiple of 3 so base64 needs no padding.
constexpr std::size_t nonce_bytes = 18;

struct gs2_header_parts {
    std::string header;  // through the comma that ends it
    std::string authzid;
};

// gs2-header = gs2-cbind-flag "," [ "a=" saslname ] ","
// Only "n" (client cannot bind) and "y" (client could, thinks we cannot) are
// accepted: we never offer the -PLUS mechanism, so "p=" is a client error.
std::optional<gs2_header_parts> parse_gs2_header(std::string_view message)
{
    if (message.size() < 3 || (message[0] != 'n' && message[0] != 'y') || message[1] != ',')
        return std::nullopt;
    const auto end = message.find(',', 2);
    if (end == std::string_view::npos)
        return std::nullopt;
    gs2_header_parts parts{std::string(message.substr(0, end + 1)), {}};
    const std::string_view authzid = message.substr(2, end - 2);
    if (authzid.empty())
        return parts;
    if (authzid.substr(0, 2) != "a=")
        return std::nullopt;
    auto decoded = detail::decode_saslname(authzid.substr(2));
    if (!decoded)
        return std::nullopt;
    parts.authzid = std::move(*decoded);
    return parts;
}

}  // namespace

scram_credentials make_scram_credentials(std::string_view password, std::string salt, std::uint32_t iterations)
{
    const detail::scram_keys keys = detail::derive_scram_keys(password, salt, iterations);
    return scram_credentials{std::move(salt), iterations, keys.stored_key, keys.server_key};
}

std::string random_bytes(std::size_t count)
{
    if (count > INT_MAX)
        throw std::length_error("random_bytes: count too large");
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
        throw std::runtime_error("OpenSSL's random generator failed");
    return bytes;
}

std::string make_nonce()
{
    // The base64 alphabet is printable and has no comma.
    return base64_encode(random_bytes(nonce_bytes));
}

std::optional<scram_client_first> parse_scram_client_first(std::string_view message)
{
    auto gs2 = parse_gs2_header(message);
    if (!gs2)
        return std::nullopt;
    const std::string_view bare = message.substr(gs2->header.size());
    const auto attributes = detail::split_attributes(bare);
    // Starting with anything but n= (notably the reserved m=) is rejected
    // here. Attributes after r= are extensions, which RFC 5802 says to ignore.
    if (!attributes || attributes->size() < 2 || (*attributes)[0].name != 'n' || (*attributes)[1].name != 'r')
        return std::nullopt;
    auto username = detail::decode_saslname((*attributes)[0].value);
    const std::string_view nonce = (*attributes)[1].value;
    if (!username || !detail::is_valid_nonce(nonce))
        return std::nullopt;
    return scram_client_first{
        std::move(*username),
        std::move(gs2->authzid),
        std::string(nonce),
        std::string(bare),
        std::move(gs2->header),
    };
}

}  // namespace sala::core::auth
