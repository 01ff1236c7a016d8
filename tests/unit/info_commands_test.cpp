// Server-information commands (LUSERS, MOTD, VERSION, TIME, INFO, ADMIN,
// LINKS, HELP, STATS) through the protocol state machine alone: lines in,
// effects out, and the server's facts fed back by hand where it is asked.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "irc/help_text.hpp"
#include "irc/message.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "support/catch.hpp"

namespace irc = sala::irc;
namespace fx = sala::irc::effect;
using effects = irc::session_protocol::effects;

namespace {

irc::protocol_settings info_settings()
{
    irc::protocol_settings s;
    s.server_name = "irc.example.net";
    s.network = "ExampleNet";
    s.version = "sala-9.9";
    s.created_text = "2024-01-02 03:04:05 UTC";
    return s;
}

// Every line the effects send, parsed; the test fails on one that is not
// a well-formed line of at most 512 bytes.
std::vector<irc::message> replies(const effects& out)
{
    std::vector<irc::message> found;
    for (const auto& e : out) {
        const auto* s = std::get_if<fx::send>(&e);
        if (s == nullptr)
            continue;
        std::string_view text = s->text;
        while (!text.empty()) {
            const auto end = text.find("\r\n");
            REQUIRE(end != std::string_view::npos);
            REQUIRE(end + 2 <= irc::wire_line_max);
            auto parsed = irc::parse(text.substr(0, end));
            REQUIRE(parsed.msg);
            found.push_back(std::move(*parsed.msg));
            text.remove_prefix(end + 2);
        }
    }
    return found;
}

std::vector<std::string> commands_of(const std::vector<irc::message>& lines)
{
    std::vector<std::string> codes;
    for (const auto& m : lines)
        codes.push_back(m.command);
    return codes;
}

std::vector<fx::server_query> queries_in(const effects& out)
{
    std::vector<fx::server_query> found;
    for (const auto& e : out)
        if (const auto* q = std::get_if<fx::server_query>(&e))
            found.push_back(*q);
    return found;
}

// A protocol registered as `nick`, as a server that grants every nick
// would leave it; returns what registration produced.
effects register_client(irc::session_protocol& p, const std::string& nick)
{
    (void)p.on_line("NICK " + nick);
    auto out = p.nick_claimed(true);
    auto more = p.on_line("USER " + nick + " 0 * :Someone");
    out.insert(out.end(), more.begin(), more.end());
    REQUIRE(p.registered());
    return out;
}

// The one server_query `line` makes, answered with `facts`.
effects ask(irc::session_protocol& p, const std::string& line, const irc::server_facts& facts)
{
    const auto out = p.on_line(line);
    const auto asked = queries_in(out);
    REQUIRE(asked.size() == 1);
    return p.server_facts_answered(asked[0], facts);
}

}  // namespace

TEST_CASE("info: the welcome asks for LUSERS between 005 and the MOTD", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    const auto out = register_client(p, "ann");
    std::size_t last_isupport = 0, lusers = 0, motd = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (const auto* s = std::get_if<fx::send>(&out[i])) {
            if (s->text.find(" 005 ann ") != std::string::npos)
                last_isupport = i;
            if (s->text.find(" 422 ann ") != std::string::npos)
                motd = i;
        }
        if (const auto* q = std::get_if<fx::server_query>(&out[i]); q && q->topic == fx::server_topic::lusers)
            lusers = i;
    }
    CHECK(last_isupport != 0);
    CHECK(last_isupport < lusers);
    CHECK(lusers < motd);
    CHECK(queries_in(out).size() == 1);
}

