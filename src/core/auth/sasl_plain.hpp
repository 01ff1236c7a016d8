#pragma once
// SASL PLAIN (RFC 4616): "authzid NUL authcid NUL password".

#include <optional>
#include <string>
#include <string_view>

namespace sala::core::auth {

struct plain_credentials {
    std::string authzid;  // who to act as; empty: the same as authcid
    std::string authcid;  // the account logging in
    std::string password;
};

// nullopt unless there are exactly two NULs and authcid and password are not empty.
[[nodiscard]] std::optional<plain_credentials> parse_plain(std::string_view decoded);
// What a client sends (before base64).
[[nodiscard]] std::string make_plain(std::string_view authcid, std::string_view password);

}  // namespace sala::core::auth
