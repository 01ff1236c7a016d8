#pragma once
// Accounts' statements on one connection (schema 4's account tables). Names
// are folded here, so callers pass them as users typed them. Called on a
// store lane; each writing call is its own transaction.

#include <optional>
#include <string>
#include <string_view>

#include "core/account.hpp"
#include "store/store.hpp"

namespace sala::store::sqlite {

class database;

[[nodiscard]] std::optional<core::account> select_account(database& db, std::string_view name);
[[nodiscard]] std::optional<core::account> select_account_by_certfp(database& db, std::string_view certfp);

[[nodiscard]] store::write_status insert_account(database& db, const core::account& a);
[[nodiscard]] store::write_status update_account_password(database& db, const core::account& a);
[[nodiscard]] store::write_status insert_account_certfp(database& db, std::string_view name, std::string_view certfp);
[[nodiscard]] store::write_status delete_account_certfp(database& db, std::string_view name, std::string_view certfp);
[[nodiscard]] store::write_status delete_account(database& db, std::string_view name);

}  // namespace sala::store::sqlite
