// Commands about users against a real server: USERHOST, ISON, WHOWAS,
// MONITOR (IRCv3), SETNAME (IRCv3) and the bot mode (IRCv3).
#include <algorithm>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

namespace {

// The server's lines answering `line`, up to and including the one containing
// `end`; what other users cause meanwhile (a QUIT, say) is left out.
std::vector<std::string> ask(irc_client& c, const std::string& line, const std::string& end)
{
    c.send_line(line);
    std::vector<std::string> replies;
    for (auto& l : c.collect_until(end))
        if (l.starts_with(":sala "))
            replies.push_back(std::move(l));
    return replies;
}

bool has_line(const std::vector<std::string>& lines, const std::string& wanted)
{
    for (const auto& l : lines)
        if (l == wanted)
            return true;
    return false;
}

// WHOWAS for `nick` until it has an entry: the history is written on the hub
// when the server has finished with the connection, a moment after the
// client saw it close.
std::vector<std::string> whowas_when_recorded(irc_client& c, const std::string& line)
{
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) {
        lines = ask(c, line, " 369 ");
        if (!lines.empty() && !is_numeric(lines.front(), "406"))
            break;
    }
    return lines;
}

// Whether the line's tags include `name` (a tag with no value).
bool has_tag(const std::string& line, const std::string& name)
{
    if (!line.starts_with("@"))
        return false;
    const auto tags = ";" + line.substr(1, line.find(' ') - 1) + ";";
    return tags.find(";" + name + ";") != std::string::npos;
}

void quit(irc_client& c)
{
    c.send_line("QUIT :bye");
    CHECK(c.wait_closed());
}

}  // namespace

TEST_CASE("users: ISUPPORT advertises BOT, MONITOR and NAMELEN", "[integration][users]")
{
    server_process server;
    irc_client alice(server.port());
    std::string tokens;
    for (const auto& l : alice.register_as("alice"))
        if (is_numeric(l, "005"))
            tokens += l;
    CHECK(tokens.find(" BOT=B ") != std::string::npos);
    CHECK(tokens.find(" MONITOR=100 ") != std::string::npos);
    CHECK(tokens.find(" NAMELEN=100 ") != std::string::npos);
    require_clean_exit(server);
}

TEST_CASE("users: USERHOST and ISON answer for those online", "[integration][users]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    bob.send_line("AWAY :out");
    bob.expect(" 306 ");

    alice.send_line("USERHOST BOB alice nobody");
    CHECK(alice.expect(" 302 ") == ":sala 302 alice :bob=-bob@127.0.0.1 alice=+alice@127.0.0.1");
    alice.send_line("USERHOST nobody");
    CHECK(alice.expect(" 302 ") == ":sala 302 alice :");
    alice.send_line("ISON nobody Bob :ALICE carol");
    CHECK(alice.expect(" 303 ") == ":sala 303 alice :bob alice");
    alice.send_line("ISON");
    CHECK(alice.expect(" 461 ") == ":sala 461 alice ISON :Not enough parameters");
    require_clean_exit(server);
}

TEST_CASE("users: WHOWAS remembers a nick after a nick change and after a quit", "[integration][users][whowas]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    // A nick change is recorded before the change is announced.
    bob.send_line("NICK robert");
    alice.expect(":bob!bob@127.0.0.1 NICK ");
    auto lines = ask(alice, "WHOWAS bob", " 369 ");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == ":sala 314 alice bob bob 127.0.0.1 * :bob test user");
    CHECK(lines[1].starts_with(":sala 312 alice bob sala :"));
    CHECK(lines[2] == ":sala 369 alice bob :End of WHOWAS");

    quit(bob);
    lines = whowas_when_recorded(alice, "WHOWAS Robert");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == ":sala 314 alice robert bob 127.0.0.1 * :bob test user");

    // bob again, under its first nick: the newest entry comes first, and a count limits.
    irc_client again(server.port());
    again.register_as("bob", "", "");
    again.send_line("NICK bobby");
    again.expect(" NICK ");
    lines = ask(alice, "WHOWAS bob", " 369 ");
    CHECK(lines.size() == 5);
    lines = ask(alice, "WHOWAS bob 1", " 369 ");
    CHECK(lines.size() == 3);
    lines = ask(alice, "WHOWAS *ob*", " 369 ");
    CHECK(lines.size() == 7);

    lines = ask(alice, "WHOWAS nobody", " 369 ");
    CHECK(lines == std::vector<std::string>{
        ":sala 406 alice nobody :There was no such nickname", ":sala 369 alice nobody :End of WHOWAS"});
    alice.send_line("WHOWAS");
    CHECK(alice.expect(" 431 ") == ":sala 431 alice :No nickname given");
    require_clean_exit(server);
}

