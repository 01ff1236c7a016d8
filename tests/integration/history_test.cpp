// History as a user notices it, against the real chat-server on real SQLite
// files in a temp directory: replay on join, CHATHISTORY over the wire, what
// survives kill -9, a full disk, --no-history and pruning.
//
// Every wait is for a line or a condition, bounded. A line is known to be
// stored once its sender's echo (echo-message) or another member's copy has
// arrived: a room writes a batch before it fans it out.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "core/history.hpp"
#include "http_client.hpp"
#include "store/sqlite/history_chunk.hpp"
#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

namespace json = boost::json;
using namespace sala::test;
using namespace std::chrono_literals;
using sala::core::history_kind;

namespace {

// What each kind of client asks for.
constexpr const char* talker_caps = "echo-message server-time message-tags";
constexpr const char* batch_caps = "batch server-time message-tags";
constexpr const char* history_caps = "draft/chathistory batch server-time message-tags";

// A server on `dir`'s database; no line-rate limit, so a test may send many lines at once.
std::vector<std::string> on_db(const temp_dir& dir, std::vector<std::string> extra = {})
{
    std::vector<std::string> args = {"--db", dir.file("history.db"), "--line-rate", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// A chat line as the server relays it, without tags.
std::string relayed(const std::string& nick, std::string_view command, std::string_view target, std::string_view text)
{
    return ":" + nick + "!" + nick + "@127.0.0.1 " + std::string(command) + " " + std::string(target) + " :"
        + std::string(text);
}

// A line as its sender's echo showed it.
struct said {
    std::string body;  // without tags
    std::string msgid;
    std::string time;
};

// `who` (with echo-message, server-time and message-tags) sends `count`
// lines "<prefix> <i>" to `target` at once, then reads their echoes: once
// they are in, every line is stored.
std::vector<said> say(irc_client& who, const std::string& target, const std::string& prefix, int count,
    std::string_view command = "PRIVMSG")
{
    for (int i = 0; i < count; ++i)
        who.send_line(std::string(command) + " " + target + " :" + prefix + " " + std::to_string(i));
    std::vector<said> out;
    for (int i = 0; i < count; ++i) {
        const auto body = relayed(who.nick(), command, target, prefix + " " + std::to_string(i));
        const auto echo = who.expect([&](const std::string& l) { return without_tags(l) == body; }, default_timeout,
            "the echo of " + body);
        out.push_back({body, tag_value(echo, "msgid").value_or(""), tag_value(echo, "time").value_or("")});
        INFO(echo);
        REQUIRE_FALSE(out.back().msgid.empty());
        REQUIRE_FALSE(out.back().time.empty());
    }
    return out;
}

std::vector<std::string> bodies_of(const std::vector<said>& lines, std::size_t from, std::size_t to)
{
    std::vector<std::string> out;
    for (auto i = from; i < to; ++i)
        out.push_back(lines[i].body);
    return out;
}

// One batch as the client received it.
struct batch_read {
    std::string type;                // "chathistory", "draft/chathistory-targets"
    std::string target;              // the batch's parameter, if any
    std::vector<std::string> lines;  // the lines inside, tags included
    [[nodiscard]] std::vector<std::string> bodies() const
    {
        std::vector<std::string> out;
        for (const auto& l : lines)
            out.emplace_back(without_tags(l));
        return out;
    }
};

// The next line must open a batch; reads it to its end. Every line in
// between must be tagged with the batch (nothing else is going on in these
// tests' rooms when they read one).
batch_read read_batch(irc_client& c)
{
    const auto open = c.read_line();
    REQUIRE(open.has_value());
    INFO("the line that should open a batch: " << *open);
    const auto open_body = std::string(without_tags(*open));
    REQUIRE(open_body.starts_with(":sala BATCH +"));
    std::istringstream words(open_body.substr(std::string_view(":sala BATCH +").size()));
    std::string ref;
    batch_read batch;
    words >> ref >> batch.type >> batch.target;
    for (;;) {
        const auto line = c.read_line();
        INFO("client " << c.nick() << ":\n" << c.transcript());
        REQUIRE(line.has_value());
        if (without_tags(*line) == ":sala BATCH -" + ref)
            return batch;
        CHECK(tag_value(*line, "batch") == ref);
        batch.lines.push_back(*line);
    }
}

batch_read chathistory(irc_client& c, const std::string& params)
{
    c.send_line("CHATHISTORY " + params);
    return read_batch(c);
}

// The lines a client receives before the answer to a PING it sends now.
std::vector<std::string> lines_before_pong(irc_client& c, const std::string& token = "barrier")
{
    c.send_line("PING :" + token);
    auto lines = c.collect_until("PONG");
    CHECK(trailing(lines.back()) == token);
    lines.pop_back();
    return lines;
}

std::size_t occurrences(const std::string& text, std::string_view needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++n;
    return n;
}

std::size_t count_containing(const std::vector<std::string>& lines, std::string_view needle)
{
    return static_cast<std::size_t>(std::count_if(
        lines.begin(), lines.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
}

// Milliseconds since the Unix epoch, now, and as server-time text.
std::int64_t unix_ms_now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string iso_time(std::int64_t ms)
{
    const auto seconds = static_cast<std::time_t>(ms / 1000);
    std::tm t{};
    gmtime_r(&seconds, &t);
    char text[80];  // room for any int the compiler imagines
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
        t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(ms % 1000));
    return text;
}

// A history database file opened beside the server, to plant rows in it (the
// server stopped) or watch them go (the server running: WAL lets both read).
class sqlite_file {
public:
    explicit sqlite_file(const std::string& path)
    {
        const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
        INFO(path << ": " << sqlite3_errmsg(db_));
        REQUIRE(rc == SQLITE_OK);
        sqlite3_busy_timeout(db_, 10000);
    }
    ~sqlite_file() { sqlite3_close(db_); }
    sqlite_file(const sqlite_file&) = delete;
    sqlite_file& operator=(const sqlite_file&) = delete;

    // A line as the server would have written it, alone in its chunk
    // (store/sqlite/history_chunk.hpp): its id is its time in milliseconds
    // times 65,536 plus a count.
    void insert(const std::string& target, const std::string& msgid, std::int64_t time_ms, history_kind kind,
        const std::string& line)
    {
        sala::store::sqlite::chunk_builder builder;
        builder.add({target, msgid, time_ms, kind, line, "", "", (time_ms << 16) + planted_++});
        const auto c = builder.take();
        sqlite3_stmt* s = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, "INSERT INTO history_chunk (last_id, target, first_id, lines, body)"
                                        " VALUES (?, ?, ?, ?, ?)", -1, &s, nullptr)
            == SQLITE_OK);
        sqlite3_bind_int64(s, 1, c.last_id);
        sqlite3_bind_text(s, 2, c.target.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, c.first_id);
        sqlite3_bind_int64(s, 4, c.lines);
        sqlite3_bind_blob(s, 5, c.body.data(), static_cast<int>(c.body.size()), SQLITE_TRANSIENT);
        const int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        INFO(sqlite3_errmsg(db_));
        REQUIRE(rc == SQLITE_DONE);
    }

    // Every stored line of every room, oldest first within a room.
    std::vector<sala::core::history_entry> lines()
    {
        std::vector<sala::core::history_entry> out;
        sqlite3_stmt* s = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, "SELECT target, first_id, body FROM history_chunk ORDER BY target, last_id",
                    -1, &s, nullptr)
            == SQLITE_OK);
        int rc = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const std::string target(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
            const std::string_view body(static_cast<const char*>(sqlite3_column_blob(s, 2)),
                static_cast<std::size_t>(sqlite3_column_bytes(s, 2)));
            auto chunk = sala::store::sqlite::decode_chunk(target, sqlite3_column_int64(s, 1), body);
            out.insert(out.end(), chunk.begin(), chunk.end());
        }
        sqlite3_finalize(s);
        REQUIRE(rc == SQLITE_DONE);
        return out;
    }

