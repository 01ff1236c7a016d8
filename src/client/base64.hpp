#pragma once
// Base64 (RFC 4648, with padding) for SASL payloads. A stopgap: the shared
// src/core/auth/base64.hpp replaces it once it lands.
//
// Errors: nothing throws except std::bad_alloc.

#include <string>
#include <string_view>

namespace sala::client {

[[nodiscard]] std::string encode_base64(std::string_view bytes);

}  // namespace sala::client
