// Server-information commands against a real server: LUSERS agrees with the
// clients the test connected, and VERSION, TIME, INFO, ADMIN, LINKS, MOTD,
// HELP and STATS answer with their numerics and end lines.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

namespace {

// The parameters of a server line after its numeric, the trailing one last.
std::vector<std::string> params_of(std::string_view line)
{
    line = without_tags(line);
    std::vector<std::string> params;
    for (int skip = 0; skip < 2 && !line.empty(); ++skip)  // the prefix and the command
        line.remove_prefix(std::min(line.size(), line.find(' ') + 1));
    while (!line.empty()) {
        if (line.front() == ':') {
            params.emplace_back(line.substr(1));
            break;
        }
        const auto space = line.find(' ');
        params.emplace_back(line.substr(0, space));
        line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    }
    return params;
}

// Sends `line` and returns what the server answers: its lines up to a PONG
// that follows them, which comes only after the answer (replies keep the
// order of the lines that caused them). Other users' messages are left out.
std::vector<std::string> answer_to(irc_client& c, const std::string& line)
{
    c.send_line(line);
    c.send_line("PING :answered");
    auto lines = c.collect_until(":sala PONG sala :answered");
    lines.pop_back();
    std::erase_if(lines, [](const std::string& l) { return !without_tags(l).starts_with(":sala "); });
    return lines;
}

// Registers `nick` without joining a channel; returns the whole welcome,
// read up to the PONG that follows it.
std::vector<std::string> welcomed(irc_client& c, const std::string& nick)
{
    auto lines = c.register_as(nick, "", "");
    auto rest = answer_to(c, "PING :welcomed");
    lines.insert(lines.end(), rest.begin(), rest.end());
    return lines;
}

std::vector<std::string> codes_of(const std::vector<std::string>& lines)
{
    std::vector<std::string> codes;
    for (const auto& l : lines) {
        const auto body = std::string(without_tags(l));
        const auto first = body.find(' ');
        codes.push_back(body.substr(first + 1, body.find(' ', first + 1) - first - 1));
    }
    return codes;
}

// The line with numeric `code` among `lines` (fails the test if none).
std::string line_with(const std::vector<std::string>& lines, std::string_view code)
{
    const auto it = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return is_numeric(l, code); });
    REQUIRE(it != lines.end());
    return *it;
}

struct lusers_counts {
    std::string visible_invisible;  // 251's text
    std::string unknown, channels, local, local_max, global, global_max;
};

lusers_counts lusers(irc_client& c)
{
    const auto lines = answer_to(c, "LUSERS");
    INFO(c.transcript());
    REQUIRE(codes_of(lines) == std::vector<std::string>{"251", "252", "253", "254", "255", "265", "266"});
    lusers_counts n;
    n.visible_invisible = params_of(lines[0]).at(1);
    n.unknown = params_of(lines[2]).at(1);
    n.channels = params_of(lines[3]).at(1);
    n.local = params_of(lines[5]).at(1);
    n.local_max = params_of(lines[5]).at(2);
    n.global = params_of(lines[6]).at(1);
    n.global_max = params_of(lines[6]).at(2);
    return n;
}

}  // namespace