    std::vector<std::string> msgids_of(const std::string& target)
    {
        std::vector<std::string> out;
        for (const auto& e : lines())
            if (e.target == target)
                out.push_back(e.msgid);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
    std::int64_t planted_ = 0;  // keeps planted ids apart within a millisecond
};

// Creates the database with the server's own schema: started once and stopped.
void create_database(const temp_dir& dir)
{
    server_process first(on_db(dir));
    require_clean_exit(first);
}

// A server whose /status can be read. Its port is picked free just before
// the start; another process could take it meanwhile, so a start that
// failed for that reason is tried again with another port.
struct status_server {
    std::uint16_t http_port = 0;
    std::unique_ptr<server_process> server;

    explicit status_server(launch_options options)
    {
        for (int attempt = 0;; ++attempt) {
            http_port = free_loopback_port();
            auto with_status = options;
            with_status.args.insert(with_status.args.end(), {"--status-port", std::to_string(http_port)});
            try {
                server = std::make_unique<server_process>(with_status);
                return;
            } catch (const std::runtime_error& e) {
                if (attempt == 4 || std::string_view(e.what()).find("cannot serve status") == std::string_view::npos)
                    throw;
            }
        }
    }

    [[nodiscard]] json::object history() const
    {
        const auto reply = http_get(http_port, "/status");
        REQUIRE(reply.status == 200);
        return json::parse(reply.body).as_object().at("history").as_object();
    }
};

std::int64_t field(const json::object& o, std::string_view key) { return o.at(key).to_number<std::int64_t>(); }

// Polls `condition` until it holds or `timeout` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 10s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

}  // namespace

// ---- replay on join --------------------------------------------------------------

TEST_CASE("history: a joiner with batch gets the last lines in a chathistory batch after 366, with time and msgid",
    "[integration][chathistory][replay]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto lines = say(alice, "#lobby", "line", 25);

    irc_client bob(server.port());
    const auto greeting = bob.register_as("bob", batch_caps);
    // Nothing of the replay before the end of NAMES...
    CHECK(count_containing(greeting, "BATCH") == 0);
    CHECK(count_containing(greeting, " PRIVMSG ") == 0);
    // ...and right after it, the default 20 lines, oldest first, as they were sent.
    const auto batch = read_batch(bob);
    CHECK(batch.type == "chathistory");
    CHECK(batch.target == "#lobby");
    CHECK(batch.bodies() == bodies_of(lines, 5, 25));
    REQUIRE(batch.lines.size() == 20);
    for (std::size_t i = 0; i < batch.lines.size(); ++i) {
        INFO(batch.lines[i]);
        CHECK(tag_value(batch.lines[i], "msgid") == lines[5 + i].msgid);
        CHECK(tag_value(batch.lines[i], "time") == lines[5 + i].time);
    }
    // The joiner's room goes on live after the replay.
    alice.send_line("PRIVMSG #lobby :live again");
    CHECK(without_tags(bob.expect("live again")) == relayed("alice", "PRIVMSG", "#lobby", "live again"));
    require_clean_exit(server);
}

TEST_CASE("history: a joiner without batch gets the replay as plain lines, with time if it asked for server-time",
    "[integration][chathistory][replay]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto lines = say(alice, "#lobby", "line", 3);

    irc_client plain(server.port());
    plain.register_as("plain");
    // The replay is sent with the 366, so it is in before the PONG.
    const auto replay = lines_before_pong(plain);
    CHECK(replay == bodies_of(lines, 0, 3));

    irc_client timed(server.port());
    timed.register_as("timed", "server-time");
    const auto timed_replay = lines_before_pong(timed);
    REQUIRE(timed_replay.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        INFO(timed_replay[i]);
        CHECK(without_tags(timed_replay[i]) == lines[i].body);
        CHECK(tag_value(timed_replay[i], "time") == lines[i].time);
        CHECK_FALSE(tag_value(timed_replay[i], "msgid").has_value());  // no message-tags asked for
    }
    require_clean_exit(server);
}