TEST_CASE("info: LUSERS reports the hub's counts in 251 to 255, 265 and 266", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    irc::server_facts facts;
    facts.counts = {.users = 3, .invisible = 1, .operators = 0, .unknown = 2, .channels = 2, .max_users = 5};
    const auto lines = replies(ask(p, "LUSERS", facts));
    REQUIRE(commands_of(lines) == std::vector<std::string>{"251", "252", "253", "254", "255", "265", "266"});
    for (const auto& l : lines) {
        CHECK(l.prefix == "irc.example.net");
        CHECK(l.params.front() == "ann");
    }
    CHECK(lines[0].params[1] == "There are 2 users and 1 invisible on 1 servers");
    CHECK(lines[1].params == std::vector<std::string>{"ann", "0", "operator(s) online"});
    CHECK(lines[2].params == std::vector<std::string>{"ann", "2", "unknown connection(s)"});
    CHECK(lines[3].params == std::vector<std::string>{"ann", "2", "channels formed"});
    CHECK(lines[4].params[1] == "I have 3 clients and 0 servers");
    CHECK(lines[5].params == std::vector<std::string>{"ann", "3", "5", "Current local users 3, max 5"});
    CHECK(lines[6].params == std::vector<std::string>{"ann", "3", "5", "Current global users 3, max 5"});
}

TEST_CASE("info: LUSERS never shows more invisible users than users, nor a maximum below the count", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    irc::server_facts facts;
    facts.counts = {.users = 2, .invisible = 7, .operators = 0, .unknown = 0, .channels = 0, .max_users = 1};
    const auto lines = replies(ask(p, "lusers", facts));
    REQUIRE(lines.size() == 7);
    CHECK(lines[0].params[1] == "There are 0 users and 2 invisible on 1 servers");
    CHECK(lines[5].params[1] == "2");
    CHECK(lines[5].params[2] == "2");
}

TEST_CASE("info: MOTD sends the message of the day, or 422 without one", "[irc][info]")
{
    auto settings = info_settings();
    irc::session_protocol without(settings, "10.0.0.1");
    register_client(without, "ann");
    CHECK(commands_of(replies(without.on_line("MOTD"))) == std::vector<std::string>{"422"});

    settings.motd_lines = {"first", "second"};
    irc::session_protocol with(settings, "10.0.0.2");
    register_client(with, "bob");
    const auto lines = replies(with.on_line("MOTD"));
    CHECK(commands_of(lines) == std::vector<std::string>{"375", "372", "372", "376"});
    CHECK(lines[1].params[1] == "- first");
    CHECK(lines[2].params[1] == "- second");
}

TEST_CASE("info: VERSION sends 351 and the 005 lines, each within 15 parameters", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    const auto lines = replies(p.on_line("VERSION"));
    REQUIRE(lines.size() >= 2);
    CHECK(lines[0].command == "351");
    CHECK(lines[0].params == std::vector<std::string>{"ann", "sala-9.9", "irc.example.net", "sala chat server"});
    std::string tokens;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        CHECK(lines[i].command == "005");
        CHECK(lines[i].params.size() <= 15);
        CHECK(lines[i].params.back() == "are supported by this server");
        for (std::size_t j = 1; j + 1 < lines[i].params.size(); ++j)
            tokens += lines[i].params[j] + " ";
    }
    CHECK(tokens.find("CASEMAPPING=ascii ") != std::string::npos);
    CHECK(tokens.find("WHOX ") != std::string::npos);
}

TEST_CASE("info: TIME asks the server for the clock and answers 391 with the timestamp", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    const auto asked = queries_in(p.on_line("TIME"));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].topic == fx::server_topic::time);
    irc::server_facts facts;
    facts.now = 1700000000;
    const auto lines = replies(p.server_facts_answered(asked[0], facts));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].command == "391");
    CHECK(lines[0].params
        == std::vector<std::string>{"ann", "irc.example.net", "1700000000", "0", "2023-11-14 22:13:20 UTC"});
}

TEST_CASE("info: INFO ends with 374; ADMIN names the server in 256 and says what was configured", "[irc][info]")
{
    auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    const auto info = replies(p.on_line("INFO"));
    REQUIRE(info.size() >= 2);
    CHECK(info.back().command == "374");
    for (std::size_t i = 0; i + 1 < info.size(); ++i)
        CHECK(info[i].command == "371");

    const auto plain = replies(p.on_line("ADMIN"));
    REQUIRE(commands_of(plain) == std::vector<std::string>{"256", "257", "258", "259"});
    CHECK(plain[0].params[1] == "irc.example.net");
    CHECK(plain[1].params[1] == "irc.example.net of the ExampleNet network");

    settings.admin_location = "Helsinki, run by the Example club";
    settings.admin_email = "admin@example.net";
    const auto configured = replies(p.on_line("ADMIN"));
    REQUIRE(configured.size() == 4);
    CHECK(configured[1].params[1] == "Helsinki, run by the Example club");
    CHECK(configured[3].params[1] == "admin@example.net");
}

