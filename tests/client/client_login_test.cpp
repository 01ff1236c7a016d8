// Accounts in the client state machine: the --sasl login during
// registration (exact bytes), the login numerics, and /register.
#include "client/client_state.hpp"

#include <algorithm>

#include "core/auth/base64.hpp"
#include "support/catch.hpp"

using namespace sala::client;
using namespace std::chrono_literals;
using sala::core::auth::base64_encode;

namespace {

const clock_time t0 = clock_time{} + 1000h;
using lines = std::vector<std::string>;

client_settings with_sasl(sasl_mechanism m, std::string password = "secret")
{
    return client_settings{"alice", "", {"#lobby"}, "h:1", sasl_settings{m, "alice", std::move(password), {}}};
}

// Connected, the registration lines taken.
client_state connected(client_settings s)
{
    client_state c(std::move(s));
    c.on_connected(t0);
    (void)c.take_outgoing();
    return c;
}

bool has_event(const std::vector<event>& events, event_kind kind, std::string_view text)
{
    return std::any_of(events.begin(), events.end(),
                       [&](const event& e) { return e.kind == kind && e.text.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("SASL PLAIN logs in before CAP END", "[client_login]")
{
    auto c = connected(with_sasl(sasl_mechanism::plain));
    c.on_line(":srv CAP * LS :server-time sasl=PLAIN,SCRAM-SHA-256,EXTERNAL", t0);
    CHECK(c.take_outgoing() == lines{"CAP REQ :server-time sasl\r\n"});
    c.on_line(":srv CAP alice ACK :server-time sasl", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE PLAIN\r\n"});
    c.on_line("AUTHENTICATE +", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE AGFsaWNlAHNlY3JldA==\r\n"});
    c.on_line(":srv 900 alice alice!alice@h alice :You are now logged in as alice", t0);
    CHECK(c.account() == "alice");
    CHECK(has_event(c.take_events(), event_kind::info, "logged in as alice"));
    c.on_line(":srv 903 alice :SASL authentication successful", t0);
    CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
    c.on_line(":srv 001 alice :Welcome", t0);
    CHECK(c.state() == connection_state::registered);
    CHECK(c.account() == "alice");
    c.on_line(":srv 901 alice alice!alice@h :You are now logged out", t0);
    CHECK(c.account().empty());
}

TEST_CASE("a SASL response is sent in 400-byte AUTHENTICATE lines", "[client_login]")
{
    // "\0alice\0" and the password: 300 bytes make exactly 400 of base64,
    // 450 make 600.
    const auto pieces_for = [](std::size_t password_bytes) {
        auto c = connected(with_sasl(sasl_mechanism::plain, std::string(password_bytes, 'p')));
        c.on_line(":srv CAP * LS :sasl", t0);
        c.on_line(":srv CAP * ACK :sasl", t0);
        (void)c.take_outgoing();
        c.on_line("AUTHENTICATE +", t0);
        return c.take_outgoing();
    };
    const std::string prefix("\0alice\0", 7);

    const auto exact = pieces_for(293);
    REQUIRE(exact.size() == 2);
    CHECK(exact[0] == "AUTHENTICATE " + base64_encode(prefix + std::string(293, 'p')) + "\r\n");
    CHECK(exact[0].size() == 13 + 400 + 2);
    CHECK(exact[1] == "AUTHENTICATE +\r\n");  // the last piece was full: say it ended

    const auto longer = pieces_for(443);
    const auto encoded = base64_encode(prefix + std::string(443, 'p'));
    REQUIRE(encoded.size() == 600);
    CHECK(longer == lines{"AUTHENTICATE " + encoded.substr(0, 400) + "\r\n", "AUTHENTICATE " + encoded.substr(400) + "\r\n"});
}

TEST_CASE("SASL EXTERNAL sends an empty response", "[client_login]")
{
    auto c = connected(with_sasl(sasl_mechanism::external, ""));
    c.on_line(":srv CAP * LS :sasl=EXTERNAL", t0);
    CHECK(c.take_outgoing() == lines{"CAP REQ sasl\r\n"});
    c.on_line(":srv CAP * ACK sasl", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE EXTERNAL\r\n"});
    c.on_line("AUTHENTICATE +", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE +\r\n"});
    c.on_line(":srv 903 alice :SASL authentication successful", t0);
    CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
}

TEST_CASE("without sasl offered the client says so and goes on", "[client_login]")
{
    SECTION("no sasl capability")
    {
        auto c = connected(with_sasl(sasl_mechanism::plain));
        c.on_line(":srv CAP * LS :server-time", t0);
        CHECK(c.take_outgoing() == lines{"CAP REQ server-time\r\n"});
        CHECK(has_event(c.take_events(), event_kind::error, "does not offer SASL"));
        c.on_line(":srv CAP * ACK server-time", t0);
        CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
    }
    SECTION("not our mechanism")
    {
        auto c = connected(with_sasl(sasl_mechanism::plain));
        c.on_line(":srv CAP * LS :sasl=EXTERNAL", t0);
        CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
        CHECK(has_event(c.take_events(), event_kind::error, "does not offer SASL PLAIN (only EXTERNAL)"));
    }
    SECTION("sasl refused")
    {
        auto c = connected(with_sasl(sasl_mechanism::plain));
        c.on_line(":srv CAP * LS :sasl", t0);
        (void)c.take_outgoing();
        c.on_line(":srv CAP * NAK :sasl", t0);
        CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
        CHECK(has_event(c.take_events(), event_kind::error, "refused the sasl capability"));
    }
}

TEST_CASE("without --sasl an offered sasl is not requested", "[client_login]")
{
    auto c = connected(client_settings{"alice", "", {}, "h:1"});
    c.on_line(":srv CAP * LS :sasl=PLAIN", t0);
    CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
    CHECK(c.take_events().empty());
}

TEST_CASE("a rejected login stops the client", "[client_login]")
{
    auto c = connected(with_sasl(sasl_mechanism::plain));
    c.on_line(":srv CAP * LS :sasl", t0);
    c.on_line(":srv CAP * ACK :sasl", t0);
    c.on_line("AUTHENTICATE +", t0);
    (void)c.take_outgoing();
    (void)c.take_events();
    c.on_line(":srv 904 alice :SASL authentication failed", t0);
    CHECK(c.take_outgoing() == lines{"QUIT :login failed\r\n"});
    CHECK(c.quitting());
    CHECK(c.login_failure() == "SASL authentication failed");
    CHECK(has_event(c.take_events(), event_kind::error, "login failed: SASL authentication failed"));
    CHECK(c.account().empty());
}

TEST_CASE("an unknown mechanism fails the login with what the server offers", "[client_login]")
{
    auto c = connected(with_sasl(sasl_mechanism::external, ""));
    c.on_line(":srv CAP * LS :sasl", t0);
    c.on_line(":srv CAP * ACK :sasl", t0);
    (void)c.take_outgoing();
    c.on_line(":srv 908 alice PLAIN :are available SASL mechanisms", t0);
    c.on_line(":srv 904 alice :SASL authentication failed", t0);
    CHECK(c.login_failure() == "SASL authentication failed (the server offers PLAIN)");
    CHECK(c.quitting());
}

TEST_CASE("a challenge PLAIN does not expect aborts the login", "[client_login]")
{
    auto c = connected(with_sasl(sasl_mechanism::plain));
    c.on_line(":srv CAP * LS :sasl", t0);
    c.on_line(":srv CAP * ACK :sasl", t0);
    (void)c.take_outgoing();
    c.on_line("AUTHENTICATE Zm9v", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE *\r\n", "QUIT :login failed\r\n"});
    CHECK(c.login_failure() == "the server started PLAIN with a challenge");
    c.on_line("AUTHENTICATE +", t0);
    CHECK(c.take_outgoing().empty());  // the password never follows
}

namespace {

// RFC 7677's example (user "user", password "pencil"); the server's final
// message as the library's tests correct the RFC's erratum.
constexpr std::string_view scram_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view scram_server_first
    = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view scram_client_final
    = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view scram_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

client_state scram_client_after_proof()
{
    auto s = client_settings{"alice", "", {"#lobby"}, "h:1",
                             sasl_settings{sasl_mechanism::scram_sha_256, "user", "pencil", std::string(scram_nonce)}};
    auto c = connected(std::move(s));
    c.on_line(":srv CAP * LS :sasl=PLAIN,SCRAM-SHA-256", t0);
    c.on_line(":srv CAP * ACK :sasl", t0);
    CHECK(c.take_outgoing() == lines{"CAP REQ sasl\r\n", "AUTHENTICATE SCRAM-SHA-256\r\n"});
    c.on_line("AUTHENTICATE +", t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE " + base64_encode("n,,n=user,r=rOprNGfwEbeRWgbNEkqO") + "\r\n"});
    c.on_line("AUTHENTICATE " + base64_encode(scram_server_first), t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE " + base64_encode(scram_client_final) + "\r\n"});
    return c;
}

}  // namespace

TEST_CASE("SASL SCRAM-SHA-256 logs in once the server proves itself", "[client_login]")
{
    auto c = scram_client_after_proof();
    c.on_line("AUTHENTICATE " + base64_encode(scram_server_final), t0);
    CHECK(c.take_outgoing() == lines{"AUTHENTICATE +\r\n"});
    c.on_line(":srv 900 alice alice!a@h user :You are now logged in as user", t0);
    c.on_line(":srv 903 alice :SASL authentication successful", t0);
    CHECK(c.take_outgoing() == lines{"CAP END\r\n"});
    CHECK(c.account() == "user");
    CHECK_FALSE(c.quitting());
}

TEST_CASE("SASL SCRAM-SHA-256 refuses a server that cannot prove itself", "[client_login]")
{
    SECTION("a wrong signature")
    {
        auto c = scram_client_after_proof();
        c.on_line("AUTHENTICATE " + base64_encode("v=6rriTRBi23WpRR/wcYv2Vt2LvOVPYrm6/5Y9ewx5ZLg="), t0);
        CHECK(c.take_outgoing() == lines{"AUTHENTICATE *\r\n", "QUIT :login failed\r\n"});
        CHECK(c.login_failure().find("could not prove") != std::string::npos);
    }
    SECTION("success claimed without a signature")
    {
        auto c = scram_client_after_proof();
        c.on_line(":srv 903 alice :SASL authentication successful", t0);
        CHECK(c.take_outgoing() == lines{"QUIT :login failed\r\n"});
        CHECK(c.login_failure().find("without proving") != std::string::npos);
    }
    SECTION("a challenge that is not base64")
    {
        auto c = scram_client_after_proof();
        c.on_line("AUTHENTICATE !!!!", t0);
        CHECK(c.take_outgoing() == lines{"AUTHENTICATE *\r\n", "QUIT :login failed\r\n"});
    }
}

TEST_CASE("a challenge in 400-byte pieces is gathered before it is answered", "[client_login]")
{
    // A SCRAM server-first padded with an extension past 400 bytes of base64.
    const std::string server_first = std::string(scram_server_first) + ",x=" + std::string(400, 'y');
    auto s = client_settings{"alice", "", {}, "h:1",
                             sasl_settings{sasl_mechanism::scram_sha_256, "user", "pencil", std::string(scram_nonce)}};
    auto c = connected(std::move(s));
    c.on_line(":srv CAP * LS :sasl", t0);
    c.on_line(":srv CAP * ACK :sasl", t0);
    c.on_line("AUTHENTICATE +", t0);
    (void)c.take_outgoing();
    const auto encoded = base64_encode(server_first);
    REQUIRE(encoded.size() > 400);
    c.on_line("AUTHENTICATE " + encoded.substr(0, 400), t0);
    CHECK(c.take_outgoing().empty());  // more follows
    c.on_line("AUTHENTICATE " + encoded.substr(400), t0);
    const auto sent = c.take_outgoing();
    REQUIRE(sent.size() == 1);
    const auto proof = sala::core::auth::base64_decode(sent[0].substr(13, sent[0].size() - 15));
    REQUIRE(proof);
    CHECK(proof->starts_with("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p="));
}

TEST_CASE("login numerics outside a login change only the account", "[client_login]")
{
    auto c = connected(client_settings{"alice", "", {}, "h:1"});
    c.on_line(":srv CAP * LS :x", t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    c.on_line(":srv 900 alice alice!a@h acct :You are now logged in as acct", t0);
    CHECK(c.account() == "acct");
    c.on_line(":srv 904 alice :SASL authentication failed", t0);
    CHECK_FALSE(c.quitting());
    c.on_disconnected("gone", t0);
    CHECK(c.account().empty());
}

TEST_CASE("/register sends REGISTER and shows the replies", "[client_login]")
{
    auto c = connected(client_settings{"alice", "", {}, "h:1"});
    c.on_input("/register hunter2 with spaces", t0);
    CHECK(c.take_outgoing().empty());  // waits for registration
    c.on_line(":srv CAP * LS :x", t0);
    c.on_line(":srv 001 alice :Welcome", t0);
    CHECK(c.take_outgoing() == lines{"CAP END\r\n", "REGISTER * * :hunter2 with spaces\r\n"});
    (void)c.take_events();

    c.on_line(":srv REGISTER SUCCESS alice :Account created", t0);
    CHECK(c.account() == "alice");
    CHECK(has_event(c.take_events(), event_kind::info, "registered account alice, logged in: Account created"));

    c.on_line(":srv REGISTER VERIFICATION_REQUIRED bob :Check your email", t0);
    CHECK(has_event(c.take_events(), event_kind::info, "account bob needs verifying: Check your email (then /verify bob CODE)"));

    c.on_line(":srv FAIL REGISTER ACCOUNT_EXISTS alice :Account already exists", t0);
    CHECK(has_event(c.take_events(), event_kind::error, "register failed: Account already exists (ACCOUNT_EXISTS)"));

    c.on_input("/verify bob 12345", t0);
    CHECK(c.take_outgoing() == lines{"VERIFY bob 12345\r\n"});
    c.on_line(":srv VERIFY SUCCESS bob :Account verified", t0);
    CHECK(c.account() == "bob");

    c.on_input("/register", t0);
    CHECK(has_event(c.take_events(), event_kind::error, "usage: /register PASSWORD"));
}

TEST_CASE("lines with passwords are recognised so history skips them", "[client_login]")
{
    CHECK(client_state::holds_secret("/register hunter2"));
    CHECK(client_state::holds_secret("/REGISTER hunter2"));
    CHECK(client_state::holds_secret("/verify bob 123"));
    CHECK(client_state::holds_secret("/msg NickServ IDENTIFY hunter2"));
    CHECK(client_state::holds_secret("/quote PASS hunter2"));
    CHECK(client_state::holds_secret("/quote privmsg nickserv :identify x"));
    CHECK_FALSE(client_state::holds_secret("/msg bob register here"));
    CHECK_FALSE(client_state::holds_secret("register is a word"));
    CHECK_FALSE(client_state::holds_secret("/join #register"));
}
