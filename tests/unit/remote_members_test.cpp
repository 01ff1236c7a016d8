// Who is in a room on other nodes, as the room stream's events tell it.
#include <string>

#include "core/remote_members.hpp"
#include "support/catch.hpp"

using sala::core::history_entry;
using sala::core::history_kind;
using sala::core::remote_members;

namespace {

history_entry event(history_kind kind, std::string line, std::string room = "#lobby")
{
    return {std::move(room), "", 0, kind, std::move(line), "", "", 0};
}

}  // namespace

TEST_CASE("remote members: joins, parts, kicks, quits and renames", "[core][cluster]")
{
    remote_members m;
    CHECK(m.apply(event(history_kind::join, ":Alice!a@h JOIN #lobby\r\n"), "n1"));
    CHECK(m.apply(event(history_kind::join, ":bob!b@h JOIN #lobby\r\n"), "n1"));
    CHECK(m.apply(event(history_kind::join, ":carol!c@h JOIN #other\r\n", "#other"), "n2"));
    REQUIRE(m.of("#lobby").size() == 2);
    CHECK(m.of("#lobby").at("alice").nick == "Alice");
    CHECK(m.of("#lobby").at("alice").node == "n1");

    CHECK(m.apply(event(history_kind::nick, ":Alice!a@h NICK :Alicia\r\n"), "n1"));
    CHECK_FALSE(m.of("#lobby").contains("alice"));
    CHECK(m.of("#lobby").at("alicia").nick == "Alicia");
    CHECK(m.of("#lobby").at("alicia").prefix == "Alicia!a@h");

    CHECK(m.apply(event(history_kind::kick, ":Alicia!a@h KICK #lobby BOB :bye\r\n"), "n1"));
    CHECK_FALSE(m.of("#lobby").contains("bob"));
    CHECK(m.apply(event(history_kind::quit, ":Alicia!a@h QUIT :gone\r\n"), "n1"));
    CHECK(m.of("#lobby").empty());
    CHECK(m.of("#other").size() == 1);
    CHECK(m.apply(event(history_kind::part, ":carol!c@h PART #other\r\n", "#other"), "n2"));
    CHECK(m.rooms() == 0);
}

TEST_CASE("remote members: chat, topics and what does not parse change nothing", "[core][cluster]")
{
    remote_members m;
    CHECK_FALSE(m.apply(event(history_kind::privmsg, ":x!x@h PRIVMSG #lobby :hi\r\n"), "n1"));
    CHECK_FALSE(m.apply(event(history_kind::topic, ":x!x@h TOPIC #lobby :t\r\n"), "n1"));
    CHECK_FALSE(m.apply(event(history_kind::join, "no prefix JOIN\r\n"), "n1"));
    CHECK_FALSE(m.apply(event(history_kind::part, ":nobody!n@h PART #lobby\r\n"), "n1"));
    CHECK_FALSE(m.apply(event(history_kind::nick, ":nobody!n@h NICK :other\r\n"), "n1"));
    CHECK(m.rooms() == 0);
}

TEST_CASE("remote members: a lost node's users go, each once with all its rooms", "[core][cluster]")
{
    remote_members m;
    (void)m.apply(event(history_kind::join, ":ann!a@h JOIN #a\r\n", "#a"), "lost");
    (void)m.apply(event(history_kind::join, ":ann!a@h JOIN #b\r\n", "#b"), "lost");
    (void)m.apply(event(history_kind::join, ":ben!b@h JOIN #b\r\n", "#b"), "alive");
    const auto gone = m.forget_node("lost");
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].prefix == "ann!a@h");
    CHECK(gone[0].rooms.size() == 2);
    CHECK(m.of("#a").empty());
    CHECK(m.of("#b").size() == 1);
    CHECK(m.rooms() == 1);
    CHECK(m.forget_node("lost").empty());
}
