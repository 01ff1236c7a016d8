// Replies about a channel (TOPIC, NAMES, LIST, MODE #chan), formatted by the
// protocol layer from the facts the server gathers.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;
namespace irc = sala::irc;

namespace {

struct registered_client {
    protocol_settings settings;
    session_protocol p{settings, "10.0.0.2"};

    registered_client()
    {
        settings.server_name = "srv";
        (void)p.on_line("NICK asker");
        (void)p.nick_claimed(true);
        (void)p.on_line("USER u 0 * :r");
        REQUIRE(p.registered());
    }
};

fx::query asked(fx::query_kind kind, std::string target) { return fx::query{kind, std::move(target)}; }

}  // namespace

TEST_CASE("TOPIC: 332 and 333 when set, 331 when not, 403 for no such channel", "[irc][channel_replies]")
{
    registered_client c;
    const auto q = asked(fx::query_kind::topic, "#LOBBY");
    CHECK(sala::test::sent(c.p.topic_answered(q, irc::channel_topic_facts{"#Lobby", irc::channel_topic{"hi all", "bob", 1700000000}}))
        == ":srv 332 asker #Lobby :hi all\r\n:srv 333 asker #Lobby bob 1700000000\r\n");
    CHECK(sala::test::sent(c.p.topic_answered(q, irc::channel_topic_facts{"#Lobby", std::nullopt}))
        == ":srv 331 asker #Lobby :No topic is set\r\n");
    CHECK(sala::test::sent(c.p.topic_answered(q, std::nullopt)) == ":srv 403 asker #LOBBY :No such channel\r\n");
}

TEST_CASE("NAMES: '=' or '@' for a secret channel, one 353 per list, 366 alone for nothing to show", "[irc][channel_replies]")
{
    registered_client c;
    const auto q = asked(fx::query_kind::names, "#lobby");
    CHECK(sala::test::sent(c.p.names_answered(q, irc::channel_names{"#Lobby", false, {"@alice bob", "carol"}}))
        == ":srv 353 asker = #Lobby :@alice bob\r\n:srv 353 asker = #Lobby :carol\r\n"
           ":srv 366 asker #Lobby :End of /NAMES list.\r\n");
    CHECK(sala::test::sent(c.p.names_answered(q, irc::channel_names{"#Lobby", true, {"@alice"}}))
        == ":srv 353 asker @ #Lobby :@alice\r\n:srv 366 asker #Lobby :End of /NAMES list.\r\n");
    CHECK(sala::test::sent(c.p.names_answered(q, std::nullopt)) == ":srv 366 asker #lobby :End of /NAMES list.\r\n");
}

TEST_CASE("NAMES: nick lists are cut so that every 353 line fits 512 bytes", "[irc][channel_replies]")
{
    std::vector<std::string> lines;
    for (int i = 0; i < 200; ++i)
        irc::add_to_nick_lines(lines, "@+" + std::string(30, 'n') + std::to_string(i));
    REQUIRE(lines.size() > 1);
    std::size_t names = 0;
    for (const auto& l : lines) {
        CHECK(l.size() <= irc::nick_lines_budget);
        names += static_cast<std::size_t>(std::count(l.begin(), l.end(), ' ')) + 1;
    }
    CHECK(names == 200);
    const auto text = irc::names_reply(std::string(63, 's'), std::string(30, 'a'), "#" + std::string(49, 'c'), false, lines);
    // With a long server name, nick and channel, lists are split again, and no name is lost.
    std::size_t shown = 0;
    for (std::size_t start = 0, end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
        const auto line = text.substr(start, end - start);
        CHECK(line.size() + 2 <= 512);
        if (line.find(" 353 ") != std::string::npos)
            for (std::size_t at = line.find(" :") + 2; at != std::string::npos + 1; at = line.find(' ', at) + 1)
                ++shown;
    }
    CHECK(shown == 200);
}

TEST_CASE("LIST: 322 per channel with members and topic, then 323", "[irc][channel_replies]")
{
    registered_client c;
    CHECK(sala::test::sent(c.p.list_answered({{"#a", 3, "topic a"}, {"#b", 1, ""}}))
        == ":srv 322 asker #a 3 :topic a\r\n:srv 322 asker #b 1 :\r\n:srv 323 asker :End of /LIST\r\n");
    CHECK(sala::test::sent(c.p.list_answered({})) == ":srv 323 asker :End of /LIST\r\n");
}

TEST_CASE("MODE #chan: 324 with the parameters, '+' for none, 329 with the creation time, 403", "[irc][channel_replies]")
{
    registered_client c;
    const auto q = asked(fx::query_kind::channel_mode, "#x");
    CHECK(sala::test::sent(c.p.channel_modes_answered(q, irc::channel_mode_facts{"#X", "+klnt", {"*", "10"}, 42}))
        == ":srv 324 asker #X +klnt * 10\r\n:srv 329 asker #X 42\r\n");
    CHECK(sala::test::sent(c.p.channel_modes_answered(q, irc::channel_mode_facts{"#X", "", {}, 42}))
        == ":srv 324 asker #X +\r\n:srv 329 asker #X 42\r\n");
    CHECK(sala::test::sent(c.p.channel_modes_answered(q, std::nullopt)) == ":srv 403 asker #x :No such channel\r\n");
}
