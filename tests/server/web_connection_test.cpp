// The web port without a socket: what a browser's requests get back (the
// page, the upgrade to IRC over WebSocket, refusals), the lines the session
// reads out of WebSocket messages, and the frames its output becomes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "irc/line_reader.hpp"
#include "server/web_connection.hpp"
#include "server/web_site.hpp"
#include "support/catch.hpp"

using sala::irc::line_reader;
using sala::server::web_connection;
using sala::server::web_file;
using sala::server::web_site;
using sala::server::websocket::close_code;
using sala::server::websocket::opcode;

namespace {

constexpr std::size_t max_message = 8192 + 512 + 2;
constexpr std::string_view page = "<!doctype html><title>sala</title>";
const std::vector<web_file> files{{"index.html", page}, {"app.js", "'use strict';"}};

std::string upgrade_request(
    std::string_view extra = "Sec-WebSocket-Protocol: text.ircv3.net\r\n", std::string_view version = "13")
{
    return "GET /irc HTTP/1.1\r\nHost: chat.example:8090\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
           "Sec-WebSocket-Version: "
        + std::string(version) + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + std::string(extra) + "\r\n";
}

std::string masked(opcode op, std::string_view payload)
{
    std::string f;
    f.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
    f.push_back(static_cast<char>(0x80 | payload.size()));  // tests send < 126 bytes
    const char key[4] = {'\x01', '\x02', '\x03', '\x04'};
    f.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
    return f;
}

std::vector<std::string> lines_of(line_reader& reader)
{
    std::vector<std::string> out;
    while (auto l = reader.next())
        out.emplace_back(l->text);
    return out;
}

// The server frames in `out`, as (opcode, payload).
std::vector<std::pair<int, std::string>> frames_of(std::string_view out)
{
    std::vector<std::pair<int, std::string>> frames;
    while (out.size() >= 2) {
        const int op = static_cast<std::uint8_t>(out[0]) & 0x0f;
        std::size_t length = static_cast<std::uint8_t>(out[1]) & 0x7f;
        std::size_t header = 2;
        if (length == 126) {
            length = (static_cast<std::size_t>(static_cast<std::uint8_t>(out[2])) << 8) | static_cast<std::uint8_t>(out[3]);
            header = 4;
        }
        frames.emplace_back(op, std::string(out.substr(header, length)));
        out.remove_prefix(header + length);
    }
    return frames;
}

std::string take_output(web_connection& c)
{
    std::string out(c.output());
    c.consume(out.size());
    return out;
}

}  // namespace

