#pragma once
// Registered channels' statements on one connection (schema 5's channel and
// channel_list tables). Names are folded here, so callers pass them as users
// typed them. Called on a store lane; each writing call is its own
// transaction, so a channel and its lists are always read and written whole.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/channel_registration.hpp"
#include "store/store.hpp"

namespace sala::store::sqlite {

class database;

[[nodiscard]] std::optional<core::channel_registration> select_channel(database& db, std::string_view name);
// As registered, in the order of their folded names.
[[nodiscard]] std::vector<std::string> select_channel_names(database& db);

// exists when the folded name is taken.
[[nodiscard]] store::write_status insert_channel(database& db, const core::channel_registration& c);
// Everything but the name's spelling, the founder and registered_ms, lists
// included: missing when not registered.
[[nodiscard]] store::write_status rewrite_channel(database& db, const core::channel_registration& c);
[[nodiscard]] store::write_status delete_channel(database& db, std::string_view name);

}  // namespace sala::store::sqlite
