// Hostile clients against a real chat-server. In every case three well-behaved
// clients share #lobby with the attacker: a publisher sends 100 numbered lines
// around the attack, and both other members must receive every one of them,
// complete and in order, and the server must exit cleanly afterwards.
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

constexpr int messages = 100;

// Generous enough for the publisher's 100 lines, low enough that floods hit it.
const std::vector<std::string> limits = {
    "--line-burst", "150", "--line-rate", "100", "--recvq", "4096", "--registration-timeout", "0.5"};

std::string numbered(int i) { return "PRIVMSG #lobby :seq " + std::to_string(i) + " of the good ones"; }

// Reads until all numbered lines arrived; fails on a gap, a repeat or disorder.
void expect_all_in_order(irc_client& member)
{
    int next = 0;
    while (next < messages) {
        const auto line = member.expect(" :seq ");
        const auto at = line.find(" :seq ") + 6;
        const int seq = std::stoi(line.substr(at));
        INFO(member.nick() << " got seq " << seq << " while expecting " << next);
        REQUIRE(seq == next);
        CHECK(line.find(" of the good ones") != std::string::npos);
        ++next;
    }
}

void room_survives(server_process& server, const std::function<void()>& attack)
{
    irc_client publisher(server.port()), first(server.port()), second(server.port());
    publisher.register_as("publisher");
    first.register_as("first");
    second.register_as("second");
    for (int i = 0; i < messages / 2; ++i)
        publisher.send_line(numbered(i));
    attack();
    for (int i = messages / 2; i < messages; ++i)
        publisher.send_line(numbered(i));
    expect_all_in_order(first);
    expect_all_in_order(second);
    // And the server still answers new work promptly.
    publisher.send_line("PING :still-there");
    publisher.expect("PONG");
}

std::string random_bytes(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> byte(0, 255);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(byte(rng));
    return out;
}

}  // namespace

TEST_CASE("hostile: overlong lines garbage NUL bytes and invalid UTF-8", "[integration][hostile]")
{
    server_process server(limits);
    irc_client attacker(server.port());
    attacker.register_as("attacker");
    room_survives(server, [&] {
        for (int i = 0; i < 10; ++i)
            attacker.send_raw("PRIVMSG #lobby :" + std::string(5000, 'x') + "\r\n");
        attacker.expect(" 417 attacker :Input line was too long");
        attacker.send_raw("PRIVMSG #lobby :\xff\xfe\xc0\x80 bad utf-8\r\n");
        attacker.expect("FAIL PRIVMSG INVALID_UTF8");
        attacker.send_raw("PRIVMSG #lobby :nul\0inside\r\n"s);
        attacker.send_raw(random_bytes(16 * 1024, 1));
    });
    require_clean_exit(server);
}

TEST_CASE("hostile: escape sequences and C1 controls never reach other members", "[integration][hostile]")
{
    server_process server(limits);
    irc_client attacker(server.port()), watcher(server.port());
    attacker.register_as("attacker");
    watcher.register_as("watcher");
    room_survives(server, [&] {
        attacker.send_line("PRIVMSG #lobby :a\x1b[2Jb\x1b]0;pwned\x07" "c\xc2\x9b" "31md\x7f" "e");
    });
    const auto seen = watcher.expect("PRIVMSG #lobby :a");
    CHECK(seen.find('\x1b') == std::string::npos);
    CHECK(seen.find('\x07') == std::string::npos);
    CHECK(seen.find("\xc2\x9b") == std::string::npos);
    CHECK(seen.find('\x7f') == std::string::npos);
    CHECK(seen.find("a[2Jb]0;pwnedc31mde") != std::string::npos);
    require_clean_exit(server);
}

TEST_CASE("hostile: ten thousand empty lines", "[integration][hostile]")
{
    server_process server(limits);
    irc_client attacker(server.port());
    attacker.register_as("attacker");
    room_survives(server, [&] {
        std::string empties;
        for (int i = 0; i < 10000; ++i)
            empties += "\r\n";
        attacker.send_raw(empties);
    });
    require_clean_exit(server);
}

TEST_CASE("hostile: half a line then silence and a connection that never registers", "[integration][hostile]")
{
    server_process server(limits);
    irc_client slowloris(server.port()), mute(server.port());
    slowloris.send_raw("NICK slow\r\nUSER slow 0 * :S");  // the USER line never ends
    room_survives(server, [] {});
    // Both are dropped at the registration timeout, without touching the room.
    CHECK(slowloris.wait_closed(5s));
    CHECK(mute.wait_closed(5s));
    CHECK(server.wait_for_log("Registration timeout"));
    require_clean_exit(server);
}

TEST_CASE("hostile: flooding JOIN PART and NICK changes", "[integration][hostile]")
{
    server_process server(limits);
    irc_client attacker(server.port());
    attacker.register_as("attacker");
    room_survives(server, [&] {
        std::string flood;
        for (int i = 0; i < 3000; ++i)
            flood += "JOIN #spam" + std::to_string(i % 50) + "\r\nPART #spam" + std::to_string(i % 50)
                + "\r\nNICK attacker" + std::to_string(i) + "\r\n";
        attacker.send_raw(flood);
    });
    CHECK(attacker.wait_closed(5s));
    CHECK(server.wait_for_log("Excess Flood"));
    require_clean_exit(server);
}

