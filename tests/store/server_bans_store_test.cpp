// Server bans (K-lines) in the SQLite store on real files: adding, replacing
// and removing by mask in any case, expiry on load, and a reopen.
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store_test_support.hpp"
#include "support/catch.hpp"

namespace {

using namespace sala;
using store::sqlite::durability;
using store::sqlite::sqlite_store;
using store_test::temp_dir;
using store_test::wait_for;
using write_status = store::store::write_status;

core::server_ban make_ban(std::string mask, std::int64_t set_at_ms, std::int64_t expires_at_ms = 0)
{
    return {std::move(mask), "spam", "oper!o@admin.example", set_at_ms, expires_at_ms};
}

write_status add(store::store& s, core::server_ban ban)
{
    return wait_for<write_status>([&](store::store::status_handler done) { s.add_server_ban(std::move(ban), done); });
}

write_status remove(store::store& s, std::string mask)
{
    return wait_for<write_status>([&](store::store::status_handler done) { s.remove_server_ban(std::move(mask), done); });
}

std::vector<core::server_ban> load(store::store& s, std::int64_t now_ms)
{
    auto found = wait_for<std::optional<std::vector<core::server_ban>>>(
        [&](store::store::bans_handler done) { s.load_server_bans(now_ms, done); });
    REQUIRE(found.has_value());
    return std::move(*found);
}

std::vector<std::string> masks(const std::vector<core::server_ban>& bans)
{
    std::vector<std::string> out;
    for (const auto& b : bans)
        out.push_back(b.mask);
    return out;
}

}  // namespace

TEST_CASE("server bans load oldest first and leave out those expired by then", "[store][bans]")
{
    sqlite_store s(":memory:", durability::normal);
    CHECK(load(s, 0).empty());
    REQUIRE(add(s, make_ban("*!*@spam.example", 3000)) == write_status::ok);
    REQUIRE(add(s, make_ban("10.0.0.0/8", 1000, 5000)) == write_status::ok);
    REQUIRE(add(s, make_ban("2001:db8::/32", 2000, 4000)) == write_status::ok);
    CHECK(masks(load(s, 3999)) == std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32", "*!*@spam.example"});
    // A ban ends at its expiry: at that very millisecond it no longer holds.
    CHECK(masks(load(s, 4000)) == std::vector<std::string>{"10.0.0.0/8", "*!*@spam.example"});
    CHECK(masks(load(s, 100'000)) == std::vector<std::string>{"*!*@spam.example"});
    // Loading forgets nothing: an earlier time finds them all again.
    CHECK(load(s, 0).size() == 3);
}

TEST_CASE("a server ban comes back exactly as it was added", "[store][bans]")
{
    sqlite_store s(":memory:", durability::normal);
    const core::server_ban ban{"*!~Evil@*.Example.NET", "flooding, see ticket #12", "Oper!o@Admin.example",
        1'700'000'000'123, 1'700'000'360'000};
    REQUIRE(add(s, ban) == write_status::ok);
    const auto found = load(s, 1'700'000'000'124);
    REQUIRE(found.size() == 1);
    CHECK(found[0].mask == ban.mask);
    CHECK(found[0].reason == ban.reason);
    CHECK(found[0].set_by == ban.set_by);
    CHECK(found[0].set_at_ms == ban.set_at_ms);
    CHECK(found[0].expires_at_ms == ban.expires_at_ms);
}

TEST_CASE("a server ban's mask is one ban in any case: adding again replaces it", "[store][bans]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(add(s, make_ban("*!*@Spam.Example", 1000, 2000)) == write_status::ok);
    REQUIRE(add(s, make_ban("*!*@other.example", 1500)) == write_status::ok);
    auto longer = make_ban("*!*@SPAM.example", 3000);
    longer.reason = "again";
    CHECK(add(s, longer) == write_status::ok);
    const auto found = load(s, 2500);
    // The replacement takes its own place in time, its own spelling and its
    // own expiry (none), so it holds after the old one would have expired.
    REQUIRE(masks(found) == std::vector<std::string>{"*!*@other.example", "*!*@SPAM.example"});
    CHECK(found[1].reason == "again");
    CHECK(found[1].expires_at_ms == 0);
}

TEST_CASE("removing a server ban finds it in any case, and only once", "[store][bans]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(add(s, make_ban("*!*@Spam.Example", 1000)) == write_status::ok);
    REQUIRE(add(s, make_ban("10.0.0.0/8", 2000)) == write_status::ok);
    CHECK(remove(s, "*!*@nobody.example") == write_status::missing);
    CHECK(remove(s, "*!*@spam.EXAMPLE") == write_status::ok);
    CHECK(remove(s, "*!*@Spam.Example") == write_status::missing);
    CHECK(masks(load(s, 0)) == std::vector<std::string>{"10.0.0.0/8"});
    // An expired ban is still there to remove.
    REQUIRE(add(s, make_ban("192.0.2.1", 3000, 4000)) == write_status::ok);
    CHECK(remove(s, "192.0.2.1") == write_status::ok);
}

TEST_CASE("server bans survive closing and reopening the file", "[store][bans]")
{
    temp_dir dir;
    const auto path = dir.file("sala.db");
    {
        sqlite_store s(path, durability::normal);
        REQUIRE(add(s, make_ban("*!*@spam.example", 1000)) == write_status::ok);
        REQUIRE(add(s, make_ban("198.51.100.0/24", 2000, 9000)) == write_status::ok);
        REQUIRE(add(s, make_ban("gone!*@*", 3000)) == write_status::ok);
        REQUIRE(remove(s, "GONE!*@*") == write_status::ok);
    }
    sqlite_store reopened(path, durability::full);
    const auto found = load(reopened, 5000);
    REQUIRE(masks(found) == std::vector<std::string>{"*!*@spam.example", "198.51.100.0/24"});
    CHECK(found[1].expires_at_ms == 9000);
    CHECK(found[1].set_by == "oper!o@admin.example");
}