TEST_CASE("users: MONITOR tells when a watched nick connects, changes nick and quits", "[integration][users][monitor]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");
    alice.send_line("MONITOR + bob,Carol");
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :bob,Carol");

    irc_client bob(server.port());
    bob.register_as("bob");
    CHECK(alice.expect(" 730 ") == ":sala 730 alice :bob!bob@127.0.0.1");

    // Both the old nick and the new one are watched: offline, then online.
    bob.send_line("NICK carol");
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :bob");
    CHECK(alice.expect(" 730 ") == ":sala 730 alice :carol!bob@127.0.0.1");
    // A change of case only is the same nick: nothing to tell.
    bob.send_line("NICK CAROL");
    bob.expect("CAROL");  // not " NICK ": the line for "NICK carol" may still be unread

    alice.send_line("MONITOR S");
    CHECK(alice.expect(" 730 ") == ":sala 730 alice :CAROL!bob@127.0.0.1");
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :bob");

    quit(bob);
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :CAROL");

    auto lines = ask(alice, "MONITOR L", " 733 ");
    CHECK(lines == std::vector<std::string>{":sala 732 alice :bob,Carol", ":sala 733 alice :End of MONITOR list"});
    alice.send_line("MONITOR - BOB");
    lines = ask(alice, "MONITOR L", " 733 ");
    CHECK(lines == std::vector<std::string>{":sala 732 alice :Carol", ":sala 733 alice :End of MONITOR list"});

    // Unwatched: bob comes and goes unannounced.
    irc_client bob_again(server.port());
    bob_again.register_as("bob");
    quit(bob_again);
    alice.send_line("PING :after");
    for (const auto& l : alice.collect_until("after"))
        CHECK_FALSE(is_numeric(l, "730"));
    require_clean_exit(server);
}

TEST_CASE("users: a MONITOR list holds 100 nicks; more get 734, and C empties it", "[integration][users][monitor]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");
    for (int batch = 0; batch < 4; ++batch) {
        std::string targets;
        for (int i = 0; i < 25; ++i)
            targets += (targets.empty() ? "" : ",") + std::string("watched") + std::to_string(batch * 25 + i);
        alice.send_line("MONITOR + " + targets);
        alice.expect(" 731 ");
    }
    alice.send_line("MONITOR + watched0,extra1,extra2");
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :watched0");  // already there, so still answered
    CHECK(alice.expect(" 734 ") == ":sala 734 alice 100 extra1,extra2 :Monitor list is full.");

    std::size_t listed = 0;
    for (const auto& l : ask(alice, "MONITOR L", " 733 ")) {
        if (is_numeric(l, "732")) {
            CHECK(l.size() + 2 <= 512);
            listed += static_cast<std::size_t>(std::count(l.begin(), l.end(), ',')) + 1;
            CHECK(l.find("extra") == std::string::npos);
        }
    }
    CHECK(listed == 100);

    alice.send_line("MONITOR C");
    CHECK(ask(alice, "MONITOR L", " 733 ") == std::vector<std::string>{":sala 733 alice :End of MONITOR list"});
    alice.send_line("MONITOR + extra1");
    CHECK(alice.expect(" 731 ") == ":sala 731 alice :extra1");
    require_clean_exit(server);
}

