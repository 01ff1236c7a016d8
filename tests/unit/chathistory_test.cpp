// CHATHISTORY (IRCv3 draft/chathistory) in the protocol layer: requests
// parsed into history queries, answers formatted for each client's
// capabilities (src/irc/session_protocol_history.cpp, history_lines.cpp,
// server_time.cpp), and a labeled request's reply nested in its batch.

#include <string>
#include <vector>

#include "irc/history_lines.hpp"
#include "irc/labeled.hpp"
#include "irc/server_time.hpp"
#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::core::history_direction;
using sala::core::history_entry;
using sala::core::history_kind;
using sala::core::history_ref;
using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;
using sala::test::all_of;
using sala::test::sent;

namespace {

constexpr std::int64_t t0 = 1546612406123;  // 2019-01-04T14:33:26.123Z

protocol_settings test_settings()
{
    protocol_settings s;
    s.server_name = "srv";
    s.created_text = "today";
    return s;
}

struct client {
    protocol_settings settings = test_settings();
    session_protocol p{settings, "10.0.0.1"};

    explicit client(const std::string& caps = {})
    {
        if (!caps.empty()) {
            (void)p.on_line("CAP LS 302");
            REQUIRE(sent(p.on_line("CAP REQ :" + caps)).find(" ACK ") != std::string::npos);
        }
        (void)p.on_line("NICK me");
        (void)p.nick_claimed(true);
        (void)p.on_line("USER u 0 * :Real Name");
        if (!caps.empty())
            (void)p.on_line("CAP END");
        REQUIRE(p.registered());
    }

    // The history effect `line` asks for; fails the test if there is not exactly one.
    fx::history ask(const std::string& line)
    {
        const auto out = p.on_line(line);
        const auto found = all_of<fx::history>(out);
        REQUIRE(found.size() == 1);
        CHECK(sent(out).empty());
        return found[0];
    }

    // What `line` sends when it is refused, checking it asks the server nothing.
    std::string refused(const std::string& line)
    {
        const auto out = p.on_line(line);
        CHECK(all_of<fx::history>(out).empty());
        CHECK(all_of<fx::history_targets>(out).empty());
        return sent(out);
    }
};

history_entry entry(history_kind kind, std::string line, std::int64_t time, std::string msgid,
    std::string client_tags = {})
{
    history_entry e;
    e.target = "#chan";
    e.kind = kind;
    e.line = std::move(line);
    e.time_ms = time;
    e.msgid = std::move(msgid);
    e.client_tags = std::move(client_tags);
    return e;
}

// A message, a TAGMSG with a client tag, a JOIN and a NOTICE.
std::vector<history_entry> sample()
{
    return {
        entry(history_kind::privmsg, ":a!u@h PRIVMSG #chan :hello\r\n", t0, "m1"),
        entry(history_kind::tagmsg, ":a!u@h TAGMSG #chan\r\n", t0 + 1000, "m2", "+react=x"),
        entry(history_kind::join, ":b!u@h JOIN #chan\r\n", t0 + 2000, "m3"),
        entry(history_kind::notice, ":b!u@h NOTICE #chan :hi\r\n", t0 + 3000, "m4", "+draft/reply=m1"),
    };
}

std::string lines(const std::vector<history_entry>& entries, sala::irc::cap_set caps, bool events,
    std::optional<sala::irc::history_batch> batch = std::nullopt)
{
    std::string out;
    sala::irc::append_history_lines(out, entries, caps, events, batch);
    return out;
}

constexpr auto cap_bit = [](sala::irc::cap c) { return sala::irc::bit(c); };

}  // namespace

// ---- server-time ------------------------------------------------------------

