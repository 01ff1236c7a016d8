// Room membership, ordering and topic (src/core/roster.hpp), with ints as members.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/roster.hpp"
#include "support/catch.hpp"

using sala::core::roster;

namespace {

std::vector<std::string> nicks(const roster<int>& r)
{
    std::vector<std::string> out;
    for (const auto& e : r.members())
        out.push_back(e.nick);
    return out;
}

std::vector<int> ids(const roster<int>& r)
{
    std::vector<int> out;
    for (const auto& e : r.members())
        out.push_back(e.member);
    return out;
}

roster<int> three()
{
    roster<int> r;
    r.join(1, "alice");
    r.join(2, "Bob");
    r.join(3, "carol");
    return r;
}

}  // namespace

TEST_CASE("a new roster is empty", "[core][roster]")
{
    const roster<int> r;
    CHECK(r.empty());
    CHECK(r.size() == 0);
    CHECK(r.members().empty());
    CHECK_FALSE(r.contains(1));
    CHECK(r.find_nick("alice") == nullptr);
    CHECK(r.last_sequence() == 0);
    CHECK_FALSE(r.topic().has_value());
}

TEST_CASE("members are listed in join order", "[core][roster]")
{
    roster<int> r;
    CHECK(r.join(30, "zed"));
    CHECK(r.join(10, "alice"));
    CHECK(r.join(20, "Bob"));
    CHECK(ids(r) == std::vector<int>{30, 10, 20});
    CHECK(nicks(r) == std::vector<std::string>{"zed", "alice", "Bob"});
    CHECK(r.size() == 3);
    CHECK_FALSE(r.empty());
    CHECK(r.contains(10));
    CHECK_FALSE(r.contains(40));
}

TEST_CASE("joining twice is refused and changes nothing", "[core][roster]")
{
    auto r = three();
    CHECK_FALSE(r.join(2, "impostor"));
    CHECK(ids(r) == std::vector<int>{1, 2, 3});
    CHECK(nicks(r) == std::vector<std::string>{"alice", "Bob", "carol"});
    CHECK(r.find_nick("impostor") == nullptr);
}

TEST_CASE("leaving keeps the others in join order", "[core][roster]")
{
    auto r = three();
    r.join(4, "dave");
    CHECK(r.leave(2));
    CHECK(ids(r) == std::vector<int>{1, 3, 4});
    CHECK(nicks(r) == std::vector<std::string>{"alice", "carol", "dave"});
    CHECK_FALSE(r.contains(2));
    CHECK(r.find_nick("bob") == nullptr);

    CHECK_FALSE(r.leave(2));  // not in any more
    CHECK_FALSE(r.leave(99));  // never was
    CHECK(ids(r) == std::vector<int>{1, 3, 4});

    SECTION("the first one leaving")
    {
        CHECK(r.leave(1));
        CHECK(ids(r) == std::vector<int>{3, 4});
    }
    SECTION("a member who comes back goes to the end")
    {
        CHECK(r.join(2, "Bob"));
        CHECK(ids(r) == std::vector<int>{1, 3, 4, 2});
    }
    SECTION("the last one out leaves it empty")
    {
        CHECK(r.leave(1));
        CHECK(r.leave(4));
        CHECK(r.leave(3));
        CHECK(r.empty());
        CHECK(r.members().empty());
    }
}

TEST_CASE("rename changes the nick in place", "[core][roster]")
{
    auto r = three();
    CHECK(r.rename(2, "Robert"));
    CHECK(ids(r) == std::vector<int>{1, 2, 3});
    CHECK(nicks(r) == std::vector<std::string>{"alice", "Robert", "carol"});
    CHECK(r.find_nick("bob") == nullptr);
    REQUIRE(r.find_nick("robert") != nullptr);
    CHECK(r.find_nick("robert")->member == 2);

    CHECK_FALSE(r.rename(99, "ghost"));
    CHECK(r.find_nick("ghost") == nullptr);
    CHECK(r.size() == 3);
}

TEST_CASE("find_nick ignores ASCII case only", "[core][roster]")
{
    roster<int> r;
    r.join(1, "Alice");
    r.join(2, "[Bob]");
    r.join(3, "\xC3\x89mile");  // "Émile"

    const auto* alice = r.find_nick("aLICE");
    REQUIRE(alice != nullptr);
    CHECK(alice->member == 1);
    CHECK(alice->nick == "Alice");  // stored as given

    REQUIRE(r.find_nick("[bob]") != nullptr);
    CHECK(r.find_nick("[bob]")->member == 2);
    CHECK(r.find_nick("{bob}") == nullptr);  // ascii mapping: [ and { differ

    REQUIRE(r.find_nick("\xC3\x89MILE") != nullptr);
    CHECK(r.find_nick("\xC3\x89MILE")->member == 3);
    CHECK(r.find_nick("\xC3\xA9mile") == nullptr);  // "émile": not folded

    CHECK(r.find_nick("Alic") == nullptr);
    CHECK(r.find_nick("Alicee") == nullptr);
}

TEST_CASE("sequence numbers only go up, whatever happens to the members", "[core][roster]")
{
    roster<int> r;
    std::vector<std::uint64_t> seen;
    seen.push_back(r.next_sequence());
    r.join(1, "alice");
    seen.push_back(r.next_sequence());
    r.join(2, "bob");
    seen.push_back(r.next_sequence());
    r.leave(1);
    seen.push_back(r.next_sequence());
    r.leave(2);
    seen.push_back(r.next_sequence());
    r.join(1, "alice");
    r.rename(1, "alicia");
    seen.push_back(r.next_sequence());
    seen.push_back(r.next_sequence());

    CHECK(seen == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7});
    CHECK(r.last_sequence() == 7);
    r.join(3, "carol");
    r.leave(3);
    CHECK(r.last_sequence() == 7);  // membership changes do not consume numbers
    CHECK(r.next_sequence() == 8);
}

TEST_CASE("the topic is kept until replaced", "[core][roster]")
{
    roster<int> r;
    const auto when = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 50);

    r.set_topic({"Welcome", "alice", when});
    REQUIRE(r.topic().has_value());
    CHECK(r.topic()->text == "Welcome");
    CHECK(r.topic()->set_by == "alice");
    CHECK(r.topic()->set_at == when);

    r.join(1, "alice");
    r.leave(1);
    REQUIRE(r.topic().has_value());
    CHECK(r.topic()->text == "Welcome");

    r.set_topic({"", "bob", when + std::chrono::seconds(1)});
    REQUIRE(r.topic().has_value());
    CHECK(r.topic()->text.empty());
    CHECK(r.topic()->set_by == "bob");
    CHECK(r.topic()->set_at == when + std::chrono::seconds(1));
}
