#pragma once
// Server bans' statements on one connection (schema 5's server_ban table).
// Masks are folded here, so callers pass them as operators typed them.
// Called on a store lane; each writing call is its own transaction.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/server_ban.hpp"
#include "store/store.hpp"

namespace sala::store::sqlite {

class database;

// Bans with no expiry or expiring after `now_ms`, oldest first.
[[nodiscard]] std::vector<core::server_ban> select_server_bans(database& db, std::int64_t now_ms);

// ok: added, or the ban with the same folded mask replaced.
[[nodiscard]] store::write_status upsert_server_ban(database& db, const core::server_ban& ban);
[[nodiscard]] store::write_status delete_server_ban(database& db, std::string_view mask);

}  // namespace sala::store::sqlite
