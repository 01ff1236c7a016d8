#pragma once
// A registered account as the store keeps it. Plain data: the secrets are
// already hashed (argon2id for PLAIN and NickServ, SCRAM keys for
// SCRAM-SHA-256) when a record is made, so nothing here can reveal a password.

#include <cstdint>
#include <string>
#include <vector>

namespace sala::core {

struct account {
    std::string name;           // as registered; looked up folded (irc::fold)
    std::string password_hash;  // argon2id string (core/auth/password_hash.hpp)
    // SCRAM-SHA-256 keys (core/auth/scram.hpp), raw bytes.
    std::string scram_salt;
    std::uint32_t scram_iterations = 0;
    std::string scram_stored_key;
    std::string scram_server_key;
    std::int64_t registered_ms = 0;  // Unix milliseconds
    std::vector<std::string> certfps;  // TLS client certificates' SHA-256, lowercase hex
};

}  // namespace sala::core
