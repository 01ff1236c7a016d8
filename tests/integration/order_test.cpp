// Replies in the order of the lines that caused them (DESIGN.md, "Concurrency"):
// answers that travel through the directory or a room on another shard never
// overtake each other, and PING works as a barrier, as clients and bots use it.
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;
using namespace std::chrono_literals;

namespace {

// Each client's own channels: it opens them, so it is their operator and
// its TOPIC is taken. Same width: no name is a prefix of another.
std::string channel_of(const std::string& nick, int i)
{
    return "#o" + nick + std::to_string(100 + i);
}

// What each pipelined block must produce, in this order.
std::vector<std::string> expected_answers(const std::string& nick, int i)
{
    const auto chan = channel_of(nick, i);
    return {
        "JOIN " + chan,                     // its own JOIN, from the room
        "366 " + nick + " " + chan,         // end of the names that follow a JOIN
        "TOPIC " + chan + " :t" + std::to_string(i),  // the room's broadcast of its topic
        "366 " + nick + " " + chan,         // end of the NAMES it asked for
        "PRIVMSG " + chan + " :m" + std::to_string(i),  // the echo of its message
        "PONG",                             // and only then the PONG
    };
}

std::string block(const std::string& nick, int i)
{
    const auto n = std::to_string(i);
    const auto chan = channel_of(nick, i);
    return "JOIN " + chan + "\r\nTOPIC " + chan + " :t" + n + "\r\nNAMES " + chan + "\r\nPRIVMSG " + chan + " :m" + n
        + "\r\nPING :" + nick + "-" + n + "\r\n";
}

}  // namespace

TEST_CASE("order: pipelined JOIN TOPIC NAMES PRIVMSG PING are answered in order on every shard",
    "[integration][order]")
{
    constexpr int blocks = 40;
    server_process server({"--threads", "4", "--line-rate", "0", "--autojoin", ""});
    // Clients land on shards round-robin: four of them cover every shard, so
    // rooms (on the hub) answer members on shards other than their own.
    std::vector<std::unique_ptr<irc_client>> clients;
    for (int c = 0; c < 4; ++c) {
        clients.push_back(std::make_unique<irc_client>(server.port()));
        clients.back()->register_as("c" + std::to_string(c), "echo-message", "");
    }
    // Everything in one write per client, all clients at once.
    for (auto& c : clients) {
        std::string all;
        for (int i = 0; i < blocks; ++i)
            all += block(c->nick(), i);
        REQUIRE(c->send_raw(all) == all.size());
    }
    for (auto& c : clients) {
        for (int i = 0; i < blocks; ++i) {
            const auto answers = expected_answers(c->nick(), i);
            std::size_t next = 0;
            const auto pong = "PONG sala :" + c->nick() + "-" + std::to_string(i);
            // Read up to this block's PONG; its answers must all come before it, in order.
            for (;;) {
                const auto line = c->read_line(10s);
                INFO(c->nick() << " block " << i << ": " << c->transcript());
                REQUIRE(line.has_value());
                const auto bare = std::string(without_tags(*line));
                if (next < answers.size() && bare.find(answers[next]) != std::string::npos)
                    ++next;
                if (bare.find(pong) != std::string::npos)
                    break;
            }
            INFO(c->nick() << " block " << i << " answered " << next << " of " << answers.size() << " in order: "
                           << c->transcript());
            CHECK(next == answers.size());
        }
    }
    require_clean_exit(server);
}

TEST_CASE("order: once a sender's PONG is back, its channel messages have reached the other members",
    "[integration][order]")
{
    // With history on, a channel message waits for its write before anyone
    // sees it, and a sender without echo-message waits for nothing. A bot
    // that says something and then PINGs to know it was delivered must
    // still be right: the other member, asked after, already has the line.
    constexpr int rounds = 50;
    server_process server({"--threads", "4", "--line-rate", "0", "--autojoin", "#same"});
    irc_client sender(server.port()), reader(server.port());
    sender.register_as("sender", "", "#same");
    reader.register_as("reader", "", "#same");
    for (int i = 0; i < rounds; ++i) {
        const auto n = std::to_string(i);
        sender.send_line("PRIVMSG #same :line " + n);
        sender.send_line("PING :sent-" + n);
        sender.expect("PONG sala :sent-" + n);
        reader.send_line("PING :asked-" + n);
        bool seen = false;
        for (const auto& line : reader.collect_until("PONG sala :asked-" + n))
            seen = seen || line.ends_with(" PRIVMSG #same :line " + n);
        INFO("round " << i << ": " << reader.transcript());
        CHECK(seen);
    }
    require_clean_exit(server);
}
