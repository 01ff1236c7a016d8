#pragma once
// Password storage: argon2id in libsodium's self-describing string form
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"). Deliberately slow and
// memory-hungry: call these off the shards (server/password_pool).

#include <string>
#include <string_view>

namespace sala::core::auth {

// Cost of one hash: OWASP's argon2id minimum (19 MiB, 2 passes), so that a
// bounded pool of them fits a small server while a stolen database is still
// expensive to attack.
inline constexpr unsigned long long argon2_ops = 2;
inline constexpr std::size_t argon2_memory = 19u * 1024 * 1024;

// Throws std::runtime_error when libsodium cannot (out of memory).
[[nodiscard]] std::string hash_password(std::string_view password);
// False for a wrong password and for a stored hash that is damaged or empty:
// a bad row never lets anyone in.
[[nodiscard]] bool verify_password(std::string_view stored_hash, std::string_view password);

}  // namespace sala::core::auth
