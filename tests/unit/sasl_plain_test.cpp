// SASL PLAIN (src/core/auth/sasl_plain.hpp): "authzid NUL authcid NUL password".

#include <string_view>

#include "core/auth/sasl_plain.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::core::auth::make_plain;
using sala::core::auth::parse_plain;

TEST_CASE("sasl plain: empty and set authzid", "[auth][plain]")
{
    const auto own = parse_plain("\0alice\0s3cret"sv);
    REQUIRE(own.has_value());
    CHECK(own->authzid.empty());
    CHECK(own->authcid == "alice");
    CHECK(own->password == "s3cret");

    const auto other = parse_plain("bob\0alice\0s3cret"sv);
    REQUIRE(other.has_value());
    CHECK(other->authzid == "bob");
    CHECK(other->authcid == "alice");
    CHECK(other->password == "s3cret");
}

TEST_CASE("sasl plain: malformed messages are rejected", "[auth][plain]")
{
    const std::string_view rejects[] = {
        ""sv,
        "alice"sv,                 // no NUL
        "\0alice"sv,               // one NUL
        "\0alice\0"sv,             // empty password
        "\0\0s3cret"sv,            // empty authcid
        "\0alice\0pass\0word"sv,   // three NULs
        "\0\0\0"sv,
    };
    for (const auto message : rejects)
        CHECK_FALSE(parse_plain(message).has_value());
}

TEST_CASE("sasl plain: make_plain is what parse_plain reads", "[auth][plain]")
{
    const std::string message = make_plain("alice", "pass word");
    CHECK(message == "\0alice\0pass word"sv);
    const auto parsed = parse_plain(message);
    REQUIRE(parsed.has_value());
    CHECK(parsed->authzid.empty());
    CHECK(parsed->authcid == "alice");
    CHECK(parsed->password == "pass word");
}
