#include "server/websocket_codec.hpp"

#include "irc/text.hpp"

namespace sala::server::websocket {

namespace {

constexpr std::size_t max_control_payload = 125;

bool is_control(opcode op)
{
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool known(std::uint8_t op)
{
    return op <= 2 || (op >= 8 && op <= 10);
}

// Codes a peer may put in a close frame (RFC 6455, 7.4).
bool valid_close_code(std::uint16_t code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

}  // namespace

void append_frame(std::string& out, opcode op, std::string_view payload)
{
    out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
    const auto size = payload.size();
    if (size < 126) {
        out.push_back(static_cast<char>(size));
    } else if (size <= 0xffff) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(size >> 8));
        out.push_back(static_cast<char>(size & 0xff));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xff));
    }
    out.append(payload);
}

void append_close(std::string& out, close_code code, std::string_view reason)
{
    if (code == close_code::no_status) {
        append_frame(out, opcode::close, {});
        return;
    }
    const auto value = static_cast<std::uint16_t>(code);
    std::string payload;
    payload.push_back(static_cast<char>(value >> 8));
    payload.push_back(static_cast<char>(value & 0xff));
    payload.append(irc::truncate_utf8(reason, max_control_payload - 2));
    append_frame(out, opcode::close, payload);
}

void decoder::append(std::string_view bytes)
{
    if (done_)
        return;
    // The consumed prefix goes before it could make the buffer grow.
    if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
        buffer_.erase(0, consumed_);
        consumed_ = 0;
    }
    buffer_.append(bytes);
}

decoder::event decoder::fail(close_code code)
{
    done_ = true;
    std::string().swap(buffer_);
    std::string().swap(message_);
    consumed_ = 0;
    return {event::kind::error, opcode::text, code, {}};
}

std::optional<decoder::event> decoder::next()
{
    if (done_)
        return std::nullopt;
    if (message_type_ == opcode::continuation)
        std::string().swap(message_);  // the last whole message was handed out
    for (;;) {
        const std::string_view in(buffer_.data() + consumed_, buffer_.size() - consumed_);
        if (in.empty()) {
            // All read: an idle connection keeps no buffers.
            std::string().swap(buffer_);
            std::string().swap(control_);
            consumed_ = 0;
            return std::nullopt;
        }
        if (in.size() < 2)
            return std::nullopt;
        const auto b0 = static_cast<std::uint8_t>(in[0]);
        const auto b1 = static_cast<std::uint8_t>(in[1]);
        const bool fin = (b0 & 0x80) != 0;
        const auto op_bits = static_cast<std::uint8_t>(b0 & 0x0f);
        // No extension is negotiated, so every reserved bit must be clear.
        if ((b0 & 0x70) != 0 || !known(op_bits))
            return fail(close_code::protocol_error);
        // Clients must mask (RFC 6455, 5.1): it keeps caches on the path from
        // mistaking frames for HTTP.
        if ((b1 & 0x80) == 0)
            return fail(close_code::protocol_error);
        const auto op = static_cast<opcode>(op_bits);
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7f;
        if (length == 126) {
            if (in.size() < 4)
                return std::nullopt;
            length = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[2])) << 8)
                | static_cast<std::uint8_t>(in[3]);
            header = 4;
        } else if (length == 127) {
            if (in.size() < 10)
                return std::nullopt;
            length = 0;
            for (std::size_t i = 2; i < 10; ++i)
                length = (length << 8) | static_cast<std::uint8_t>(in[i]);
            header = 10;
            if ((length >> 63) != 0)
                return fail(close_code::protocol_error);
        }
        if (is_control(op)) {
            if (!fin || length > max_control_payload)
                return fail(close_code::protocol_error);
        } else if (op == opcode::continuation ? message_type_ == opcode::continuation
                                              : message_type_ != opcode::continuation) {
            // A continuation with nothing to continue, or a new message
            // before the last one ended.
            return fail(close_code::protocol_error);
        } else if (length > max_message_ - std::min(max_message_, message_.size())) {
            // Refused from the header alone, before its payload is buffered.
            return fail(close_code::too_big);
        }
        const auto mask_at = header;
        header += 4;
        if (in.size() < header + length)
            return std::nullopt;
        const char* mask = in.data() + mask_at;
        const auto payload = in.substr(header, static_cast<std::size_t>(length));
        consumed_ += header + static_cast<std::size_t>(length);
        auto& into = is_control(op) ? control_ : message_;
        if (is_control(op))
            control_.clear();
        const auto start = into.size();
        into.append(payload);
        for (std::size_t i = 0; i < payload.size(); ++i)
            into[start + i] = static_cast<char>(into[start + i] ^ mask[i % 4]);

        switch (op) {
        case opcode::ping:
            return event{event::kind::ping, op, close_code::normal, control_};
        case opcode::pong:
            return event{event::kind::pong, op, close_code::normal, control_};
        case opcode::close: {
            if (control_.size() == 1)
                return fail(close_code::protocol_error);
            auto code = close_code::no_status;
            std::string_view reason;
            if (control_.size() >= 2) {
                const auto value = static_cast<std::uint16_t>(
                    (static_cast<std::uint8_t>(control_[0]) << 8) | static_cast<std::uint8_t>(control_[1]));
                if (!valid_close_code(value))
                    return fail(close_code::protocol_error);
                reason = std::string_view(control_).substr(2);
                if (!irc::valid_utf8(reason))
                    return fail(close_code::invalid_payload);
                code = static_cast<close_code>(value);
            }
            done_ = true;
            return event{event::kind::close, op, code, reason};
        }
        case opcode::text:
        case opcode::binary:
            message_type_ = op;
            [[fallthrough]];
        case opcode::continuation:
            if (!fin)
                continue;
            {
                const auto type = message_type_;
                message_type_ = opcode::continuation;
                if (type == opcode::text && !irc::valid_utf8(message_))
                    return fail(close_code::invalid_payload);
                return event{event::kind::message, type, close_code::normal, message_};
            }
        }
    }
}

}  // namespace sala::server::websocket
