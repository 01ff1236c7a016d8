#pragma once
// One connection to the web port, without the socket: HTTP requests until
// the client upgrades at /irc, then IRC lines in WebSocket messages. The
// session feeds it what it reads and writes out what it stages, so a
// browser's IRC session is the same session, limits and flood control as a
// TCP client's. Nothing is kept for an idle connection but this object.
// Thread-safety: none; it belongs to one session on one shard.

#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "irc/line_reader.hpp"
#include "server/web_site.hpp"
#include "server/websocket_codec.hpp"

namespace sala::server {

// What the client's bytes led to, beyond lines and staged output.
struct web_input {
    bool upgraded = false;  // the WebSocket opened in this call
    bool close = false;     // read no more; close once the output is written
    // close: the ERROR line to send first (empty: none, as after HTTP
    // or the client's own close frame) and the close frame's code.
    std::string error_text;
    websocket::close_code code = websocket::close_code::normal;
};

class web_connection {
public:
    // `max_message`: the longest IRC line, tags included, a message may hold.
    web_connection(const web_site& site, std::size_t max_message);
    ~web_connection();
    web_connection(const web_connection&) = delete;
    web_connection& operator=(const web_connection&) = delete;

    // Takes what the client sent: IRC lines go to `lines`, responses, pongs
    // and echoed close frames to the staged output.
    web_input receive(std::string_view bytes, irc::line_reader& lines);

    [[nodiscard]] bool upgraded() const { return upgraded_; }

    // Frames whole IRC lines (each ending in LF) from `pieces`, stopping
    // once the staged output is large enough. Returns how many bytes of the
    // pieces it framed; the rest waits for the next call.
    std::size_t frame_lines(std::span<const std::string_view> pieces);
    // Stages the close frame, once.
    void close(websocket::close_code code, std::string_view reason);
    [[nodiscard]] bool close_sent() const { return close_sent_; }

    // What to write next, in order; consume(n) once n bytes were written.
    [[nodiscard]] std::string_view output() const { return std::string_view(out_).substr(out_written_); }
    void consume(std::size_t n);

    // Enough staged output to be worth a write before framing more.
    static constexpr std::size_t stage_target = 16384;

private:
    web_input read_http(std::string_view bytes, irc::line_reader& lines);
    web_input read_frames(std::string_view bytes, irc::line_reader& lines);
    void frame_line(std::string_view line);

    const web_site& site_;
    std::size_t max_message_;
    // HTTP: the request being read, and bytes not yet taken by the parser.
    std::unique_ptr<boost::beast::http::request_parser<boost::beast::http::empty_body>> request_;
    std::string http_input_;
    std::optional<websocket::decoder> frames_;  // once upgraded
    std::string out_;
    std::size_t out_written_ = 0;
    bool upgraded_ = false;
    bool binary_ = false;
    bool close_sent_ = false;
};

}  // namespace sala::server
