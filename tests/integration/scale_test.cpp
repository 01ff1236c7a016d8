// Scale (issue 6): a JOIN into a room of thousands costs O(n) traffic and does
// not stall other rooms; thousands of channels work side by side. Thousands of
// clients run on one io_context (support/crowd), not a thread each.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "common/fd_limit.hpp"
#include "support/catch.hpp"
#include "support/crowd.hpp"
#include "support/server_process.hpp"

using namespace sala::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

// How long a wait may go without any progress before the test fails. Waits
// for a whole storm are otherwise unbounded but for `wait_limit`: how long a
// storm takes depends on the build and the machine, but it never stalls.
constexpr auto stall_limit = 30s;
constexpr auto wait_limit = 15min;

// Members of the big room: 10,000 unless SALA_SCALE_MEMBERS says otherwise
// (tests/integration/CMakeLists.txt sets it lower for Debug and sanitizer
// builds: they run 5-20 times slower, and a storm costs n² lines).
std::size_t big_room_size()
{
    const char* env = std::getenv("SALA_SCALE_MEMBERS");
    std::size_t n = 10000;
    if (env != nullptr)
        std::from_chars(env, env + std::string_view(env).size(), n);
    return n;
}

std::string nick_of(std::size_t i)
{
    std::string digits = std::to_string(i);
    return "m" + std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') + digits;
}

std::string greeting(const std::string& nick, const std::vector<std::string>& join_lines, bool echo = false)
{
    std::string g = echo ? "CAP REQ :echo-message\r\n" : "";
    g += "NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n";
    if (echo)
        g += "CAP END\r\n";
    for (const auto& j : join_lines)
        g += j + "\r\n";
    return g;
}

// The command of a server line (":prefix CMD ..."), or "" when there is none.
std::string_view command_of(std::string_view line)
{
    if (!line.starts_with(':'))
        return {};
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos)
        return {};
    line.remove_prefix(sp + 1);
    return line.substr(0, line.find(' '));
}

std::string_view trailing_of(std::string_view line)
{
    const auto colon = line.find(" :");
    return colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 2);
}