TEST_CASE("users: a client that leaves takes its MONITOR list along", "[integration][users][monitor]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");
    alice.send_line("MONITOR + bob");
    alice.expect(" 731 ");
    quit(alice);

    // bob connecting has nobody left to tell; the server must not trip over
    // the watcher that is gone.
    irc_client bob(server.port());
    bob.register_as("bob");
    irc_client next(server.port());
    next.register_as("newcomer");
    CHECK(ask(next, "MONITOR L", " 733 ") == std::vector<std::string>{":sala 733 newcomer :End of MONITOR list"});
    CHECK_FALSE(next.saw(" 730 "));
    require_clean_exit(server);
}

TEST_CASE("users: SETNAME reaches channel mates with the capability and shows in WHOIS", "[integration][users][setname]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    irc_client carol(server.port());
    alice.register_as("alice", "setname");
    bob.register_as("bob", "setname");
    carol.register_as("carol");

    alice.send_line("SETNAME :Alice Liddell");
    CHECK(alice.expect(" SETNAME ") == ":alice!alice@127.0.0.1 SETNAME :Alice Liddell");
    CHECK(bob.expect(" SETNAME ") == ":alice!alice@127.0.0.1 SETNAME :Alice Liddell");
    alice.send_line("PRIVMSG #lobby :marker");
    for (const auto& l : carol.collect_until("marker"))
        CHECK(l.find(" SETNAME ") == std::string::npos);

    carol.send_line("WHOIS alice");
    CHECK(carol.expect(" 311 ") == ":sala 311 carol alice alice 127.0.0.1 * :Alice Liddell");
    carol.send_line("WHO alice");
    CHECK(carol.expect(" 352 ").ends_with(" :0 Alice Liddell"));

    // Without the capability the change is made, silently.
    carol.send_line("SETNAME :Carol");
    carol.send_line("WHOIS carol");
    CHECK(carol.expect(" 311 ") == ":sala 311 carol carol carol 127.0.0.1 * :Carol");
    CHECK_FALSE(carol.saw(" SETNAME "));

    alice.send_line("SETNAME :");
    CHECK(alice.expect(" FAIL ") == ":sala FAIL SETNAME INVALID_REALNAME :Realname is not valid");
    alice.send_line("SETNAME :" + std::string(101, 'x'));
    CHECK(alice.expect(" FAIL ") == ":sala FAIL SETNAME INVALID_REALNAME :Realname is not valid");
    require_clean_exit(server);
}

TEST_CASE("users: a bot (+B) shows in WHOIS (335) and WHO, and its messages carry the bot tag",
    "[integration][users][bot]")
{
    server_process server;
    irc_client robot(server.port());
    irc_client alice(server.port());
    robot.register_as("robot");
    alice.register_as("alice", "message-tags");

    robot.send_line("MODE robot +B");
    CHECK(robot.expect(" MODE ") == ":robot!robot@127.0.0.1 MODE robot :+B");
    // The mode is published before the next line of robot's is read.
    robot.send_line("PING :published");
    robot.expect("published");
    robot.send_line("MODE robot");
    CHECK(robot.expect(" 221 ") == ":sala 221 robot +B");

    auto whois = ask(alice, "WHOIS robot", " 318 ");
    CHECK(has_line(whois, ":sala 335 alice robot :is a bot on sala"));
    whois = ask(alice, "WHOIS alice", " 318 ");
    for (const auto& l : whois)
        CHECK_FALSE(is_numeric(l, "335"));

    CHECK(ask(alice, "WHO robot", " 315 ").front() == ":sala 352 alice * robot 127.0.0.1 sala robot HB :0 robot test user");
    const auto members = ask(alice, "WHO #lobby", " 315 ");
    // robot opened #lobby, so it is its operator.
    CHECK(has_line(members, ":sala 352 alice #lobby robot 127.0.0.1 sala robot HB@ :0 robot test user"));
    CHECK(has_line(members, ":sala 352 alice #lobby alice 127.0.0.1 sala alice H :0 alice test user"));

    robot.send_line("PRIVMSG #lobby :beep");
    const auto beep = alice.expect("PRIVMSG #lobby :beep");
    CHECK(has_tag(beep, "bot"));

    robot.send_line("MODE robot -B");
    robot.expect(" MODE ");
    robot.send_line("PING :unpublished");
    robot.expect("unpublished");
    alice.send_line("WHO robot");
    CHECK(alice.expect(" 352 ") == ":sala 352 alice * robot 127.0.0.1 sala robot H :0 robot test user");
    require_clean_exit(server);
}

