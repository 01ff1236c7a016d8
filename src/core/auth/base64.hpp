#pragma once
// Base64 as SASL carries it (RFC 4648, padded, no line breaks), by OpenSSL.

#include <optional>
#include <string>
#include <string_view>

namespace sala::core::auth {

[[nodiscard]] std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64: a stray byte,
// whitespace, a bad length or padding in the middle.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sala::core::auth