std::size_t to_size(std::string_view s)
{
    std::size_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// Three clients in a small room, each saying numbered lines on a schedule;
// every line must reach the other two, complete, in order and soon. They run
// on a thread and io_context of their own, so the time the test spends
// reading the big room's storm does not count as their latency.
struct small_room {
    static constexpr std::size_t talkers = 3;
    static constexpr auto interval = 20ms;
    // 10 minutes of talk at most: longer than any storm a passing run takes.
    static constexpr std::size_t max_per_talker = 30000;

    std::atomic<bool> storm{false};    // set by the test while the storm runs
    std::atomic<bool> stop{false};     // set by the test: stop talking, drain
    std::atomic<bool> talking{false};  // set here once all three are in the room
    std::size_t ready = 0;  // talkers that have their 366
    std::size_t sent_during_storm = 0;
    bool drained = false;
    std::size_t closed = 0;
    std::string error;
    std::vector<std::vector<clock_type::time_point>> sent_at = std::vector<std::vector<clock_type::time_point>>(talkers);
    // next_seq[to][from]: the number `to` expects next from `from`
    std::vector<std::vector<std::size_t>> next_seq =
        std::vector<std::vector<std::size_t>>(talkers, std::vector<std::size_t>(talkers, 0));
    std::size_t out_of_order = 0;
    std::size_t received = 0;
    clock_type::duration worst = {};

    void on_line(std::size_t to, std::string_view line)
    {
        const auto cmd = command_of(line);
        if (cmd == "366") {
            ++ready;
            return;
        }
        if (cmd != "PRIVMSG")
            return;
        // "t<from> <seq>"
        const auto text = trailing_of(line);
        const auto sp = text.find(' ');
        if (!text.starts_with('t') || sp == std::string_view::npos)
            return;
        const auto from = to_size(text.substr(1, sp - 1));
        const auto seq = to_size(text.substr(sp + 1));
        if (from >= talkers || seq >= sent_at[from].size()) {
            ++out_of_order;
            return;
        }
        ++received;
        worst = std::max(worst, clock_type::now() - sent_at[from][seq]);
        if (seq != next_seq[to][from])
            ++out_of_order;
        next_seq[to][from] = seq + 1;
    }

    [[nodiscard]] bool all_arrived() const
    {
        for (std::size_t to = 0; to < talkers; ++to)
            for (std::size_t from = 0; from < talkers; ++from)
                if (from != to && next_seq[to][from] != sent_at[from].size())
                    return false;
        return true;
    }

    // The thread's body: join, talk until told to stop, then wait for the
    // last lines. Results are read after the thread is joined.
    void run(std::uint16_t port)
    {
        crowd people(port, [this](std::size_t who, std::string_view line) { on_line(who, line); });
        for (std::size_t t = 0; t < talkers; ++t)
            people.open("NICK talker" + std::to_string(t) + "\r\nUSER t 0 * :t\r\nJOIN #small\r\n");
        if (!people.run_until([&] { return ready == talkers || people.closed() > 0; }, 10s)) {
            error = "the talkers did not get into #small";
            talking = true;
            return;
        }
        talking = true;
        boost::asio::steady_timer tick(people.context());
        std::size_t turn = 0;
        bool done = false;
        std::function<void()> talk = [&] {
            const auto from = turn++ % talkers;
            if (stop || sent_at[from].size() >= max_per_talker) {
                done = true;
                return;
            }
            const auto seq = sent_at[from].size();
            sent_at[from].push_back(clock_type::now());
            people.send(from, "PRIVMSG #small :t" + std::to_string(from) + " " + std::to_string(seq));
            if (storm)
                ++sent_during_storm;
            tick.expires_after(interval / talkers);
            tick.async_wait([&](boost::system::error_code ec) {
                if (!ec)
                    talk();
            });
        };
        talk();
        // Bounded: the test sets `stop` once its own bounded waits are over.
        people.run_until([&] { return stop || people.closed() > 0; }, 2 * wait_limit);
        drained = people.run_while_progressing([&] { return (done && all_arrived()) || people.closed() > 0; },
                      [&] { return received; }, stall_limit, wait_limit)
            && people.closed() == 0;
        closed = people.closed();
        if (closed > 0)
            error = people.first_error();
    }
};

}  // namespace

