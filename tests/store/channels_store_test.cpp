// Registered channels in the SQLite store on real files: registering once,
// finding by any case of the name, updates that replace the lists in order,
// dropping, and what survives a reopen.
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
using lookup_status = store::store::lookup_status;
using write_status = store::store::write_status;
using channel_lookup = store::store::channel_lookup;
using core::registered_list_entry;

core::channel_registration make_channel(std::string name)
{
    core::channel_registration c;
    c.name = std::move(name);
    c.founder = "Alice";
    c.registered_ms = 1'700'000'000'000;
    c.topic = "Welcome to sala: be kind";
    c.topic_set_by = "Alice!a@host.example";
    c.topic_set_at_ms = 1'700'000'000'500;
    c.flags = "nt";
    c.lists = {{'b', "*!*@spam.example", "Alice!a@host.example", 1'700'000'001},
        {'I', "*!*@friends.example", "Alice!a@host.example", 1'700'000'002},
        {'b', "troll!*@*", "Bob!b@host.example", 1'700'000'003}};
    return c;
}

write_status register_channel(store::store& s, core::channel_registration c)
{
    return wait_for<write_status>([&](store::store::status_handler done) { s.register_channel(std::move(c), done); });
}

write_status update(store::store& s, core::channel_registration c)
{
    return wait_for<write_status>([&](store::store::status_handler done) { s.update_channel(std::move(c), done); });
}

write_status drop(store::store& s, std::string name)
{
    return wait_for<write_status>([&](store::store::status_handler done) { s.drop_channel(std::move(name), done); });
}

channel_lookup find(store::store& s, std::string name)
{
    return wait_for<channel_lookup>([&](store::store::channel_handler done) { s.find_channel(std::move(name), done); });
}

std::vector<std::string> names(store::store& s)
{
    auto found = wait_for<std::optional<std::vector<std::string>>>(
        [&](store::store::channel_names_handler done) { s.registered_channels(done); });
    REQUIRE(found.has_value());
    return std::move(*found);
}

// One line per entry, so a failing comparison shows which differs.
std::vector<std::string> describe(const std::vector<registered_list_entry>& lists)
{
    std::vector<std::string> out;
    for (const auto& e : lists)
        out.push_back(std::string(1, e.list) + " " + e.mask + " " + e.set_by + " " + std::to_string(e.set_at));
    return out;
}

}  // namespace

TEST_CASE("a channel is registered once, found by any case of its name, and kept across a reopen", "[store][channels]")
{
    temp_dir dir;
    const auto path = dir.file("sala.db");
    {
        sqlite_store s(path, durability::normal);
        CHECK(register_channel(s, make_channel("#Sala")) == write_status::ok);
        auto rival = make_channel("#SALA");
        rival.founder = "Mallory";
        CHECK(register_channel(s, rival) == write_status::exists);
        CHECK(find(s, "#nowhere").status == lookup_status::missing);
    }
    sqlite_store reopened(path, durability::normal);
    const auto found = find(reopened, "#sAlA");
    REQUIRE(found.status == lookup_status::found);
    const auto& c = found.channel;
    const auto expected = make_channel("#Sala");
    CHECK(c.name == "#Sala");
    CHECK(c.founder == "Alice");
    CHECK(c.registered_ms == expected.registered_ms);
    CHECK(c.topic == expected.topic);
    CHECK(c.topic_set_by == expected.topic_set_by);
    CHECK(c.topic_set_at_ms == expected.topic_set_at_ms);
    CHECK(c.flags == "nt");
    CHECK(c.key.empty());
    CHECK(c.limit == 0);
    CHECK(describe(c.lists) == describe(expected.lists));
}

TEST_CASE("updating a channel replaces its settings and lists, in the order given, and nothing else",
    "[store][channels]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(register_channel(s, make_channel("#Sala")) == write_status::ok);
    REQUIRE(register_channel(s, make_channel("#other")) == write_status::ok);

    auto changed = make_channel("#SALA");
    changed.founder = "Mallory";  // not the update's to change
    changed.registered_ms = 1;
    changed.topic = "new topic";
    changed.topic_set_by = "Bob!b@host.example";
    changed.topic_set_at_ms = 1'700'000'900'000;
    changed.flags = "imnst";
    changed.key = "sekrit";
    changed.limit = 4'000'000'000;  // the largest limits fit too
    changed.lists = {{'e', "Bob!*@*", "Bob!b@host.example", 1'700'000'010},
        {'b', "troll!*@*", "Bob!b@host.example", 1'700'000'003},
        {'b', "*!*@new.example", "Bob!b@host.example", 1'700'000'011},
        {'I', "*!*@friends.example", "Alice!a@host.example", 1'700'000'002}};
    CHECK(update(s, changed) == write_status::ok);

    const auto found = find(s, "#sala");
    REQUIRE(found.status == lookup_status::found);
    const auto& c = found.channel;
    CHECK(c.name == "#Sala");
    CHECK(c.founder == "Alice");
    CHECK(c.registered_ms == 1'700'000'000'000);
    CHECK(c.topic == "new topic");
    CHECK(c.topic_set_by == "Bob!b@host.example");
    CHECK(c.topic_set_at_ms == 1'700'000'900'000);
    CHECK(c.flags == "imnst");
    CHECK(c.key == "sekrit");
    CHECK(c.limit == 4'000'000'000);
    CHECK(describe(c.lists) == describe(changed.lists));
    // The other channel's lists are its own.
    CHECK(describe(find(s, "#other").channel.lists) == describe(make_channel("#other").lists));

    // Emptied lists, key and limit stay empty.
    changed.lists.clear();
    changed.key.clear();
    changed.limit = 0;
    CHECK(update(s, changed) == write_status::ok);
    const auto emptied = find(s, "#Sala").channel;
    CHECK(emptied.lists.empty());
    CHECK(emptied.key.empty());
    CHECK(emptied.limit == 0);

    CHECK(update(s, make_channel("#unregistered")) == write_status::missing);
    CHECK(find(s, "#unregistered").status == lookup_status::missing);
}

TEST_CASE("a dropped channel is gone with its lists, and its name is free again", "[store][channels]")
{
    sqlite_store s(":memory:", durability::normal);
    REQUIRE(register_channel(s, make_channel("#Sala")) == write_status::ok);
    CHECK(drop(s, "#nowhere") == write_status::missing);
    CHECK(drop(s, "#SALA") == write_status::ok);
    CHECK(drop(s, "#sala") == write_status::missing);
    CHECK(find(s, "#Sala").status == lookup_status::missing);
    CHECK(update(s, make_channel("#Sala")) == write_status::missing);
    // A new registration of the name does not inherit the old lists.
    auto again = make_channel("#sala");
    again.founder = "Bob";
    again.lists.clear();
    REQUIRE(register_channel(s, again) == write_status::ok);
    const auto found = find(s, "#Sala");
    REQUIRE(found.status == lookup_status::found);
    CHECK(found.channel.founder == "Bob");
    CHECK(found.channel.lists.empty());
}

TEST_CASE("registered_channels names every registered channel as it was registered", "[store][channels]")
{
    temp_dir dir;
    const auto path = dir.file("sala.db");
    {
        sqlite_store s(path, durability::normal);
        CHECK(names(s).empty());
        for (const auto* name : {"#Zeta", "#alpha", "#Middle", "#gone"})
            REQUIRE(register_channel(s, make_channel(name)) == write_status::ok);
        REQUIRE(drop(s, "#GONE") == write_status::ok);
        CHECK(names(s) == std::vector<std::string>{"#alpha", "#Middle", "#Zeta"});
    }
    sqlite_store reopened(path, durability::normal);
    CHECK(names(reopened) == std::vector<std::string>{"#alpha", "#Middle", "#Zeta"});
}