TEST_CASE("history: a draft/chathistory client gets no replay on join but can ask", "[integration][chathistory][replay]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto lines = say(alice, "#lobby", "line", 3);

    irc_client asker(server.port());
    const auto greeting = asker.register_as("asker", history_caps);
    CHECK(count_containing(greeting, " PRIVMSG ") == 0);
    const auto after_join = lines_before_pong(asker);
    CHECK(after_join.empty());
    // There was something to replay: asked for, it comes.
    CHECK(chathistory(asker, "LATEST #lobby * 10").bodies() == bodies_of(lines, 0, 3));
    require_clean_exit(server);
}

TEST_CASE("history: --replay-lines sets how many lines a joiner gets, 0 none", "[integration][chathistory][replay]")
{
    temp_dir dir;
    SECTION("3 lines")
    {
        server_process server(on_db(dir, {"--replay-lines", "3"}));
        irc_client alice(server.port());
        alice.register_as("alice", talker_caps);
        const auto lines = say(alice, "#lobby", "line", 10);
        irc_client bob(server.port());
        bob.register_as("bob", batch_caps);
        CHECK(read_batch(bob).bodies() == bodies_of(lines, 7, 10));
        require_clean_exit(server);
    }
    SECTION("none")
    {
        server_process server(on_db(dir, {"--replay-lines", "0"}));
        irc_client alice(server.port());
        alice.register_as("alice", talker_caps);
        const auto lines = say(alice, "#lobby", "line", 10);
        irc_client bob(server.port());
        bob.register_as("bob", batch_caps);
        CHECK(lines_before_pong(bob).empty());
        // Still kept, only not replayed.
        irc_client asker(server.port());
        asker.register_as("asker", history_caps);
        CHECK(chathistory(asker, "LATEST #lobby * 100").bodies() == bodies_of(lines, 0, 10));
        require_clean_exit(server);
    }
}

TEST_CASE("history: --replay-age leaves older lines out of the replay, and replay keeps their original time",
    "[integration][chathistory][replay]")
{
    temp_dir dir;
    create_database(dir);
    // Lines from 3 hours and from 10 minutes ago, planted while no server runs.
    const auto now = unix_ms_now();
    struct planted {
        std::string text;
        std::int64_t time_ms;
    };
    const std::vector<planted> rows = {
        {"three hours ago 1", now - 3 * 3600 * 1000},
        {"three hours ago 2", now - 3 * 3600 * 1000 + 1},
        {"ten minutes ago 1", now - 10 * 60 * 1000},
        {"ten minutes ago 2", now - 10 * 60 * 1000 + 1},
    };
    {
        sqlite_file db(dir.file("history.db"));
        int n = 0;
        for (const auto& r : rows)
            db.insert("#lobby", "planted" + std::to_string(n++), r.time_ms, history_kind::privmsg,
                relayed("old", "PRIVMSG", "#lobby", r.text) + "\r\n");
    }
    const auto expected = [&](std::size_t from) {
        std::vector<std::string> out;
        for (auto i = from; i < rows.size(); ++i)
            out.push_back(relayed("old", "PRIVMSG", "#lobby", rows[i].text));
        return out;
    };

    SECTION("one hour back")
    {
        server_process server(on_db(dir, {"--replay-age", "1"}));
        irc_client bob(server.port());
        bob.register_as("bob", batch_caps);
        const auto batch = read_batch(bob);
        CHECK(batch.bodies() == expected(2));
        REQUIRE(batch.lines.size() == 2);
        CHECK(tag_value(batch.lines[0], "time") == iso_time(rows[2].time_ms));
        CHECK(tag_value(batch.lines[0], "msgid") == "planted2");
        CHECK(tag_value(batch.lines[1], "time") == iso_time(rows[3].time_ms));
        // The older lines are kept, only not replayed.
        irc_client asker(server.port());
        asker.register_as("asker", history_caps);
        CHECK(chathistory(asker, "LATEST #lobby * 100").bodies() == expected(0));
        require_clean_exit(server);
    }
    SECTION("the default, 24 hours back")
    {
        server_process server(on_db(dir));
        irc_client bob(server.port());
        bob.register_as("bob", batch_caps);
        const auto batch = read_batch(bob);
        CHECK(batch.bodies() == expected(0));
        REQUIRE(batch.lines.size() == 4);
        CHECK(tag_value(batch.lines[0], "time") == iso_time(rows[0].time_ms));
        require_clean_exit(server);
    }
}

TEST_CASE("history: NOTICE is replayed and TAGMSG is not", "[integration][chathistory][replay]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto before = say(alice, "#lobby", "before", 1);
    const auto notice = say(alice, "#lobby", "notice", 1, "NOTICE");
    alice.send_line("@+typing=active TAGMSG #lobby");
    alice.expect([](const std::string& l) { return without_tags(l) == ":alice!alice@127.0.0.1 TAGMSG #lobby"; });
    const auto after = say(alice, "#lobby", "after", 1);

    irc_client bob(server.port());
    bob.register_as("bob", batch_caps);
    const auto batch = read_batch(bob);
    CHECK(batch.bodies() == std::vector<std::string>{before[0].body, notice[0].body, after[0].body});
    CHECK(tag_value(batch.lines.at(1), "msgid") == notice[0].msgid);
    require_clean_exit(server);
}

// ---- durability --------------------------------------------------------------------