TEST_CASE("scale: one more JOIN into a room of thousands costs one line per member, and other rooms flow",
    "[integration][scale]")
{
    const std::size_t n = big_room_size();
    const auto fds = sala::raise_open_file_limit();
    REQUIRE(fds > n + small_room::talkers + 100);
    server_process server({"--line-rate", "0", "--max-per-ip", "100000", "--autojoin", ""});

    struct member {
        bool joined = false;
        bool past_first_marker = false;
        bool past_second_marker = false;
        std::size_t lines_between = 0;  // lines between the two markers
        std::size_t newcomer_joins = 0;
        std::string other;  // a line between the markers that is not the newcomer's JOIN
    };
    std::vector<member> big(n);
    small_room chat;
    const std::size_t first_big = 0;  // crowd index of big member 0
    std::size_t newcomer = 0;                           // crowd index, set when it connects
    std::size_t joined = 0, past_first = 0, past_second = 0, opened = 0;

    struct newcomer_view {
        std::size_t lines = 0;
        std::size_t own_join_at = 0;  // 1-based line number of its JOIN, 0: none yet
        std::size_t first_names_at = 0;
        std::size_t longest_names_line = 0;
        std::set<std::string> names;
        bool end_of_names = false;
    } fresh;

    const std::string first_marker = "PRIVMSG #big :marker-1";
    const std::string second_marker = "PRIVMSG #big :marker-2";
    crowd people(server.port(), [&](std::size_t who, std::string_view line) {
        if (newcomer != 0 && who == newcomer) {
            ++fresh.lines;
            const auto cmd = command_of(line);
            if (cmd == "JOIN" && line.starts_with(":newcomer!") && fresh.own_join_at == 0)
                fresh.own_join_at = fresh.lines;
            if (cmd == "353") {
                if (fresh.first_names_at == 0)
                    fresh.first_names_at = fresh.lines;
                fresh.longest_names_line = std::max(fresh.longest_names_line, line.size() + 2);  // + CR LF
                auto nicks = trailing_of(line);
                while (!nicks.empty()) {
                    const auto sp = nicks.find(' ');
                    // Without the status prefix: whoever opened #big is its operator.
                    auto nick = nicks.substr(0, sp);
                    if (nick.starts_with('@'))
                        nick.remove_prefix(1);
                    fresh.names.emplace(nick);
                    nicks = sp == std::string_view::npos ? std::string_view{} : nicks.substr(sp + 1);
                }
            }
            if (cmd == "366")
                fresh.end_of_names = true;
            return;
        }
        auto& m = big[who - first_big];
        if (!m.joined) {
            if (command_of(line) != "366")
                return;
            m.joined = true;
            ++joined;
            if (opened < n) {  // keep a bounded number of joins in flight
                people.open(greeting(nick_of(opened), {"JOIN #big"}, true));
                ++opened;
            }
            return;
        }
        if (!m.past_first_marker) {
            if (line.ends_with(first_marker)) {
                m.past_first_marker = true;
                ++past_first;
            }
            return;
        }
        if (m.past_second_marker)
            return;
        if (line.ends_with(second_marker)) {
            m.past_second_marker = true;
            ++past_second;
            return;
        }
        ++m.lines_between;
        if (command_of(line) == "JOIN" && line.starts_with(":newcomer!"))
            ++m.newcomer_joins;
        else if (m.other.empty())
            m.other = std::string(line);
    });

    std::thread talkers([&chat, port = server.port()] { chat.run(port); });
    auto stop_talkers = [&] {
        chat.stop = true;
        if (talkers.joinable())
            talkers.join();
    };
    // A failed REQUIRE leaves by exception: the thread must be joined then too.
    struct at_exit {
        decltype(stop_talkers)& f;
        ~at_exit() { f(); }
    } guard{stop_talkers};
    while (!chat.talking)
        std::this_thread::yield();  // bounded: run() sets it within its 10 s setup wait
    REQUIRE(chat.error.empty());
    chat.storm = true;

    // The storm: n members join #big, a bounded number at a time.
    const auto storm_start = clock_type::now();
    const std::size_t in_flight = std::min<std::size_t>(n, 1000);
    for (; opened < in_flight; ++opened)
        people.open(greeting(nick_of(opened), {"JOIN #big"}, true));
    const bool built = people.run_while_progressing([&] { return joined == n || people.closed() > 0; },
        [&] { return joined; }, stall_limit, wait_limit);
    chat.storm = false;
    const auto storm_s = std::chrono::duration<double>(clock_type::now() - storm_start).count();
    INFO(n << " members; " << joined << " joined in " << storm_s << " s; " << people.first_error());
    REQUIRE(built);
    REQUIRE(people.closed() == 0);

    // All JOINs are in the room's stream before this marker, so a member that
    // has seen it has seen every JOIN of the storm.
    people.send(first_big, first_marker);
    REQUIRE(people.run_while_progressing([&] { return past_first == n || people.closed() > 0; },
        [&] { return past_first; }, stall_limit, wait_limit));
    REQUIRE(people.closed() == 0);

    newcomer = people.open(greeting("newcomer", {"JOIN #big"}));
    REQUIRE(people.run_while_progressing([&] { return fresh.end_of_names || people.closed() > 0; },
        [&] { return fresh.lines; }, stall_limit, wait_limit));
    people.send(newcomer, second_marker);
    REQUIRE(people.run_while_progressing([&] { return past_second == n || people.closed() > 0; },
        [&] { return past_second; }, stall_limit, wait_limit));
    REQUIRE(people.closed() == 0);
    stop_talkers();

    // (a) One line per member for one JOIN: O(n) traffic.
    std::size_t wrong = 0;
    std::string example;
    for (const auto& m : big) {
        if (m.lines_between != 1 || m.newcomer_joins != 1) {
            ++wrong;
            if (example.empty())
                example = std::to_string(m.lines_between) + " lines, e.g. " + m.other;
        }
    }
    INFO("members with other than one JOIN line: " << wrong << " (" << example << ")");
    CHECK(wrong == 0);

    // (b) The newcomer: its JOIN first, then NAMES with everyone, in short lines.
    CHECK(fresh.own_join_at != 0);
    CHECK(fresh.own_join_at < fresh.first_names_at);
    CHECK(fresh.longest_names_line <= 512);
    CHECK(fresh.names.size() == n + 1);
    CHECK(fresh.names.contains("newcomer"));
    CHECK(fresh.names.contains(nick_of(0)));
    CHECK(fresh.names.contains(nick_of(n - 1)));

    // (c) The small room kept talking through the storm, every line in order
    // and soon. "Soon" is measured against the storm in the same run: a room
    // that waited behind the storm would wait for most of it, so a quarter of
    // the storm's length (and at least 2 s) is a generous bound that no
    // machine's speed decides.
    const auto soon = std::max<clock_type::duration>(2s, std::chrono::duration_cast<clock_type::duration>(
                                                              std::chrono::duration<double>(storm_s / 4)));
    INFO("small room: " << chat.sent_during_storm << " lines during the storm, worst latency "
                        << std::chrono::duration<double>(chat.worst).count() << " s (bound "
                        << std::chrono::duration<double>(soon).count() << " s); " << chat.error);
    CHECK(chat.sent_during_storm >= 5);
    CHECK(chat.drained);
    CHECK(chat.out_of_order == 0);
    CHECK(chat.worst < soon);
    require_clean_exit(server);
}

