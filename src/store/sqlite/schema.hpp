#pragma once
// The database's layout, versioned with PRAGMA user_version and brought up to
// date at start. A migration is appended, never edited once released: a
// database made by any earlier sala is migrated step by step.

namespace sala::store::sqlite {

class database;

// Migrates to the newest schema in one transaction. Throws store_error for a
// file that is not a database or that a newer sala made.
void migrate(database& db);

// The version migrate() brings a database to.
[[nodiscard]] int schema_version();

}  // namespace sala::store::sqlite