TEST_CASE("history: what its sender saw echoed survives kill -9, and msgids stay unique across restarts",
    "[integration][chathistory][durability]")
{
    const std::string durability = GENERATE("normal", "full");
    INFO("--durability " << durability);
    temp_dir dir;
    const auto args = on_db(dir, {"--durability", durability});

    std::vector<said> first;
    {
        server_process server(args);
        irc_client alice(server.port());
        alice.register_as("alice", talker_caps);
        first = say(alice, "#lobby", "before the crash", 50);
        // At once: no time to flush or close anything.
        CHECK(server.kill_hard() == 128 + SIGKILL);
    }

    server_process again(args);
    irc_client asker(again.port());
    asker.register_as("asker", history_caps);
    const auto found = chathistory(asker, "LATEST #lobby * 100");
    CHECK(found.bodies() == bodies_of(first, 0, 50));
    REQUIRE(found.lines.size() == 50);
    for (std::size_t i = 0; i < 50; ++i) {
        CHECK(tag_value(found.lines[i], "msgid") == first[i].msgid);
        CHECK(tag_value(found.lines[i], "time") == first[i].time);
    }
    // The room that starts after the restart replays them too.
    irc_client bob(again.port());
    bob.register_as("bob", batch_caps);
    CHECK(read_batch(bob).bodies() == bodies_of(first, 30, 50));

    // New lines get new msgids, and take their place after the old ones.
    irc_client alice(again.port());
    alice.register_as("alice", talker_caps);
    const auto second = say(alice, "#lobby", "after the crash", 50);
    asker.expect(second.back().body);  // live, before it asks again
    std::set<std::string> ids;
    for (const auto& s : first)
        ids.insert(s.msgid);
    for (const auto& s : second)
        ids.insert(s.msgid);
    CHECK(ids.size() == 100);
    auto all = first;
    all.insert(all.end(), second.begin(), second.end());
    CHECK(chathistory(asker, "LATEST #lobby * 100").bodies() == bodies_of(all, 0, 100));
    require_clean_exit(again);
}

// ---- CHATHISTORY over the wire --------------------------------------------------------

namespace {

// 30 lines by alice in #lobby, and a member (joined after them) that asks.
struct history_fixture {
    temp_dir dir;
    server_process server{on_db(dir)};
    irc_client alice{server.port()};
    irc_client asker{server.port()};
    std::vector<said> lines;

    explicit history_fixture(int count = 30)
    {
        alice.register_as("alice", talker_caps);
        lines = say(alice, "#lobby", "line", count);
        asker.register_as("asker", history_caps);
    }

    std::vector<std::string> ask(const std::string& params) { return chathistory(asker, params).bodies(); }
    std::string msgid(std::size_t i) const { return "msgid=" + lines.at(i).msgid; }
    std::string timestamp(std::size_t i) const { return "timestamp=" + lines.at(i).time; }
    std::vector<std::string> range(std::size_t from, std::size_t to) const { return bodies_of(lines, from, to); }

    // The lines whose time passes `keep`, oldest first: what a timestamp
    // reference selects, however many lines share a millisecond.
    template <class Keep>
    std::vector<std::string> where(Keep keep) const
    {
        std::vector<std::string> out;
        for (const auto& l : lines)
            if (keep(l.time))
                out.push_back(l.body);
        return out;
    }
};

std::vector<std::string> first_n(std::vector<std::string> v, std::size_t n)
{
    v.resize(std::min(n, v.size()));
    return v;
}

std::vector<std::string> last_n(std::vector<std::string> v, std::size_t n)
{
    v.erase(v.begin(), v.end() - static_cast<std::ptrdiff_t>(std::min(n, v.size())));
    return v;
}

}  // namespace

TEST_CASE("history: CHATHISTORY LATEST BEFORE AFTER AROUND BETWEEN with msgid references",
    "[integration][chathistory][query]")
{
    history_fixture h;
    CHECK(h.ask("LATEST #lobby * 5") == h.range(25, 30));
    // LATEST with a reference: only what came after it.
    CHECK(h.ask("LATEST #lobby " + h.msgid(20) + " 100") == h.range(21, 30));
    CHECK(h.ask("LATEST #lobby " + h.msgid(20) + " 3") == h.range(27, 30));
    CHECK(h.ask("BEFORE #lobby " + h.msgid(10) + " 3") == h.range(7, 10));
    CHECK(h.ask("BEFORE #lobby " + h.msgid(2) + " 100") == h.range(0, 2));
    CHECK(h.ask("AFTER #lobby " + h.msgid(10) + " 3") == h.range(11, 14));
    CHECK(h.ask("AFTER #lobby " + h.msgid(27) + " 100") == h.range(28, 30));
    // AROUND includes the message itself, with the older half before it.
    CHECK(h.ask("AROUND #lobby " + h.msgid(10) + " 5") == h.range(8, 13));
    CHECK(h.ask("AROUND #lobby " + h.msgid(10) + " 1") == h.range(10, 11));
    CHECK(h.ask("AROUND #lobby " + h.msgid(1) + " 6") == h.range(0, 6));
    // BETWEEN excludes both ends, in either order; the limit keeps the lines nearest the first.
    CHECK(h.ask("BETWEEN #lobby " + h.msgid(5) + " " + h.msgid(9) + " 100") == h.range(6, 9));
    CHECK(h.ask("BETWEEN #lobby " + h.msgid(9) + " " + h.msgid(5) + " 100") == h.range(6, 9));
    CHECK(h.ask("BETWEEN #lobby " + h.msgid(5) + " " + h.msgid(9) + " 2") == h.range(6, 8));
    CHECK(h.ask("BETWEEN #lobby " + h.msgid(9) + " " + h.msgid(5) + " 2") == h.range(7, 9));
    // The answer carries each line's own msgid and time.
    const auto batch = chathistory(h.asker, "AROUND #lobby " + h.msgid(15) + " 1");
    REQUIRE(batch.lines.size() == 1);
    CHECK(tag_value(batch.lines[0], "msgid") == h.lines[15].msgid);
    CHECK(tag_value(batch.lines[0], "time") == h.lines[15].time);
    // The channel name is matched without regard to case, and answered as asked.
    const auto upper = chathistory(h.asker, "LATEST #LOBBY * 1");
    CHECK(upper.target == "#LOBBY");
    CHECK(upper.bodies() == h.range(29, 30));
    require_clean_exit(h.server);
}

