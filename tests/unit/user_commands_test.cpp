// USERHOST, ISON, WHOWAS, MONITOR, SETNAME and bot mode in the protocol state
// machine (src/irc/session_protocol_users.cpp): requests checked, replies
// formatted from the facts the server would answer with.

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::past_user;
using sala::irc::protocol_settings;
using sala::irc::session_protocol;
using sala::irc::user_presence;
namespace fx = sala::irc::effect;
using sala::test::all_of;
using sala::test::sent;

namespace {

protocol_settings test_settings()
{
    protocol_settings s;
    s.server_name = "test.server";
    s.network = "TestNet";
    s.created_text = "today";
    s.monitor_limit = 3;
    return s;
}

// The one effect of type Effect that `line` asks for.
template <typename Effect>
Effect asked(session_protocol& p, const std::string& line)
{
    const auto out = p.on_line(line);
    const auto found = all_of<Effect>(out);
    REQUIRE(found.size() == 1);
    return found[0];
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

struct client {
    protocol_settings settings = test_settings();
    session_protocol p{settings, "10.0.0.1"};

    explicit client(const std::string& caps = {})
    {
        if (!caps.empty()) {
            (void)p.on_line("CAP LS 302");
            (void)p.on_line("CAP REQ :" + caps);
        }
        (void)p.on_line("NICK me");
        (void)p.nick_claimed(true);
        (void)p.on_line("USER u 0 * :Real Name");
        if (!caps.empty())
            (void)p.on_line("CAP END");
        REQUIRE(p.registered());
    }
};

user_presence online(std::string nick, bool away = false)
{
    return {std::move(nick), "user", "10.0.0.9", away};
}

}  // namespace

TEST_CASE("USERHOST asks for at most five nicks and answers nick=+user@host", "[irc][users]")
{
    client c;
    const auto ask = asked<fx::find_users>(c.p, "USERHOST a b c d e f g");
    CHECK(ask.kind == fx::user_lookup::userhost);
    CHECK(ask.nicks == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(sent(c.p.users_found(ask, {online("Alice"), online("bob", true)}))
        == ":test.server 302 me :Alice=+user@10.0.0.9 bob=-user@10.0.0.9\r\n");
    // Nobody found is still an answer.
    CHECK(sent(c.p.users_found(ask, {})) == ":test.server 302 me :\r\n");
    CHECK(sent(c.p.on_line("USERHOST")) == ":test.server 461 me USERHOST :Not enough parameters\r\n");
}

TEST_CASE("ISON takes nicks as words of any parameter and answers on one line", "[irc][users]")
{
    client c;
    const auto ask = asked<fx::find_users>(c.p, "ISON alice :bob carol");
    CHECK(ask.kind == fx::user_lookup::ison);
    CHECK(ask.nicks == std::vector<std::string>{"alice", "bob", "carol"});
    CHECK(sent(c.p.users_found(ask, {online("Alice"), online("carol")})) == ":test.server 303 me :Alice carol\r\n");
    CHECK(sent(c.p.users_found(ask, {})) == ":test.server 303 me :\r\n");
    CHECK(sent(c.p.on_line("ISON")) == ":test.server 461 me ISON :Not enough parameters\r\n");

    // More nicks than one line holds: what does not fit is left out, never a second 303.
    std::vector<user_presence> many;
    for (int i = 0; i < 100; ++i)
        many.push_back(online("nick_number_" + std::to_string(i)));
    const auto text = sent(c.p.users_found(ask, many));
    const auto lines = lines_of(text);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].size() + 2 <= 512);
    // Whole nicks, the first ones in order.
    const std::string head = ":test.server 303 me :";
    REQUIRE(lines[0].starts_with(head));
    std::string expected = head;
    for (std::size_t i = 0; expected.size() < lines[0].size(); ++i)
        expected += (i == 0 ? "" : " ") + many[i].nick;
    CHECK(lines[0] == expected);
}

