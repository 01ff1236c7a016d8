#pragma once
// WebSocket framing for the load generator's connections (RFC 6455, client
// side, the IRCv3 text.ircv3.net subprotocol): the opening handshake's
// request and answer, IRC lines as masked text frames out, and frames in
// taken apart into IRC lines. Sans-I/O: irc_conn moves the bytes, so a
// WebSocket run measures the server's WebSocket, not a different client.
// One connection's link; not thread-safe.
//
// Failure: a refused upgrade or a frame no server may send (masked,
// fragmented, oversized) makes feed()/take_upgrade() report failed; the
// connection is then closed by its owner.

#include <cstdint>
#include <string>
#include <string_view>

namespace sala::bench {

class ws_link {
public:
    enum class status { need_more, done, failed };

    // The GET /irc upgrade request for the server at host_port ("127.0.0.1:8090").
    [[nodiscard]] static std::string upgrade_request(std::string_view host_port);

    // Consumes the server's answer to the upgrade from `in` as it arrives:
    // done once a whole 101 head was read (bytes after it stay in `in`).
    [[nodiscard]] status take_upgrade(std::string& in);

    // Appends `line` as one masked text frame.
    void append_frame(std::string& out, std::string_view line, std::uint8_t opcode = text_opcode);

    // Takes the frames in `bytes` (any split): each text or binary message
    // goes to on_line, a ping's payload to on_ping; a close frame is failed.
    template <class OnLine, class OnPing>
    status feed(std::string_view bytes, OnLine&& on_line, OnPing&& on_ping);

    static constexpr std::uint8_t text_opcode = 0x1;
    static constexpr std::uint8_t pong_opcode = 0xA;

private:
    struct frame {
        std::uint8_t opcode = 0;
        std::string_view payload;
        std::size_t size = 0;  // header and payload
    };
    // The frame at the start of `bytes`: size 0 when incomplete, opcode 0xFF when invalid.
    [[nodiscard]] static frame parse(std::string_view bytes);

    std::string pending_;  // the start of a frame split across reads
    std::uint32_t mask_state_ = 0x9E3779B9u;
};

template <class OnLine, class OnPing>
ws_link::status ws_link::feed(std::string_view bytes, OnLine&& on_line, OnPing&& on_ping)
{
    if (!pending_.empty()) {
        pending_.append(bytes);
        bytes = pending_;
    }
    std::size_t used = 0;
    status result = status::need_more;
    while (used < bytes.size()) {
        const auto f = parse(bytes.substr(used));
        if (f.opcode == 0xFF || f.opcode == 0x8) {
            result = status::failed;
            break;
        }
        if (f.size == 0)
            break;
        if (f.opcode == 0x9)
            on_ping(f.payload);
        else if (f.opcode == 0x1 || f.opcode == 0x2)
            on_line(f.payload);
        used += f.size;
    }
    // Keep only an incomplete frame's bytes; a connection at rest holds no buffer.
    std::string rest(bytes.substr(result == status::failed ? bytes.size() : used));
    pending_ = std::move(rest);
    return result;
}

}  // namespace sala::bench