TEST_CASE("info: LINKS lists this server alone, and a mask that misses it only the end", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    const auto all = replies(p.on_line("LINKS"));
    REQUIRE(commands_of(all) == std::vector<std::string>{"364", "365"});
    CHECK(all[0].params == std::vector<std::string>{"ann", "irc.example.net", "irc.example.net", "0 sala chat server"});
    CHECK(all[1].params == std::vector<std::string>{"ann", "*", "End of /LINKS list."});

    CHECK(commands_of(replies(p.on_line("LINKS *.example.net"))) == std::vector<std::string>{"364", "365"});
    const auto missed = replies(p.on_line("LINKS *.other.org"));
    REQUIRE(commands_of(missed) == std::vector<std::string>{"365"});
    CHECK(missed[0].params[1] == "*.other.org");
}

TEST_CASE("info: a target naming another server gets 402; this server, a mask of it or one's own nick do not",
    "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    for (const char* line : {"MOTD other.net", "VERSION other.net", "TIME other.net", "INFO other.net",
             "ADMIN other.net", "STATS u other.net", "LUSERS * other.net", "LINKS other.net *"}) {
        INFO(line);
        const auto out = p.on_line(line);
        CHECK(queries_in(out).empty());
        const auto lines = replies(out);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].command == "402");
        CHECK(lines[0].params[1] == "other.net");
    }
    CHECK(replies(p.on_line("TIME :two words"))[0].params[1] == "*");  // never a space in a middle
    CHECK(replies(p.on_line("VERSION irc.example.net"))[0].command == "351");
    CHECK(replies(p.on_line("VERSION *.EXAMPLE.net"))[0].command == "351");
    CHECK(replies(p.on_line("ADMIN Ann"))[0].command == "256");
    CHECK(queries_in(p.on_line("TIME irc.example.net")).size() == 1);
}

TEST_CASE("info: HELP answers 704, 705 lines and 706 with one subject; 524 for an unknown one", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    auto check_help = [](const std::vector<irc::message>& lines, const std::string& subject) {
        REQUIRE(lines.size() >= 3);
        CHECK(lines.front().command == "704");
        CHECK(lines.back().command == "706");
        for (std::size_t i = 1; i + 1 < lines.size(); ++i)
            CHECK(lines[i].command == "705");
        for (const auto& l : lines) {
            REQUIRE(l.params.size() == 3);
            CHECK(l.params[0] == "ann");
            CHECK(l.params[1] == subject);
        }
    };
    for (const char* command : {"HELP", "HELPOP"}) {
        INFO(command);
        const auto general = replies(p.on_line(command));
        check_help(general, "*");
        std::string text;
        for (const auto& l : general)
            text += l.params[2] + "\n";
        CHECK(text.find("PRIVMSG") != std::string::npos);
        CHECK(text.find("WHOIS") != std::string::npos);

        const auto privmsg = replies(p.on_line(std::string(command) + " privmsg"));
        check_help(privmsg, "PRIVMSG");
        CHECK(privmsg[2].params[2] == "Usage: PRIVMSG <target>{,<target>} :<text>");

        const auto unknown = replies(p.on_line(std::string(command) + " THISISNOTACOMMAND"));
        REQUIRE(unknown.size() == 1);
        CHECK(unknown[0].command == "524");
        CHECK(unknown[0].params[1] == "THISISNOTACOMMAND");
    }
    CHECK(replies(p.on_line("HELP :no such subject"))[0].params[1] == "*");
}