TEST_CASE("info: LUSERS counts the users, invisible users, unknown connections and channels the test made",
    "[integration][info]")
{
    server_process server({"--autojoin", "", "--threads", "2"});
    irc_client ann(server.port());
    irc_client bob(server.port());
    irc_client cat(server.port());
    const auto welcome = welcomed(ann, "ann");
    welcomed(bob, "bob");
    welcomed(cat, "cat");

    // The welcome carries LUSERS after the last 005 and before the MOTD.
    {
        INFO(ann.transcript());
        const auto codes = codes_of(welcome);
        const auto last_isupport = std::find(codes.rbegin(), codes.rend(), "005").base() - codes.begin();
        const auto luserclient = std::find(codes.begin(), codes.end(), "251") - codes.begin();
        const auto nomotd = std::find(codes.begin(), codes.end(), "422") - codes.begin();
        CHECK(last_isupport <= luserclient);
        CHECK(luserclient < nomotd);
        CHECK(std::find(codes.begin(), codes.end(), "266") - codes.begin() < nomotd);
    }

    ann.send_line("JOIN #one");
    ann.expect(" 366 ann #one ");
    bob.send_line("JOIN #one,#two");
    bob.expect(" 366 bob #two ");
    // A connection that has a nick but has not registered, proven accepted by its PONG.
    irc_client ghost(server.port());
    ghost.send_line("NICK ghost");
    ghost.send_line("PING :here");
    ghost.expect("PONG");
    // Asked by cat itself, after its MODE: its lines are handled in order.
    cat.send_line("MODE cat +i");
    const auto counts = lusers(cat);
    CHECK(counts.visible_invisible == "There are 2 users and 1 invisible on 1 servers");
    CHECK(counts.unknown == "1");
    CHECK(counts.channels == "2");
    CHECK(counts.local == "3");
    CHECK(counts.local_max == "3");
    CHECK(counts.global == "3");
    CHECK(counts.global_max == "3");

    // bob leaves: the maximum stays, #two goes with its last member. The
    // QUIT reaches the hub through bob's session, not ann's, so poll (bounded).
    bob.send_line("QUIT :bye");
    CHECK(bob.wait_closed());
    ghost.close();
    lusers_counts after;
    for (int i = 0; i < 200; ++i) {
        after = lusers(ann);
        if (after.local == "2" && after.unknown == "0" && after.channels == "1")
            break;
    }
    CHECK(after.visible_invisible == "There are 1 users and 1 invisible on 1 servers");
    CHECK(after.local == "2");
    CHECK(after.local_max == "3");
    CHECK(after.unknown == "0");
    CHECK(after.channels == "1");
    require_clean_exit(server);
}

TEST_CASE("info: VERSION, TIME, INFO, ADMIN, LINKS and MOTD answer with their numerics", "[integration][info]")
{
    temp_file motd("Hello from the test.\n");
    server_process server({"--motd", motd.path(), "--description", "test server", "--admin-email",
        "root@example.org", "--autojoin", ""});
    irc_client ann(server.port());
    welcomed(ann, "ann");

    const auto version = answer_to(ann, "VERSION");
    INFO(ann.transcript());
    {
        INFO(ann.transcript());
        const auto codes = codes_of(version);
        REQUIRE(codes.size() >= 2);
        CHECK(codes[0] == "351");
        CHECK(params_of(version[0]).at(2) == "sala");
        CHECK(std::all_of(codes.begin() + 1, codes.end(), [](const std::string& c) { return c == "005"; }));
    }

    const auto before = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    const auto time = answer_to(ann, "TIME");
    const auto after = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    REQUIRE(codes_of(time) == std::vector<std::string>{"391"});
    const auto time_params = params_of(time[0]);
    REQUIRE(time_params.size() == 5);
    CHECK(time_params[1] == "sala");
    const auto stamp = std::stoll(time_params[2]);
    CHECK(stamp >= before);
    CHECK(stamp <= after);
    CHECK(time_params[4].ends_with(" UTC"));

    ann.send_line("INFO");
    const auto info = ann.collect_until(" 374 ");
    CHECK(std::count_if(info.begin(), info.end(), [](const auto& l) { return is_numeric(l, "371"); }) >= 1);

    const auto admin = answer_to(ann, "ADMIN");
    CHECK(codes_of(admin) == std::vector<std::string>{"256", "257", "258", "259"});
    CHECK(params_of(line_with(admin, "256")).at(1) == "sala");
    CHECK(trailing(line_with(admin, "259")) == "root@example.org");

    const auto links = answer_to(ann, "LINKS");
    REQUIRE(codes_of(links) == std::vector<std::string>{"364", "365"});
    CHECK(links[0] == ":sala 364 ann sala sala :0 test server");
    CHECK(params_of(links[1]).at(1) == "*");

    const auto motd_lines = answer_to(ann, "MOTD");
    CHECK(codes_of(motd_lines) == std::vector<std::string>{"375", "372", "376"});
    CHECK(trailing(motd_lines[1]) == "- Hello from the test.");

    ann.send_line("VERSION nowhere.example.org");
    CHECK(ann.expect(" 402 ") == ":sala 402 ann nowhere.example.org :No such server");
    require_clean_exit(server);
}

