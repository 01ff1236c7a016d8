// Channels: relaying, ordering, private messages, NICK/PART/QUIT/TOPIC, queries.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <sstream>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

namespace {

std::set<std::string> words(const std::string& text)
{
    std::istringstream in(text);
    std::set<std::string> out;
    for (std::string w; in >> w;)
        out.insert(w);
    return out;
}

auto numeric_line(std::string_view code)
{
    return [code = std::string(code)](const std::string& l) { return is_numeric(l, code); };
}

// alice, bob and carol, registered and in #lobby: the cast of most cases here.
struct three_members {
    explicit three_members(std::uint16_t port) : alice(port), bob(port), carol(port)
    {
        alice.register_as("alice");
        bob.register_as("bob");
        carol.register_as("carol");
    }
    irc_client alice;
    irc_client bob;
    irc_client carol;
};

}  // namespace

TEST_CASE("channel: three members see each other's messages with the sender's prefix", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;

    alice.send_line("PRIVMSG #lobby :hello from alice");
    CHECK(bob.expect("hello from alice") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :hello from alice");
    CHECK(carol.expect("hello from alice") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :hello from alice");

    bob.send_line("PRIVMSG #lobby :bob here");
    CHECK(alice.expect("bob here") == ":bob!bob@127.0.0.1 PRIVMSG #lobby :bob here");
    CHECK(carol.expect("bob here") == ":bob!bob@127.0.0.1 PRIVMSG #lobby :bob here");

    carol.send_line("NOTICE #lobby :carol notices");
    CHECK(alice.expect("carol notices") == ":carol!carol@127.0.0.1 NOTICE #lobby :carol notices");
    CHECK(bob.expect("carol notices") == ":carol!carol@127.0.0.1 NOTICE #lobby :carol notices");
    require_clean_exit(server);
}

TEST_CASE("channel: 50 numbered lines arrive complete and in order at every other member",
    "[integration][channel]")
{
    server_process server({"--line-rate", "0"});
    three_members members(server.port());
    auto& [alice, bob, carol] = members;

    constexpr int count = 50;
    std::string burst;
    std::vector<std::string> expected;
    for (int i = 0; i < count; ++i) {
        const auto text = "numbered line " + std::to_string(i) + " of " + std::to_string(count);
        burst += "PRIVMSG #lobby :" + text + "\r\n";
        expected.push_back(":alice!alice@127.0.0.1 PRIVMSG #lobby :" + text);
    }
    REQUIRE(alice.send_raw(burst) == burst.size());

    for (irc_client* member : {&bob, &carol}) {
        std::vector<std::string> got;
        for (const auto& line : member->collect_until("numbered line " + std::to_string(count - 1) + " of"))
            if (line.find(" PRIVMSG #lobby :numbered line ") != std::string::npos)
                got.push_back(line);
        CHECK(got == expected);
    }
    require_clean_exit(server);
}

TEST_CASE("channel: a private message reaches only its target", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;

    alice.send_line("PRIVMSG bob :just for you");
    CHECK(bob.expect("just for you") == ":alice!alice@127.0.0.1 PRIVMSG bob :just for you");
    // The private message is handed over before the marker, so had carol been
    // sent it, it would arrive before the marker.
    alice.send_line("PRIVMSG #lobby :marker after the private message");
    const auto seen = carol.collect_until("marker after the private message");
    for (const auto& line : seen)
        CHECK(line.find("just for you") == std::string::npos);
    // Nor does the sender get a copy without echo-message.
    alice.send_line("PING :alice-marker");
    for (const auto& line : alice.collect_until("alice-marker"))
        CHECK(line.find("just for you") == std::string::npos);
    require_clean_exit(server);
}

// Known server bug: each room serializes its own copy of the NICK line, and a
// session's "show once" memory compares message pointers, so a member sharing
// N channels with the changer sees the NICK N times.
TEST_CASE("channel: a nick change is seen once by a member sharing two channels", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;
    alice.send_line("JOIN #two");
    alice.expect(" 366 alice #two ");
    bob.send_line("JOIN #two");
    bob.expect(" 366 bob #two ");

    alice.send_line("NICK alicia");
    CHECK(alice.expect(" NICK ") == ":alice!alice@127.0.0.1 NICK :alicia");
    // Markers through both rooms: each room relays in order, so once both
    // markers are in, every NICK line either room would send has arrived.
    alice.send_line("PRIVMSG #lobby :marker one");
    alice.send_line("PRIVMSG #two :marker two");
    auto bob_lines = bob.collect_until("marker one");
    if (std::none_of(bob_lines.begin(), bob_lines.end(), [](const auto& l) { return l.find("marker two") != std::string::npos; })) {
        const auto more = bob.collect_until("marker two");
        bob_lines.insert(bob_lines.end(), more.begin(), more.end());
    }
    const auto nick_lines = std::count_if(bob_lines.begin(), bob_lines.end(),
        [](const std::string& l) { return l == ":alice!alice@127.0.0.1 NICK :alicia"; });
    INFO(bob.transcript());
    CHECK(nick_lines == 1);
    CHECK(std::any_of(bob_lines.begin(), bob_lines.end(),
        [](const std::string& l) { return l == ":alicia!alice@127.0.0.1 PRIVMSG #lobby :marker one"; }));

    const auto carol_lines = carol.collect_until("marker one");
    CHECK(std::count(carol_lines.begin(), carol_lines.end(), ":alice!alice@127.0.0.1 NICK :alicia") == 1);
    require_clean_exit(server);
}

// Known server bug, same cause as above, for QUIT.
TEST_CASE("channel: a quit is seen once by a member sharing two channels", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    alice.send_line("JOIN #two");
    alice.expect(" 366 alice #two ");
    bob.send_line("JOIN #two");
    bob.expect(" 366 bob #two ");

    alice.send_line("QUIT :gone");
    CHECK(alice.wait_closed());
    REQUIRE(server.wait_for_log("disconnect 127.0.0.1 alice"));
    // The quit went to both rooms before the session ended; a marker through
    // each room after that proves every copy has been relayed.
    irc_client carol(server.port());
    carol.register_as("carol");
    carol.send_line("JOIN #two");
    carol.expect(" 366 carol #two ");
    carol.send_line("PRIVMSG #lobby :marker one");
    carol.send_line("PRIVMSG #two :marker two");
    auto lines = bob.collect_until("marker one");
    if (std::none_of(lines.begin(), lines.end(), [](const auto& l) { return l.find("marker two") != std::string::npos; })) {
        const auto more = bob.collect_until("marker two");
        lines.insert(lines.end(), more.begin(), more.end());
    }
    INFO(bob.transcript());
    CHECK(std::count(lines.begin(), lines.end(), ":alice!alice@127.0.0.1 QUIT :Quit: gone") == 1);
    require_clean_exit(server);
}

TEST_CASE("channel: part and quit are seen by the room", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;

    alice.send_line("PART #lobby :see you");
    CHECK(alice.expect(" PART ") == ":alice!alice@127.0.0.1 PART #lobby :see you");
    CHECK(bob.expect(" PART ") == ":alice!alice@127.0.0.1 PART #lobby :see you");
    CHECK(carol.expect(" PART ") == ":alice!alice@127.0.0.1 PART #lobby :see you");

    // Gone from the room: a message to it is refused, and NAMES no longer lists her.
    alice.send_line("PRIVMSG #lobby :not a member");
    alice.expect(numeric_line("404"));
    bob.send_line("NAMES #lobby");
    CHECK(words(trailing(bob.expect(numeric_line("353")))) == std::set<std::string>{"bob", "carol"});

    carol.send_line("QUIT :bye");
    CHECK(bob.expect(" QUIT ") == ":carol!carol@127.0.0.1 QUIT :Quit: bye");
    CHECK(carol.expect("ERROR :").find("Quit: bye") != std::string::npos);
    CHECK(carol.wait_closed());
    // alice left the room before carol quit, so she shares no channel with her.
    alice.send_line("PING :after-quit");
    const auto alice_lines = alice.collect_until("after-quit");
    for (const auto& l : alice_lines)
        CHECK(l.find(" QUIT ") == std::string::npos);
    require_clean_exit(server);
}

TEST_CASE("channel: JOIN 0 parts every channel", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    alice.send_line("JOIN #two");
    alice.expect(" 366 alice #two ");
    bob.send_line("JOIN #two");
    bob.expect(" 366 bob #two ");

    alice.send_line("JOIN 0");
    const auto first = bob.expect(" PART ");
    const auto second = bob.expect(" PART ");
    CHECK(std::set<std::string>{first, second}
        == std::set<std::string>{":alice!alice@127.0.0.1 PART #lobby :Left all channels",
            ":alice!alice@127.0.0.1 PART #two :Left all channels"});
    alice.send_line("WHOIS alice");
    for (const auto& l : alice.collect_until(" 318 "))
        CHECK_FALSE(is_numeric(l, "319"));  // no channels left
    require_clean_exit(server);
}

TEST_CASE("channel: TOPIC needs membership and a topic query names the setter", "[integration][channel]")
{
    server_process server({"--autojoin", ""});
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice", {}, "");
    bob.register_as("bob", {}, "");
    alice.send_line("JOIN #tea");
    alice.expect(" 366 alice #tea ");

    bob.send_line("TOPIC #tea :not mine to set");
    bob.expect(numeric_line("442"));
    alice.send_line("TOPIC #tea :Earl Grey");
    alice.expect(" TOPIC #tea :Earl Grey");
    // A non-member may still read it.
    bob.send_line("TOPIC #tea");
    CHECK(bob.expect(numeric_line("332")) == ":sala 332 bob #tea :Earl Grey");
    CHECK(bob.expect(numeric_line("333")).starts_with(":sala 333 bob #tea alice "));
    require_clean_exit(server);
}

TEST_CASE("channel: a topic is seen by members and by a later joiner", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    alice.send_line("TOPIC #lobby");
    alice.expect(numeric_line("331"));

    alice.send_line("TOPIC #lobby :Tea at five");
    CHECK(alice.expect(" TOPIC ") == ":alice!alice@127.0.0.1 TOPIC #lobby :Tea at five");
    CHECK(bob.expect(" TOPIC ") == ":alice!alice@127.0.0.1 TOPIC #lobby :Tea at five");

    irc_client carol(server.port());
    const auto lines = carol.register_as("carol");
    INFO(carol.transcript());
    const auto topic = std::find_if(lines.begin(), lines.end(), numeric_line("332"));
    REQUIRE(topic != lines.end());
    CHECK(*topic == ":sala 332 carol #lobby :Tea at five");
    const auto who_time = std::find_if(lines.begin(), lines.end(), numeric_line("333"));
    REQUIRE(who_time != lines.end());
    CHECK(who_time->starts_with(":sala 333 carol #lobby alice "));
    const auto set_at = std::stoll(who_time->substr(who_time->rfind(' ') + 1));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(set_at <= now);
    CHECK(set_at >= now - 60);
    // 332/333 come before the names.
    CHECK(topic < std::find_if(lines.begin(), lines.end(), numeric_line("353")));

    carol.send_line("TOPIC #lobby");
    CHECK(carol.expect(numeric_line("332")) == ":sala 332 carol #lobby :Tea at five");
    require_clean_exit(server);
}

TEST_CASE("channel: NAMES lists all members", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;

    bob.send_line("NAMES #lobby");
    const auto names = bob.expect(numeric_line("353"));
    CHECK(names.starts_with(":sala 353 bob = #lobby :"));
    // alice opened #lobby, so she is its operator.
    CHECK(words(trailing(names)) == std::set<std::string>{"@alice", "bob", "carol"});
    CHECK(bob.expect(numeric_line("366")) == ":sala 366 bob #lobby :End of /NAMES list.");

    // The joiner's own names list at join time holds everyone who was there.
    irc_client dave(server.port());
    const auto lines = dave.register_as("dave");
    const auto at_join = std::find_if(lines.begin(), lines.end(), numeric_line("353"));
    REQUIRE(at_join != lines.end());
    CHECK(words(trailing(*at_join)) == std::set<std::string>{"@alice", "bob", "carol", "dave"});
    require_clean_exit(server);
}

TEST_CASE("channel: JOIN PART JOIN in quick succession leaves the client in the channel",
    "[integration][channel]")
{
    server_process server({"--line-rate", "0"});
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    SECTION("a channel with other members")
    {
        const std::string burst = "PART #lobby\r\nJOIN #lobby\r\nPART #lobby\r\nJOIN #lobby\r\n"
                                  "PRIVMSG #lobby :still in the lobby\r\n";
        REQUIRE(alice.send_raw(burst) == burst.size());
        CHECK(bob.expect("still in the lobby") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :still in the lobby");
        bob.send_line("PRIVMSG #lobby :welcome back");
        alice.expect("welcome back");
    }
    SECTION("a channel that empties and is created again")
    {
        const std::string burst = "JOIN #solo\r\nPART #solo\r\nJOIN #solo\r\nPART #solo\r\nJOIN #solo\r\n"
                                  "PRIVMSG #solo :anyone\r\n";
        REQUIRE(alice.send_raw(burst) == burst.size());
        // The last JOIN's names reply follows the last PRIVMSG's handling only if
        // it was accepted; a 404 would mean the message was refused.
        alice.send_line("PING :solo-done");
        const auto lines = alice.collect_until("solo-done");
        for (const auto& l : lines)
            CHECK_FALSE(is_numeric(l, "404"));
        bob.send_line("JOIN #solo");
        const auto joined = bob.collect_until(" 366 bob #solo ");
        const auto names = std::find_if(joined.begin(), joined.end(), numeric_line("353"));
        REQUIRE(names != joined.end());
        CHECK(words(trailing(*names)) == std::set<std::string>{"@alice", "bob"});  // she created it again
        alice.expect([](const std::string& l) { return is_join(l, "bob", "#solo"); });
        alice.send_line("PRIVMSG #solo :hello bob");
        CHECK(bob.expect("hello bob") == ":alice!alice@127.0.0.1 PRIVMSG #solo :hello bob");
    }
    require_clean_exit(server);
}

TEST_CASE("channel: WHO lists the members with 352 and ends with 315", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    alice.send_line("WHO #lobby");
    const auto lines = alice.collect_until(" 315 ");
    std::set<std::string> listed;
    for (const auto& l : lines) {
        if (!is_numeric(l, "352"))
            continue;
        CHECK(l.starts_with(":sala 352 alice #lobby "));
        std::istringstream in(l);
        std::string prefix, code, me, chan, user, host, server_name, nick;
        in >> prefix >> code >> me >> chan >> user >> host >> server_name >> nick;
        CHECK(host == "127.0.0.1");
        CHECK(user == nick);
        listed.insert(nick);
    }
    CHECK(listed == std::set<std::string>{"alice", "bob"});
    CHECK(lines.back() == ":sala 315 alice #lobby :End of /WHO list.");
    require_clean_exit(server);
}

TEST_CASE("channel: WHOIS answers 311 and 318", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    alice.send_line("WHOIS BOB");
    const auto lines = alice.collect_until(" 318 ");
    CHECK(std::count(lines.begin(), lines.end(), ":sala 311 alice bob bob 127.0.0.1 * :bob test user") == 1);
    CHECK(std::count(lines.begin(), lines.end(), ":sala 319 alice bob :#lobby") == 1);
    CHECK(lines.back() == ":sala 318 alice bob :End of /WHOIS list.");

    alice.send_line("WHOIS nobody");
    alice.expect(numeric_line("401"));
    alice.expect(numeric_line("318"));
    require_clean_exit(server);
}

namespace {

// WHOIS `nick` as `asker`: the idle seconds and signon time of its 317 line.
std::pair<std::int64_t, std::int64_t> whois_idle(irc_client& asker, const std::string& nick)
{
    asker.send_line("WHOIS " + nick);
    const auto lines = asker.collect_until(" 318 ");
    for (const auto& l : lines) {
        if (!is_numeric(l, "317"))
            continue;
        // ":sala 317 <asker> <nick> <idle> <signon> :seconds idle, signon time"
        std::istringstream in(l);
        std::string prefix, code, me, who;
        std::int64_t idle = -1, signon = -1;
        in >> prefix >> code >> me >> who >> idle >> signon;
        return {idle, signon};
    }
    FAIL("no 317 in the WHOIS reply: " << asker.transcript());
    return {-1, -1};
}

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("channel: WHOIS reports how long a user has been idle and when it signed on", "[integration][channel]")
{
    using namespace std::chrono_literals;
    server_process server;
    const auto before_signon = unix_now();
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");
    const auto after_signon = unix_now();

    // Idle time grows while bob says nothing (awaited, not slept: bounded polling).
    auto [idle, signon] = whois_idle(alice, "bob");
    CHECK(signon >= before_signon);
    CHECK(signon <= after_signon);
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (idle < 2 && std::chrono::steady_clock::now() < give_up)
        idle = whois_idle(alice, "bob").first;
    REQUIRE(idle >= 2);

    // A PING is not activity; speaking is. The bound comes from the time this
    // exchange took, so no machine is too slow for it.
    bob.send_line("PING :still here");
    bob.expect("still here");
    CHECK(whois_idle(alice, "bob").first >= 2);
    const auto spoke = std::chrono::steady_clock::now();
    bob.send_line("PRIVMSG #lobby :back");
    alice.expect("PRIVMSG #lobby :back");
    const auto [idle_after, signon_after] = whois_idle(alice, "bob");
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - spoke).count();
    CHECK(idle_after <= took);
    CHECK(signon_after == signon);

    // Private messages count as speaking too.
    while (whois_idle(alice, "bob").first < 1 && std::chrono::steady_clock::now() < give_up + 30s) {
    }
    const auto spoke_privately = std::chrono::steady_clock::now();
    bob.send_line("PRIVMSG alice :psst");
    alice.expect("PRIVMSG alice :psst");
    const auto took_privately =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - spoke_privately).count();
    CHECK(whois_idle(alice, "bob").first <= took_privately);
    require_clean_exit(server);
}

TEST_CASE("channel: MODE queries get 324 and the ban list 368", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");

    alice.send_line("MODE #lobby");
    CHECK(alice.expect(numeric_line("324")).starts_with(":sala 324 alice #lobby +"));
    alice.send_line("MODE #lobby b");
    CHECK(alice.expect(numeric_line("368")).starts_with(":sala 368 alice #lobby "));
    alice.send_line("MODE alice");
    CHECK(alice.expect(numeric_line("221")).starts_with(":sala 221 alice "));
    alice.send_line("MODE #nowhere");
    alice.expect(numeric_line("403"));
    require_clean_exit(server);
}

TEST_CASE("channel: LIST shows the channel with its member count", "[integration][channel]")
{
    server_process server;
    three_members members(server.port());
    auto& [alice, bob, carol] = members;
    carol.send_line("JOIN #side");
    carol.expect(" 366 carol #side ");

    alice.send_line("LIST");
    const auto lines = alice.collect_until(" 323 ");
    CHECK(std::count(lines.begin(), lines.end(), ":sala 322 alice #lobby 3 :") == 1);
    CHECK(std::count(lines.begin(), lines.end(), ":sala 322 alice #side 1 :") == 1);
    require_clean_exit(server);
}

TEST_CASE("channel: a private message to an away user gets 301", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    bob.send_line("AWAY :out for lunch");
    bob.expect(numeric_line("306"));
    alice.send_line("PRIVMSG bob :are you there");
    CHECK(alice.expect(numeric_line("301")) == ":sala 301 alice bob :out for lunch");
    bob.expect(":alice!alice@127.0.0.1 PRIVMSG bob :are you there");

    bob.send_line("AWAY");
    bob.expect(numeric_line("305"));
    alice.send_line("PRIVMSG bob :back now");
    alice.send_line("PING :no-away-reply");
    for (const auto& l : alice.collect_until("no-away-reply"))
        CHECK_FALSE(is_numeric(l, "301"));
    require_clean_exit(server);
}

TEST_CASE("channel: errors for unknown targets and commands keep the connection usable", "[integration][channel]")
{
    server_process server;
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice");
    bob.register_as("bob");

    alice.send_line("PRIVMSG nobody :hello");
    alice.expect(numeric_line("401"));
    alice.send_line("PRIVMSG #nowhere :hello");
    alice.expect(numeric_line("401"));
    alice.send_line("PRIVMSG");
    alice.expect(numeric_line("411"));
    alice.send_line("PRIVMSG #lobby");
    alice.expect(numeric_line("412"));
    alice.send_line("FROBNICATE now");
    alice.expect(numeric_line("421"));
    alice.send_line("JOIN");
    alice.expect(numeric_line("461"));
    alice.send_line("JOIN nochannel");
    alice.expect(numeric_line("403"));
    alice.send_line("NICK bad!nick");
    alice.expect(numeric_line("432"));
    alice.send_line("NICK BOB");
    alice.expect(numeric_line("433"));
    alice.send_line("USER again 0 * :Again");
    alice.expect(numeric_line("462"));
    alice.send_line("PART #elsewhere");
    alice.expect(numeric_line("403"));

    alice.send_line("PRIVMSG #lobby :still fine");
    CHECK(bob.expect("still fine") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :still fine");
    require_clean_exit(server);
}

TEST_CASE("channel: LIST takes masks, !masks and member counts (ELIST=MNU)", "[integration][channel]")
{
    server_process server({"--autojoin", ""});
    irc_client alice(server.port());
    irc_client bob(server.port());
    alice.register_as("alice", "", "");
    bob.register_as("bob", "", "");
    for (const char* c : {"#chan1", "#chan2"}) {
        alice.send_line(std::string("JOIN ") + c);
        alice.expect(" 366 ");
    }
    bob.send_line("JOIN #chan2");
    bob.expect(" 366 ");
    auto listed = [&](const std::string& spec) {
        bob.send_line("LIST " + spec);
        std::set<std::string> names;
        for (const auto& l : bob.collect_until(" 323 "))
            if (is_numeric(l, "322")) {
                std::istringstream in(l);
                std::string prefix, code, me, chan;
                in >> prefix >> code >> me >> chan;
                names.insert(chan);
            }
        return names;
    };
    CHECK(listed("*an1") == std::set<std::string>{"#chan1"});
    CHECK(listed("#c*n2") == std::set<std::string>{"#chan2"});
    CHECK(listed("!*an1") == std::set<std::string>{"#chan2"});
    CHECK(listed(">1") == std::set<std::string>{"#chan2"});
    CHECK(listed("<2") == std::set<std::string>{"#chan1"});
    CHECK(listed("*an3").empty());
    require_clean_exit(server);
}
