// chat-client's --sasl options: the mechanism, the account, and where the
// password comes from (never the command line).
#include "client/options.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <vector>

#include "support/catch.hpp"

using namespace sala::client;

namespace {

options_result parse(std::initializer_list<const char*> args)
{
    std::vector<const char*> argv{"chat-client"};
    argv.insert(argv.end(), args);
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

// A file removed when the test ends.
struct temp_file {
    explicit temp_file(const std::string& content)
        : path(std::filesystem::temp_directory_path() / ("sala-options-test-" + std::to_string(::getpid())))
    {
        std::ofstream(path, std::ios::binary) << content;
    }
    ~temp_file() { std::filesystem::remove(path); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    std::filesystem::path path;
};

// Sets SALA_PASSWORD for one test, or clears it.
struct password_env {
    explicit password_env(const char* value)
    {
        if (value)
            ::setenv("SALA_PASSWORD", value, 1);
        else
            ::unsetenv("SALA_PASSWORD");
    }
    ~password_env() { ::unsetenv("SALA_PASSWORD"); }
    password_env(const password_env&) = delete;
    password_env& operator=(const password_env&) = delete;
};

}  // namespace

TEST_CASE("sasl reads the password's first line from --password-file", "[client_options]")
{
    const password_env env("from-env");  // the file wins
    const temp_file file("hunter2\nsecond line\n");
    const auto r = parse({"alice", "--sasl", "--password-file", file.path.c_str()});
    REQUIRE(r.options);
    CHECK(r.options->sasl.mechanism == sasl_mechanism::plain);
    CHECK(r.options->sasl.account == "alice");
    CHECK(r.options->sasl.password == "hunter2");
}

TEST_CASE("an unreadable or empty --password-file is a bad option", "[client_options]")
{
    CHECK(parse({"alice", "--sasl", "--password-file", "/nonexistent/sala-password"}).exit_code == 2);
    const temp_file empty("\n");
    CHECK(parse({"alice", "--sasl", "--password-file", empty.path.c_str()}).exit_code == 2);
}

TEST_CASE("sasl takes the password from SALA_PASSWORD", "[client_options]")
{
    const password_env env("s3cret");
    const auto r = parse({"alice", "--sasl=plain", "--account", "alice_account"});
    REQUIRE(r.options);
    CHECK(r.options->sasl.account == "alice_account");
    CHECK(r.options->sasl.password == "s3cret");
}

TEST_CASE("sasl without a password anywhere is a bad option", "[client_options]")
{
    if (::isatty(STDIN_FILENO)) {
        WARN("not checked: standard input is a terminal, so the client would prompt");
        return;
    }
    const password_env env(nullptr);
    const auto r = parse({"alice", "--sasl"});
    CHECK_FALSE(r.options);
    CHECK(r.exit_code == 2);
}

TEST_CASE("sasl mechanisms on the command line", "[client_options]")
{
    const password_env env(nullptr);
    const temp_file cert("not really a certificate");
    SECTION("EXTERNAL needs a client certificate and no password")
    {
        const auto r = parse({"alice", "--sasl=EXTERNAL", "--tls-cert", cert.path.c_str()});
        REQUIRE(r.options);
        CHECK(r.options->sasl.mechanism == sasl_mechanism::external);
        CHECK(r.options->sasl.password.empty());
        CHECK(parse({"alice", "--sasl=EXTERNAL"}).exit_code == 2);
    }
    SECTION("SCRAM-SHA-256 needs a password like PLAIN")
    {
        const password_env with_password("pencil");
        const auto r = parse({"alice", "--sasl=scram-sha-256"});
        REQUIRE(r.options);
        CHECK(r.options->sasl.mechanism == sasl_mechanism::scram_sha_256);
        CHECK(r.options->sasl.password == "pencil");
    }
    SECTION("unknown mechanisms and options without --sasl are refused")
    {
        CHECK(parse({"alice", "--sasl=OTP"}).exit_code == 2);
        CHECK(parse({"alice", "--account", "bob"}).exit_code == 2);
        CHECK(parse({"alice", "--password-file", cert.path.c_str()}).exit_code == 2);
    }
    SECTION("no --sasl: no login")
    {
        const auto r = parse({"alice"});
        REQUIRE(r.options);
        CHECK(r.options->sasl.mechanism == sasl_mechanism::none);
    }
}

TEST_CASE("a connect timeout bounds each step of connecting (--connect-timeout)", "[client_options]")
{
    CHECK(parse({"alice"}).options->connect_timeout == std::chrono::seconds(30));
    CHECK(parse({"alice", "--connect-timeout", "2.5"}).options->connect_timeout == std::chrono::milliseconds(2500));
    // Zero would give up before any server could answer.
    CHECK(parse({"alice", "--connect-timeout", "0"}).exit_code == 2);
}
