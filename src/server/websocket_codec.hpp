#pragma once
// RFC 6455 framing without the socket: the decoder takes the bytes a client
// sent and gives back whole messages and control frames; the encoder writes
// the server's frames. The session owns the socket (plain or TLS), so the
// same readiness-driven read and write paths carry WebSocket clients, and
// every split of the input can be tested without one.
// Thread-safety: none; one per connection, on its shard.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sala::server::websocket {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// The close codes sala sends (RFC 6455, 7.4.1).
enum class close_code : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    no_status = 1005,  // a close frame without a code; never sent in one
    invalid_payload = 1007,
    policy_violation = 1008,
    too_big = 1009,
    internal_error = 1011,
};

// Appends one unfragmented, unmasked server frame.
void append_frame(std::string& out, opcode op, std::string_view payload);
// Appends a close frame; `reason` is cut to fit a control frame, on a UTF-8
// character boundary. no_status sends an empty close frame.
void append_close(std::string& out, close_code code, std::string_view reason);

class decoder {
public:
    // `max_message`: the longest message, fragments together, it accepts.
    explicit decoder(std::size_t max_message) : max_message_(max_message) {}

    struct event {
        enum class kind : std::uint8_t {
            message,  // a whole text or binary message in `payload`
            ping,
            pong,
            close,  // the client's close frame: `code` and `payload` (its reason)
            error,  // the input broke the protocol: close with `code`
        };
        kind what;
        opcode type = opcode::text;  // of a message
        close_code code = close_code::normal;
        std::string_view payload;  // valid until the next call
    };

    void append(std::string_view bytes);
    // The next event, or nothing until more bytes arrive. After an error or
    // a close, nothing more is read.
    [[nodiscard]] std::optional<event> next();
    // Bytes received and not yet given back.
    [[nodiscard]] std::size_t pending() const { return buffer_.size() - consumed_ + message_.size(); }

private:
    event fail(close_code code);

    std::string buffer_;
    std::size_t consumed_ = 0;
    std::string message_;  // a fragmented message so far; a whole one once returned
    std::string control_;  // the last control frame's payload, unmasked
    std::size_t max_message_;
    opcode message_type_ = opcode::continuation;  // continuation: no message under way
    bool done_ = false;
};

}  // namespace sala::server::websocket
