// IRCv3 capabilities: CAP LS/REQ, server-time, echo-message, message-tags.
#include <algorithm>
#include <ctime>
#include <regex>
#include <set>
#include <sstream>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

TEST_CASE("capabilities: CAP LS lists server-time message-tags and echo-message", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    alice.send_line("CAP LS 302");
    const auto ls = alice.expect(" CAP ");
    CHECK(ls.starts_with(":sala CAP * LS :"));
    std::istringstream in(trailing(ls));
    std::set<std::string> caps;
    for (std::string c; in >> c;)
        caps.insert(c.substr(0, c.find('=')));
    CHECK(caps.contains("server-time"));
    CHECK(caps.contains("message-tags"));
    CHECK(caps.contains("echo-message"));

    // Registration waits for CAP END.
    alice.send_line("NICK alice");
    alice.send_line("USER alice 0 * :Alice");
    alice.send_line("PING :before-end");
    for (const auto& l : alice.collect_until("before-end"))
        CHECK_FALSE(is_numeric(l, "001"));
    alice.send_line("CAP END");
    alice.expect([](const std::string& l) { return is_numeric(l, "001"); });
    require_clean_exit(server);
}

TEST_CASE("capabilities: CAP REQ of an unknown capability is NAKed", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    alice.send_line("CAP LS 302");
    alice.expect(" LS ");
    alice.send_line("CAP REQ :no-such-cap");
    CHECK(alice.expect(" CAP ") == ":sala CAP * NAK :no-such-cap");
    // All or nothing: one unknown name refuses the whole request.
    alice.send_line("CAP REQ :server-time no-such-cap");
    CHECK(alice.expect(" CAP ") == ":sala CAP * NAK :server-time no-such-cap");
    alice.send_line("CAP LIST");
    CHECK(alice.expect(" CAP ") == ":sala CAP * LIST :");
    alice.send_line("CAP REQ :echo-message");
    CHECK(alice.expect(" CAP ") == ":sala CAP * ACK :echo-message");
    alice.send_line("CAP END");
    alice.send_line("NICK alice");
    alice.send_line("USER alice 0 * :Alice");
    alice.expect([](const std::string& l) { return is_numeric(l, "001"); });
    require_clean_exit(server);
}

TEST_CASE("capabilities: server-time adds a well-formed time tag to relayed messages", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob", "server-time");

    const auto before = std::time(nullptr);
    alice.send_line("PRIVMSG #lobby :what time is it");
    const auto line = bob.expect("what time is it");
    const auto after = std::time(nullptr);

    static const std::regex shape(
        R"(^@time=(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z :alice!alice@127\.0\.0\.1 PRIVMSG #lobby :what time is it$)");
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, shape));
    std::tm t{};
    t.tm_year = std::stoi(m[1]) - 1900;
    t.tm_mon = std::stoi(m[2]) - 1;
    t.tm_mday = std::stoi(m[3]);
    t.tm_hour = std::stoi(m[4]);
    t.tm_min = std::stoi(m[5]);
    t.tm_sec = std::stoi(m[6]);
    const auto stamped = timegm(&t);
    CHECK(stamped >= before - 1);
    CHECK(stamped <= after + 1);

    // A client without the capability gets the same line untagged.
    bob.send_line("PRIVMSG #lobby :no tags for alice");
    CHECK(alice.expect("no tags for alice") == ":bob!bob@127.0.0.1 PRIVMSG #lobby :no tags for alice");

    // JOIN is stamped too.
    irc_client carol(server.port());
    carol.register_as("carol");
    const auto join = bob.expect([](const std::string& l) { return is_join(l, "carol", "#lobby"); });
    CHECK(join.starts_with("@time="));
    require_clean_exit(server);
}