TEST_CASE("history: CHATHISTORY with timestamp references", "[integration][chathistory][query]")
{
    history_fixture h;
    // Lines sent at once share milliseconds: the expected answers are worked
    // out from the times the echoes carried. Fixed-width ISO 8601 text
    // compares like the times it stands for.
    const auto t10 = h.lines[10].time;
    const auto t20 = h.lines[20].time;
    const auto before = [](const std::string& t) { return [t](const std::string& x) { return x < t; }; };
    const auto after = [](const std::string& t) { return [t](const std::string& x) { return x > t; }; };

    CHECK(h.ask("LATEST #lobby timestamp=" + t20 + " 100") == h.where(after(t20)));
    CHECK(h.ask("BEFORE #lobby timestamp=" + t10 + " 4") == last_n(h.where(before(t10)), 4));
    CHECK(h.ask("AFTER #lobby timestamp=" + t10 + " 4") == first_n(h.where(after(t10)), 4));
    CHECK(h.ask("BETWEEN #lobby timestamp=" + t10 + " timestamp=" + t20 + " 100")
        == h.where([&](const std::string& x) { return x > t10 && x < t20; }));
    CHECK(h.ask("BETWEEN #lobby timestamp=" + t20 + " timestamp=" + t10 + " 100")
        == h.where([&](const std::string& x) { return x > t10 && x < t20; }));
    // AROUND a time: the older half before it, then from it on.
    auto around = last_n(h.where(before(t10)), 3);
    const auto newer = first_n(h.where([&](const std::string& x) { return x >= t10; }), 6 - around.size());
    around.insert(around.end(), newer.begin(), newer.end());
    CHECK(h.ask("AROUND #lobby timestamp=" + t10 + " 6") == around);
    // Times around everything and nothing.
    CHECK(h.ask("AFTER #lobby timestamp=2000-01-01T00:00:00.000Z 100") == h.range(0, 30));
    CHECK(h.ask("BEFORE #lobby timestamp=2000-01-01T00:00:00.000Z 100").empty());
    CHECK(h.ask("AFTER #lobby timestamp=2999-01-01T00:00:00.000Z 100").empty());
    // A reference by msgid and one by time mix.
    CHECK(h.ask("BETWEEN #lobby " + h.msgid(3) + " timestamp=2999-01-01T00:00:00.000Z 100") == h.range(4, 30));
    require_clean_exit(h.server);
}

TEST_CASE("history: CHATHISTORY answers at most 100 lines, as ISUPPORT CHATHISTORY=100 says",
    "[integration][chathistory][query]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    const auto greeting = alice.register_as("alice", talker_caps);
    CHECK(count_containing(greeting, " CHATHISTORY=100 ") == 1);
    CHECK(count_containing(greeting, " MSGREFTYPES=msgid,timestamp ") == 1);
    const auto lines = say(alice, "#lobby", "line", 120);
    irc_client asker(server.port());
    asker.register_as("asker", history_caps);
    CHECK(chathistory(asker, "LATEST #lobby * 1000").bodies() == bodies_of(lines, 20, 120));
    CHECK(chathistory(asker, "LATEST #lobby * 99999999999999999999999999").bodies() == bodies_of(lines, 20, 120));
    CHECK(chathistory(asker, "BEFORE #lobby msgid=" + lines[119].msgid + " 500").bodies() == bodies_of(lines, 19, 119));
    CHECK(chathistory(asker, "AFTER #lobby msgid=" + lines[0].msgid + " 101").bodies() == bodies_of(lines, 1, 101));
    CHECK(chathistory(asker, "AROUND #lobby msgid=" + lines[60].msgid + " 1000").bodies().size() == 100);
    require_clean_exit(server);
}

TEST_CASE("history: draft/event-playback adds JOIN TOPIC TAGMSG NICK PART and QUIT, only with the capability",
    "[integration][chathistory][query]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    // alice sees everything that happens in #lobby, as a member does.
    irc_client alice(server.port());
    const auto greeting = alice.register_as("alice", "echo-message message-tags");
    irc_client player(server.port());
    player.register_as("player", "draft/chathistory batch message-tags draft/event-playback");
    irc_client reader(server.port());
    reader.register_as("reader", "draft/chathistory batch message-tags");
    // What alice saw, each line once stored, her own JOIN first.
    std::vector<std::string> seen = {":alice!alice@127.0.0.1 JOIN #lobby"};
    // Tagged with its msgid, as every stored event is live.
    CHECK(std::any_of(greeting.begin(), greeting.end(), [&](const auto& l) { return without_tags(l) == seen[0]; }));
    const auto saw = [&](const std::string& needle) { seen.emplace_back(without_tags(alice.expect(needle))); };
    saw(":player!");
    saw(":reader!");

    irc_client bob(server.port());
    bob.register_as("bob");
    saw(":bob!bob@127.0.0.1 JOIN");
    alice.send_line("TOPIC #lobby :history on trial");  // she opened #lobby: +t lets her
    saw(" TOPIC #lobby ");
    alice.send_line("@+typing=active TAGMSG #lobby");
    const auto tagmsg = alice.expect(" TAGMSG #lobby");
    seen.emplace_back(without_tags(tagmsg));
    alice.send_line("NOTICE #lobby :a notice");
    saw(" NOTICE #lobby :a notice");
    bob.send_line("NICK bobby");
    saw(" NICK ");
    bob.send_line("PART #lobby :gone");
    saw(" PART #lobby");
    irc_client carol(server.port());
    carol.register_as("carol");
    saw(":carol!carol@127.0.0.1 JOIN");
    carol.send_line("QUIT :bye now");
    saw(" QUIT ");
    alice.send_line("PRIVMSG #lobby :the end");
    saw(" PRIVMSG #lobby :the end");
    REQUIRE(seen.size() == 12);
    player.expect("the end");
    reader.expect("the end");

    const auto events = chathistory(player, "LATEST #lobby * 100");
    CHECK(events.bodies() == seen);
    // The TAGMSG keeps its client tag for a client with message-tags.
    REQUIRE(events.lines.size() == seen.size());
    CHECK(tag_value(events.lines[5], "+typing") == "active");
    // Without the capability: the chat lines only.
    CHECK(chathistory(reader, "LATEST #lobby * 100").bodies() == std::vector<std::string>{seen[6], seen[11]});
    // Event-playback in AFTER as well as LATEST: what came after the TAGMSG.
    CHECK(chathistory(player, "AFTER #lobby msgid=" + *tag_value(tagmsg, "msgid") + " 2").bodies()
        == std::vector<std::string>{seen[6], seen[7]});
    require_clean_exit(server);
}

