// Base64 for SASL (src/core/auth/base64.hpp): RFC 4648 vectors, round trips,
// and the non-canonical spellings OpenSSL alone would let through.

#include <string>
#include <string_view>

#include "core/auth/base64.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::core::auth::base64_decode;
using sala::core::auth::base64_encode;

TEST_CASE("base64: RFC 4648 test vectors", "[auth][base64]")
{
    const std::string_view cases[][2] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : cases) {
        CHECK(base64_encode(plain) == encoded);
        CHECK(base64_decode(encoded) == std::string(plain));
    }
}

TEST_CASE("base64: every length from 0 to 64 round-trips, NULs and high bytes included", "[auth][base64]")
{
    for (std::size_t length = 0; length <= 64; ++length) {
        std::string bytes;
        for (std::size_t i = 0; i < length; ++i)
            bytes.push_back(static_cast<char>((i * 37 + length) % 256));
        const std::string encoded = base64_encode(bytes);
        CHECK(encoded.size() == (length + 2) / 3 * 4);
        CHECK(base64_decode(encoded) == bytes);
    }
}

TEST_CASE("base64: anything but canonical padded text is rejected", "[auth][base64]")
{
    const std::string_view rejects[] = {
        "abc",        // length not a multiple of 4
        "ab=c",       // padding in the middle
        "a b=",       // whitespace inside
        "Zm9v\n",     // trailing newline (OpenSSL alone would trim it)
        " Zm9v",      // leading space
        "Zm9v Zm9v",  // space between blocks
        "Zg=",        // short padding
        "Z===",       // too much padding
        "====",       // padding only
        "Zm9v====",   // a block of padding
        "Zm=v",       // padding then data
        "Zh==",       // non-zero bits under the padding
        "Zm9=",       // same, one '='
        "Zm9v*A==",   // byte outside the alphabet
        "Zm9vYg==Zm9v",  // padding before more data
        "Zm9v\0\0\0\0"sv,  // NULs
    };
    for (const auto text : rejects) {
        INFO("input: " << text);
        CHECK_FALSE(base64_decode(text).has_value());
    }
}