TEST_CASE("capabilities: echo-message echoes to the sender", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice", "echo-message");
    bob.register_as("bob");

    alice.send_line("PRIVMSG #lobby :echo me");
    CHECK(alice.expect("echo me") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :echo me");
    CHECK(bob.expect("echo me") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :echo me");
    alice.send_line("PRIVMSG bob :private echo");
    CHECK(alice.expect("private echo") == ":alice!alice@127.0.0.1 PRIVMSG bob :private echo");
    CHECK(bob.expect("private echo") == ":alice!alice@127.0.0.1 PRIVMSG bob :private echo");
    require_clean_exit(server);
}

TEST_CASE("capabilities: without echo-message the sender gets no copy", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    alice.send_line("PRIVMSG #lobby :no echo please");
    bob.expect("no echo please");
    // bob's marker goes through the same room after alice's message, so a copy
    // for alice would come before it.
    bob.send_line("PRIVMSG #lobby :marker from bob");
    const auto lines = alice.collect_until("marker from bob");
    for (const auto& l : lines)
        CHECK(l.find("no echo please") == std::string::npos);
    require_clean_exit(server);
}

namespace {

// The msgid tag of a line ("" if it has none).
std::string msgid_of(const std::string& line)
{
    if (!line.starts_with('@'))
        return {};
    const auto tags = line.substr(1, line.find(' ') - 1);
    const auto at = (";" + tags).find(";msgid=");
    if (at == std::string::npos)
        return {};
    const auto value = tags.substr(at + 6);
    return value.substr(0, value.find(';'));
}

// `line` without its msgid tag (whose value is random), for exact comparisons.
std::string without_msgid(const std::string& line)
{
    const auto id = msgid_of(line);
    if (id.empty())
        return line;
    std::string out = line;
    const auto tag = "msgid=" + id;
    const auto at = out.find(tag);
    const bool followed = out[at + tag.size()] == ';';
    out.erase(at, tag.size() + (followed ? 1 : 0));
    if (out.starts_with("@ "))
        out.erase(0, 2);
    return out;
}

}  // namespace

TEST_CASE("capabilities: relayed messages carry one msgid, the same for the echo and every member",
    "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    irc_client carol(server.port());
    alice.register_as("alice", "message-tags echo-message");
    bob.register_as("bob", "message-tags server-time");
    carol.register_as("carol");

    alice.send_line("PRIVMSG #lobby :first");
    const auto echoed = alice.expect("PRIVMSG #lobby :first");
    const auto relayed = bob.expect("PRIVMSG #lobby :first");
    const auto id = msgid_of(echoed);
    CHECK(id.size() == 20);
    CHECK(msgid_of(relayed) == id);
    CHECK(relayed.find("time=") != std::string::npos);  // beside server-time
    // Without message-tags there is no msgid.
    CHECK(carol.expect("PRIVMSG #lobby :first") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :first");

    alice.send_line("PRIVMSG #lobby :second");
    const auto next = msgid_of(bob.expect("PRIVMSG #lobby :second"));
    CHECK(!next.empty());
    CHECK(next != id);

    // Private messages too, and NOTICEs.
    alice.send_line("PRIVMSG bob :psst");
    const auto private_line = bob.expect("PRIVMSG bob :psst");
    CHECK(msgid_of(alice.expect("PRIVMSG bob :psst")) == msgid_of(private_line));
    CHECK(msgid_of(private_line).size() == 20);
    alice.send_line("NOTICE #lobby :note");
    CHECK(msgid_of(bob.expect("NOTICE #lobby :note")).size() == 20);
    require_clean_exit(server);
}

TEST_CASE("capabilities: message-tags relays TAGMSG only to clients that asked for it", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    irc_client carol(server.port());
    alice.register_as("alice", "message-tags");
    bob.register_as("bob", "message-tags");
    carol.register_as("carol");

    alice.send_line("@+typing=active TAGMSG #lobby");
    CHECK(without_msgid(bob.expect(" TAGMSG ")) == "@+typing=active :alice!alice@127.0.0.1 TAGMSG #lobby");
    alice.send_line("PRIVMSG #lobby :marker after tagmsg");
    bob.expect("marker after tagmsg");
    for (const auto& l : carol.collect_until("marker after tagmsg"))
        CHECK(l.find("TAGMSG") == std::string::npos);

    // Client tags on a PRIVMSG reach tag-aware clients; others get the plain line.
    alice.send_line("@+example.com/mood=happy PRIVMSG #lobby :tagged text");
    CHECK(without_msgid(bob.expect("tagged text")) == "@+example.com/mood=happy :alice!alice@127.0.0.1 PRIVMSG #lobby :tagged text");
    CHECK(carol.expect("tagged text") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :tagged text");
    require_clean_exit(server);
}

TEST_CASE("capabilities: away-notify tells channel mates who asked, once, and about away joiners",
    "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    irc_client carol(server.port());
    alice.register_as("alice");
    bob.register_as("bob", "away-notify");
    carol.register_as("carol");
    alice.send_line("JOIN #second");
    alice.expect(" 366 ");
    bob.send_line("JOIN #second");
    bob.expect(" 366 ");

    alice.send_line("AWAY :lunch");
    alice.expect(" 306 ");
    CHECK(bob.expect(" AWAY ") == ":alice!alice@127.0.0.1 AWAY :lunch");
    alice.send_line("AWAY");
    alice.expect(" 305 ");
    CHECK(bob.expect(" AWAY") == ":alice!alice@127.0.0.1 AWAY");
    // Two shared rooms, one line each time; carol without the cap sees none.
    alice.send_line("PRIVMSG #lobby :marker");
    bob.expect("PRIVMSG #lobby :marker");
    CHECK(bob.count_seen("alice!alice@127.0.0.1 AWAY") == 2);
    for (const auto& l : carol.collect_until("PRIVMSG #lobby :marker"))
        CHECK(l.find("@127.0.0.1 AWAY") == std::string::npos);

    // A user who is away when joining is announced as away right after its JOIN.
    carol.send_line("AWAY :brb");
    carol.expect(" 306 ");
    carol.send_line("JOIN #second");
    bob.expect([](const std::string& l) { return is_join(l, "carol", "#second"); });
    CHECK(bob.read_line() == ":carol!carol@127.0.0.1 AWAY :brb");
    require_clean_exit(server);
}

TEST_CASE("capabilities: userhost-in-names lists nick!user@host", "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    const auto joined = bob.register_as("bob", "userhost-in-names");
    CHECK(std::count(joined.begin(), joined.end(), ":sala 353 bob = #lobby :@alice!alice@127.0.0.1 bob!bob@127.0.0.1") == 1);
    bob.send_line("NAMES #lobby");
    CHECK(bob.expect(" 353 ") == ":sala 353 bob = #lobby :@alice!alice@127.0.0.1 bob!bob@127.0.0.1");
    alice.send_line("NAMES #lobby");
    CHECK(alice.expect(" 353 ") == ":sala 353 alice = #lobby :@alice bob");
    require_clean_exit(server);
}

TEST_CASE("capabilities: labeled-response labels every answer, through rooms too, and nothing else",
    "[integration][capabilities]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice", "labeled-response batch echo-message");
    bob.register_as("bob");

    // In place: one line.
    alice.send_line("@label=p1 PING :tok");
    CHECK(alice.expect("PONG") == "@label=p1 :sala PONG sala :tok");
    // Through a room: the echo carries the label; bob's copy does not.
    alice.send_line("@label=m1 PRIVMSG #lobby :hello");
    CHECK(alice.expect("PRIVMSG #lobby :hello") == "@label=m1 :alice!alice@127.0.0.1 PRIVMSG #lobby :hello");
    CHECK(bob.expect("PRIVMSG #lobby :hello") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :hello");
    // No answer at all: ACK.
    alice.send_line("@label=a1 PONG :whatever");
    CHECK(alice.expect("ACK") == "@label=a1 :sala ACK");
    // Several lines, from the room: one batch with JOIN, NAMES and its end.
    alice.send_line("@label=j1 JOIN #labeled");
    const auto start = alice.expect("BATCH +");
    CHECK(start.starts_with("@label=j1 :sala BATCH +"));
    const auto id = start.substr(start.find('+') + 1, start.find(' ', start.find('+')) - start.find('+') - 1);
    CHECK(alice.read_line() == "@batch=" + id + " :alice!alice@127.0.0.1 JOIN #labeled");
    CHECK(alice.read_line() == "@batch=" + id + " :sala 353 alice = #labeled :@alice");
    CHECK(alice.read_line() == "@batch=" + id + " :sala 366 alice #labeled :End of /NAMES list.");
    CHECK(alice.read_line() == ":sala BATCH -" + id);
    // Room traffic from others while a labeled line is handled is not labeled.
    bob.send_line("PRIVMSG #lobby :from bob");
    alice.send_line("@label=w1 WHOIS bob");
    for (const auto& l : alice.collect_until("BATCH -"))
        if (l.find("from bob") != std::string::npos)
            CHECK(l == ":bob!bob@127.0.0.1 PRIVMSG #lobby :from bob");
    require_clean_exit(server);
}