TEST_CASE("WHOWAS answers 314 and 312 per entry, 406 for nobody, and always 369", "[irc][users][whowas]")
{
    client c;
    const auto ask = asked<fx::whowas>(c.p, "WHOWAS Bob");
    CHECK(ask.nick == "Bob");
    CHECK(ask.count == sala::irc::max_whowas_entries);
    const past_user bob{"bob", "b", "10.0.0.2", "Bob Builder", 86400};
    CHECK(sent(c.p.whowas_answered(ask, {bob}))
        == ":test.server 314 me bob b 10.0.0.2 * :Bob Builder\r\n"
           ":test.server 312 me bob test.server :1970-01-02 00:00:00 UTC\r\n"
           ":test.server 369 me Bob :End of WHOWAS\r\n");
    CHECK(sent(c.p.whowas_answered(ask, {}))
        == ":test.server 406 me Bob :There was no such nickname\r\n"
           ":test.server 369 me Bob :End of WHOWAS\r\n");
}

TEST_CASE("WHOWAS count: positive limits, anything else asks for all, never more than the cap", "[irc][users][whowas]")
{
    client c;
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob 1").count == 1);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob 2 some.server").count == 2);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob 0").count == sala::irc::max_whowas_entries);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob -1").count == sala::irc::max_whowas_entries);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob x").count == sala::irc::max_whowas_entries);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS bob 99999999999999999999999").count == sala::irc::max_whowas_entries);
    CHECK(asked<fx::whowas>(c.p, "WHOWAS *ck2").nick == "*ck2");

    // The answer keeps to the count even when handed more.
    const auto one = asked<fx::whowas>(c.p, "WHOWAS bob 1");
    const past_user bob{"bob", "b", "h", "r", 0};
    const auto text = sent(c.p.whowas_answered(one, {bob, bob, bob}));
    CHECK(lines_of(text).size() == 3);
}

TEST_CASE("WHOWAS without a nick gets 431; an impossible nick gets 406 without asking", "[irc][users][whowas]")
{
    client c;
    CHECK(sent(c.p.on_line("WHOWAS")) == ":test.server 431 me :No nickname given\r\n");
    const auto out = c.p.on_line("WHOWAS #chan");
    CHECK(all_of<fx::whowas>(out).empty());
    CHECK(sent(out)
        == ":test.server 406 me #chan :There was no such nickname\r\n"
           ":test.server 369 me #chan :End of WHOWAS\r\n");
    // A parameter that would break the reply line is not echoed.
    CHECK(sent(c.p.on_line("WHOWAS :a b")).starts_with(":test.server 406 me * :"));
}

TEST_CASE("MONITOR parses its modifiers and keeps only valid nicks as targets", "[irc][users][monitor]")
{
    client c;
    const auto add = asked<fx::monitor>(c.p, "MONITOR + bob,*!u@h,carol,,#chan");
    CHECK(add.action == fx::monitor_action::add);
    CHECK(add.targets == std::vector<std::string>{"bob", "carol"});
    const auto del = asked<fx::monitor>(c.p, "MONITOR - bob");
    CHECK(del.action == fx::monitor_action::remove);
    CHECK(asked<fx::monitor>(c.p, "MONITOR C").action == fx::monitor_action::clear);
    CHECK(asked<fx::monitor>(c.p, "MONITOR l").action == fx::monitor_action::list);
    CHECK(asked<fx::monitor>(c.p, "MONITOR S").action == fx::monitor_action::status);
    CHECK(c.p.on_line("MONITOR + *!u@h").empty());  // masks only: nothing to do
    CHECK(c.p.on_line("MONITOR X").empty());
    CHECK(sent(c.p.on_line("MONITOR +")) == ":test.server 461 me MONITOR :Not enough parameters\r\n");
    CHECK(sent(c.p.on_line("MONITOR")) == ":test.server 461 me MONITOR :Not enough parameters\r\n");
}

