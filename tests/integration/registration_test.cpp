// Registration: welcome burst, MOTD, nick collisions, PASS, timeouts, PING.
#include <algorithm>

#include "support/catch.hpp"
#include "support/irc_client.hpp"
#include "support/server_process.hpp"

using namespace sala::test;

namespace {

bool has_token(const std::string& isupport, std::string_view token)
{
    // Tokens sit between the nick and the trailing text; match whole tokens.
    const auto body = std::string(without_tags(isupport));
    const auto end = body.find(" :");
    const std::string params = " " + body.substr(0, end) + " ";
    if (params.find(" " + std::string(token) + " ") != std::string::npos)
        return true;
    return params.find(" " + std::string(token) + "=") != std::string::npos;
}

}  // namespace

TEST_CASE("registration: 001 to 005 arrive and 005 advertises the required tokens", "[integration][registration]")
{
    server_process server;
    irc_client alice(server.port());
    const auto lines = alice.register_as("alice");

    for (const char* code : {"001", "002", "003", "004"}) {
        INFO("numeric " << code << "\n" << alice.transcript());
        CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return is_numeric(l, code); }));
    }
    const auto welcome = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return is_numeric(l, "001"); });
    REQUIRE(welcome != lines.end());
    CHECK(welcome->starts_with(":sala 001 alice "));
    CHECK(welcome->find("alice!alice@127.0.0.1") != std::string::npos);

    // The tokens may take several 005 lines.
    std::vector<std::string> isupport;
    std::copy_if(lines.begin(), lines.end(), std::back_inserter(isupport), [](const auto& l) { return is_numeric(l, "005"); });
    REQUIRE_FALSE(isupport.empty());
    const auto advertised = [&](std::string_view token) {
        return std::any_of(isupport.begin(), isupport.end(), [&](const auto& l) { return has_token(l, token); });
    };
    INFO(alice.transcript());
    CHECK(advertised("CASEMAPPING=ascii"));
    CHECK(advertised("CHANTYPES=#"));
    CHECK(advertised("NICKLEN"));
    CHECK(advertised("CHANNELLEN"));
    CHECK(advertised("TOPICLEN"));
    CHECK(advertised("NETWORK"));
    CHECK(advertised("UTF8ONLY"));

    // Without --motd: 422, and the autojoin follows the welcome.
    CHECK(std::any_of(lines.begin(), lines.end(), [](const auto& l) { return is_numeric(l, "422"); }));
    CHECK(std::any_of(lines.begin(), lines.end(), [](const auto& l) { return is_join(l, "alice", "#lobby"); }));
    require_clean_exit(server);
}

TEST_CASE("registration: --motd sends 375 372 376", "[integration][registration]")
{
    temp_file motd("Welcome to the test room.\nBe nice.\n");
    server_process server({"--motd", motd.path()});
    irc_client alice(server.port());
    const auto lines = alice.register_as("alice");
    INFO(alice.transcript());

    auto count = [&](std::string_view code) {
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return is_numeric(l, code); });
    };
    CHECK(count("375") == 1);
    CHECK(count("372") == 2);
    CHECK(count("376") == 1);
    CHECK(count("422") == 0);
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return is_numeric(l, "372") && trailing(l).find("Be nice.") != std::string::npos;
    }));
    // Order: start, body, end.
    const auto start = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return is_numeric(l, "375"); });
    const auto end = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return is_numeric(l, "376"); });
    CHECK(start < end);
    require_clean_exit(server);
}

TEST_CASE("registration: a taken nick gets 433 case-insensitively", "[integration][registration]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");

    irc_client second(server.port());
    second.send_line("NICK ALICE");
    const auto refused = second.expect([](const std::string& l) { return is_numeric(l, "433"); });
    CHECK(refused == ":sala 433 * ALICE :Nickname is already in use");
    // A free nick sent before USER then registers as usual.
    second.send_line("NICK alice2");
    second.send_line("USER second 0 * :Second");
    second.expect([](const std::string& l) { return is_numeric(l, "001"); });
    second.expect(" 366 alice2 #lobby ");
    alice.expect([](const std::string& l) { return is_join(l, "alice2", "#lobby"); });

    // The first alice is untouched: she still receives chat.
    second.send_line("PRIVMSG #lobby :hello alice");
    CHECK(alice.expect("PRIVMSG #lobby :hello alice") == ":alice2!second@127.0.0.1 PRIVMSG #lobby :hello alice");
    require_clean_exit(server);
}

// Registration may end with NICK: after a 433 the client has already sent USER.
TEST_CASE("registration: after 433 the client picks another nick and finishes registering",
    "[integration][registration]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");

    irc_client second(server.port());
    second.send_line("NICK ALICE");
    second.send_line("USER second 0 * :Second");
    second.expect([](const std::string& l) { return is_numeric(l, "433"); });
    second.send_line("NICK alice2");
    second.expect([](const std::string& l) { return is_numeric(l, "001"); });
    second.expect(" 366 alice2 #lobby ");
    second.send_line("PRIVMSG #lobby :hello alice");
    CHECK(alice.expect("PRIVMSG #lobby :hello alice") == ":alice2!second@127.0.0.1 PRIVMSG #lobby :hello alice");
    require_clean_exit(server);
}