TEST_CASE("history: CHATHISTORY refuses non-members, bad parameters and unknown subcommands with FAIL",
    "[integration][chathistory][query]")
{
    history_fixture h(5);
    h.alice.send_line("JOIN #secret");
    h.alice.expect([](const std::string& l) { return is_join(l, "alice", "#secret"); });
    say(h.alice, "#secret", "secret", 2);
    // The FAIL line up to its human-readable text.
    const auto fail = [&](const std::string& params) {
        h.asker.send_line("CHATHISTORY " + params);
        const auto line = h.asker.read_line();
        REQUIRE(line.has_value());
        const auto body = std::string(without_tags(*line));
        return body.substr(0, body.find(" :"));
    };
    // A channel one is not in reads as one that does not exist.
    CHECK(fail("LATEST #secret * 10") == ":sala FAIL CHATHISTORY INVALID_TARGET LATEST #secret");
    CHECK(fail("BEFORE #secret timestamp=2999-01-01T00:00:00.000Z 10")
        == ":sala FAIL CHATHISTORY INVALID_TARGET BEFORE #secret");
    CHECK(fail("LATEST #nowhere * 10") == ":sala FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere");
    CHECK(fail("LATEST #lobby * 0") == ":sala FAIL CHATHISTORY INVALID_PARAMS LATEST 0");
    CHECK(fail("LATEST #lobby * -5") == ":sala FAIL CHATHISTORY INVALID_PARAMS LATEST -5");
    CHECK(fail("LATEST #lobby * ten") == ":sala FAIL CHATHISTORY INVALID_PARAMS LATEST ten");
    CHECK(fail("BEFORE #lobby * 10") == ":sala FAIL CHATHISTORY INVALID_PARAMS BEFORE *");
    CHECK(fail("BEFORE #lobby bogus 10") == ":sala FAIL CHATHISTORY INVALID_PARAMS BEFORE bogus");
    CHECK(fail("AFTER #lobby timestamp=yesterday 10") == ":sala FAIL CHATHISTORY INVALID_PARAMS AFTER timestamp=yesterday");
    CHECK(fail("AROUND #lobby msgid= 10") == ":sala FAIL CHATHISTORY INVALID_PARAMS AROUND msgid=");
    CHECK(fail("LATEST #lobby * 10 extra") == ":sala FAIL CHATHISTORY INVALID_PARAMS LATEST");
    CHECK(fail("BETWEEN #lobby " + h.msgid(1) + " 10") == ":sala FAIL CHATHISTORY NEED_MORE_PARAMS BETWEEN");
    CHECK(fail("TARGETS timestamp=2000-01-01T00:00:00.000Z bogus 10")
        == ":sala FAIL CHATHISTORY INVALID_PARAMS TARGETS bogus");
    CHECK(fail("SIDEWAYS #lobby * 10") == ":sala FAIL CHATHISTORY UNKNOWN_COMMAND SIDEWAYS");
    h.asker.send_line("CHATHISTORY");
    CHECK(is_numeric(h.asker.expect(" 461 "), "461"));
    // A nick has no history yet: an empty batch, not an error.
    const auto nick = chathistory(h.asker, "LATEST alice * 10");
    CHECK(nick.target == "alice");
    CHECK(nick.lines.empty());
    // Nothing of #secret leaked, and the session still answers.
    CHECK_FALSE(h.asker.saw("secret 0"));
    CHECK(h.ask("LATEST #lobby * 10") == h.range(0, 5));
    require_clean_exit(h.server);
}

TEST_CASE("history: a labeled CHATHISTORY nests its chathistory batch in the labeled-response batch",
    "[integration][chathistory][query]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto lines = say(alice, "#lobby", "line", 3);
    irc_client asker(server.port());
    asker.register_as("asker", "draft/chathistory batch labeled-response message-tags");

    asker.send_line("@label=h1 CHATHISTORY LATEST #lobby * 2");
    std::vector<std::string> got;
    while (got.size() < 6) {
        const auto l = asker.read_line();
        REQUIRE(l.has_value());
        got.push_back(*l);
    }
    INFO(asker.transcript());
    // @label=h1 :sala BATCH +LR labeled-response
    REQUIRE(tag_value(got[0], "label") == "h1");
    const auto outer_open = std::string(without_tags(got[0]));
    REQUIRE(outer_open.starts_with(":sala BATCH +"));
    REQUIRE(outer_open.ends_with(" labeled-response"));
    const auto outer = outer_open.substr(13, outer_open.find(' ', 13) - 13);
    // @batch=LR :sala BATCH +H chathistory #lobby
    CHECK(tag_value(got[1], "batch") == outer);
    const auto inner_open = std::string(without_tags(got[1]));
    REQUIRE(inner_open.starts_with(":sala BATCH +"));
    REQUIRE(inner_open.ends_with(" chathistory #lobby"));
    const auto inner = inner_open.substr(13, inner_open.find(' ', 13) - 13);
    CHECK(inner != outer);
    // The lines in the inner batch only, then both batches closed, inner first.
    for (std::size_t i = 2; i < 4; ++i) {
        CHECK(tag_value(got[i], "batch") == inner);
        CHECK_FALSE(tag_value(got[i], "label").has_value());
        CHECK(without_tags(got[i]) == lines[i - 1].body);
    }
    CHECK(tag_value(got[4], "batch") == outer);
    CHECK(without_tags(got[4]) == ":sala BATCH -" + inner);
    CHECK(got[5] == ":sala BATCH -" + outer);

    // A FAIL, one line, carries the label itself.
    asker.send_line("@label=h2 CHATHISTORY LATEST #lobby * 0");
    const auto failed = asker.read_line();
    REQUIRE(failed.has_value());
    CHECK(tag_value(*failed, "label") == "h2");
    CHECK(without_tags(*failed).starts_with(":sala FAIL CHATHISTORY INVALID_PARAMS "));
    require_clean_exit(server);
}