TEST_CASE("info: every command sala runs has HELP, and HELP describes no command it lacks", "[irc][info]")
{
    std::vector<std::string_view> commands;
    for (std::size_t row = 0; row < irc::session_protocol::command_count(); ++row) {
        const auto name = irc::session_protocol::command_name(row);
        INFO(name);
        CHECK(irc::find_help(name) != nullptr);
        commands.push_back(name);
    }
    for (const auto& topic : irc::help_topics()) {
        INFO(topic.name);
        CHECK(std::find(commands.begin(), commands.end(), topic.name) != commands.end());
        CHECK(topic.syntax.starts_with(topic.name));
        CHECK(!topic.text.empty());
    }
    CHECK(irc::session_protocol::command_name(irc::session_protocol::command_count()).empty());
}

TEST_CASE("info: STATS u and m ask the server; other letters end at once; no letter gets 461", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");

    irc::server_facts facts;
    facts.started_at = 1000;
    facts.now = 1000 + 86400 + 3600 + 60 + 1;
    const auto uptime = replies(ask(p, "STATS u", facts));
    REQUIRE(commands_of(uptime) == std::vector<std::string>{"242", "219"});
    CHECK(uptime[0].params[1] == "Server Up 1 days 1:01:01");
    CHECK(uptime[1].params == std::vector<std::string>{"ann", "u", "End of /STATS report"});

    // Counts by row of the command table: only those used are listed, in table order.
    facts.command_uses.assign(irc::session_protocol::command_count(), 0);
    std::size_t privmsg_row = 0, who_row = 0;
    for (std::size_t row = 0; row < irc::session_protocol::command_count(); ++row) {
        if (irc::session_protocol::command_name(row) == "PRIVMSG")
            privmsg_row = row;
        if (irc::session_protocol::command_name(row) == "WHO")
            who_row = row;
    }
    facts.command_uses[privmsg_row] = 42;
    facts.command_uses[who_row] = 7;
    const auto used = replies(ask(p, "STATS m", facts));
    REQUIRE(commands_of(used) == std::vector<std::string>{"212", "212", "219"});
    CHECK(used[0].params == std::vector<std::string>{"ann", "PRIVMSG", "42"});
    CHECK(used[1].params == std::vector<std::string>{"ann", "WHO", "7"});
    CHECK(used[2].params[1] == "m");

    const auto other = p.on_line("STATS k");
    CHECK(queries_in(other).empty());
    REQUIRE(commands_of(replies(other)) == std::vector<std::string>{"219"});
    CHECK(replies(other)[0].params[1] == "k");
    CHECK(replies(p.on_line("STATS \xc3\xa9"))[0].params[1] == "*");  // half a UTF-8 character never goes out
    CHECK(commands_of(replies(p.on_line("STATS"))) == std::vector<std::string>{"461"});
}

TEST_CASE("info: last_command names the table row a line ran, and none for refused lines", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("LUSERS");  // 451: not registered, not run
    CHECK(p.last_command() == irc::session_protocol::no_command);
    (void)p.on_line("NICK ann");
    CHECK(irc::session_protocol::command_name(p.last_command()) == "NICK");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER ann 0 * :Ann");
    (void)p.on_line("stats");  // 461, but asked for all the same
    CHECK(irc::session_protocol::command_name(p.last_command()) == "STATS");
    (void)p.on_line("FROB");
    CHECK(p.last_command() == irc::session_protocol::no_command);
    (void)p.on_overlong_line();
    CHECK(p.last_command() == irc::session_protocol::no_command);
}

TEST_CASE("info: replies that echo a long subject or target still fit 512 bytes", "[irc][info]")
{
    const auto settings = info_settings();
    irc::session_protocol p(settings, "10.0.0.1");
    register_client(p, "ann");
    const std::string long_word(480, 'x');
    for (const auto& line : {"HELP " + long_word, "VERSION " + long_word, "LINKS " + long_word,
             "STATS u " + long_word, "HELPOP " + long_word}) {
        INFO(line.substr(0, 12));
        CHECK_FALSE(replies(p.on_line(line)).empty());  // replies() checks each line's length
    }
}
