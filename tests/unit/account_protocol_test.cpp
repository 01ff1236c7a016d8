// Accounts in the per-connection state machine: the SASL exchanges, REGISTER
// and NickServ as lines in and effects out, with the server's answers fed
// back by hand. The crypto is the real one (core/auth), so a SCRAM exchange
// here is a real one.

#include <string>
#include <vector>

#include "core/auth/base64.hpp"
#include "core/auth/sasl_plain.hpp"
#include "core/auth/scram.hpp"
#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::account_outcome;
using sala::irc::account_status;
using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;
namespace auth = sala::core::auth;
using sala::test::all_of;
using sala::test::sent;

namespace {

protocol_settings test_settings()
{
    protocol_settings s;
    s.server_name = "test.server";
    return s;
}

// CAP REQ sasl and NICK, leaving registration open until CAP END.
void start_with_sasl(session_protocol& p, const std::string& nick = "alice")
{
    (void)p.on_line("CAP LS 302");
    REQUIRE(sent(p.on_line("CAP REQ :sasl")).find(" ACK :sasl") != std::string::npos);
    (void)p.on_line("NICK " + nick);
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real");
}

account_outcome ok(std::string account)
{
    account_outcome o;
    o.status = account_status::ok;
    o.account = std::move(account);
    return o;
}

account_outcome failed(account_status s)
{
    account_outcome o;
    o.status = s;
    return o;
}

std::string authenticate_payload(const std::string& bytes)
{
    return "AUTHENTICATE " + auth::base64_encode(bytes);
}

}  // namespace

TEST_CASE("SASL PLAIN asks the server to check the password and logs in on its word", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    start_with_sasl(p);
    CHECK(sent(p.on_line("AUTHENTICATE plain")) == "AUTHENTICATE +\r\n");
    const auto out = p.on_line(authenticate_payload(auth::make_plain("Alice", "secret99")));
    const auto asked = all_of<fx::account_request>(out);
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].action == fx::account_action::login_plain);
    CHECK(asked[0].origin == fx::account_origin::sasl);
    CHECK(asked[0].account == "Alice");
    CHECK(asked[0].password == "secret99");

    const auto answered = p.account_answered(asked[0], ok("alice"));
    CHECK(sent(answered) == ":test.server 900 alice alice!u@10.0.0.1 alice :You are now logged in as alice\r\n"
                            ":test.server 903 alice :SASL authentication successful\r\n");
    const auto changed = all_of<fx::account_changed>(answered);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].account == "alice");
    CHECK(changed[0].line.empty());  // not registered yet: nobody to tell
    CHECK(p.account() == "alice");
    CHECK(sent(p.on_line("AUTHENTICATE PLAIN")) == ":test.server 907 alice :You have already authenticated using SASL\r\n");
    CHECK(sent(p.on_line("CAP END")).find(" 001 alice ") != std::string::npos);
}

TEST_CASE("SASL refuses what it cannot check, and says why in the standard numerics", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    SECTION("without the capability")
    {
        (void)p.on_line("NICK alice");
        CHECK(sent(p.on_line("AUTHENTICATE PLAIN")).find(" 904 ") != std::string::npos);
    }
    start_with_sasl(p);
    SECTION("an unknown mechanism lists the known ones (EXTERNAL only over TLS)")
    {
        CHECK(sent(p.on_line("AUTHENTICATE GSSAPI")) == ":test.server 908 alice PLAIN,SCRAM-SHA-256 :are available SASL "
                                                          "mechanisms\r\n:test.server 904 alice :SASL authentication failed\r\n");
        CHECK(sent(p.on_line("AUTHENTICATE EXTERNAL")).find(" 908 ") != std::string::npos);
    }
    SECTION("EXTERNAL over TLS without a certificate")
    {
        session_protocol secure(settings, "10.0.0.1");
        secure.set_secure();
        start_with_sasl(secure);
        CHECK(sent(secure.on_line("AUTHENTICATE EXTERNAL")).find(" 904 ") != std::string::npos);
        secure.set_certfp(std::string(64, 'a'));
        CHECK(sent(secure.on_line("AUTHENTICATE EXTERNAL")) == "AUTHENTICATE +\r\n");
        const auto asked = all_of<fx::account_request>(secure.on_line("AUTHENTICATE +"));
        REQUIRE(asked.size() == 1);
        CHECK(asked[0].action == fx::account_action::login_external);
        CHECK(asked[0].account.empty());
    }
    SECTION("not base64, or a malformed PLAIN message")
    {
        (void)p.on_line("AUTHENTICATE PLAIN");
        CHECK(sent(p.on_line("AUTHENTICATE ***")).find(" 904 ") != std::string::npos);
        (void)p.on_line("AUTHENTICATE PLAIN");
        CHECK(sent(p.on_line(authenticate_payload("no nuls here"))).find(" 904 ") != std::string::npos);
        (void)p.on_line("AUTHENTICATE PLAIN");
        CHECK(sent(p.on_line(authenticate_payload(std::string("bob\0alice\0pw", 12)))).find(" 904 ") != std::string::npos);
    }
    SECTION("a name that is not UTF-8")
    {
        // It names no account, and the session fuzzer found it echoed in
        // a reply: refused before any lookup.
        (void)p.on_line("AUTHENTICATE PLAIN");
        const auto bad_name = p.on_line(authenticate_payload(std::string("\0alic\xa5\0password", 15)));
        CHECK(sent(bad_name).find(" 904 ") != std::string::npos);
        CHECK(all_of<fx::account_request>(bad_name).empty());
    }
    SECTION("abort, and too long")
    {
        (void)p.on_line("AUTHENTICATE PLAIN");
        CHECK(sent(p.on_line("AUTHENTICATE *")) == ":test.server 906 alice :SASL authentication aborted\r\n");
        (void)p.on_line("AUTHENTICATE PLAIN");
        CHECK(sent(p.on_line("AUTHENTICATE " + std::string(401, 'A'))).find(" 905 ") != std::string::npos);
        (void)p.on_line("AUTHENTICATE PLAIN");
        for (int i = 0; i < 4; ++i)
            CHECK(p.on_line("AUTHENTICATE " + std::string(400, 'A')).empty());
        CHECK(sent(p.on_line("AUTHENTICATE AAAA")).find(" 904 ") != std::string::npos);
    }
    SECTION("a wrong password, a throttle and a broken store each fail with 904")
    {
        for (auto why : {account_status::refused, account_status::throttled, account_status::unavailable}) {
            (void)p.on_line("AUTHENTICATE PLAIN");
            const auto asked = all_of<fx::account_request>(p.on_line(authenticate_payload(auth::make_plain("alice", "x"))));
            REQUIRE(asked.size() == 1);
            const auto text = sent(p.account_answered(asked[0], failed(why)));
            CHECK(text.starts_with(":test.server 904 alice :SASL authentication failed"));
            CHECK(p.account().empty());
        }
    }
    SECTION("CAP END abandons an exchange under way")
    {
        (void)p.on_line("AUTHENTICATE PLAIN");
        const auto text = sent(p.on_line("CAP END"));
        CHECK(text.starts_with(":test.server 906 alice :SASL authentication aborted\r\n"));
        CHECK(text.find(" 001 alice ") != std::string::npos);
    }
}