TEST_CASE("the page is served with a strict policy, twice on one connection, however the request is cut",
    "[web]")
{
    const web_site site({}, false, files);
    const std::string two = "GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD /app.js HTTP/1.1\r\nHost: x\r\n\r\n";
    for (std::size_t cut = 0; cut <= two.size(); ++cut) {
        web_connection c(site, max_message);
        line_reader reader(max_message);
        const auto first = c.receive(std::string_view(two).substr(0, cut), reader);
        const auto second = c.receive(std::string_view(two).substr(cut), reader);
        INFO("cut at byte " << cut);
        CHECK(!first.close);
        CHECK(!second.close);
        const auto out = take_output(c);
        CHECK(out.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"));
        CHECK(out.find("Content-Security-Policy: default-src 'self'") != std::string::npos);
        CHECK(out.find(std::string(page) + "HTTP/1.1 200 OK\r\nContent-Type: text/javascript") != std::string::npos);
        CHECK(out.ends_with("\r\n\r\n"));  // HEAD: no body
        CHECK(lines_of(reader).empty());
    }
}

TEST_CASE("requests the site does not serve are refused and the connection closes", "[web]")
{
    const web_site site({}, false, files);
    const auto answer = [&](const std::string& request) {
        web_connection c(site, max_message);
        line_reader reader(max_message);
        const auto in = c.receive(request, reader);
        CHECK(in.close);
        CHECK(!c.upgraded());
        return take_output(c).substr(0, 12);
    };
    CHECK(answer("GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n") == "HTTP/1.1 404");
    CHECK(answer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") == "HTTP/1.1 405");
    CHECK(answer("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(9000, 'a') + "\r\n\r\n") == "HTTP/1.1 431");
    CHECK(answer("NONSENSE\r\n\r\n") == "HTTP/1.1 400");
    CHECK(answer("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello") == "HTTP/1.1 400");
    CHECK(answer(upgrade_request("", "8")) == "HTTP/1.1 426");
}

TEST_CASE("the upgrade answers the key, picks the subprotocol, and reads frames sent with it", "[web]")
{
    const web_site site({}, false, files);
    web_connection c(site, max_message);
    line_reader reader(max_message);
    const auto in = c.receive(upgrade_request() + masked(opcode::text, "NICK web") + masked(opcode::text, "USER w 0 * :W\r\n"),
        reader);
    CHECK(in.upgraded);
    CHECK(!in.close);
    CHECK(c.upgraded());
    const auto out = take_output(c);
    CHECK(out.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
    // The accept value of RFC 6455's own example key.
    CHECK(out.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
    CHECK(out.find("Sec-WebSocket-Protocol: text.ircv3.net\r\n") != std::string::npos);
    CHECK(lines_of(reader) == std::vector<std::string>{"NICK web", "USER w 0 * :W"});

    // Two lines in one message are two lines, as on TCP.
    CHECK(!c.receive(masked(opcode::text, "PING a\r\nPING b"), reader).close);
    CHECK(lines_of(reader) == std::vector<std::string>{"PING a", "PING b"});

    // A ping is answered at once with the same payload.
    CHECK(!c.receive(masked(opcode::ping, "are you there"), reader).close);
    CHECK(frames_of(take_output(c)) == std::vector<std::pair<int, std::string>>{{10, "are you there"}});
}

TEST_CASE("the subprotocol is the client's first supported one; none is text too", "[web]")
{
    const web_site site({}, false, files);
    const auto chosen = [&](std::string_view header) {
        const auto a = site.respond([&] {
            sala::server::web_request r;
            r.method(boost::beast::http::verb::get);
            r.target("/irc");
            r.set(boost::beast::http::field::host, "h");
            r.set(boost::beast::http::field::upgrade, "websocket");
            r.set(boost::beast::http::field::connection, "Upgrade");
            r.set(boost::beast::http::field::sec_websocket_version, "13");
            r.set(boost::beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
            if (!header.empty())
                r.set(boost::beast::http::field::sec_websocket_protocol, header);
            return r;
        }());
        REQUIRE(a.status == 101);
        const auto at = a.response.find("Sec-WebSocket-Protocol: ");
        return std::pair{at == std::string::npos ? std::string() : a.response.substr(at + 24, a.response.find('\r', at) - at - 24),
            a.binary};
    };
    CHECK(chosen("foo, binary.ircv3.net, text.ircv3.net") == std::pair{std::string("binary.ircv3.net"), true});
    CHECK(chosen("text.ircv3.net,binary.ircv3.net") == std::pair{std::string("text.ircv3.net"), false});
    CHECK(chosen("") == std::pair{std::string(), false});
    CHECK(chosen("chat") == std::pair{std::string(), false});
}

TEST_CASE("only the allowed origins may open IRC over WebSocket", "[web]")
{
    const auto status = [](const web_site& site, std::string_view origin) {
        web_connection c(site, max_message);
        line_reader reader(max_message);
        const auto extra = origin.empty() ? std::string() : "Origin: " + std::string(origin) + "\r\n";
        (void)c.receive(upgrade_request(extra), reader);
        return take_output(c).substr(9, 3);
    };
    const web_site same({}, false, files);
    CHECK(status(same, "") == "101");  // not a browser
    CHECK(status(same, "http://chat.example:8090") == "101");
    CHECK(status(same, "https://chat.example:8090") == "403");  // not its own scheme
    CHECK(status(same, "http://evil.example") == "403");
    const web_site secure({}, true, files);
    CHECK(status(secure, "https://chat.example:8090") == "101");
    const web_site listed({"https://good.example"}, false, files);
    CHECK(status(listed, "https://good.example") == "101");
    CHECK(status(listed, "http://chat.example:8090") == "403");
    const web_site any({"*"}, false, files);
    CHECK(status(any, "http://anywhere.example") == "101");
}

TEST_CASE("a binary frame on the text subprotocol and a client's close end the session as they should", "[web]")
{
    const web_site site({}, false, files);
    {
        web_connection c(site, max_message);
        line_reader reader(max_message);
        (void)c.receive(upgrade_request(), reader);
        (void)take_output(c);
        const auto in = c.receive(masked(opcode::binary, "NICK x"), reader);
        CHECK(in.close);
        CHECK(in.code == close_code::unsupported_data);
        CHECK(!in.error_text.empty());
        CHECK(lines_of(reader).empty());
    }
    {
        web_connection c(site, max_message);
        line_reader reader(max_message);
        (void)c.receive(upgrade_request("Sec-WebSocket-Protocol: binary.ircv3.net\r\n"), reader);
        (void)take_output(c);
        CHECK(!c.receive(masked(opcode::binary, "NICK x"), reader).close);
        CHECK(lines_of(reader) == std::vector<std::string>{"NICK x"});
        const auto in = c.receive(masked(opcode::text, "QUIT") + masked(opcode::close, "\x03\xE9"), reader);
        CHECK(lines_of(reader) == std::vector<std::string>{"QUIT"});  // the lines before the close count
        CHECK(in.close);
        CHECK(in.error_text.empty());
        CHECK(c.close_sent());
        CHECK(frames_of(take_output(c)) == std::vector<std::pair<int, std::string>>{{8, "\x03\xE9"}});
    }
}

TEST_CASE("output lines become one frame each, staged a bounded amount at a time", "[web]")
{
    const web_site site({}, false, files);
    web_connection c(site, max_message);
    line_reader reader(max_message);
    (void)c.receive(upgrade_request(), reader);
    (void)take_output(c);

    // Pieces as the outbox gives them: a tag prefix, then the line.
    const std::string prefix = "@time=2026-12-03T00:00:00.000Z ";
    const std::string line = ":a!a@h PRIVMSG #lobby :hello\r\n";
    const std::string latin1 = ":a!a@h PRIVMSG #lobby :caf\xE9\r\n";
    std::vector<std::string_view> pieces{prefix, line, latin1};
    const auto framed = c.frame_lines(pieces);
    CHECK(framed == prefix.size() + line.size() + latin1.size());
    CHECK(frames_of(take_output(c))
        == std::vector<std::pair<int, std::string>>{
            {1, prefix + ":a!a@h PRIVMSG #lobby :hello"}, {1, ":a!a@h PRIVMSG #lobby :caf\xEF\xBF\xBD"}});

    // Many lines: framing stops near the stage target; the rest comes later.
    const std::string long_line = ":a!a@h PRIVMSG #lobby :" + std::string(400, 'x') + "\r\n";
    std::vector<std::string_view> many(100, long_line);
    std::size_t total = 0;
    std::size_t frames = 0;
    while (total < 100 * long_line.size()) {
        const auto done = c.frame_lines(std::span(many).subspan(total / long_line.size()));
        CHECK(done % long_line.size() == 0);  // whole lines only
        CHECK(c.output().size() < web_connection::stage_target + long_line.size() + 4);
        total += done;
        frames += frames_of(take_output(c)).size();
    }
    CHECK(frames == 100);
}
