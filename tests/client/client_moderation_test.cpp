// Channel moderation in the client: statuses from NAMES and MODE as the
// server's PREFIX and CHANMODES spell them, KICK and INVITE, the errors a
// moderator meets, and the lines /op, /ban, /kick, /mode and /invite send.
// Lines are checked as the user reads them (format_plain) or as the server
// receives them (exact bytes).
#include "client/client_state.hpp"

#include <algorithm>

#include "client/presentation.hpp"
#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;

namespace {

const clock_time t0 = clock_time{} + 1000h;
using lines = std::vector<std::string>;

// Registered as alice with `caps` acknowledged, after the 005 `isupport`
// tokens (none: the server says nothing), in #lobby with `names`; outputs taken.
client_state in_lobby(const std::string& names, const std::string& isupport = "", const std::string& caps = "")
{
    client_state c(client_settings{"alice", "", {"#lobby"}, "h:1"});
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :" + caps, t0);
    if (!caps.empty())
        c.on_line(":srv CAP * ACK :" + caps, t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    if (!isupport.empty())
        c.on_line(":srv 005 alice " + isupport + " :are supported by this server", t0);
    c.on_line(":alice!a@h JOIN #lobby", t0);
    c.on_line(":srv 353 alice = #lobby :" + names, t0);
    c.on_line(":srv 366 alice #lobby :End", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    return c;
}

const window& lobby(const client_state& c) { return c.windows().front(); }

// The member list as the view draws it: "@bob".
std::vector<std::string> shown(const window& w)
{
    std::vector<std::string> out;
    for (const auto& m : w.members)
        out.push_back(m.shown());
    return out;
}

std::string status_of(const window& w, std::string_view nick)
{
    for (const auto& m : w.members)
        if (m.nick == nick)
            return m.status;
    return "(not a member)";
}

// Each event as the --plain view prints it, with #lobby current.
std::vector<std::string> plain(const std::vector<event>& events)
{
    std::vector<std::string> out;
    for (const auto& e : events)
        out.push_back(format_plain(e, "12:34", "#lobby"));
    return out;
}

}  // namespace

TEST_CASE("the client asks for multi-prefix and keeps every status NAMES gives", "[client_moderation]")
{
    client_state c(client_settings{"alice", "", {"#lobby"}, "h:1"});
    c.on_connected(t0);
    (void)c.take_outgoing();
    c.on_line(":srv CAP * LS :multi-prefix sasl", t0);
    CHECK(c.take_outgoing() == lines{"CAP REQ multi-prefix\r\n"});

    auto m = in_lobby("alice @+carol +dave", "", "multi-prefix");
    CHECK(shown(lobby(m)) == lines{"alice", "@carol", "+dave"});
    CHECK(status_of(lobby(m), "carol") == "@+");
    // Taking op from carol leaves her voiced: only multi-prefix told us so.
    m.on_line(":dave!d@h MODE #lobby -o carol", t0);
    CHECK(shown(lobby(m)) == lines{"alice", "+carol", "+dave"});
}

TEST_CASE("PREFIX from ISUPPORT decides which symbols are statuses", "[client_moderation]")
{
    SECTION("without PREFIX the RFC's (ov)@+")
    {
        auto c = in_lobby("alice @bob +carol");
        CHECK(shown(lobby(c)) == lines{"alice", "@bob", "+carol"});
        c.on_line(":bob!b@h MODE #lobby +v alice", t0);
        CHECK(shown(lobby(c)) == lines{"+alice", "@bob", "+carol"});
    }
    SECTION("ngIRCd's (qaohv)~&@%+, ranked in the server's order")
    {
        auto c = in_lobby("~&quinn @+olga %hal +vic plain", "PREFIX=(qaohv)~&@%+ CHANMODES=beI,k,l,imnOPRstz");
        CHECK(shown(lobby(c)) == lines{"%hal", "@olga", "plain", "~quinn", "+vic"});
        CHECK(status_of(lobby(c), "quinn") == "~&");
        c.on_line(":quinn!q@h MODE #lobby +h-q plain quinn", t0);
        CHECK(status_of(lobby(c), "plain") == "%");
        CHECK(status_of(lobby(c), "quinn") == "&");
        CHECK(shown(lobby(c)) == lines{"%hal", "@olga", "%plain", "&quinn", "+vic"});
        // The status symbols are not part of the nick: /op reaches them.
        CHECK(member_nicks(lobby(c)) == lines{"hal", "olga", "plain", "quinn", "vic"});
    }
    SECTION("a symbol the server did not announce is stripped but is no status")
    {
        auto c = in_lobby("%hal @bob", "PREFIX=(ov)@+");
        CHECK(shown(lobby(c)) == lines{"@bob", "hal"});
        CHECK(status_of(lobby(c), "hal").empty());
    }
}

TEST_CASE("MODE updates statuses, parameters taken as CHANMODES says", "[client_moderation]")
{
    auto c = in_lobby("alice @bob +carol");
    // l and k take "10" and "key", so -v falls on carol.
    c.on_line(":bob!b@h MODE #lobby +olk-v alice 10 key carol", t0);
    CHECK(shown(lobby(c)) == lines{"@alice", "@bob", "carol"});
    // -l takes no parameter: +v gets carol, not -k's key.
    c.on_line(":bob!b@h MODE #lobby -l+v-k carol key", t0);
    CHECK(status_of(lobby(c), "carol") == "+");
    // List modes take one whichever way: -b's mask is not alice.
    c.on_line(":bob!b@h MODE #lobby -bo *!*@spam alice", t0);
    CHECK(status_of(lobby(c), "alice").empty());
    CHECK(plain(c.take_events())
          == lines{"12:34 * bob sets mode +olk-v alice 10 key carol on #lobby",
                   "12:34 * bob sets mode -l+v-k carol key on #lobby",
                   "12:34 * bob sets mode -bo *!*@spam alice on #lobby"});

    // A server's own parameter mode (type B here) takes its parameter too.
    auto d = in_lobby("alice @bob carol", "CHANMODES=beI,kf,l,imnst");
    d.on_line(":bob!b@h MODE #lobby +fv 3:5 carol", t0);
    CHECK(status_of(lobby(d), "carol") == "+");
}

TEST_CASE("the member list shows the highest statuses first", "[client_moderation]")
{
    auto c = in_lobby("zed +amy alice @+bob ~quinn %hal carol", "PREFIX=(qaohv)~&@%+");
    std::vector<std::string> listed;
    for (const auto* m : members_by_rank(lobby(c), c.mode_rules().prefix_symbols, 10))
        listed.push_back(m->shown());
    CHECK(listed == lines{"~quinn", "@bob", "%hal", "+amy", "alice", "carol", "zed"});
    // A view with room for three rows gets the three that matter most.
    CHECK(members_by_rank(lobby(c), c.mode_rules().prefix_symbols, 3).size() == 3);
    CHECK(members_by_rank(lobby(c), c.mode_rules().prefix_symbols, 3).back()->nick == "hal");
}

TEST_CASE("a nick change keeps the member's status", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_line(":bob!b@h NICK robert", t0);
    CHECK(shown(lobby(c)) == lines{"alice", "@robert"});
}

TEST_CASE("KICK of someone else removes them and is shown", "[client_moderation]")
{
    auto c = in_lobby("alice @bob carol");
    c.on_line(":bob!b@h KICK #lobby carol :spam", t0);
    c.on_line(":bob!b@h KICK #lobby alice_not_here", t0);
    CHECK(member_nicks(lobby(c)) == lines{"alice", "bob"});
    CHECK(plain(c.take_events())
          == lines{"12:34 * carol was kicked from #lobby by bob (spam)",
                   "12:34 * alice_not_here was kicked from #lobby by bob"});
    REQUIRE(c.current());
    CHECK(c.current()->name == "#lobby");
}

TEST_CASE("KICK of ourselves leaves the room for good and says so", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_input("/join #dev", t0);
    c.on_line(":alice!a@h JOIN #dev", t0);
    c.on_input("/win 1", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    c.on_line(":bob!b@h KICK #lobby alice :bye", t0);
    const auto ev = c.take_events();
    REQUIRE(!ev.empty());
    CHECK(ev[0].kind == event_kind::kicked);
    CHECK(ev[0].mention);  // the full-screen view beeps
    CHECK(format_plain(ev[0], "12:34", "#dev") == "12:34 -!- you were kicked from #lobby by bob (bye)");
    REQUIRE(c.windows().size() == 1);
    CHECK(c.windows().front().name == "#dev");
    CHECK(c.current()->name == "#dev");
    // A reconnect joins only the rooms we are still in.
    c.on_disconnected("reset", t0);
    c.on_connected(t0);
    c.on_line(":srv CAP * LS :", t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    const auto out = c.take_outgoing();
    CHECK(std::count(out.begin(), out.end(), "JOIN #dev\r\n") == 1);
    CHECK(std::count(out.begin(), out.end(), "JOIN #lobby\r\n") == 0);
}

TEST_CASE("invites to us and to others are shown", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_line(":bob!b@h INVITE alice #secret", t0);
    c.on_line(":bob!b@h INVITE dave #lobby", t0);   // invite-notify
    c.on_line(":bob!b@h INVITE dave #other", t0);   // not a room of ours: not our business
    c.on_line(":srv 341 alice erin #lobby", t0);    // our /invite went out
    c.on_line(":srv 341 alice #lobby fred", t0);    // ...from a server in RFC 1459's order
    const auto ev = c.take_events();
    CHECK(plain(ev)
          == lines{"12:34 -!- bob invites you to #secret (/join #secret)", "12:34 * bob invites dave to #lobby",
                   "12:34 * alice invites erin to #lobby", "12:34 * alice invites fred to #lobby"});
    REQUIRE(!ev.empty());
    CHECK(ev[0].mention);
}

TEST_CASE("moderation errors read as sentences", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_line(":srv 482 alice #lobby :You're not channel operator", t0);
    c.on_line(":srv 441 alice dave #lobby :They aren't on that channel", t0);
    c.on_line(":srv 443 alice bob #lobby :is already on channel", t0);
    c.on_line(":srv 404 alice #lobby :Cannot send to channel", t0);
    c.on_line(":srv 471 alice #full :Cannot join channel (+l)", t0);
    c.on_line(":srv 473 alice #vip :Cannot join channel (+i)", t0);
    c.on_line(":srv 475 alice #keyed :Cannot join channel (+k)", t0);
    CHECK(plain(c.take_events())
          == lines{"12:34 -!- error: you are not a channel operator in #lobby (You're not channel operator)",
                   "12:34 -!- error: dave is not in #lobby", "12:34 -!- error: bob is already in #lobby",
                   "12:34 -!- error: cannot send to #lobby: Cannot send to channel",
                   "12:34 -!- error: cannot join #full: it is full (Cannot join channel (+l))",
                   "12:34 -!- error: cannot join #vip: it is invite-only (Cannot join channel (+i))",
                   "12:34 -!- error: cannot join #keyed: it needs a key: /join #keyed KEY (Cannot join channel (+k))"});

    // A ban on joining drops what was typed for the room, not just the join.
    c.on_input("/join #banned", t0);
    c.on_input("/win 2", t0);
    c.on_input("hello banned room", t0);
    CHECK(c.held_count() == 1);
    c.on_line(":srv 474 alice #banned :Cannot join channel (+b)", t0);
    CHECK(c.held_count() == 0);
    const auto ev = plain(c.take_events());
    REQUIRE(!ev.empty());
    CHECK(ev.front() == "12:34 -!- error: cannot join #banned: you are banned (Cannot join channel (+b))");
}

TEST_CASE("/op and friends send as many modes per line as MODES allows", "[client_moderation]")
{
    SECTION("without MODES, three to a line")
    {
        auto c = in_lobby("alice @bob");
        c.on_input("/op a b c d e", t0);
        c.on_input("/devoice bob", t0);
        CHECK(c.take_outgoing() == lines{"MODE #lobby +ooo a b c\r\n", "MODE #lobby +oo d e\r\n", "MODE #lobby -v bob\r\n"});
    }
    SECTION("MODES=4")
    {
        auto c = in_lobby("alice @bob", "MODES=4");
        c.on_input("/voice a b c d e", t0);
        c.on_input("/deop a", t0);
        CHECK(c.take_outgoing() == lines{"MODE #lobby +vvvv a b c d\r\n", "MODE #lobby +v e\r\n", "MODE #lobby -o a\r\n"});
    }
    SECTION("outside a room, or without nicks, a usage line and nothing sent")
    {
        auto c = in_lobby("alice @bob");
        c.on_input("/op", t0);
        c.on_line(":bob!b@h PRIVMSG alice :hi", t0);
        REQUIRE(c.switch_to(1));
        c.on_input("/op bob", t0);
        CHECK(c.take_outgoing().empty());
        const auto ev = c.take_events();
        CHECK(std::count_if(ev.begin(), ev.end(), [](const event& e) { return e.kind == event_kind::error; }) == 2);
    }
}

TEST_CASE("/ban, /unban, /kick, /mode, /invite and /topic send what the server expects", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_input("/ban spammer", t0);
    c.on_input("/ban *!*@bad.example", t0);
    c.on_input("/ban", t0);
    c.on_input("/unban spammer", t0);
    c.on_input("/kick spammer go away now", t0);
    c.on_input("/kick bob", t0);
    c.on_input("/mode +m", t0);
    c.on_input("/mode +k  secret", t0);
    c.on_input("/mode #dev +i", t0);
    c.on_input("/mode alice +i", t0);
    c.on_input("/invite dave", t0);
    c.on_input("/invite dave #dev", t0);
    c.on_input("/topic", t0);
    c.on_input("/topic no spam please", t0);
    CHECK(c.take_outgoing()
          == lines{"MODE #lobby +b spammer!*@*\r\n", "MODE #lobby +b *!*@bad.example\r\n", "MODE #lobby +b\r\n",
                   "MODE #lobby -b spammer!*@*\r\n", "KICK #lobby spammer :go away now\r\n", "KICK #lobby bob\r\n",
                   "MODE #lobby +m\r\n", "MODE #lobby +k secret\r\n", "MODE #dev +i\r\n", "MODE alice +i\r\n",
                   "INVITE dave #lobby\r\n", "INVITE dave #dev\r\n", "TOPIC #lobby\r\n",
                   "TOPIC #lobby :no spam please\r\n"});
}

TEST_CASE("/mode alone shows the room's modes; unasked ones stay quiet", "[client_moderation]")
{
    auto c = in_lobby("alice @bob");
    c.on_line(":srv 324 alice #lobby +nt", t0);
    CHECK(c.take_events().empty());
    c.on_input("/mode", t0);
    CHECK(c.take_outgoing() == lines{"MODE #lobby\r\n"});
    c.on_line(":srv 324 alice #lobby +ntl 10", t0);
    CHECK(plain(c.take_events()) == lines{"12:34 -!- modes of #lobby: +ntl 10"});
}

TEST_CASE("MODE lines stay under the line limit with long nicks", "[client_moderation]")
{
    channel_mode_rules rules;
    rules.apply_isupport("MODES");  // no limit stated
    CHECK(rules.modes_per_line == 0);
    std::vector<std::string> nicks;
    for (int i = 0; i < 20; ++i)
        nicks.push_back(std::string(60, 'n') + std::to_string(i));
    const auto out = mode_lines(rules, "#lobby", true, 'o', nicks);
    REQUIRE(out.size() > 1);
    std::size_t given = 0;
    for (const auto& params : out) {
        std::size_t bytes = 0;
        for (const auto& p : params)
            bytes += p.size() + 1;
        CHECK(bytes < 450);
        CHECK(params[1].size() == params.size() - 1);  // one 'o' per nick after the '+'
        given += params.size() - 2;
    }
    CHECK(given == nicks.size());
    // A malformed PREFIX leaves the rules as they were.
    rules.apply_isupport("PREFIX=(ov)@");
    CHECK(rules.prefix_symbols == "@+");
    rules.apply_isupport("PREFIX=");
    CHECK(rules.prefix_symbols.empty());
    rules.apply_isupport("-PREFIX");
    CHECK(rules.prefix_symbols == "@+");
}
