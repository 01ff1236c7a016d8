// Accounts in the SQLite store on real files: what registering, logging in
// with a certificate and dropping do, what survives a reopen, and that a
// damaged row never yields an account to log in to.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <string>

#include "store/sqlite/sqlite_store.hpp"
#include "support/catch.hpp"

namespace {

using namespace sala;
using store::sqlite::durability;
using store::sqlite::sqlite_store;
using lookup_status = store::store::lookup_status;
using write_status = store::store::write_status;

struct temp_dir {
    std::filesystem::path path;
    temp_dir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "sala-accounts-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    [[nodiscard]] std::string file(const char* name) const { return (path / name).string(); }
};

core::account make_account(std::string name)
{
    core::account a;
    a.name = std::move(name);
    a.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    a.scram_salt = std::string("\0\1salt", 6);
    a.scram_iterations = 4096;
    a.scram_stored_key = std::string(32, '\x11');
    a.scram_server_key = std::string(32, '\x22');
    a.registered_ms = 1'700'000'000'000;
    return a;
}

template <class Start>
auto wait_for(Start start)
{
    using result = std::conditional_t<std::is_invocable_v<Start, store::store::account_handler>,
        store::store::account_lookup, write_status>;
    std::promise<result> p;
    auto f = p.get_future();
    start([&p](result r) { p.set_value(std::move(r)); });
    return f.get();
}

write_status create(store::store& s, core::account a)
{
    return wait_for([&](store::store::account_written_handler done) { s.create_account(std::move(a), done); });
}

store::store::account_lookup find(store::store& s, std::string name)
{
    return wait_for([&](store::store::account_handler done) { s.find_account(std::move(name), done); });
}

store::store::account_lookup find_cert(store::store& s, std::string fp)
{
    return wait_for([&](store::store::account_handler done) { s.find_account_by_certfp(std::move(fp), done); });
}

write_status add_cert(store::store& s, std::string name, std::string fp)
{
    return wait_for([&](store::store::account_written_handler done) {
        s.add_account_certfp(std::move(name), std::move(fp), done);
    });
}

}  // namespace

TEST_CASE("an account is created once, found by any case of its name, and kept across a reopen", "[store][accounts]")
{
    temp_dir dir;
    const auto path = dir.file("sala.db");
    {
        sqlite_store s(path, durability::normal);
        CHECK(create(s, make_account("Alice")) == write_status::ok);
        CHECK(create(s, make_account("ALICE")) == write_status::exists);
        CHECK(find(s, "nobody").status == lookup_status::missing);
    }
    sqlite_store reopened(path, durability::normal);
    const auto found = find(reopened, "aLiCe");
    REQUIRE(found.status == lookup_status::found);
    CHECK(found.account.name == "Alice");
    CHECK(found.account.password_hash == make_account("x").password_hash);
    CHECK(found.account.scram_salt == make_account("x").scram_salt);
    CHECK(found.account.scram_iterations == 4096);
    CHECK(found.account.scram_stored_key == std::string(32, '\x11'));
    CHECK(found.account.scram_server_key == std::string(32, '\x22'));
    CHECK(found.account.registered_ms == 1'700'000'000'000);
}

TEST_CASE("a certificate belongs to one account, and dropping an account forgets its certificates", "[store][accounts]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(create(s, make_account("alice")) == write_status::ok);
    REQUIRE(create(s, make_account("bob")) == write_status::ok);
    const std::string fp(64, 'a');
    CHECK(add_cert(s, "Alice", fp) == write_status::ok);
    CHECK(add_cert(s, "alice", fp) == write_status::ok);  // again: no error
    CHECK(add_cert(s, "bob", fp) == write_status::exists);
    CHECK(add_cert(s, "carol", std::string(64, 'b')) == write_status::missing);
    const auto owner = find_cert(s, fp);
    REQUIRE(owner.status == lookup_status::found);
    CHECK(owner.account.name == "alice");
    CHECK(find(s, "alice").account.certfps == std::vector<std::string>{fp});

    CHECK(wait_for([&](store::store::account_written_handler done) { s.remove_account_certfp("bob", fp, done); })
        == write_status::missing);
    CHECK(wait_for([&](store::store::account_written_handler done) { s.drop_account("ALICE", done); })
        == write_status::ok);
    CHECK(find(s, "alice").status == lookup_status::missing);
    CHECK(find_cert(s, fp).status == lookup_status::missing);
    // A new account of the dropped name does not inherit its certificate.
    REQUIRE(create(s, make_account("alice")) == write_status::ok);
    CHECK(find_cert(s, fp).status == lookup_status::missing);
    CHECK(wait_for([&](store::store::account_written_handler done) { s.drop_account("alice", done); })
        == write_status::ok);
    CHECK(wait_for([&](store::store::account_written_handler done) { s.drop_account("alice", done); })
        == write_status::missing);
}

TEST_CASE("a new password replaces the old hash and keys", "[store][accounts]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(create(s, make_account("alice")) == write_status::ok);
    auto changed = make_account("ALICE");
    changed.password_hash = "$argon2id$new";
    changed.scram_stored_key = std::string(32, '\x33');
    CHECK(wait_for([&](store::store::account_written_handler done) { s.set_account_password(changed, done); })
        == write_status::ok);
    const auto found = find(s, "alice");
    CHECK(found.account.password_hash == "$argon2id$new");
    CHECK(found.account.scram_stored_key == std::string(32, '\x33'));
    CHECK(found.account.name == "alice");  // the name keeps its registered spelling
    changed.name = "nobody";
    CHECK(wait_for([&](store::store::account_written_handler done) { s.set_account_password(changed, done); })
        == write_status::missing);
}

TEST_CASE("a damaged account row reads back as it is, for the login check to refuse", "[store][accounts]")
{
    temp_dir dir;
    const auto path = dir.file("sala.db");
    {
        sqlite_store s(path, durability::normal);
        REQUIRE(create(s, make_account("alice")) == write_status::ok);
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE account SET password_hash = '', scram_stored_key = x'00'", nullptr, nullptr,
                nullptr) == SQLITE_OK);
    sqlite3_close(db);
    sqlite_store s(path, durability::normal);
    const auto found = find(s, "alice");
    REQUIRE(found.status == lookup_status::found);
    CHECK(found.account.password_hash.empty());
    CHECK(found.account.scram_stored_key.size() == 1);
}