TEST_CASE("MONITOR answers: 730/731 for +, 734 for what did not fit, 732/733 for L", "[irc][users][monitor]")
{
    client c;
    const auto add = asked<fx::monitor>(c.p, "MONITOR + bob,carol,dave,eve");
    sala::irc::monitor_facts facts;
    facts.online = {"bob!b@10.0.0.2"};
    facts.offline = {"carol", "dave"};
    facts.refused = {"eve"};
    CHECK(sent(c.p.monitor_answered(add, facts))
        == ":test.server 730 me :bob!b@10.0.0.2\r\n"
           ":test.server 731 me :carol,dave\r\n"
           ":test.server 734 me 3 eve :Monitor list is full.\r\n");

    const auto list = asked<fx::monitor>(c.p, "MONITOR L");
    sala::irc::monitor_facts listed;
    CHECK(sent(c.p.monitor_answered(list, listed)) == ":test.server 733 me :End of MONITOR list\r\n");
    listed.listed = {"bob", "Carol"};
    CHECK(sent(c.p.monitor_answered(list, listed))
        == ":test.server 732 me :bob,Carol\r\n:test.server 733 me :End of MONITOR list\r\n");

    const auto status = asked<fx::monitor>(c.p, "MONITOR S");
    CHECK(sent(c.p.monitor_answered(status, facts))
        == ":test.server 730 me :bob!b@10.0.0.2\r\n:test.server 731 me :carol,dave\r\n");
    CHECK(c.p.monitor_answered(asked<fx::monitor>(c.p, "MONITOR C"), facts).empty());
}

TEST_CASE("MONITOR lists longer than a line are split at commas, each line within 512 bytes", "[irc][users][monitor]")
{
    client c;
    const auto list = asked<fx::monitor>(c.p, "MONITOR L");
    sala::irc::monitor_facts facts;
    for (int i = 0; i < 100; ++i)
        facts.listed.push_back("a_rather_long_nickname_" + std::to_string(i));
    const auto lines = lines_of(sent(c.p.monitor_answered(list, facts)));
    REQUIRE(lines.size() > 2);
    std::size_t names = 0;
    for (const auto& l : lines) {
        CHECK(l.size() + 2 <= 512);
        if (l.starts_with(":test.server 732 me :"))
            names += static_cast<std::size_t>(std::count(l.begin(), l.end(), ',')) + 1;
    }
    CHECK(names == 100);
    CHECK(lines.back() == ":test.server 733 me :End of MONITOR list");
}

TEST_CASE("MONITOR notices are 730 with the prefix and 731 with the nick", "[irc][users][monitor]")
{
    client c;
    CHECK(c.p.monitor_notice({true, "bob!b@h"}) == ":test.server 730 me :bob!b@h\r\n");
    CHECK(c.p.monitor_notice({false, "bob"}) == ":test.server 731 me :bob\r\n");
    protocol_settings s = test_settings();
    session_protocol unregistered(s, "10.0.0.3");
    CHECK(unregistered.monitor_notice({true, "bob!b@h"}).empty());
}

TEST_CASE("SETNAME changes the realname; the client sees the change only with the capability", "[irc][users][setname]")
{
    client with_cap("setname");
    CHECK(with_cap.p.has(sala::irc::cap::setname));
    const auto out = with_cap.p.on_line("SETNAME :New Name");
    const auto change = all_of<fx::set_realname>(out);
    REQUIRE(change.size() == 1);
    CHECK(change[0].realname == "New Name");
    CHECK(change[0].line == ":me!u@10.0.0.1 SETNAME :New Name\r\n");
    CHECK(sent(out) == ":me!u@10.0.0.1 SETNAME :New Name\r\n");

    client without;
    const auto silent = without.p.on_line("SETNAME :New Name");
    CHECK(all_of<fx::set_realname>(silent).size() == 1);
    CHECK(sent(silent).empty());
}