TEST_CASE("a PLAIN message split at 400 bytes is put back together", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    start_with_sasl(p);
    // 300 bytes of PLAIN: exactly 400 of base64, so an empty "+" ends it.
    const auto message = auth::make_plain("alice", std::string(300 - 7, 'p'));
    const auto encoded = auth::base64_encode(message);
    REQUIRE(encoded.size() == 400);
    (void)p.on_line("AUTHENTICATE PLAIN");
    CHECK(p.on_line("AUTHENTICATE " + encoded).empty());
    const auto asked = all_of<fx::account_request>(p.on_line("AUTHENTICATE +"));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].password == std::string(293, 'p'));
}

TEST_CASE("a SCRAM-SHA-256 exchange runs in the protocol, with keys from the server", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    start_with_sasl(p);
    auth::scram_client client("alice", "pencil-case");
    CHECK(sent(p.on_line("AUTHENTICATE SCRAM-SHA-256")) == "AUTHENTICATE +\r\n");
    const auto asked = all_of<fx::account_request>(p.on_line(authenticate_payload(client.client_first())));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].action == fx::account_action::scram_credentials);
    CHECK(asked[0].account == "alice");

    auto keys = ok("alice");
    bool right_password = true;
    SECTION("the right password") {}
    SECTION("a wrong one") { right_password = false; }
    keys.scram = auth::make_scram_credentials(right_password ? "pencil-case" : "other", "salt-bytes");
    keys.server_nonce = auth::make_nonce();
    const auto challenge = sent(p.account_answered(asked[0], keys));
    REQUIRE(challenge.starts_with("AUTHENTICATE "));
    const auto server_first = auth::base64_decode(challenge.substr(13, challenge.size() - 15));
    REQUIRE(server_first);
    const auto final_message = client.client_final(*server_first);
    REQUIRE(final_message);
    const auto out = p.on_line(authenticate_payload(*final_message));
    if (!right_password) {
        CHECK(sent(out).find(" 904 ") != std::string::npos);
        REQUIRE(all_of<fx::login_failed>(out).size() == 1);
        CHECK(all_of<fx::login_failed>(out)[0].account == "alice");
        CHECK(p.account().empty());
        return;
    }
    const auto verdict = sent(out);
    REQUIRE(verdict.starts_with("AUTHENTICATE "));
    const auto server_final = auth::base64_decode(verdict.substr(13, verdict.size() - 15));
    REQUIRE(server_final);
    CHECK(client.verify_server_final(*server_final));
    const auto done = sent(p.on_line("AUTHENTICATE +"));
    CHECK(done.find(" 900 alice ") != std::string::npos);
    CHECK(done.find(" 903 alice ") != std::string::npos);
    CHECK(p.account() == "alice");
}