TEST_CASE("hostile: connections from one address beyond the limit are refused", "[integration][hostile]")
{
    // The crowd never registers: with the suite's short registration timeout,
    // a slow machine would drop the first ones and free their slots for
    // later ones, so this server waits the default 30 s.
    const std::vector<std::string> args = {
        "--line-burst", "150", "--line-rate", "100", "--recvq", "4096", "--max-per-ip", "8"};
    server_process server(args);
    std::vector<std::unique_ptr<irc_client>> crowd;
    room_survives(server, [&] {
        // Three good members are already connected: five more fit, the rest are turned away.
        for (int i = 0; i < 20; ++i)
            crowd.push_back(std::make_unique<irc_client>(server.port()));
        // Connected is not yet accepted: the crowd waits in the listen backlog.
        // Wait until the server has turned 15 away, before the good members
        // leave and free their slots for the stragglers.
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        auto refusals = [&] {
            const auto log = server.log_text();
            std::size_t n = 0;
            for (auto at = log.find("refuse 127.0.0.1"); at != std::string::npos; at = log.find("refuse 127.0.0.1", at + 1))
                ++n;
            return n;
        };
        while (refusals() < 15 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
    });
    int refused = 0;
    for (auto& c : crowd)  // the refused ones have their ERROR line and EOF by now
        if (c->wait_closed(500ms) && c->saw("Too many connections"))
            ++refused;
    CHECK(refused == 15);
    require_clean_exit(server);
}

TEST_CASE("hostile: a client that resets its connection mid-write", "[integration][hostile]")
{
    server_process server(limits);
    room_survives(server, [&] {
        for (int i = 0; i < 20; ++i) {
            irc_client rude(server.port());
            rude.register_as("rude" + std::to_string(i));
            rude.send_raw("PRIVMSG #lobby :about to vanish\r\nWHO #lobby\r\nLIST\r\nPRIVMSG #lobby :half");
            const linger hard{1, 0};  // close with RST, not FIN
            ::setsockopt(rude.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            rude.close();
        }
    });
    require_clean_exit(server);
}

namespace {

// The bound the server advertises for each list (ISUPPORT MAXLIST=b:N,e:N,I:N).
std::size_t advertised_list_bound(const std::vector<std::string>& registration)
{
    for (const auto& line : registration)
        if (const auto at = line.find(" MAXLIST=b:"); at != std::string::npos)
            return std::stoul(line.substr(at + 11));
    FAIL("no MAXLIST=b:N in the 005 lines");
    return 0;
}

// The entries `asker` is sent for "MODE #lobby <letter>", up to the list's end.
std::size_t list_length(irc_client& asker, char letter, std::string_view entry_code, std::string_view end_code)
{
    asker.send_line(std::string("MODE #lobby ") + letter);
    std::size_t entries = 0;
    for (const auto& line : asker.collect_until(" " + std::string(end_code) + " "))
        if (line.find(" " + std::string(entry_code) + " ") != std::string::npos)
            ++entries;
    return entries;
}

}  // namespace

TEST_CASE("hostile: a channel operator flooding MODE changes", "[integration][hostile]")
{
    server_process server(limits);
    // The first to join #lobby is its operator: the flood is one the server
    // must carry out, not merely refuse.
    irc_client attacker(server.port());
    const auto bound = advertised_list_bound(attacker.register_as("attacker"));
    room_survives(server, [&] {
        std::string flood;
        for (int i = 0; i < 2000; ++i) {
            flood += "MODE #lobby +bbbbbb";
            for (int j = 0; j < 6; ++j)
                flood += " *!*@10." + std::to_string(i % 250) + "." + std::to_string(j) + "." + std::to_string(i / 250);
            flood += "\r\nMODE #lobby +v-v+l-l first first 1000\r\nMODE #lobby -b *!*@10." + std::to_string(i % 250)
                + ".0." + std::to_string(i / 250) + "\r\n";
        }
        attacker.send_raw(flood);
    });
    // Cut off for flooding, and whatever took effect before that stays bounded.
    CHECK(attacker.wait_closed(5s));
    CHECK(server.wait_for_log("Excess Flood"));
    irc_client observer(server.port());
    observer.register_as("observer");
    CHECK(list_length(observer, 'b', "367", "368") <= bound);
    require_clean_exit(server);
}

TEST_CASE("hostile: ban, exception and invite lists stop growing at their bound", "[integration][hostile]")
{
    server_process server(limits);
    irc_client attacker(server.port());
    const auto bound = advertised_list_bound(attacker.register_as("attacker"));
    REQUIRE(bound < 204);
    std::size_t refusals = 0;
    room_survives(server, [&] {
        // Within the flood limit (the burst is 150 lines), each line asks for
        // six long masks in one list: three times what the lists may hold.
        for (const char letter : {'b', 'e', 'I'}) {
            std::string lines;
            for (int i = 0; i < 34; ++i) {
                lines += "MODE #lobby +" + std::string(6, letter);
                for (int j = 0; j < 6; ++j)
                    lines += " *!" + std::string(40, 'u') + "@" + std::string(20, letter) + std::to_string(i * 6 + j) + ".example";
                lines += "\r\n";
            }
            attacker.send_raw(lines);
            attacker.send_line("PING :after-" + std::string(1, letter));
            for (const auto& line : attacker.collect_until("PONG"))
                if (line.find(" 478 attacker #lobby ") != std::string::npos)
                    ++refusals;
        }
    });
    // 204 asked of each list, 100 taken: every one over the bound refused, none kept.
    CHECK(refusals == 3 * (204 - bound));
    CHECK(list_length(attacker, 'b', "367", "368") == bound);
    CHECK(list_length(attacker, 'e', "348", "349") == bound);
    CHECK(list_length(attacker, 'I', "346", "347") == bound);
    require_clean_exit(server);
}