TEST_CASE("history: CHATHISTORY TARGETS lists the caller's channels with talk in the window",
    "[integration][chathistory][query]")
{
    temp_dir dir;
    server_process server(on_db(dir));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps, "");
    alice.send_line("JOIN #a,#b,#quiet");
    alice.expect([](const std::string& l) { return is_numeric(l, "366") && l.find(" #quiet ") != std::string::npos; });
    irc_client bob(server.port());
    bob.register_as("bob", talker_caps, "");
    bob.send_line("JOIN #elsewhere");
    bob.expect(" 366 ");
    say(bob, "#elsewhere", "not for alice", 1);

    const auto in_b = say(alice, "#b", "in b", 1);
    // Then #a, until its line is stamped later than #b's, so the order is known.
    std::vector<said> in_a;
    for (int i = 0; i < 1000 && (in_a.empty() || in_a.back().time <= in_b[0].time); ++i)
        in_a = say(alice, "#a", "in a " + std::to_string(i), 1);
    REQUIRE(in_a.back().time > in_b[0].time);

    irc_client asker(server.port());
    asker.register_as("asker", history_caps, "");
    asker.send_line("JOIN #a,#b,#quiet,#never");
    asker.expect([](const std::string& l) { return is_numeric(l, "366") && l.find(" #never ") != std::string::npos; });

    const std::string early = "timestamp=2000-01-01T00:00:00.000Z";
    const std::string late = "timestamp=2999-01-01T00:00:00.000Z";
    const auto all = chathistory(asker, "TARGETS " + early + " " + late + " 10");
    CHECK(all.type == "draft/chathistory-targets");
    // Oldest activity first; JOINs are no talk, and #elsewhere is not the asker's.
    CHECK(all.bodies()
        == std::vector<std::string>{
            ":sala CHATHISTORY TARGETS #b " + in_b[0].time, ":sala CHATHISTORY TARGETS #a " + in_a.back().time});
    // Either order of the two times; the limit keeps the oldest.
    CHECK(chathistory(asker, "TARGETS " + late + " " + early + " 1").bodies()
        == std::vector<std::string>{":sala CHATHISTORY TARGETS #b " + in_b[0].time});
    // The window excludes its ends: from #b's line on, only #a.
    CHECK(chathistory(asker, "TARGETS timestamp=" + in_b[0].time + " " + late + " 10").bodies()
        == std::vector<std::string>{":sala CHATHISTORY TARGETS #a " + in_a.back().time});
    CHECK(chathistory(asker, "TARGETS " + early + " timestamp=2001-01-01T00:00:00.000Z 10").lines.empty());
    // A window that ends before a channel's newest line leaves the channel to
    // a later window: walking windows forward lists each channel once.
    CHECK(chathistory(asker, "TARGETS " + early + " timestamp=" + in_a.back().time + " 10").bodies()
        == std::vector<std::string>{":sala CHATHISTORY TARGETS #b " + in_b[0].time});
    require_clean_exit(server);
}

// ---- a full disk -----------------------------------------------------------------------

TEST_CASE("history: on a full disk the server keeps running and delivering, counts write errors, and recovers",
    "[integration][chathistory][disk]")
{
    temp_dir dir;
    // A database that exists, so that its write-ahead log starts empty.
    create_database(dir);
    // 128 KiB per file: the log and the shared-memory index (32 KiB) fit,
    // and the write-ahead log, a few 4 KiB pages per commit, fills after a
    // few commits. Only the soft limit, so that the test can lift it again.
    launch_options options;
    options.args = on_db(dir);
    options.file_size_limit = 128 * 1024;
    status_server s(options);
    auto& server = *s.server;
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    irc_client bob(server.port());
    bob.register_as("bob");
    CHECK(field(s.history(), "write_errors") == 0);

    // Long lines, one at a time, until one cannot be stored; each is still
    // delivered. Nothing else happens meanwhile, so an error logged while a
    // line goes round is that line's (the store logs before the room sends).
    const auto errors_logged = [&] {
        return static_cast<std::int64_t>(occurrences(server.log_text(), "could not be stored"));
    };
    const std::string filler(300, 'x');
    std::vector<said> stored;
    std::size_t lost = 0;
    const auto send_one = [&](const std::string& text) {
        const auto errors_before = errors_logged();
        const auto line = say(alice, "#lobby", text, 1).front();
        CHECK(without_tags(bob.expect(line.body)) == line.body);
        if (errors_logged() == errors_before)
            stored.push_back(line);
        else
            ++lost;
    };
    for (int i = 0; i < 200 && lost == 0; ++i)
        send_one("line " + std::to_string(i) + " " + filler);
    INFO(server.log_text());
    REQUIRE(lost > 0);
    REQUIRE_FALSE(stored.empty());
    // The disk stays full: the server goes on, delivers, and counts.
    for (int i = 0; i < 5; ++i)
        send_one("while full " + std::to_string(i) + " " + filler);
    REQUIRE(server.running());
    const auto full = s.history();
    CHECK(full.at("enabled").as_bool());
    CHECK(field(full, "write_errors") >= static_cast<std::int64_t>(lost));
    CHECK(field(full, "write_errors") == errors_logged());

    // Space again: the next lines are stored, and no more errors are counted.
    REQUIRE(server.set_file_size_limit(std::nullopt));
    const auto errors = errors_logged();
    const auto recovered = say(alice, "#lobby", "recovered", 3);
    for (const auto& r : recovered)
        bob.expect(r.body);
    CHECK(errors_logged() == errors);
    CHECK(field(s.history(), "write_errors") == field(full, "write_errors"));
    irc_client asker(server.port());
    asker.register_as("asker", history_caps);
    // What was written before and after is there; what was lost is not.
    auto expected = stored;
    expected.insert(expected.end(), recovered.begin(), recovered.end());
    CHECK(chathistory(asker, "LATEST #lobby * 100").bodies() == bodies_of(expected, 0, expected.size()));
    CHECK(server.terminate() == 0);
    CHECK(server.log_text().find("Sanitizer") == std::string::npos);

    // The database is whole: a server started on it finds the same.
    server_process again(on_db(dir));
    irc_client later(again.port());
    later.register_as("later", history_caps);
    CHECK(chathistory(later, "LATEST #lobby * 100").bodies() == bodies_of(expected, 0, expected.size()));
    require_clean_exit(again);
}