TEST_CASE("scale: two thousand channels side by side, each client in a hundred", "[integration][scale]")
{
    // 20 pairs of clients; each pair shares its own 100 channels. The default
    // channel limit per client (100) is used to the full.
    constexpr std::size_t pairs = 20, per_client = 100, names_per_join = 25;
    server_process server({"--line-rate", "0", "--autojoin", ""});
    auto channel = [](std::size_t pair, std::size_t k) {
        return "#r" + std::to_string(pair) + "-" + std::to_string(k);
    };

    struct client {
        std::size_t end_of_names = 0;
        std::set<std::size_t> heard;  // channels whose line from the partner arrived
        std::size_t misrouted = 0;
        std::size_t listed = 0;
        bool list_done = false;
    };
    std::vector<client> clients(2 * pairs);
    crowd room(server.port(), [&](std::size_t who, std::string_view line) {
        auto& c = clients[who];
        const auto cmd = command_of(line);
        if (cmd == "366") {
            ++c.end_of_names;
        } else if (cmd == "322") {
            ++c.listed;
        } else if (cmd == "323") {
            c.list_done = true;
        } else if (cmd == "PRIVMSG") {
            // ":<nick>!... PRIVMSG #r<p>-<k> :from <k>"
            const auto target_at = line.find(" PRIVMSG ") + 9;
            const auto target = line.substr(target_at, line.find(' ', target_at) - target_at);
            const auto k = to_size(trailing_of(line).substr(5));
            if (target != channel(who / 2, k))
                ++c.misrouted;
            c.heard.insert(k);
        }
    });
    for (std::size_t i = 0; i < 2 * pairs; ++i) {
        std::vector<std::string> joins;
        for (std::size_t k = 0; k < per_client; k += names_per_join) {
            std::string line = "JOIN ";
            for (std::size_t j = k; j < k + names_per_join; ++j)
                line += (j == k ? "" : ",") + channel(i / 2, j);
            joins.push_back(line);
        }
        room.open(greeting("c" + std::to_string(i), joins));
    }
    auto all = [&](auto pred) {
        return std::all_of(clients.begin(), clients.end(), pred) || room.closed() > 0;
    };
    REQUIRE(room.run_until([&] { return all([](const client& c) { return c.end_of_names == per_client; }); }, 20s));
    REQUIRE(room.closed() == 0);

    for (std::size_t i = 0; i < 2 * pairs; ++i)
        for (std::size_t k = 0; k < per_client; ++k)
            room.send(i, "PRIVMSG " + channel(i / 2, k) + " :from " + std::to_string(k));
    room.send(0, "LIST");
    REQUIRE(room.run_until([&] {
        return all([](const client& c) { return c.heard.size() == per_client; }) && clients[0].list_done;
    }, 20s));
    REQUIRE(room.closed() == 0);
    for (const auto& c : clients)
        CHECK(c.misrouted == 0);
    CHECK(clients[0].listed == pairs * per_client);
    require_clean_exit(server);
}
