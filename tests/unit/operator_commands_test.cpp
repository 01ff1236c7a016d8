// Server operator commands as the protocol handles them: what each asks of
// the server, and the numerics its answers become.
#include <string>

#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;
using sala::test::all_of;
using sala::test::sent;

namespace {

protocol_settings settings_for_test()
{
    protocol_settings s;
    s.server_name = "test.server";
    return s;
}

void register_as(session_protocol& p, const std::string& nick)
{
    (void)p.on_line("NICK " + nick);
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real Name");
    REQUIRE(p.registered());
}

void make_operator(session_protocol& p)
{
    const auto asked = all_of<fx::oper>(p.on_line("OPER boss hunter2"));
    REQUIRE(asked.size() == 1);
    (void)p.oper_answered(asked[0], session_protocol::oper_result::ok);
    REQUIRE(p.server_operator());
}

}  // namespace

TEST_CASE("operators: OPER asks the server, and only its yes gives +o", "[operators]")
{
    const auto settings = settings_for_test();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto asked = all_of<fx::oper>(p.on_line("OPER boss hunter2"));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].name == "boss");
    CHECK(asked[0].password == "hunter2");
    CHECK(sent(p.oper_answered(asked[0], session_protocol::oper_result::wrong_password))
          == ":test.server 464 alice :Password incorrect\r\n");
    CHECK(sent(p.oper_answered(asked[0], session_protocol::oper_result::no_operators)).find(" 491 alice ")
          != std::string::npos);
    CHECK_FALSE(p.server_operator());
    const auto yes = p.oper_answered(asked[0], session_protocol::oper_result::ok);
    CHECK(sent(yes) == ":test.server 381 alice :You are now an IRC operator\r\n"
                       ":alice!u@10.0.0.1 MODE alice :+o\r\n");
    const auto published = all_of<fx::modes_changed>(yes);
    REQUIRE(published.size() == 1);
    CHECK(published[0].modes == "o");
    // MODE +o is not a way in; -o is the way out.
    CHECK(sent(p.on_line("MODE alice +w")) == ":alice!u@10.0.0.1 MODE alice :+w\r\n");
    CHECK(sent(p.on_line("MODE alice -o")) == ":alice!u@10.0.0.1 MODE alice :-o\r\n");
    CHECK_FALSE(p.server_operator());
    CHECK(sent(p.on_line("MODE alice +o")).empty());
    CHECK_FALSE(p.server_operator());
}

TEST_CASE("operators: KILL, WALLOPS, KLINE, UNKLINE and REHASH are refused to everyone else", "[operators]")
{
    const auto settings = settings_for_test();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    for (const auto* line : {"KILL bob :bye", "WALLOPS :hi", "KLINE troll", "UNKLINE troll", "REHASH"}) {
        const auto out = p.on_line(line);
        INFO(line);
        CHECK(sent(out) == ":test.server 481 alice :Permission Denied- You're not an IRC operator\r\n");
    }
}

TEST_CASE("operators: what KILL, WALLOPS and REHASH ask of the server", "[operators]")
{
    const auto settings = settings_for_test();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    make_operator(p);
    const auto kills = all_of<fx::kill>(p.on_line("KILL bob :flooding"));
    REQUIRE(kills.size() == 1);
    CHECK(kills[0].nick == "bob");
    CHECK(kills[0].reason == "Killed (alice (flooding))");
    CHECK(sent(p.kill_answered(kills[0], false)) == ":test.server 401 alice bob :No such nick/channel\r\n");
    CHECK(p.kill_answered(kills[0], true).empty());
    CHECK(all_of<fx::kill>(p.on_line("KILL bob"))[0].reason == "Killed (alice (No reason))");

    const auto walls = all_of<fx::wallops>(p.on_line("WALLOPS :maintenance at noon"));
    REQUIRE(walls.size() == 1);
    CHECK(walls[0].line == ":alice!u@10.0.0.1 WALLOPS :maintenance at noon\r\n");

    const auto rehash = p.on_line("REHASH");
    CHECK(all_of<fx::rehash>(rehash).size() == 1);
    CHECK(sent(rehash).find(" 382 alice ") != std::string::npos);
}

