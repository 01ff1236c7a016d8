#include "core/auth/sasl_plain.hpp"

namespace sala::core::auth {

std::optional<plain_credentials> parse_plain(std::string_view decoded)
{
    const auto first_nul = decoded.find('\0');
    if (first_nul == std::string_view::npos)
        return std::nullopt;
    const auto second_nul = decoded.find('\0', first_nul + 1);
    if (second_nul == std::string_view::npos)
        return std::nullopt;
    // A third NUL would make the password ambiguous; RFC 4616 forbids NUL in it.
    if (decoded.find('\0', second_nul + 1) != std::string_view::npos)
        return std::nullopt;

    plain_credentials credentials{
        std::string(decoded.substr(0, first_nul)),
        std::string(decoded.substr(first_nul + 1, second_nul - first_nul - 1)),
        std::string(decoded.substr(second_nul + 1)),
    };
    if (credentials.authcid.empty() || credentials.password.empty())
        return std::nullopt;
    return credentials;
}

std::string make_plain(std::string_view authcid, std::string_view password)
{
    // Empty authzid: act as the account that logs in.
    std::string message(1, '\0');
    message.append(authcid);
    message.push_back('\0');
    message.append(password);
    return message;
}

}  // namespace sala::core::auth
