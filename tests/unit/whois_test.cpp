// WHOIS replies, formatted by the protocol layer from the directory's facts.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::protocol_settings;
using sala::irc::session_protocol;
using sala::irc::whois_facts;
namespace fx = sala::irc::effect;

namespace {

struct registered_client {
    protocol_settings settings;
    session_protocol p{settings, "10.0.0.2"};

    explicit registered_client(const std::string& nick = "asker")
    {
        settings.server_name = "My.Little.Server";
        settings.network = "LittleNet";
        settings.description = "Where little things talk";
        (void)p.on_line("NICK " + nick);
        (void)p.nick_claimed(true);
        (void)p.on_line("USER u 0 * :r");
        REQUIRE(p.registered());
    }

    fx::whois ask(const std::string& line)
    {
        auto out = p.on_line(line);
        REQUIRE(out.size() == 1);
        return std::get<fx::whois>(out[0]);
    }

    std::string answer(const std::string& nick, const std::optional<whois_facts>& found)
    {
        const auto out = p.whois_answered(fx::whois{nick}, found);
        // One send: a labeled WHOIS must come back as one answer, in order.
        REQUIRE(out.size() == 1);
        return sala::test::sent(out);
    }
};

whois_facts cool_nick()
{
    whois_facts f;
    f.nick = "coolNick";
    f.user = "myusernam";
    f.host = "127.0.0.1";
    f.realname = "My UniqueReal Name";
    f.channels = {{"#Lobby", {.op = true}}, {"#dev", {}}};
    f.idle_seconds = 42;
    f.signon = 1'700'000'000;
    return f;
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

// The numerics of a reply, in order.
std::vector<std::string> codes_of(const std::string& text)
{
    std::vector<std::string> codes;
    for (const auto& line : lines_of(text))
        codes.push_back(line.substr(line.find(' ') + 1, 3));
    return codes;
}

}  // namespace

TEST_CASE("WHOIS: the nick is the last parameter, and none asked gets 431", "[irc][whois]")
{
    registered_client c;
    CHECK(c.ask("WHOIS coolNick").nick == "coolNick");
    CHECK(c.ask("WHOIS My.Little.Server coolNick").nick == "coolNick");
    CHECK(sala::test::sent(c.p.on_line("WHOIS")) == ":My.Little.Server 431 asker :No nickname given\r\n");
}

TEST_CASE("WHOIS: a plain user gets 311, 319, 312, 317 and 318", "[irc][whois]")
{
    registered_client c;
    CHECK(c.answer("coolnick", cool_nick())
        == ":My.Little.Server 311 asker coolNick myusernam 127.0.0.1 * :My UniqueReal Name\r\n"
           ":My.Little.Server 319 asker coolNick :@#Lobby #dev\r\n"
           ":My.Little.Server 312 asker coolNick My.Little.Server :Where little things talk\r\n"
           ":My.Little.Server 317 asker coolNick 42 1700000000 :seconds idle, signon time\r\n"
           ":My.Little.Server 318 asker coolNick :End of /WHOIS list.\r\n");
}

TEST_CASE("WHOIS: a user in no channel gets no 319", "[irc][whois]")
{
    registered_client c;
    auto lonely = cool_nick();
    lonely.channels.clear();
    CHECK(codes_of(c.answer("coolNick", lonely)) == std::vector<std::string>{"311", "312", "317", "318"});
}

TEST_CASE("WHOIS: 319 shows the user's status in each channel, every one with multi-prefix", "[irc][whois]")
{
    registered_client c;
    auto f = cool_nick();
    f.channels = {{"#both", {.op = true, .voice = true}}, {"#voiced", {.voice = true}}};
    CHECK(lines_of(c.answer("coolNick", f))[1] == ":My.Little.Server 319 asker coolNick :@#both +#voiced");
    (void)c.p.on_line("CAP REQ :multi-prefix");
    CHECK(lines_of(c.answer("coolNick", f))[1] == ":My.Little.Server 319 asker coolNick :@+#both +#voiced");
}

TEST_CASE("WHOIS: channels that do not fit one line go on more 319 lines, none cut", "[irc][whois]")
{
    registered_client c;
    auto f = cool_nick();
    f.channels.clear();
    for (int i = 0; i < 30; ++i)
        f.channels.push_back({"#" + std::string(40, 'a') + std::to_string(i), {.op = i % 2 == 0}});
    std::vector<std::string> shown;
    for (const auto& line : lines_of(c.answer("coolNick", f))) {
        CHECK(line.size() + 2 <= 512);
        const std::string head = ":My.Little.Server 319 asker coolNick :";
        if (!line.starts_with(head))
            continue;
        std::string rest = line.substr(head.size());
        for (std::size_t start = 0; start <= rest.size();) {
            const auto end = std::min(rest.find(' ', start), rest.size());
            shown.push_back(rest.substr(start, end - start));
            start = end + 1;
        }
    }
    REQUIRE(shown.size() == 30);
    CHECK(shown.front() == "@#" + std::string(40, 'a') + "0");
    CHECK(shown.back() == "#" + std::string(40, 'a') + "29");
}

TEST_CASE("WHOIS: nobody registered holds the nick: 401 and 318 echo it as asked", "[irc][whois]")
{
    registered_client c;
    CHECK(c.answer("NoBody", std::nullopt)
        == ":My.Little.Server 401 asker NoBody :No such nick/channel\r\n"
           ":My.Little.Server 318 asker NoBody :End of /WHOIS list.\r\n");
}

TEST_CASE("WHOIS: away (301), bot (335), secure (671) and account (330) lines", "[irc][whois]")
{
    registered_client c;
    SECTION("away")
    {
        auto f = cool_nick();
        f.away = "gone fishing, back soon";
        const auto text = c.answer("coolNick", f);
        CHECK(codes_of(text) == std::vector<std::string>{"311", "319", "312", "301", "317", "318"});
        CHECK(lines_of(text)[3] == ":My.Little.Server 301 asker coolNick :gone fishing, back soon");
    }
    SECTION("bot")
    {
        auto f = cool_nick();
        f.bot = true;
        CHECK(lines_of(c.answer("coolNick", f))[3] == ":My.Little.Server 335 asker coolNick :is a bot on LittleNet");
    }
    SECTION("secure")
    {
        auto f = cool_nick();
        f.secure = true;
        CHECK(lines_of(c.answer("coolNick", f))[3]
            == ":My.Little.Server 671 asker coolNick :is using a secure connection");
    }
    SECTION("account")
    {
        auto f = cool_nick();
        f.account = "coolAcct";
        CHECK(lines_of(c.answer("coolNick", f))[3] == ":My.Little.Server 330 asker coolNick coolAcct :is logged in as");
    }
    SECTION("none of them")
    {
        const auto text = c.answer("coolNick", cool_nick());
        for (const char* code : {" 301 ", " 335 ", " 671 ", " 330 ", " 276 "})
            CHECK(text.find(code) == std::string::npos);
    }
}

TEST_CASE("WHOIS: everything set comes in the order clients expect", "[irc][whois]")
{
    registered_client c("coolnick");  // asking about itself, so 276 shows too
    auto f = cool_nick();
    f.away = "away";
    f.bot = true;
    f.secure = true;
    f.account = "coolAcct";
    f.certfp = "ab12";
    CHECK(codes_of(c.answer("coolNick", f))
        == std::vector<std::string>{"311", "319", "312", "301", "335", "671", "330", "276", "317", "318"});
}

TEST_CASE("WHOIS: a certificate fingerprint (276) is shown to its holder only", "[irc][whois]")
{
    auto f = cool_nick();
    f.secure = true;
    f.certfp = std::string(64, 'f');
    const std::string line = ":My.Little.Server 276 COOLNICK coolNick :has client certificate fingerprint " + f.certfp;
    SECTION("to the user itself, in any case of its nick")
    {
        registered_client self("COOLNICK");
        const auto lines = lines_of(self.answer("coolNick", f));
        CHECK(std::count(lines.begin(), lines.end(), line) == 1);
    }
    SECTION("not to anyone else")
    {
        registered_client other;
        CHECK(other.answer("coolNick", f).find(" 276 ") == std::string::npos);
    }
}

TEST_CASE("WHOIS: every line fits in 512 bytes, however long the facts", "[irc][whois]")
{
    registered_client c(std::string(30, 'n'));
    whois_facts f;
    f.nick = std::string(30, 'N');
    f.user = std::string(16, 'u');
    f.host = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff";
    f.realname = std::string(400, 'r');
    for (int i = 0; i < 30; ++i)
        f.channels.push_back({"#" + std::string(49, static_cast<char>('a' + i % 26)), {.op = true, .voice = true}});
    f.away = std::string(400, 'a');
    f.bot = f.secure = true;
    f.account = std::string(30, 'A');
    f.certfp = std::string(64, 'f');
    f.idle_seconds = 9'999'999'999;
    f.signon = 9'999'999'999;
    for (const auto& text : {c.answer(f.nick, f), c.answer(std::string(500, 'x'), std::nullopt)}) {
        const auto lines = lines_of(text);
        CHECK_FALSE(lines.empty());
        for (const auto& line : lines)
            CHECK(line.size() + 2 <= 512);
        CHECK(lines.back().find(" 318 ") != std::string::npos);
    }
}
