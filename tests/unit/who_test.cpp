// WHO and WHOX replies, formatted by the protocol layer from the directory's facts.
#include <string>
#include <vector>

#include "irc/session_protocol.hpp"
#include "support/catch.hpp"

using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;

namespace {

struct registered_client {
    protocol_settings settings;
    session_protocol p{settings, "10.0.0.2"};

    registered_client()
    {
        settings.server_name = "My.Little.Server";
        (void)p.on_line("NICK otherNick");
        (void)p.nick_claimed(true);
        (void)p.on_line("USER u 0 * :r");
        REQUIRE(p.registered());
    }

    fx::who ask(const std::string& line)
    {
        auto out = p.on_line(line);
        REQUIRE(out.size() == 1);
        return std::get<fx::who>(out[0]);
    }

    std::string answer(const fx::who& asked, const std::vector<sala::irc::who_entry>& found)
    {
        std::string text;
        for (const auto& e : p.who_answered(asked, found))
            text += std::get<fx::send>(e).text;
        return text;
    }
};

sala::irc::who_entry cool_nick(std::string channel = "*")
{
    sala::irc::who_entry e;
    e.channel = std::move(channel);
    e.nick = "coolNick";
    e.user = "myusernam";
    e.host = "127.0.0.1";
    e.realname = "My UniqueReal Name";
    e.idle_seconds = 7;
    return e;
}

}  // namespace

TEST_CASE("WHO: 352 per user and 315 with the mask exactly as sent", "[irc][who]")
{
    registered_client c;
    const auto asked = c.ask("WHO coolNi*");
    CHECK(asked.mask == "coolNi*");
    CHECK_FALSE(asked.whox);
    CHECK(c.answer(asked, {cool_nick()})
        == ":My.Little.Server 352 otherNick * myusernam 127.0.0.1 My.Little.Server coolNick H :0 My UniqueReal Name\r\n"
           ":My.Little.Server 315 otherNick coolNi* :End of /WHO list.\r\n");
    auto away = cool_nick("#chan");
    away.away = true;
    CHECK(c.answer(c.ask("WHO #chan"), {away}).find(" 352 otherNick #chan myusernam 127.0.0.1 My.Little.Server coolNick G :0 ")
        != std::string::npos);
    CHECK(c.answer(c.ask("WHO"), {}) == ":My.Little.Server 315 otherNick * :End of /WHO list.\r\n");
}

TEST_CASE("WHOX: fields in the spec's order whatever the order asked, token echoed", "[irc][who]")
{
    registered_client c;
    const auto full = c.ask("WHO coolNick %tcuihsnfdlaor,123");
    CHECK(full.whox);
    CHECK(full.token == "123");
    const auto expected = ":My.Little.Server 354 otherNick 123 * myusernam 127.0.0.1 127.0.0.1 My.Little.Server "
                          "coolNick H 0 7 0 n/a :My UniqueReal Name\r\n";
    CHECK(c.answer(full, {cool_nick()}).starts_with(expected));
    CHECK(c.answer(c.ask("WHO coolNick %roalfdnshiuct,123"), {cool_nick()}).starts_with(expected));
    CHECK(c.answer(c.ask("WHO coolNick %tn,321"), {cool_nick()}).starts_with(":My.Little.Server 354 otherNick 321 coolNick\r\n"));
    // A token that is not 1-3 digits is not echoed; an account shows, "0" without.
    auto with_account = cool_nick();
    with_account.account = "coolAcct";
    CHECK(c.answer(c.ask("WHO coolNick %tna,abcd"), {with_account}).starts_with(":My.Little.Server 354 otherNick coolNick coolAcct\r\n"));
    CHECK(c.answer(c.ask("WHO coolNick %na"), {cool_nick()}).starts_with(":My.Little.Server 354 otherNick coolNick 0\r\n"));
}

TEST_CASE("WHO: a realname at the limit still fits in 512 bytes", "[irc][who]")
{
    registered_client c;
    auto big = cool_nick(std::string(50, 'c'));
    big.realname = std::string(400, 'r');
    for (const char* line : {"WHO #x", "WHO x %tcuihsnfdlaor,999"}) {
        const auto text = c.answer(c.ask(line), {big});
        std::size_t start = 0;
        while (start < text.size()) {
            const auto end = text.find("\r\n", start);
            REQUIRE(end != std::string::npos);
            CHECK(end + 2 - start <= 512);
            start = end + 2;
        }
    }
}

TEST_CASE("MODE +i is published so that WHO masks can respect it", "[irc][who]")
{
    registered_client c;
    const auto out = c.p.on_line("MODE otherNick +i");
    bool published = false;
    for (const auto& e : out)
        if (const auto* m = std::get_if<fx::modes_changed>(&e))
            published = m->modes == "i";
    CHECK(published);
    CHECK(c.p.on_line("MODE otherNick +i").size() <= 1);  // no change, nothing to publish
}

TEST_CASE("WHO: a server operator is flagged '*' after H or G, before the channel status", "[irc][who]")
{
    registered_client c;
    auto oper = cool_nick("#chan");
    oper.server_operator = true;
    oper.status.op = true;
    CHECK(c.answer(c.ask("WHO #chan"), {oper}).find(" coolNick H*@ :0 ") != std::string::npos);
    oper.away = true;
    oper.status.op = false;
    CHECK(c.answer(c.ask("WHO #chan"), {oper}).find(" coolNick G* :0 ") != std::string::npos);
}
