#include "server/web_connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "irc/text.hpp"

namespace sala::server {

namespace http = boost::beast::http;
using websocket::close_code;

namespace {

// A browser's requests are a handful of headers; more is someone's probe.
constexpr std::uint32_t header_limit = 8192;
// Requests answered on one connection before it is closed. A page needs a
// few; the bound keeps a client that pipelines requests without reading the
// answers from piling up responses.
constexpr unsigned max_requests = 32;

std::unique_ptr<http::request_parser<http::empty_body>> new_parser()
{
    auto p = std::make_unique<http::request_parser<http::empty_body>>();
    p->header_limit(header_limit);
    p->eager(true);
    return p;
}

// Text frames must hold UTF-8 (browsers drop the connection otherwise);
// sala only relays valid UTF-8, so this copies nothing in practice.
std::string valid_text(std::string_view line)
{
    std::string text;
    text.reserve(line.size());
    for (std::size_t i = 0; i < line.size();) {
        const auto c = irc::decode_utf8(line, i);
        if (c.valid)
            text.append(line.substr(i, c.length));
        else
            text += "\xEF\xBF\xBD";  // U+FFFD
        i += c.length;
    }
    return text;
}

std::string& line_scratch()
{
    // One per shard thread: framing never waits, so no two sessions share it at once.
    thread_local std::string line;
    return line;
}

}  // namespace

web_connection::web_connection(const web_site& site, std::size_t max_message)
    : site_(site), max_message_(max_message), request_(new_parser())
{
}

web_connection::~web_connection() = default;

web_input web_connection::receive(std::string_view bytes, irc::line_reader& lines)
{
    return upgraded_ ? read_frames(bytes, lines) : read_http(bytes, lines);
}

web_input web_connection::read_http(std::string_view bytes, irc::line_reader& lines)
{
    http_input_.append(bytes);
    std::size_t used = 0;
    web_input result;
    unsigned answered = 0;
    while (used < http_input_.size()) {
        boost::beast::error_code ec;
        used += request_->put(boost::asio::buffer(http_input_.data() + used, http_input_.size() - used), ec);
        if (ec == http::error::need_more)
            break;
        if (ec) {
            const auto refusal = web_site::refuse(ec == http::error::header_limit ? 431 : 400);
            out_ += refusal.response;
            result.close = true;
            return result;
        }
        if (!request_->is_done())
            continue;
        auto answer = site_.respond(request_->get());
        out_ += answer.response;
        ++answered;
        if (answer.next == web_site::answer::then::upgrade) {
            upgraded_ = true;
            binary_ = answer.binary;
            request_.reset();
            frames_.emplace(max_message_);
            // Frames the client sent right behind its request, copied out
            // before the request's buffer is given back.
            const std::string rest = http_input_.substr(used);
            std::string().swap(http_input_);
            result = read_frames(rest, lines);
            result.upgraded = true;
            return result;
        }
        if (answer.next == web_site::answer::then::close || answered >= max_requests) {
            result.close = true;
            return result;
        }
        request_ = new_parser();
    }
    http_input_.erase(0, used);
    return result;
}

web_input web_connection::read_frames(std::string_view bytes, irc::line_reader& lines)
{
    web_input result;
    frames_->append(bytes);
    while (auto ev = frames_->next()) {
        using kind = websocket::decoder::event::kind;
        switch (ev->what) {
        case kind::message: {
            // The IRCv3 binding allows no binary frame on the text subprotocol.
            if (ev->type == websocket::opcode::binary && !binary_) {
                result.close = true;
                result.code = close_code::unsupported_data;
                result.error_text = "Binary frames need the binary.ircv3.net subprotocol";
                return result;
            }
            // One line per message; a trailing line end is tolerated, and
            // line ends inside split it as on TCP.
            auto text = ev->payload;
            if (text.ends_with("\r\n"))
                text.remove_suffix(2);
            else if (text.ends_with('\n'))
                text.remove_suffix(1);
            lines.append(text);
            lines.append("\n");
            break;
        }
        case kind::ping:
            websocket::append_frame(out_, websocket::opcode::pong, ev->payload);
            break;
        case kind::pong:
            break;
        case kind::close:
            // Answered with the same code, and nothing after it (RFC 6455, 5.5.1).
            close(ev->code, {});
            result.close = true;
            result.code = ev->code;
            return result;
        case kind::error:
            result.close = true;
            result.code = ev->code;
            result.error_text = ev->code == close_code::too_big ? "Message too long"
                : ev->code == close_code::invalid_payload      ? "Text frames must be UTF-8"
                                                                : "WebSocket protocol error";
            return result;
        }
    }
    return result;
}

std::size_t web_connection::frame_lines(std::span<const std::string_view> pieces)
{
    auto& line = line_scratch();
    line.clear();
    std::size_t framed = 0;
    std::size_t scanned = 0;
    for (const auto piece : pieces) {
        std::size_t at = 0;
        while (at < piece.size()) {
            const auto eol = piece.find('\n', at);
            if (eol == std::string_view::npos) {
                line.append(piece.substr(at));
                scanned += piece.size() - at;
                break;
            }
            line.append(piece.substr(at, eol - at));
            scanned += eol - at + 1;
            at = eol + 1;
            frame_line(line);
            line.clear();
            framed = scanned;
            if (output().size() >= stage_target)
                return framed;
        }
    }
    // Bytes with no line end at all would never be framed: send them as a line.
    if (framed == 0 && scanned > 0) {
        frame_line(line);
        framed = scanned;
    }
    return framed;
}

void web_connection::frame_line(std::string_view line)
{
    if (line.ends_with('\r'))
        line.remove_suffix(1);
    if (binary_) {
        websocket::append_frame(out_, websocket::opcode::binary, line);
    } else if (irc::valid_utf8(line)) {
        websocket::append_frame(out_, websocket::opcode::text, line);
    } else {
        websocket::append_frame(out_, websocket::opcode::text, valid_text(line));
    }
}

void web_connection::close(close_code code, std::string_view reason)
{
    if (close_sent_ || !upgraded_)
        return;
    close_sent_ = true;
    websocket::append_close(out_, code, reason);
}

void web_connection::close_later(close_code code, std::string_view reason)
{
    if (close_chosen_)
        return;
    close_chosen_ = true;
    close_code_ = code;
    close_reason_ = reason;
}

void web_connection::close_now()
{
    close(close_code_, close_reason_);
}

void web_connection::consume(std::size_t n)
{
    out_written_ += n;
    if (out_written_ >= out_.size()) {
        // Written out: an idle connection keeps no buffer.
        std::string().swap(out_);
        out_written_ = 0;
    }
}

}  // namespace sala::server