TEST_CASE("operators: KLINE takes optional minutes, a mask and a reason", "[operators][kline]")
{
    const auto settings = settings_for_test();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    make_operator(p);
    auto klines = all_of<fx::kline>(p.on_line("KLINE 30 *@10.0.0.0/8 :go away"));
    REQUIRE(klines.size() == 1);
    CHECK(klines[0].duration_seconds == 30 * 60);
    CHECK(klines[0].mask == "*@10.0.0.0/8");
    CHECK(klines[0].reason == "go away");
    klines = all_of<fx::kline>(p.on_line("KLINE troll!*@*"));
    REQUIRE(klines.size() == 1);
    CHECK(klines[0].duration_seconds == 0);
    CHECK(klines[0].reason == "No reason");
    // A lone number is the mask, not a duration with the mask missing.
    CHECK(all_of<fx::kline>(p.on_line("KLINE 42"))[0].mask == "42");
    // A year at most.
    CHECK(all_of<fx::kline>(p.on_line("KLINE 99999999 x"))[0].duration_seconds == 366LL * 24 * 3600);

    using outcome = session_protocol::kline_outcome;
    CHECK(sent(p.kline_answered("troll!*@*", {outcome::kind::added, 2}))
          == ":test.server NOTICE alice :Added K-line for troll!*@* (2 disconnected)\r\n");
    CHECK(sent(p.kline_answered("x!*@*", {outcome::kind::not_found, 0})).find(":No K-line for x!*@*") != std::string::npos);
    CHECK(sent(p.kline_answered("10.0.0.1/8", {outcome::kind::bad_mask, 0})).find("neither") != std::string::npos);
    CHECK(sent(p.kline_answered("x", {outcome::kind::failed, 0})).find("database failed") != std::string::npos);
    CHECK(all_of<fx::unkline>(p.on_line("UNKLINE troll!*@*"))[0].mask == "troll!*@*");
}

TEST_CASE("ChanServ: commands are checked for form and login before the server is asked", "[chanserv]")
{
    const auto settings = settings_for_test();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto chanserv_said = [](const session_protocol::effects& out) {
        const auto text = sent(out);
        CHECK(text.starts_with(":ChanServ!ChanServ@services. NOTICE alice :"));
        return text;
    };
    CHECK(chanserv_said(p.on_line("PRIVMSG ChanServ :REGISTER #room")).find("not logged in") != std::string::npos);
    CHECK(chanserv_said(p.on_line("CS FLY #room")).find("Unknown command FLY") != std::string::npos);
    CHECK(chanserv_said(p.on_line("CS INFO nochannel")).find("Usage: INFO <#channel>") != std::string::npos);
    CHECK(chanserv_said(p.on_line("CHANSERV HELP")).find("REGISTER <#channel>") != std::string::npos);
    // INFO needs no login; the answer comes from the server.
    const auto infos = all_of<fx::chanserv>(p.on_line("CS INFO #room"));
    REQUIRE(infos.size() == 1);
    CHECK(infos[0].action == fx::chanserv_action::info);
    using outcome = session_protocol::chanserv_outcome;
    CHECK(chanserv_said(p.chanserv_answered(infos[0], {outcome::kind::done, "bob", 1'700'000'000'000}))
          == ":ChanServ!ChanServ@services. NOTICE alice :#room was registered by bob on 2023-11-14 22:13:20 UTC.\r\n");
    CHECK(chanserv_said(p.chanserv_answered(infos[0], {outcome::kind::not_registered, {}, 0}))
          .find("#room is not registered") != std::string::npos);
    // Nothing said to ChanServ is relayed anywhere.
    CHECK(all_of<fx::private_message>(p.on_line("PRIVMSG ChanServ :INFO #room")).empty());
}
