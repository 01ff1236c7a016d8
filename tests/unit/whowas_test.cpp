// The bounded WHOWAS history (src/core/whowas.hpp).

#include <string>
#include <vector>

#include "core/whowas.hpp"
#include "support/catch.hpp"

using sala::core::whowas_history;
using sala::irc::past_user;

namespace {

past_user gone(std::string nick, std::string user = "u", std::int64_t when = 0)
{
    return past_user{std::move(nick), std::move(user), "10.0.0.1", "Real Name", when};
}

std::vector<std::string> users_of(const std::vector<past_user>& found)
{
    std::vector<std::string> out;
    for (const auto& e : found)
        out.push_back(e.nick + "/" + e.user);
    return out;
}

}  // namespace

TEST_CASE("whowas: entries come back newest first, under any case of the nick", "[core][whowas]")
{
    whowas_history h;
    h.record(gone("Alice", "first", 1));
    h.record(gone("bob"));
    h.record(gone("alice", "second", 2));
    CHECK(users_of(h.find("ALICE", 10)) == std::vector<std::string>{"alice/second", "Alice/first"});
    CHECK(users_of(h.find("alice", 1)) == std::vector<std::string>{"alice/second"});
    CHECK(h.find("carol", 10).empty());
    const auto one = h.find("bob", 10);
    REQUIRE(one.size() == 1);
    CHECK(one[0].host == "10.0.0.1");
    CHECK(one[0].realname == "Real Name");
}

TEST_CASE("whowas: a nick keeps only its newest entries", "[core][whowas]")
{
    whowas_history h(100, 3);
    for (int i = 0; i < 10; ++i)
        h.record(gone("churn", std::to_string(i)));
    CHECK(h.size() == 3);
    CHECK(users_of(h.find("churn", 10)) == std::vector<std::string>{"churn/9", "churn/8", "churn/7"});
}

TEST_CASE("whowas: the whole history is bounded; the oldest go first", "[core][whowas]")
{
    whowas_history h(5, 2);
    for (int i = 0; i < 1000; ++i)
        h.record(gone("n" + std::to_string(i)));
    CHECK(h.size() == 5);
    CHECK(h.nicks() == 5);  // nothing is left behind for nicks that were pushed out
    CHECK(h.find("n994", 10).empty());
    CHECK(h.find("n995", 10).size() == 1);
    CHECK(h.find("n999", 10).size() == 1);
}

TEST_CASE("whowas: pushing out a nick's oldest entry keeps its newer ones", "[core][whowas]")
{
    whowas_history h(3, 3);
    h.record(gone("a", "1"));
    h.record(gone("b", "1"));
    h.record(gone("a", "2"));
    h.record(gone("c", "1"));  // pushes out a/1
    CHECK(users_of(h.find("a", 10)) == std::vector<std::string>{"a/2"});
    h.record(gone("d", "1"));  // pushes out b/1
    CHECK(h.find("b", 10).empty());
    CHECK(h.nicks() == 3);
}

TEST_CASE("whowas: a mask finds every matching nick, newest first, up to the maximum", "[core][whowas]")
{
    whowas_history h;
    h.record(gone("nick1"));
    h.record(gone("other"));
    h.record(gone("nick2"));
    CHECK(users_of(h.find("*ck?", 10)) == std::vector<std::string>{"nick2/u", "nick1/u"});
    CHECK(h.find("NICK*", 1).size() == 1);
    CHECK(h.find("*", 10).size() == 3);
    CHECK(h.find("zz*", 10).empty());
}

TEST_CASE("whowas: bounds of zero are taken as one", "[core][whowas]")
{
    whowas_history h(0, 0);
    h.record(gone("a"));
    h.record(gone("b"));
    CHECK(h.size() == 1);
    CHECK(h.find("b", 10).size() == 1);
}