TEST_CASE("SETNAME refuses an empty or too long realname with FAIL", "[irc][users][setname]")
{
    client c("setname");
    const std::string fail = ":test.server FAIL SETNAME INVALID_REALNAME :Realname is not valid\r\n";
    auto out = c.p.on_line("SETNAME :");
    CHECK(all_of<fx::set_realname>(out).empty());
    CHECK(sent(out) == fail);
    out = c.p.on_line("SETNAME :" + std::string(101, 'x'));
    CHECK(all_of<fx::set_realname>(out).empty());
    CHECK(sent(out) == fail);
    CHECK(all_of<fx::set_realname>(c.p.on_line("SETNAME :" + std::string(100, 'x'))).size() == 1);
    CHECK(sent(c.p.on_line("SETNAME")) == ":test.server 461 me SETNAME :Not enough parameters\r\n");
}

TEST_CASE("MODE +B marks a bot: echoed, published, shown in 221", "[irc][users][bot]")
{
    client c;
    auto out = c.p.on_line("MODE me +B");
    CHECK(sent(out) == ":me!u@10.0.0.1 MODE me :+B\r\n");
    auto modes = all_of<fx::modes_changed>(out);
    REQUIRE(modes.size() == 1);
    CHECK(modes[0].modes == "B");
    out = c.p.on_line("MODE me +i");
    REQUIRE(all_of<fx::modes_changed>(out).size() == 1);
    CHECK(all_of<fx::modes_changed>(out)[0].modes == "iB");
    CHECK(sent(c.p.on_line("MODE me")) == ":test.server 221 me +iB\r\n");
    out = c.p.on_line("MODE me -B+i");
    CHECK(sent(out) == ":me!u@10.0.0.1 MODE me :-B\r\n");
    CHECK(all_of<fx::modes_changed>(out)[0].modes == "i");
    CHECK(c.p.on_line("MODE me -B").empty());  // no change, nothing said
}

TEST_CASE("a bot's messages carry the bot tag for recipients with message-tags", "[irc][users][bot]")
{
    client c;
    (void)c.p.on_line("MODE me +B");
    const auto pm = all_of<fx::private_message>(c.p.on_line("PRIVMSG bob :beep"));
    REQUIRE(pm.size() == 1);
    CHECK(pm[0].client_tags == "bot");
    client tagged("message-tags");
    (void)tagged.p.on_line("MODE me +B");
    const auto with_tags = all_of<fx::private_message>(tagged.p.on_line("@+draft/reply=1 PRIVMSG bob :beep"));
    REQUIRE(with_tags.size() == 1);
    CHECK(with_tags[0].client_tags == "bot;+draft/reply=1");
    client human;
    CHECK(all_of<fx::private_message>(human.p.on_line("PRIVMSG bob :hi"))[0].client_tags.empty());
}

TEST_CASE("ISUPPORT advertises BOT, MONITOR and NAMELEN in lines of at most 13 tokens", "[irc][users]")
{
    protocol_settings s = test_settings();
    session_protocol p(s, "10.0.0.1");
    (void)p.on_line("NICK me");
    const auto claimed = p.nick_claimed(true);
    CHECK(claimed.empty());
    const auto text = sent(p.on_line("USER u 0 * :R"));
    std::string isupport;
    for (const auto& line : lines_of(text)) {
        if (!line.starts_with(":test.server 005 me "))
            continue;
        const auto tokens = line.substr(20, line.find(" :are supported") - 20);
        CHECK(std::count(tokens.begin(), tokens.end(), ' ') + 1 <= 13);
        isupport += " " + tokens;
    }
    CHECK(isupport.find(" BOT=B ") != std::string::npos);
    CHECK(isupport.find(" MONITOR=3 ") != std::string::npos);
    CHECK(isupport.find(" NAMELEN=100 ") != std::string::npos);
    CHECK(isupport.find(" UTF8ONLY ") != std::string::npos);
}

TEST_CASE("the new commands need registration", "[irc][users]")
{
    protocol_settings s = test_settings();
    session_protocol p(s, "10.0.0.1");
    for (const char* line : {"USERHOST a", "ISON a", "WHOWAS a", "MONITOR + a", "SETNAME :x"})
        CHECK(sent(p.on_line(line)) == ":test.server 451 * :You have not registered\r\n");
}