// ---- --no-history and pruning ------------------------------------------------------------

TEST_CASE("history: --no-history replays nothing and answers CHATHISTORY with empty batches",
    "[integration][chathistory]")
{
    temp_dir dir;
    server_process server(on_db(dir, {"--no-history"}));
    irc_client alice(server.port());
    alice.register_as("alice", talker_caps);
    const auto lines = say(alice, "#lobby", "line", 5);
    irc_client bob(server.port());
    bob.register_as("bob", batch_caps);
    CHECK(lines_before_pong(bob).empty());
    irc_client asker(server.port());
    asker.register_as("asker", history_caps);
    CHECK(chathistory(asker, "LATEST #lobby * 10").lines.empty());
    CHECK(chathistory(asker, "BEFORE #lobby msgid=" + lines[4].msgid + " 10").lines.empty());
    CHECK(chathistory(asker, "TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2999-01-01T00:00:00.000Z 10")
              .lines.empty());
    // Chat itself goes on as before.
    alice.send_line("PRIVMSG #lobby :still here");
    bob.expect("still here");
    CHECK_FALSE(std::filesystem::exists(dir.file("history.db")));
    require_clean_exit(server);
}

TEST_CASE("history: --history-max keeps only the newest lines of each channel", "[integration][chathistory]")
{
    temp_dir dir;
    create_database(dir);
    const auto now = unix_ms_now();
    {
        sqlite_file db(dir.file("history.db"));
        for (int i = 0; i < 8; ++i) {
            const auto text = "line " + std::to_string(i);
            db.insert("#lobby", "lobby" + std::to_string(i), now - 60'000 + i * 1000, history_kind::privmsg,
                relayed("old", "PRIVMSG", "#lobby", text) + "\r\n");
        }
        db.insert("#other", "other0", now - 30'000, history_kind::privmsg, relayed("old", "PRIVMSG", "#other", "a") + "\r\n");
        db.insert("#other", "other1", now - 20'000, history_kind::privmsg, relayed("old", "PRIVMSG", "#other", "b") + "\r\n");
    }

    server_process server(on_db(dir, {"--history-max", "3"}));
    sqlite_file db(dir.file("history.db"));
    CHECK(eventually([&] { return db.msgids_of("#lobby").size() == 3; }));
    CHECK(db.msgids_of("#lobby") == std::vector<std::string>{"lobby5", "lobby6", "lobby7"});
    CHECK(db.msgids_of("#other").size() == 2);

    irc_client asker(server.port());
    asker.register_as("asker", history_caps);
    CHECK(chathistory(asker, "BEFORE #lobby timestamp=" + iso_time(now) + " 100").bodies()
        == std::vector<std::string>{relayed("old", "PRIVMSG", "#lobby", "line 5"),
            relayed("old", "PRIVMSG", "#lobby", "line 6"), relayed("old", "PRIVMSG", "#lobby", "line 7")});
    require_clean_exit(server);
}

TEST_CASE("history: --history-days forgets older lines at start and keeps younger ones", "[integration][chathistory]")
{
    temp_dir dir;
    create_database(dir);
    const auto now = unix_ms_now();
    constexpr std::int64_t day = 24LL * 3600 * 1000;
    {
        sqlite_file db(dir.file("history.db"));
        db.insert("#lobby", "old0", now - 9 * day, history_kind::privmsg, relayed("old", "PRIVMSG", "#lobby", "nine days") + "\r\n");
        db.insert("#lobby", "old1", now - 6 * day, history_kind::join, ":old!old@127.0.0.1 JOIN #lobby\r\n");
        db.insert("#other", "old2", now - 6 * day, history_kind::notice, relayed("old", "NOTICE", "#other", "six days") + "\r\n");
        db.insert("#lobby", "kept0", now - 4 * day, history_kind::privmsg, relayed("old", "PRIVMSG", "#lobby", "four days") + "\r\n");
        db.insert("#lobby", "kept1", now - 1 * day, history_kind::privmsg, relayed("old", "PRIVMSG", "#lobby", "one day") + "\r\n");
    }

    server_process server(on_db(dir, {"--history-days", "5"}));
    // The pruner runs once at start (and hourly after): wait for its work,
    // watching the file beside the server.
    sqlite_file db(dir.file("history.db"));
    const auto older_than_cutoff = [&] {
        const auto all = db.lines();
        return std::count_if(all.begin(), all.end(), [&](const auto& e) { return e.time_ms < now - 5 * day; });
    };
    CHECK(eventually([&] { return older_than_cutoff() == 0; }));
    CHECK(db.msgids_of("#lobby") == std::vector<std::string>{"kept0", "kept1"});
    CHECK(db.msgids_of("#other").empty());

    irc_client asker(server.port());
    asker.register_as("asker", history_caps);
    CHECK(chathistory(asker, "BEFORE #lobby timestamp=" + iso_time(now) + " 100").bodies()
        == std::vector<std::string>{relayed("old", "PRIVMSG", "#lobby", "four days"),
            relayed("old", "PRIVMSG", "#lobby", "one day")});
    require_clean_exit(server);
}
