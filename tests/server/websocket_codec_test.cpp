// WebSocket framing without a socket: whatever way a client's bytes are cut
// by the network, the server reads the same messages; every way a client can
// break RFC 6455 ends in the close code a browser would report.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/websocket_codec.hpp"
#include "support/catch.hpp"

using sala::server::websocket::append_close;
using sala::server::websocket::append_frame;
using sala::server::websocket::close_code;
using sala::server::websocket::decoder;
using sala::server::websocket::opcode;
using kind = decoder::event::kind;

namespace {

constexpr std::size_t max_message = 8192 + 512 + 2;

// A frame as a browser sends it: masked, with a fixed key so failures repeat.
std::string client_frame(opcode op, std::string_view payload, bool fin = true, bool masked = true)
{
    std::string f;
    f.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<std::uint8_t>(op)));
    const auto mask_bit = static_cast<std::uint8_t>(masked ? 0x80 : 0);
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() <= 0xffff) {
        f.push_back(static_cast<char>(mask_bit | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
        f.push_back(static_cast<char>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            f.push_back(static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xff));
    }
    if (!masked)
        return f + std::string(payload);
    const char key[4] = {'\x12', '\x34', '\x56', '\x78'};
    f.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
    return f;
}

struct seen {
    kind what;
    opcode type;
    close_code code;
    std::string payload;
    bool operator==(const seen&) const = default;
};

std::vector<seen> drain(decoder& d)
{
    std::vector<seen> out;
    while (auto ev = d.next())
        out.push_back({ev->what, ev->type, ev->code, std::string(ev->payload)});
    return out;
}

std::vector<seen> decode(std::string_view bytes)
{
    decoder d(max_message);
    d.append(bytes);
    return drain(d);
}

// The payload length field and the payload of a server frame.
std::pair<std::uint64_t, std::string> server_frame(std::string_view f)
{
    REQUIRE(f.size() >= 2);
    REQUIRE((static_cast<std::uint8_t>(f[1]) & 0x80) == 0);  // servers never mask
    std::uint64_t length = static_cast<std::uint8_t>(f[1]) & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
        length = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(f[2])) << 8) | static_cast<std::uint8_t>(f[3]);
        header = 4;
    } else if (length == 127) {
        length = 0;
        for (std::size_t i = 2; i < 10; ++i)
            length = (length << 8) | static_cast<std::uint8_t>(f[i]);
        header = 10;
    }
    return {length, std::string(f.substr(header))};
}

}  // namespace

TEST_CASE("a message reads the same however the network cuts it", "[websocket]")
{
    const auto bytes = client_frame(opcode::text, "PRIVMSG #lobby :héllo") + client_frame(opcode::ping, "p1")
        + client_frame(opcode::binary, std::string(300, 'x'));
    const std::vector<seen> expected{
        {kind::message, opcode::text, close_code::normal, "PRIVMSG #lobby :héllo"},
        {kind::ping, opcode::ping, close_code::normal, "p1"},
        {kind::message, opcode::binary, close_code::normal, std::string(300, 'x')},
    };
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        decoder d(max_message);
        d.append(std::string_view(bytes).substr(0, cut));
        auto got = drain(d);
        d.append(std::string_view(bytes).substr(cut));
        const auto rest = drain(d);
        got.insert(got.end(), rest.begin(), rest.end());
        INFO("cut at byte " << cut);
        CHECK(got == expected);
    }
    // Byte by byte, the buffer never holds more than the frame being read.
    decoder d(max_message);
    std::vector<seen> got;
    for (const char c : bytes) {
        d.append(std::string_view(&c, 1));
        const auto more = drain(d);
        got.insert(got.end(), more.begin(), more.end());
        CHECK(d.pending() <= 300 + 14);
    }
    CHECK(got == expected);
}

TEST_CASE("fragments make one message, with control frames between them", "[websocket]")
{
    // "é" is cut between the fragments: only the whole message must be UTF-8.
    const auto bytes = client_frame(opcode::text, "PRIVMSG #a :caf\xC3", false) + client_frame(opcode::ping, "x")
        + client_frame(opcode::continuation, "\xA9 ", false) + client_frame(opcode::continuation, "au lait");
    const auto got = decode(bytes);
    REQUIRE(got.size() == 2);
    CHECK(got[0].what == kind::ping);
    CHECK(got[1] == seen{kind::message, opcode::text, close_code::normal, "PRIVMSG #a :café au lait"});
}

