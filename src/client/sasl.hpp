#pragma once
// What chat-client says in a SASL login (IRCv3 SASL 3.1/3.2), as pure
// functions: the mechanisms it speaks and the AUTHENTICATE lines that carry a
// response. client_state decides when to say them.
//
// Errors: nothing throws except std::bad_alloc.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sala::client {

// SCRAM-SHA-256 is not here yet: it waits for the shared SCRAM library.
enum class sasl_mechanism { none, plain, external };

struct sasl_settings {
    sasl_mechanism mechanism = sasl_mechanism::none;
    std::string account;   // PLAIN's authentication identity
    std::string password;  // PLAIN only; never logged or shown
};

// "PLAIN", "EXTERNAL": the name AUTHENTICATE and the sasl capability use.
[[nodiscard]] std::string_view mechanism_name(sasl_mechanism m);
// Case-insensitive; nullopt for a name this client does not speak.
[[nodiscard]] std::optional<sasl_mechanism> parse_mechanism(std::string_view name);

// True when a sasl capability value ("PLAIN,EXTERNAL", or empty: the server
// does not say) allows `m`.
[[nodiscard]] bool mechanism_offered(std::string_view cap_value, sasl_mechanism m);

// PLAIN's message (RFC 4616) with an empty authorization identity:
// NUL account NUL password.
[[nodiscard]] std::string plain_message(std::string_view account, std::string_view password);

// The parameters of the AUTHENTICATE lines that send `response`: base64 in
// pieces of 400 bytes, then "+" when the last piece was a full one (or the
// response is empty), so the server knows it has everything.
[[nodiscard]] std::vector<std::string> authenticate_chunks(std::string_view response);

}  // namespace sala::client
