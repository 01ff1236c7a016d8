#pragma once
// The grammar SCRAM messages share (RFC 5802 section 7): comma-separated
// "x=value" attributes, escaped usernames, printable nonces. Each parser
// returns nullopt (or false) for text outside the grammar.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sala::core::auth::detail {

struct scram_attribute {
    char name;
    std::string_view value;  // points into the parsed message
};

// Every part must be one ASCII letter, '=', and a non-empty value without
// NUL; commas can only separate.
[[nodiscard]] std::optional<std::vector<scram_attribute>> split_attributes(std::string_view message);

// saslname: ',' and '=' travel as "=2C" and "=3D"; any other '=' is an error.
[[nodiscard]] std::optional<std::string> decode_saslname(std::string_view text);
[[nodiscard]] std::string encode_saslname(std::string_view name);

// Printable ASCII except ',' and not empty, as RFC 5802's "nonce" rule says.
[[nodiscard]] bool is_valid_nonce(std::string_view nonce);

}  // namespace sala::core::auth::detail