TEST_CASE("REGISTER names the account after the nick and checks the password before asking", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    CHECK(sent(p.on_line("REGISTER * * longenough")) == ":test.server FAIL REGISTER NEED_NICK * :Choose a nick first: "
                                                        "the account is named after it\r\n");
    // Someone else holds the nick asked for: no account can take it either.
    (void)p.on_line("NICK root");
    CHECK(sent(p.nick_claimed(false)).find(" 433 ") != std::string::npos);
    CHECK(sent(p.on_line("REGISTER * * longenough")).find("FAIL REGISTER ACCOUNT_EXISTS root ") != std::string::npos);
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    CHECK(sent(p.on_line("REGISTER bob * longenough")).find("FAIL REGISTER ACCOUNT_NAME_MUST_BE_NICK bob ") != std::string::npos);
    CHECK(sent(p.on_line("REGISTER * * short")).find("FAIL REGISTER WEAK_PASSWORD alice ") != std::string::npos);
    CHECK(sent(p.on_line("VERIFY alice 123")).find("FAIL VERIFY INVALID_CODE alice ") != std::string::npos);
    const auto asked = all_of<fx::account_request>(p.on_line("REGISTER ALICE * longenough"));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].action == fx::account_action::register_account);
    CHECK(asked[0].account == "alice");
    CHECK(asked[0].password == "longenough");
    CHECK(sent(p.account_answered(asked[0], failed(account_status::exists)))
        == ":test.server FAIL REGISTER ACCOUNT_EXISTS alice :Account already exists\r\n");
    const auto text = sent(p.account_answered(asked[0], ok("alice")));
    CHECK(text.starts_with(":test.server REGISTER SUCCESS alice :Account created\r\n:test.server 900 alice "));
    CHECK(sent(p.on_line("REGISTER * * longenough")).find("ALREADY_AUTHENTICATED") != std::string::npos);
}

TEST_CASE("NickServ answers in notices, and never relays what it is sent", "[irc][accounts]")
{
    auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real");
    REQUIRE(p.registered());
    const auto help = sent(p.on_line("PRIVMSG NickServ :help"));
    CHECK(help.starts_with(":NickServ!NickServ@services. NOTICE alice :"));
    CHECK(help.find("IDENTIFY") != std::string::npos);
    CHECK(sent(p.on_line("NS GHOST bob")) == ":NickServ!NickServ@services. NOTICE alice :You are not logged in.\r\n");

    const auto registering = p.on_line("PRIVMSG nickserv :REGISTER hunter22a");
    CHECK(all_of<fx::private_message>(registering).empty());
    auto asked = all_of<fx::account_request>(registering);
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].origin == fx::account_origin::nickserv);
    CHECK(asked[0].account == "alice");
    const auto registered = p.account_answered(asked[0], ok("alice"));
    CHECK(sent(registered).find("NOTICE alice :Account alice registered") != std::string::npos);
    const auto changed = all_of<fx::account_changed>(registered);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].line == ":alice!u@10.0.0.1 ACCOUNT alice\r\n");

    asked = all_of<fx::account_request>(p.on_line("NICKSERV CERT ADD AA:" + std::string(62, 'B')));
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].action == fx::account_action::cert_add);
    CHECK(asked[0].argument == "aa" + std::string(62, 'b'));
    CHECK(sent(p.on_line("NICKSERV CERT ADD")).find("connect with a client certificate") != std::string::npos);
    CHECK(sent(p.on_line("NICKSERV DROP")).find("DROP alice") != std::string::npos);
    CHECK(all_of<fx::account_request>(p.on_line("NICKSERV DROP Alice")).size() == 1);

    const auto out = p.on_line("NICKSERV LOGOUT");
    CHECK(sent(out).find(" 901 alice ") != std::string::npos);
    CHECK(all_of<fx::account_changed>(out).at(0).line == ":alice!u@10.0.0.1 ACCOUNT *\r\n");
    CHECK(p.account().empty());
    CHECK(sent(p.on_line("NICK NickServ")).find(" 432 ") != std::string::npos);
}

TEST_CASE("a forced rename tells the user and announces the new nick", "[irc][accounts]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real");
    CHECK(p.nick_protected_notice(30).find("within 30 seconds") != std::string::npos);
    const auto out = p.nick_forced("Guest-12345");
    CHECK(sent(out).find("your nick is now Guest-12345") != std::string::npos);
    const auto renamed = all_of<fx::nick_changed>(out);
    REQUIRE(renamed.size() == 1);
    CHECK(renamed[0].line == ":alice!u@10.0.0.1 NICK :Guest-12345\r\n");
    CHECK(p.nick() == "Guest-12345");
}

TEST_CASE("without a store no account capability is offered", "[irc][accounts]")
{
    auto settings = test_settings();
    settings.accounts = false;
    session_protocol p(settings, "10.0.0.1");
    const auto ls = sent(p.on_line("CAP LS 302"));
    CHECK(ls.find("sasl") == std::string::npos);
    CHECK(ls.find("account-registration") == std::string::npos);
    CHECK(ls.find("account-notify") != std::string::npos);
    CHECK(sent(p.on_line("CAP REQ :sasl")).find(" NAK ") != std::string::npos);
}