TEST_CASE("info: SIGHUP reads the MOTD file again; an unreadable one leaves the old MOTD", "[integration][info]")
{
    temp_file motd("The first message.\n");
    server_process server({"--motd", motd.path(), "--autojoin", ""});
    irc_client early(server.port());
    welcomed(early, "early");
    CHECK(trailing(answer_to(early, "MOTD").at(1)) == "- The first message.");

    {
        std::ofstream(motd.path(), std::ios::trunc) << "The second message.\r\nAnd a second line.\n";
    }
    server.send_signal(SIGHUP);
    REQUIRE(server.wait_for_log("SIGHUP: MOTD reloaded"));
    // A client already connected and one connecting now both get the new one.
    const auto again = answer_to(early, "MOTD");
    REQUIRE(codes_of(again) == std::vector<std::string>{"375", "372", "372", "376"});
    CHECK(trailing(again[1]) == "- The second message.");
    CHECK(trailing(again[2]) == "- And a second line.");
    irc_client late(server.port());
    welcomed(late, "late");
    CHECK(trailing(answer_to(late, "MOTD").at(1)) == "- The second message.");

    // Unreadable: said in the log, and the second MOTD stays.
    std::filesystem::permissions(motd.path(), std::filesystem::perms::none);
    const bool root = ::geteuid() == 0;  // root reads it anyway
    if (!root) {
        server.send_signal(SIGHUP);
        REQUIRE(server.wait_for_log("cannot read the MOTD file"));
        CHECK(trailing(answer_to(late, "MOTD").at(1)) == "- The second message.");
    }
    std::filesystem::remove(motd.path());
    server.send_signal(SIGHUP);
    REQUIRE(server.wait_for_log("cannot read the MOTD file"));
    CHECK(trailing(answer_to(late, "MOTD").at(1)) == "- The second message.");
    require_clean_exit(server);
}

TEST_CASE("info: HELP and HELPOP answer 704, 705 and 706, and 524 for an unknown subject", "[integration][info]")
{
    server_process server({"--autojoin", ""});
    irc_client ann(server.port());
    welcomed(ann, "ann");
    for (const std::string command : {"HELP", "HELPOP"}) {
        INFO(command << "\n" << ann.transcript());
        const auto general = answer_to(ann, command);
        REQUIRE(general.size() >= 3);
        CHECK(is_numeric(general.front(), "704"));
        CHECK(is_numeric(general.back(), "706"));
        const auto join = answer_to(ann, command + " join");
        REQUIRE(join.size() >= 3);
        CHECK(join.front().starts_with(":sala 704 ann JOIN :"));
        CHECK(std::all_of(join.begin() + 1, join.end() - 1, [](const auto& l) { return l.starts_with(":sala 705 ann JOIN :"); }));
        CHECK(join.back().starts_with(":sala 706 ann JOIN :"));
        CHECK(answer_to(ann, command + " NOSUCHTHING")
            == std::vector<std::string>{":sala 524 ann NOSUCHTHING :No help available on this topic"});
    }
    require_clean_exit(server);
}

TEST_CASE("info: STATS u gives the uptime, STATS m the commands used on every shard, others just 219",
    "[integration][info]")
{
    server_process server({"--threads", "2"});
    irc_client ann(server.port());
    irc_client bob(server.port());  // accepted round-robin: the other shard
    ann.register_as("ann");
    bob.register_as("bob");
    answer_to(ann, "PING :welcomed");
    for (int i = 0; i < 3; ++i)
        ann.send_line("PRIVMSG #lobby :from ann");
    for (int i = 0; i < 2; ++i)
        bob.send_line("PRIVMSG #lobby :from bob");
    bob.send_line("PING :sent");
    bob.expect("PONG");

    const auto uptime = answer_to(ann, "STATS u");
    REQUIRE(codes_of(uptime) == std::vector<std::string>{"242", "219"});
    CHECK(trailing(uptime[0]).starts_with("Server Up 0 days 0:00:"));
    CHECK(uptime[1] == ":sala 219 ann u :End of /STATS report");

    const auto used = answer_to(ann, "STATS m");
    INFO(ann.transcript());
    REQUIRE_FALSE(used.empty());
    CHECK(used.back() == ":sala 219 ann m :End of /STATS report");
    CHECK(std::find(used.begin(), used.end(), ":sala 212 ann PRIVMSG 5") != used.end());
    CHECK(std::find(used.begin(), used.end(), ":sala 212 ann NICK 2") != used.end());
    CHECK(std::find(used.begin(), used.end(), ":sala 212 ann STATS 2") != used.end());

    CHECK(answer_to(ann, "STATS k") == std::vector<std::string>{":sala 219 ann k :End of /STATS report"});
    require_clean_exit(server);
}
