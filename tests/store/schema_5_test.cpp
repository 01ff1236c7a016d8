// Schema 5 (server bans and registered channels) on databases made before
// and after it: a schema 4 file keeps its accounts and gains the new tables;
// a file from a sala newer than this one is refused, not touched.
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store_error.hpp"
#include "store_test_support.hpp"
#include "support/catch.hpp"

namespace {

using namespace sala;
using store::sqlite::durability;
using store::sqlite::sqlite_store;
using store_test::temp_dir;
using store_test::wait_for;
using lookup_status = store::store::lookup_status;
using write_status = store::store::write_status;

// Schema 4 as released: history chunks and accounts, one account with a
// certificate in it.
void write_schema_4(const std::string& path)
{
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const char* v4 = R"sql(
        CREATE TABLE history_chunk (last_id INTEGER PRIMARY KEY, target TEXT NOT NULL, first_id INTEGER NOT NULL,
            lines INTEGER NOT NULL, body BLOB NOT NULL);
        CREATE INDEX history_chunk_by_target ON history_chunk (target, last_id, first_id, lines);
        CREATE TABLE history_old_msgid (target TEXT NOT NULL, msgid TEXT NOT NULL, id INTEGER NOT NULL,
            PRIMARY KEY (target, msgid)) WITHOUT ROWID;
        CREATE TABLE account (name_key TEXT PRIMARY KEY, name TEXT NOT NULL, password_hash TEXT NOT NULL,
            scram_salt BLOB NOT NULL, scram_iterations INTEGER NOT NULL, scram_stored_key BLOB NOT NULL,
            scram_server_key BLOB NOT NULL, registered_ms INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE account_certfp (certfp TEXT PRIMARY KEY, name_key TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX account_certfp_by_account ON account_certfp (name_key);
        INSERT INTO account VALUES ('alice', 'Alice', '$argon2id$v=19$old', x'0001', 4096, x'11', x'22',
            1600000000000);
        INSERT INTO account_certfp VALUES ('aaaa', 'alice');
        PRAGMA user_version = 4;
    )sql";
    const auto rc = sqlite3_exec(db, v4, nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

std::int64_t user_version(const std::string& path)
{
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &read, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(read) == SQLITE_ROW);
    const auto version = sqlite3_column_int64(read, 0);
    sqlite3_finalize(read);
    sqlite3_close(db);
    return version;
}

}  // namespace

TEST_CASE("a schema 4 database keeps its accounts and gains server bans and channels", "[store][bans][channels]")
{
    temp_dir dir;
    const auto path = dir.file("v4.db");
    write_schema_4(path);
    {
        sqlite_store s(path, durability::normal);
        const auto alice = wait_for<store::store::account_lookup>(
            [&](store::store::account_handler done) { s.find_account("ALICE", done); });
        REQUIRE(alice.status == lookup_status::found);
        CHECK(alice.account.name == "Alice");
        CHECK(alice.account.password_hash == "$argon2id$v=19$old");
        CHECK(alice.account.scram_iterations == 4096);
        CHECK(alice.account.certfps == std::vector<std::string>{"aaaa"});

        CHECK(wait_for<write_status>([&](store::store::status_handler done) {
            s.add_server_ban({"*!*@spam.example", "spam", "oper!o@h", 1000, 0}, done);
        }) == write_status::ok);
        core::channel_registration c;
        c.name = "#Sala";
        c.founder = "Alice";
        c.lists = {{'b', "*!*@spam.example", "Alice!a@h", 1}};
        CHECK(wait_for<write_status>([&](store::store::status_handler done) { s.register_channel(c, done); })
            == write_status::ok);
    }
    CHECK(user_version(path) == 5);
    // Opening the migrated file again migrates nothing and finds it all.
    sqlite_store s(path, durability::normal);
    const auto bans = wait_for<std::optional<std::vector<core::server_ban>>>(
        [&](store::store::bans_handler done) { s.load_server_bans(2000, done); });
    REQUIRE(bans.has_value());
    REQUIRE(bans->size() == 1);
    CHECK(bans->front().mask == "*!*@spam.example");
    const auto found = wait_for<store::store::channel_lookup>(
        [&](store::store::channel_handler done) { s.find_channel("#sala", done); });
    REQUIRE(found.status == lookup_status::found);
    CHECK(found.channel.lists.size() == 1);
    CHECK(wait_for<store::store::account_lookup>(
              [&](store::store::account_handler done) { s.find_account("alice", done); })
              .status
        == lookup_status::found);
}

TEST_CASE("a database from a newer sala (schema 6) is refused and left as it was", "[store][bans][channels]")
{
    temp_dir dir;
    const auto path = dir.file("v6.db");
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        const auto rc = sqlite3_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 6", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        REQUIRE(rc == SQLITE_OK);
    }
    std::string why;
    try {
        sqlite_store s(path, durability::normal);
    } catch (const store::store_error& e) {
        why = e.what();
    }
    CHECK(why.find("newer") != std::string::npos);
    CHECK(why.find("version 6") != std::string::npos);
    CHECK(user_version(path) == 6);
}