TEST_CASE("server-time values are written with milliseconds and read back", "[irc][chathistory]")
{
    using sala::irc::format_server_time;
    using sala::irc::parse_server_time;
    CHECK(format_server_time(1795551360123) == "2026-11-24T20:16:00.123Z");
    CHECK(format_server_time(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_server_time(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_server_time(1709164800000) == "2024-02-29T00:00:00.000Z");
    // Outside what four digits of year can say: clamped, never malformed.
    CHECK(format_server_time(INT64_MAX) == "9999-12-31T23:59:59.999Z");
    CHECK(format_server_time(INT64_MIN) == "0000-01-01T00:00:00.000Z");

    CHECK(parse_server_time("2026-11-24T20:16:00.123Z") == 1795551360123);
    CHECK(parse_server_time("2026-11-24T20:16:00Z") == 1795551360000);
    CHECK(parse_server_time("2026-11-24T20:16:00.1Z") == 1795551360100);
    CHECK(parse_server_time("2026-11-24T20:16:00.123456Z") == 1795551360123);
    CHECK(parse_server_time("1969-12-31T23:59:59.999Z") == -1);
    CHECK(parse_server_time("0001-01-01T00:00:00.000Z") == -62135596800000);
    for (std::int64_t ms : {std::int64_t{0}, t0, std::int64_t{-62135596800000}, std::int64_t{253402300799999}})
        CHECK(parse_server_time(format_server_time(ms)) == ms);
}

TEST_CASE("server-time parsing refuses anything but the format", "[irc][chathistory]")
{
    using sala::irc::parse_server_time;
    for (const char* bad : {"", "Z", "2026-11-24T20:16:00.123", "2026-11-24T20:16:00.123+00:00",
             "2026-11-24 20:16:00.123Z", "2026-13-24T20:16:00.123Z", "2026-02-30T20:16:00Z", "2025-02-29T00:00:00Z",
             "2026-11-24T24:00:00Z", "2026-11-24T20:60:00Z", "2026-11-24T20:16:60Z", "2026-11-24T20:16:00.Z",
             "2026-11-24T20:16:00.12aZ", "2026-11-24T20:16:00.1234567890Z", "+026-11-24T20:16:00Z",
             "2026-1-24T20:16:00.123Z", "2026-11-24T20:16:00.123ZZ", "x026-11-24T20:16:00Z", "1795551360123"})
        CHECK_FALSE(parse_server_time(bad).has_value());
}

// ---- the offer ----------------------------------------------------------------

TEST_CASE("chathistory: the caps are offered and ISUPPORT names the limit and reference types", "[irc][chathistory]")
{
    protocol_settings s = test_settings();
    session_protocol p(s, "10.0.0.1");
    const auto ls = sent(p.on_line("CAP LS 302"));
    CHECK(ls.find(" draft/chathistory draft/event-playback ") != std::string::npos);
    (void)p.on_line("NICK me");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :R");
    const auto welcome = sent(p.on_line("CAP END"));
    CHECK(welcome.find(" CHATHISTORY=100 ") != std::string::npos);
    CHECK(welcome.find(" MSGREFTYPES=msgid,timestamp ") != std::string::npos);
    CHECK(sala::irc::max_history_limit == 100);
}

// ---- requests -----------------------------------------------------------------

TEST_CASE("chathistory: each subcommand becomes one query", "[irc][chathistory]")
{
    client c("draft/chathistory");
    SECTION("LATEST with *")
    {
        const auto h = c.ask("CHATHISTORY LATEST #Chan * 50");
        CHECK(h.query.direction == history_direction::latest);
        CHECK(h.query.target == "#chan");
        CHECK(h.target_name == "#Chan");
        CHECK(h.subcommand == "LATEST");
        CHECK(h.query.from.what == history_ref::kind::none);
        CHECK(h.query.to.what == history_ref::kind::none);
        CHECK(h.query.limit == 50);
        CHECK_FALSE(h.query.events);
    }
    SECTION("LATEST after a msgid, subcommand in any case")
    {
        const auto h = c.ask("chathistory latest #chan msgid=abc123 5");
        CHECK(h.subcommand == "LATEST");
        CHECK(h.query.from.what == history_ref::kind::msgid);
        CHECK(h.query.from.msgid == "abc123");
    }
    SECTION("BEFORE a timestamp")
    {
        const auto h = c.ask("CHATHISTORY BEFORE #chan timestamp=2019-01-04T14:33:26.123Z 10");
        CHECK(h.query.direction == history_direction::before);
        CHECK(h.query.from.what == history_ref::kind::timestamp);
        CHECK(h.query.from.time_ms == t0);
        CHECK(h.query.limit == 10);
    }
    SECTION("AFTER a msgid")
    {
        const auto h = c.ask("CHATHISTORY AFTER #chan msgid=m1 3");
        CHECK(h.query.direction == history_direction::after);
        CHECK(h.query.from.msgid == "m1");
    }
    SECTION("AROUND a msgid")
    {
        const auto h = c.ask("CHATHISTORY AROUND #chan msgid=m1 7");
        CHECK(h.query.direction == history_direction::around);
        CHECK(h.query.from.msgid == "m1");
        CHECK(h.query.limit == 7);
    }
    SECTION("BETWEEN a timestamp and a msgid, either way round")
    {
        const auto h = c.ask("CHATHISTORY BETWEEN #chan msgid=m9 timestamp=2019-01-04T14:33:26Z 100");
        CHECK(h.query.direction == history_direction::between);
        CHECK(h.query.from.what == history_ref::kind::msgid);
        CHECK(h.query.from.msgid == "m9");
        CHECK(h.query.to.what == history_ref::kind::timestamp);
        CHECK(h.query.to.time_ms == t0 - 123);
    }
    SECTION("a nick as target, folded")
    {
        const auto h = c.ask("CHATHISTORY LATEST Bob * 1");
        CHECK(h.query.target == "bob");
        CHECK(h.target_name == "Bob");
    }
}

TEST_CASE("chathistory: events are asked for only with draft/event-playback", "[irc][chathistory]")
{
    client without("draft/chathistory batch");
    CHECK_FALSE(without.ask("CHATHISTORY LATEST #chan * 5").query.events);
    client with("draft/chathistory draft/event-playback");
    CHECK(with.ask("CHATHISTORY LATEST #chan * 5").query.events);
}

TEST_CASE("chathistory: limits are positive numbers, cut to 100", "[irc][chathistory]")
{
    client c;
    CHECK(c.ask("CHATHISTORY LATEST #chan * 1").query.limit == 1);
    CHECK(c.ask("CHATHISTORY LATEST #chan * 100").query.limit == 100);
    CHECK(c.ask("CHATHISTORY LATEST #chan * 101").query.limit == 100);
    CHECK(c.ask("CHATHISTORY LATEST #chan * 0100").query.limit == 100);
    CHECK(c.ask("CHATHISTORY LATEST #chan * 99999999999999999999999999").query.limit == 100);
    CHECK(c.refused("CHATHISTORY LATEST #chan * 0") == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST 0 :Invalid limit\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan * -5")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST -5 :Invalid limit\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan * +5")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST +5 :Invalid limit\r\n");
    CHECK(c.refused("CHATHISTORY BEFORE #chan msgid=x ten")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BEFORE ten :Invalid limit\r\n");
    // A parameter that could not be echoed as one middle parameter is echoed as '*'.
    CHECK(c.refused("CHATHISTORY LATEST #chan * :1 0") == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST * :Invalid limit\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan * :") == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST * :Invalid limit\r\n");
}

TEST_CASE("chathistory: bad references are refused with the parameter named", "[irc][chathistory]")
{
    client c;
    CHECK(c.refused("CHATHISTORY BEFORE #chan * 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BEFORE * :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY AFTER #chan * 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS AFTER * :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY AROUND #chan * 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS AROUND * :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY BETWEEN #chan * msgid=a 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BETWEEN * :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY BETWEEN #chan msgid=a * 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BETWEEN * :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan msgid= 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST msgid= :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan m1 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST m1 :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan MSGID=m1 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS LATEST MSGID=m1 :Invalid message reference\r\n");
    CHECK(c.refused("CHATHISTORY BEFORE #chan timestamp=2019-01-04T14:33:26.123 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=2019-01-04T14:33:26.123 :Invalid timestamp\r\n");
    CHECK(c.refused("CHATHISTORY BEFORE #chan timestamp=yesterday 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=yesterday :Invalid timestamp\r\n");
}

TEST_CASE("chathistory: unknown subcommands, missing and extra parameters", "[irc][chathistory]")
{
    client c;
    CHECK(c.refused("CHATHISTORY") == ":srv 461 me CHATHISTORY :Not enough parameters\r\n");
    CHECK(c.refused("CHATHISTORY SOON #chan * 10") == ":srv FAIL CHATHISTORY UNKNOWN_COMMAND SOON :Unknown command\r\n");
    CHECK(c.refused("CHATHISTORY :SO ON") == ":srv FAIL CHATHISTORY UNKNOWN_COMMAND * :Unknown command\r\n");
    CHECK(c.refused("CHATHISTORY LATEST") == ":srv FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Insufficient parameters\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #chan *")
        == ":srv FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Insufficient parameters\r\n");
    CHECK(c.refused("CHATHISTORY BETWEEN #chan msgid=a 10")
        == ":srv FAIL CHATHISTORY NEED_MORE_PARAMS BETWEEN :Insufficient parameters\r\n");
    CHECK(c.refused("CHATHISTORY BEFORE #chan msgid=a msgid=b 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS BEFORE :Too many parameters\r\n");
    CHECK(c.refused("CHATHISTORY TARGETS timestamp=2019-01-04T14:33:26Z 10")
        == ":srv FAIL CHATHISTORY NEED_MORE_PARAMS TARGETS :Insufficient parameters\r\n");
}

TEST_CASE("chathistory: targets that cannot name a channel or nick", "[irc][chathistory]")
{
    client c;
    CHECK(c.refused("CHATHISTORY LATEST 1abc * 10")
        == ":srv FAIL CHATHISTORY INVALID_TARGET LATEST 1abc :Messages could not be retrieved\r\n");
    CHECK(c.refused("CHATHISTORY LATEST # * 10")
        == ":srv FAIL CHATHISTORY INVALID_TARGET LATEST # :Messages could not be retrieved\r\n");
    CHECK(c.refused("CHATHISTORY LATEST #" + std::string(60, 'a') + " * 10")
        == ":srv FAIL CHATHISTORY INVALID_TARGET LATEST #" + std::string(60, 'a') + " :Messages could not be retrieved\r\n");
}

TEST_CASE("chathistory: only registered clients may ask", "[irc][chathistory]")
{
    protocol_settings s = test_settings();
    session_protocol p(s, "10.0.0.1");
    const auto out = p.on_line("CHATHISTORY LATEST #chan * 10");
    CHECK(all_of<fx::history>(out).empty());
    CHECK(sent(out) == ":srv 451 * :You have not registered\r\n");
}

TEST_CASE("chathistory: TARGETS takes two timestamps and a limit", "[irc][chathistory]")
{
    client c;
    const auto out = c.p.on_line("CHATHISTORY TARGETS timestamp=2019-01-04T14:33:26.123Z timestamp=2019-01-04T14:33:25.123Z 500");
    const auto found = all_of<fx::history_targets>(out);
    REQUIRE(found.size() == 1);
    CHECK(found[0].query.from_ms == t0);
    CHECK(found[0].query.to_ms == t0 - 1000);
    CHECK(found[0].query.limit == 100);
    CHECK(found[0].query.targets.empty());  // the server fills them
    CHECK(c.refused("CHATHISTORY TARGETS msgid=a timestamp=2019-01-04T14:33:26Z 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS TARGETS msgid=a :Invalid timestamp\r\n");
    CHECK(c.refused("CHATHISTORY TARGETS * timestamp=2019-01-04T14:33:26Z 10")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS TARGETS * :Invalid timestamp\r\n");
    CHECK(c.refused("CHATHISTORY TARGETS timestamp=2019-01-04T14:33:26Z timestamp=2019-01-04T14:33:26Z 0")
        == ":srv FAIL CHATHISTORY INVALID_PARAMS TARGETS 0 :Invalid limit\r\n");
}

// ---- formatting ---------------------------------------------------------------

TEST_CASE("history lines: tags follow the client's capabilities", "[irc][chathistory]")
{
    using sala::irc::cap;
    const auto entries = sample();
    SECTION("none: the messages as relayed, no events, no TAGMSG")
    {
        CHECK(lines(entries, 0, false) == ":a!u@h PRIVMSG #chan :hello\r\n:b!u@h NOTICE #chan :hi\r\n");
        // Events wanted, but TAGMSG needs message-tags too.
        CHECK(lines(entries, 0, true)
            == ":a!u@h PRIVMSG #chan :hello\r\n:b!u@h JOIN #chan\r\n:b!u@h NOTICE #chan :hi\r\n");
    }
    SECTION("server-time: the time each was relayed")
    {
        CHECK(lines(entries, cap_bit(cap::server_time), false)
            == "@time=2019-01-04T14:33:26.123Z :a!u@h PRIVMSG #chan :hello\r\n"
               "@time=2019-01-04T14:33:29.123Z :b!u@h NOTICE #chan :hi\r\n");
    }
    SECTION("message-tags: msgid and the sender's tags")
    {
        CHECK(lines(entries, cap_bit(cap::message_tags), false)
            == "@msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
               "@msgid=m4;+draft/reply=m1 :b!u@h NOTICE #chan :hi\r\n");
    }
    SECTION("message-tags and event-playback: TAGMSG and events too")
    {
        const auto caps = static_cast<sala::irc::cap_set>(cap_bit(cap::message_tags) | cap_bit(cap::server_time));
        CHECK(lines(entries, caps, true)
            == "@time=2019-01-04T14:33:26.123Z;msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
               "@time=2019-01-04T14:33:27.123Z;msgid=m2;+react=x :a!u@h TAGMSG #chan\r\n"
               "@time=2019-01-04T14:33:28.123Z;msgid=m3 :b!u@h JOIN #chan\r\n"
               "@time=2019-01-04T14:33:29.123Z;msgid=m4;+draft/reply=m1 :b!u@h NOTICE #chan :hi\r\n");
    }
}

TEST_CASE("history lines: a batch for clients with batch, plain lines for the rest", "[irc][chathistory]")
{
    using sala::irc::cap;
    const auto entries = sample();
    const sala::irc::history_batch batch{"srv", "chathistory", "#Chan", "h1"};
    CHECK(lines(entries, cap_bit(cap::batch), false, batch)
        == ":srv BATCH +h1 chathistory #Chan\r\n"
           "@batch=h1 :a!u@h PRIVMSG #chan :hello\r\n"
           "@batch=h1 :b!u@h NOTICE #chan :hi\r\n"
           ":srv BATCH -h1\r\n");
    const auto all = static_cast<sala::irc::cap_set>(
        cap_bit(cap::batch) | cap_bit(cap::server_time) | cap_bit(cap::message_tags));
    CHECK(lines({entries[0]}, all, false, batch)
        == ":srv BATCH +h1 chathistory #Chan\r\n"
           "@batch=h1;time=2019-01-04T14:33:26.123Z;msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
           ":srv BATCH -h1\r\n");
    CHECK(lines({}, all, false, batch) == ":srv BATCH +h1 chathistory #Chan\r\n:srv BATCH -h1\r\n");
    // Replay on join to a client without batch: plain lines, keeping their time.
    CHECK(lines({entries[0]}, cap_bit(cap::server_time), false, batch)
        == "@time=2019-01-04T14:33:26.123Z :a!u@h PRIVMSG #chan :hello\r\n");
    CHECK(lines({}, 0, false, batch).empty());
}

TEST_CASE("history lines: broken entries are skipped, oversized client tags left off", "[irc][chathistory]")
{
    using sala::irc::cap;
    const std::vector<history_entry> broken = {
        entry(history_kind::privmsg, ":a!u@h PRIVMSG #chan :no end", t0, "m1"),
        entry(history_kind::privmsg, ":a!u@h PRIVMSG #chan :two\r\n:x QUIT\r\n", t0, "m2"),
        entry(history_kind::privmsg, std::string(":a!u@h PRIVMSG #chan :n\0l\r\n", 26), t0, "m3"),
        entry(history_kind::privmsg, "", t0, "m4"),
    };
    CHECK(lines(broken, cap_bit(cap::message_tags), false).empty());
    const auto huge = "+big=" + std::string(8200, 'x');
    CHECK(lines({entry(history_kind::privmsg, ":a!u@h PRIVMSG #chan :hi\r\n", t0, "m1", huge)},
              cap_bit(cap::message_tags), false)
        == "@msgid=m1 :a!u@h PRIVMSG #chan :hi\r\n");
}

// ---- answers ------------------------------------------------------------------

TEST_CASE("chathistory answers: a batch named for the target as asked", "[irc][chathistory]")
{
    client c("batch server-time message-tags draft/chathistory");
    const auto asked = c.ask("CHATHISTORY LATEST #Chan * 10");
    const auto text = sent(c.p.history_answered(asked, sample()));
    CHECK(text
        == ":srv BATCH +hist1 chathistory #Chan\r\n"
           "@batch=hist1;time=2019-01-04T14:33:26.123Z;msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
           "@batch=hist1;time=2019-01-04T14:33:29.123Z;msgid=m4;+draft/reply=m1 :b!u@h NOTICE #chan :hi\r\n"
           ":srv BATCH -hist1\r\n");
    // Each answer gets a new reference; an empty one is still a batch.
    CHECK(sent(c.p.history_answered(asked, std::vector<history_entry>{}))
        == ":srv BATCH +hist2 chathistory #Chan\r\n:srv BATCH -hist2\r\n");
}

TEST_CASE("chathistory answers: events for event-playback clients", "[irc][chathistory]")
{
    client c("batch message-tags draft/chathistory draft/event-playback");
    const auto asked = c.ask("CHATHISTORY BEFORE #chan msgid=m9 10");
    CHECK(sent(c.p.history_answered(asked, sample()))
        == ":srv BATCH +hist1 chathistory #chan\r\n"
           "@batch=hist1;msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
           "@batch=hist1;msgid=m2;+react=x :a!u@h TAGMSG #chan\r\n"
           "@batch=hist1;msgid=m3 :b!u@h JOIN #chan\r\n"
           "@batch=hist1;msgid=m4;+draft/reply=m1 :b!u@h NOTICE #chan :hi\r\n"
           ":srv BATCH -hist1\r\n");
}

TEST_CASE("chathistory answers: plain lines without batch, nothing when nothing was found", "[irc][chathistory]")
{
    client c;
    const auto asked = c.ask("CHATHISTORY AFTER bob timestamp=2019-01-04T14:33:26.123Z 10");
    CHECK(sent(c.p.history_answered(asked, sample())) == ":a!u@h PRIVMSG #chan :hello\r\n:b!u@h NOTICE #chan :hi\r\n");
    CHECK(c.p.history_answered(asked, std::vector<history_entry>{}).empty());
}

TEST_CASE("chathistory answers: a target the client may not read, a store that failed", "[irc][chathistory]")
{
    client c("batch");
    const auto asked = c.ask("CHATHISTORY AROUND #Secret msgid=m1 10");
    CHECK(sent(c.p.history_answered(asked, std::nullopt))
        == ":srv FAIL CHATHISTORY INVALID_TARGET AROUND #Secret :Messages could not be retrieved\r\n");
    CHECK(sent(c.p.history_answered(asked, std::nullopt, true))
        == ":srv FAIL CHATHISTORY MESSAGE_ERROR AROUND #Secret :Messages could not be retrieved\r\n");
    CHECK(sent(c.p.history_answered(asked, sample(), true))
        == ":srv FAIL CHATHISTORY MESSAGE_ERROR AROUND #Secret :Messages could not be retrieved\r\n");
}

TEST_CASE("chathistory answers: TARGETS lists targets and their latest time", "[irc][chathistory]")
{
    client c("batch");
    (void)c.p.on_line("JOIN #Lobby");
    c.p.joined("#lobby", "#Lobby");
    const auto asked = all_of<fx::history_targets>(
        c.p.on_line("CHATHISTORY TARGETS timestamp=2019-01-04T14:33:26Z timestamp=2020-01-01T00:00:00Z 2"))
                           .at(0);
    const std::vector<sala::core::history_target_activity> found = {
        {"#lobby", t0 + 5000}, {"bob", t0}, {"#more", t0 - 1}};
    CHECK(sent(c.p.history_targets_answered(asked, found))
        == ":srv BATCH +hist1 draft/chathistory-targets\r\n"
           "@batch=hist1 :srv CHATHISTORY TARGETS #Lobby 2019-01-04T14:33:31.123Z\r\n"
           "@batch=hist1 :srv CHATHISTORY TARGETS bob 2019-01-04T14:33:26.123Z\r\n"
           ":srv BATCH -hist1\r\n");
    CHECK(sent(c.p.history_targets_answered(asked, {}))
        == ":srv BATCH +hist2 draft/chathistory-targets\r\n:srv BATCH -hist2\r\n");

    client plain;
    const auto asked_plain = all_of<fx::history_targets>(
        plain.p.on_line("CHATHISTORY TARGETS timestamp=2019-01-04T14:33:26Z timestamp=2020-01-01T00:00:00Z 5"))
                                 .at(0);
    CHECK(sent(plain.p.history_targets_answered(asked_plain, found))
        == ":srv CHATHISTORY TARGETS #lobby 2019-01-04T14:33:31.123Z\r\n"
           ":srv CHATHISTORY TARGETS bob 2019-01-04T14:33:26.123Z\r\n"
           ":srv CHATHISTORY TARGETS #more 2019-01-04T14:33:26.122Z\r\n");
}

TEST_CASE("replay on join: a batch, plain lines, or nothing for chathistory clients", "[irc][chathistory]")
{
    const auto entries = sample();
    auto replay = [](std::string_view caps, const std::vector<sala::core::history_entry>& recent) {
        return sala::irc::replay_on_join("srv", "#Chan", client(std::string(caps)).p.caps(), "hist1", recent);
    };
    CHECK(replay("batch server-time", entries)
        == ":srv BATCH +hist1 chathistory #Chan\r\n"
           "@batch=hist1;time=2019-01-04T14:33:26.123Z :a!u@h PRIVMSG #chan :hello\r\n"
           "@batch=hist1;time=2019-01-04T14:33:29.123Z :b!u@h NOTICE #chan :hi\r\n"
           ":srv BATCH -hist1\r\n");
    CHECK(replay("batch server-time", {}).empty());
    CHECK(replay("server-time", entries)
        == "@time=2019-01-04T14:33:26.123Z :a!u@h PRIVMSG #chan :hello\r\n"
           "@time=2019-01-04T14:33:29.123Z :b!u@h NOTICE #chan :hi\r\n");
    CHECK(replay("batch draft/chathistory", entries).empty());
}

TEST_CASE("chathistory answers: a labeled request nests its batch in the labeled-response batch", "[irc][chathistory]")
{
    client c("batch message-tags labeled-response draft/chathistory");
    const auto out = c.p.on_line("@label=q1 CHATHISTORY LATEST #chan * 10");
    CHECK(c.p.label() == "q1");
    const auto asked = all_of<fx::history>(out).at(0);
    const auto answer = sent(c.p.history_answered(asked, {{sample()[0]}}));
    CHECK(sala::irc::labeled("srv", c.p.label(), answer, true, "lr1")
        == "@label=q1 :srv BATCH +lr1 labeled-response\r\n"
           "@batch=lr1 :srv BATCH +hist1 chathistory #chan\r\n"
           "@batch=hist1;msgid=m1 :a!u@h PRIVMSG #chan :hello\r\n"
           "@batch=lr1 :srv BATCH -hist1\r\n"
           ":srv BATCH -lr1\r\n");
    // A refusal is one line: it carries the label itself.
    const auto refused = sent(c.p.on_line("@label=q2 CHATHISTORY BEFORE #chan * 10"));
    CHECK(sala::irc::labeled("srv", c.p.label(), refused, true, "lr2")
        == "@label=q2 :srv FAIL CHATHISTORY INVALID_PARAMS BEFORE * :Invalid message reference\r\n");
}

TEST_CASE("chathistory: a private conversation has one key for both ends, and each end finds the other in it",
    "[core][chathistory]")
{
    using sala::core::conversation_key;
    using sala::core::conversation_partner;
    CHECK(conversation_key("bob", "alice") == conversation_key("alice", "bob"));
    CHECK(conversation_key("alice", "*carol") != conversation_key("alice", "carol"));
    const auto key = conversation_key("alice", "*carol");
    CHECK(conversation_partner(key, "alice") == "carol");
    CHECK(conversation_partner(key, "*carol").empty() == false);
    CHECK(conversation_partner(key, "carol").empty());  // the account carol is not the anonymous carol
    CHECK(conversation_partner("#lobby", "alice").empty());
    CHECK(conversation_partner(conversation_key("alice", "alice"), "alice") == "alice");  // notes to self
}