TEST_CASE("users: with labeled-response the answers carry the label, MONITOR notices do not",
    "[integration][users][monitor]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice", "labeled-response batch");
    alice.send_line("@label=m1 MONITOR + bob");
    CHECK(alice.expect(" 731 ") == "@label=m1 :sala 731 alice :bob");
    alice.send_line("@label=u1 USERHOST alice");
    CHECK(alice.expect(" 302 ") == "@label=u1 :sala 302 alice :alice=+alice@127.0.0.1");
    alice.send_line("@label=c1 MONITOR C");
    CHECK(alice.expect(" ACK") == "@label=c1 :sala ACK");
    alice.send_line("MONITOR + bob");
    alice.expect(" 731 ");

    irc_client bob(server.port());
    bob.register_as("bob");
    CHECK(alice.expect(" 730 ") == ":sala 730 alice :bob!bob@127.0.0.1");
    require_clean_exit(server);
}

TEST_CASE("users: extended-monitor tells a watcher with away-notify of AWAY, once, and no one else",
    "[integration][users]")
{
    server_process server({"--autojoin", ""});
    irc_client watcher(server.port());
    irc_client plain(server.port());
    irc_client bar(server.port());
    watcher.register_as("watcher", "extended-monitor away-notify", "");
    plain.register_as("plain", "away-notify", "");
    bar.register_as("bar", "", "");
    watcher.send_line("MONITOR + bar");
    watcher.expect(" 730 ");
    plain.send_line("MONITOR + bar");
    plain.expect(" 730 ");

    bar.send_line("AWAY :afk");
    bar.expect(" 306 ");
    CHECK(watcher.expect(" AWAY") == ":bar!bar@127.0.0.1 AWAY :afk");
    // Sharing a channel as well does not make it twice.
    for (auto* c : {&watcher, &bar}) {
        c->send_line("JOIN #both");
        c->expect(" 366 ");
    }
    // (away-notify announces an away joiner right after its JOIN.)
    watcher.expect([](const std::string& l) { return is_join(l, "bar", "#both"); });
    CHECK(watcher.read_line() == ":bar!bar@127.0.0.1 AWAY :afk");
    bar.send_line("AWAY");
    bar.expect(" 305 ");
    CHECK(watcher.expect(" AWAY") == ":bar!bar@127.0.0.1 AWAY");
    watcher.send_line("PING :end");
    for (const auto& l : watcher.collect_until(":end"))
        CHECK(l.find(" AWAY") == std::string::npos);
    // Without extended-monitor, MONITOR alone says nothing of AWAY.
    plain.send_line("PING :end");
    for (const auto& l : plain.collect_until(":end"))
        CHECK(l.find("bar!bar@127.0.0.1 AWAY") == std::string::npos);
    require_clean_exit(server);
}

TEST_CASE("users: extended-monitor tells a watcher with setname of SETNAME", "[integration][users]")
{
    server_process server({"--autojoin", ""});
    irc_client watcher(server.port());
    irc_client bar(server.port());
    watcher.register_as("watcher", "extended-monitor setname", "");
    bar.register_as("bar", "setname", "");
    watcher.send_line("MONITOR + bar");
    watcher.expect(" 730 ");
    bar.send_line("SETNAME :New Name");
    bar.expect("SETNAME");
    CHECK(watcher.expect("SETNAME") == ":bar!bar@127.0.0.1 SETNAME :New Name");
    require_clean_exit(server);
}
