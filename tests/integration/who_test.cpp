// WHO against a real server: masks, invisibility, WHOX (IRCv3 whox).
#include <algorithm>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

namespace {

// The 352/354 lines of a WHO reply, up to its 315.
std::vector<std::string> who(irc_client& asker, const std::string& line)
{
    asker.send_line(line);
    auto lines = asker.collect_until(" 315 ");
    std::vector<std::string> replies;
    for (const auto& l : lines)
        if (is_numeric(l, "352") || is_numeric(l, "354"))
            replies.push_back(l);
    CHECK(lines.back().find(" 315 ") != std::string::npos);
    return replies;
}

bool names_nick(const std::vector<std::string>& replies, const std::string& nick)
{
    return std::any_of(replies.begin(), replies.end(),
        [&](const std::string& l) { return l.find(" " + nick + " ") != std::string::npos; });
}

}  // namespace

TEST_CASE("who: masks find visible users; +i hides from masks but not by name or to channel mates",
    "[integration][who]")
{
    server_process server({"--autojoin", ""});
    irc_client evan(server.port());
    irc_client shivaram(server.port());
    irc_client other(server.port());
    evan.register_as("evan", "", "");
    shivaram.register_as("shivaram", "", "");
    other.register_as("evangeline", "", "");

    const auto all = who(shivaram, "WHO *");
    CHECK(all.size() == 3);
    CHECK(names_nick(who(shivaram, "WHO eva*"), "evan"));
    CHECK(names_nick(who(shivaram, "WHO EVA*"), "evangeline"));
    CHECK(who(shivaram, "WHO x*").empty());
    // The end line repeats the mask as sent.
    shivaram.send_line("WHO CoolMask*");
    CHECK(shivaram.expect(" 315 ") == ":sala 315 shivaram CoolMask* :End of /WHO list.");

    evan.send_line("MODE evan +i");
    evan.expect("MODE evan :+i");
    // The mode is published through the hub: a PING through evan's session
    // does not prove it arrived, so wait (bounded) for it to take effect.
    std::vector<std::string> hidden;
    for (int i = 0; i < 100; ++i) {
        hidden = who(shivaram, "WHO eva*");
        if (!names_nick(hidden, "evan"))
            break;
    }
    CHECK_FALSE(names_nick(hidden, "evan"));
    CHECK(names_nick(hidden, "evangeline"));
    CHECK(names_nick(who(shivaram, "WHO evan"), "evan"));  // by name: always

    evan.send_line("JOIN #test");
    evan.expect(" 366 ");
    shivaram.send_line("JOIN #test");
    shivaram.expect(" 366 ");
    CHECK(names_nick(who(shivaram, "WHO eva*"), "evan"));  // a channel mate sees it
    require_clean_exit(server);
}

TEST_CASE("who: WHOX answers the fields asked for, with the token", "[integration][who]")
{
    server_process server;
    irc_client cool(server.port());
    irc_client other(server.port());
    cool.register_as("coolNick");
    other.register_as("otherNick");
    auto& asker = other;

    asker.send_line("WHO coolNick %tn,321");
    CHECK(asker.expect(" 354 ") == ":sala 354 otherNick 321 coolNick");
    asker.expect(" 315 ");
    asker.send_line("WHO #lobby %cnfr");
    const auto lines = asker.collect_until(" 315 ");
    CHECK(std::count(lines.begin(), lines.end(), ":sala 354 otherNick #lobby coolNick H@ :coolNick test user") == 1);
    // ISUPPORT says so.
    irc_client third(server.port());
    const auto welcome = third.register_as("third");
    CHECK(std::any_of(welcome.begin(), welcome.end(), [](const std::string& l) { return l.find(" WHOX") != std::string::npos; }));
    require_clean_exit(server);
}