TEST_CASE("frames that break the protocol close it with the code a browser reports", "[websocket]")
{
    const auto error = [](std::string_view bytes) {
        const auto got = decode(bytes);
        REQUIRE(!got.empty());
        CHECK(got.back().what == kind::error);
        return got.back().code;
    };
    CHECK(error(client_frame(opcode::text, "NICK a", true, false)) == close_code::protocol_error);  // unmasked
    auto reserved = client_frame(opcode::text, "NICK a");
    reserved[0] = static_cast<char>(reserved[0] | 0x40);
    CHECK(error(reserved) == close_code::protocol_error);
    auto unknown = client_frame(opcode::text, "NICK a");
    unknown[0] = static_cast<char>(0x83);
    CHECK(error(unknown) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::continuation, "x")) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::text, "a", false) + client_frame(opcode::text, "b")) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::ping, "x", false)) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::ping, std::string(126, 'x'))) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::text, "PRIVMSG #a :\xFF\xFE")) == close_code::invalid_payload);
    CHECK(error(client_frame(opcode::close, "\x03")) == close_code::protocol_error);
    CHECK(error(client_frame(opcode::close, "\x03\xED")) == close_code::protocol_error);  // 1005 is never sent
}

TEST_CASE("a message over the limit is refused from its header, before its payload arrives", "[websocket]")
{
    const auto big = client_frame(opcode::text, std::string(max_message + 1, 'a'));
    decoder d(max_message);
    d.append(std::string_view(big).substr(0, 20));
    const auto got = drain(d);
    REQUIRE(got.size() == 1);
    CHECK(got[0].what == kind::error);
    CHECK(got[0].code == close_code::too_big);
    // Fragments count together.
    const auto pieces = client_frame(opcode::text, std::string(max_message / 2 + 1, 'a'), false)
        + client_frame(opcode::continuation, std::string(max_message / 2 + 1, 'a'));
    CHECK(decode(pieces).back().code == close_code::too_big);
    // Exactly the limit is fine.
    CHECK(decode(client_frame(opcode::text, std::string(max_message, 'a'))).back().what == kind::message);
}

TEST_CASE("a close frame gives its code and reason, and nothing is read after it", "[websocket]")
{
    const auto got = decode(client_frame(opcode::close, std::string("\x03\xE9", 2) + "going")
        + client_frame(opcode::text, "QUIT"));
    REQUIRE(got.size() == 1);
    CHECK(got[0] == seen{kind::close, opcode::close, close_code::going_away, "going"});
    const auto empty = decode(client_frame(opcode::close, ""));
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].code == close_code::no_status);
}

TEST_CASE("server frames use the shortest length field and are never masked", "[websocket]")
{
    for (const std::size_t size : {0UL, 125UL, 126UL, 65535UL, 65536UL}) {
        std::string out;
        append_frame(out, opcode::text, std::string(size, 'z'));
        CHECK(static_cast<std::uint8_t>(out[0]) == 0x81);
        const auto [length, payload] = server_frame(out);
        CHECK(length == size);
        CHECK(payload == std::string(size, 'z'));
        const std::size_t header = size < 126 ? 2 : size <= 65535 ? 4 : 10;
        CHECK(out.size() == header + size);
    }
}

TEST_CASE("a close reason is cut to fit a control frame without splitting a character", "[websocket]")
{
    std::string reason;
    for (int i = 0; i < 100; ++i)
        reason += "é";  // 200 bytes
    std::string out;
    append_close(out, close_code::policy_violation, reason);
    const auto [length, payload] = server_frame(out);
    CHECK(length <= 125);
    CHECK(payload.substr(0, 2) == "\x03\xF0");  // 1008
    CHECK(payload.size() % 2 == 0);             // whole two-byte characters after the code
    std::string empty;
    append_close(empty, close_code::no_status, "ignored");
    CHECK(empty == std::string("\x88\x00", 2));
}
