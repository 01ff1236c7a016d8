#pragma once
// The server's answer to an account request (effect::account_request), which
// session_protocol formats into SASL numerics, REGISTER replies or NickServ
// notices. Plain data.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/scram.hpp"

namespace sala::irc {

enum class account_status : std::uint8_t {
    ok,
    refused,      // wrong password, unknown account, no such certificate: never which
    exists,       // register: the name is taken; cert_add: another account has it
    missing,      // cert_del: not one of the account's; ghost: no such user
    not_yours,    // ghost: the nick is not held by this account
    throttled,    // too many failed attempts from this address or on this account
    unavailable,  // the store or the hashing pool failed or is full
};

struct account_outcome {
    account_status status = account_status::unavailable;
    std::string account;  // as registered, when ok
    std::vector<std::string> certfps;  // cert_list; cert_add: the one added
    // scram_credentials: the keys to check the client's proof against (made
    // up for an unknown account, so that the exchange looks the same), and
    // this server's part of the nonce.
    std::optional<core::auth::scram_credentials> scram;
    std::string server_nonce;
};

}  // namespace sala::irc
