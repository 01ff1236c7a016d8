#pragma once
// What chat-client says in a SASL login (IRCv3 SASL 3.1/3.2): the mechanisms
// it speaks, and one login's conversation as a pure state machine, the
// server's AUTHENTICATE parameters in and ours out. client_state decides when
// a login starts and what its outcome means.
//
// Errors: nothing throws except std::bad_alloc; a conversation that cannot go
// on says why (sasl_conversation::reply::failure). Not thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/scram.hpp"

namespace sala::client {

enum class sasl_mechanism { none, plain, external, scram_sha_256 };

struct sasl_settings {
    sasl_mechanism mechanism = sasl_mechanism::none;
    std::string account;      // the authentication identity (PLAIN, SCRAM)
    std::string password;     // PLAIN and SCRAM; never logged or shown
    std::string scram_nonce;  // empty: a fresh one for each login; fixed in tests
};

// "PLAIN", "EXTERNAL", "SCRAM-SHA-256": the name AUTHENTICATE and the sasl
// capability use.
[[nodiscard]] std::string_view mechanism_name(sasl_mechanism m);
// Case-insensitive; nullopt for a name this client does not speak.
[[nodiscard]] std::optional<sasl_mechanism> parse_mechanism(std::string_view name);

// True when a sasl capability value ("PLAIN,EXTERNAL", or empty: the server
// does not say) allows `m`.
[[nodiscard]] bool mechanism_offered(std::string_view cap_value, sasl_mechanism m);

// The parameters of the AUTHENTICATE lines that send `response`: base64 in
// pieces of 400 bytes, then "+" when the last piece was a full one (or the
// response is empty), so the server knows it has everything.
[[nodiscard]] std::vector<std::string> authenticate_chunks(std::string_view response);

// One login, after "AUTHENTICATE <mechanism>" went out. PLAIN and EXTERNAL
// answer the server's empty challenge; SCRAM-SHA-256 sends its first
// message, answers the server's first with its proof, and checks the
// server's signature before accepting success.
class sasl_conversation {
public:
    explicit sasl_conversation(const sasl_settings& settings);

    struct reply {
        std::vector<std::string> params;  // AUTHENTICATE lines to send; none: waiting for more
        std::string failure;              // not empty: the login cannot succeed, and why
    };
    // One AUTHENTICATE parameter from the server: "+" (empty) or a piece of
    // base64; a piece of 400 bytes means more follows.
    [[nodiscard]] reply on_challenge(std::string_view param);
    // True once the client has said all its mechanism needs to, and, for
    // SCRAM, checked the server's signature: a 903 before that is not
    // believed.
    [[nodiscard]] bool finished() const;

private:
    reply answer(std::string_view challenge);
    // Gives up: "AUTHENTICATE *" tells the server (it answers 906).
    static reply abort(std::string why);

    sasl_mechanism mechanism_;
    std::string plain_;  // PLAIN's message
    std::optional<core::auth::scram_client> scram_;
    std::string gathered_;  // base64 pieces of the challenge so far
    int challenges_ = 0;    // answered so far
};

}  // namespace sala::client