// RFC 2812 lets USER come before NICK.
TEST_CASE("registration: USER before NICK also registers", "[integration][registration]")
{
    server_process server;
    irc_client bob(server.port());
    bob.send_line("USER bob 0 * :Bob");
    bob.send_line("NICK bob");
    CHECK(bob.expect([](const std::string& l) { return is_numeric(l, "001"); }).starts_with(":sala 001 bob "));
    require_clean_exit(server);
}

TEST_CASE("registration: commands before registration get 451", "[integration][registration]")
{
    server_process server;
    irc_client early(server.port());
    early.send_line("JOIN #lobby");
    CHECK(early.expect([](const std::string& l) { return is_numeric(l, "451"); }).starts_with(":sala 451 * "));
    early.send_line("PRIVMSG #lobby :too early");
    early.expect([](const std::string& l) { return is_numeric(l, "451"); });

    // The connection is still usable for registration afterwards.
    early.register_as("late");
    require_clean_exit(server);
}

TEST_CASE("registration: a raw client typing NICK and USER by hand can chat", "[integration][registration]")
{
    server_process server;
    irc_client alice(server.port());
    alice.register_as("alice");

    // Like telnet or netcat: bare LF line ends, everything in one write.
    irc_client raw(server.port());
    const std::string typed = "NICK bob\nUSER bob 0 * :Bob by hand\n";
    REQUIRE(raw.send_raw(typed) == typed.size());
    raw.expect(":sala 001 bob ");
    raw.expect(" 366 bob #lobby ");

    REQUIRE(raw.send_raw("PRIVMSG #lobby :typed by hand\n") > 0);
    CHECK(alice.expect("typed by hand") == ":bob!bob@127.0.0.1 PRIVMSG #lobby :typed by hand");
    alice.send_line("PRIVMSG #lobby :hi bob");
    CHECK(raw.expect("hi bob") == ":alice!alice@127.0.0.1 PRIVMSG #lobby :hi bob");
    require_clean_exit(server);
}

TEST_CASE("registration: --password requires PASS and a wrong one gets 464 and is closed",
    "[integration][registration]")
{
    server_process server({"--password", "sesame"});

    irc_client good(server.port());
    good.send_line("PASS sesame");
    good.register_as("good");

    irc_client wrong(server.port());
    wrong.send_line("PASS wrong");
    wrong.send_line("NICK wrong");
    wrong.send_line("USER wrong 0 * :Wrong");
    wrong.expect([](const std::string& l) { return is_numeric(l, "464"); });
    wrong.expect("ERROR :");
    CHECK(wrong.wait_closed());

    irc_client none(server.port());
    none.send_line("NICK nopass");
    none.send_line("USER nopass 0 * :No pass");
    none.expect([](const std::string& l) { return is_numeric(l, "464"); });
    CHECK(none.wait_closed());

    // The nick of a refused client is free again once it is gone, and the good one still chats.
    REQUIRE(server.wait_for_log("disconnect 127.0.0.1 wrong: Bad password"));
    irc_client retry(server.port());
    retry.send_line("PASS sesame");
    retry.register_as("wrong");
    retry.send_line("PRIVMSG #lobby :let in");
    good.expect(":wrong!wrong@127.0.0.1 PRIVMSG #lobby :let in");
    require_clean_exit(server);
}

TEST_CASE("registration: an unregistered client is dropped after --registration-timeout",
    "[integration][registration]")
{
    server_process server({"--registration-timeout", "0.3"});
    irc_client idle(server.port());
    const auto start = std::chrono::steady_clock::now();
    CHECK(idle.expect("ERROR :") == "ERROR :Closing Link: 127.0.0.1 (Registration timed out)");
    CHECK(idle.wait_closed());
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
    CHECK(server.wait_for_log("Registration timeout"));

    // A client that registers in time is not affected.
    irc_client quick(server.port());
    quick.register_as("quick");
    quick.send_line("PING :still-here");
    quick.expect("still-here");
    require_clean_exit(server);
}

TEST_CASE("registration: PING gets PONG before and after registration", "[integration][registration]")
{
    server_process server;
    irc_client alice(server.port());
    alice.send_line("PING :early-token");
    CHECK(alice.expect("PONG") == ":sala PONG sala :early-token");
    alice.register_as("alice");
    alice.send_line("PING late-token");
    CHECK(alice.expect("PONG") == ":sala PONG sala :late-token");
    alice.send_line("PING");
    alice.expect([](const std::string& l) { return is_numeric(l, "461"); });
    require_clean_exit(server);
}

TEST_CASE("registration: --autojoin with an empty list joins nothing", "[integration][registration]")
{
    server_process server({"--autojoin", ""});
    irc_client alice(server.port());
    alice.register_as("alice", {}, "");
    alice.send_line("PING :joined-nothing");
    for (const auto& l : alice.collect_until("joined-nothing"))
        CHECK(l.find(" JOIN ") == std::string::npos);
    alice.send_line("JOIN #own");
    alice.expect(" 366 alice #own ");
    require_clean_exit(server);
}
