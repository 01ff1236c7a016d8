#include "ws_link.hpp"

namespace sala::bench {

namespace {

// Far above any IRC line: a bigger frame means the stream is not WebSocket.
constexpr std::size_t max_frame = 1 << 20;

}  // namespace

std::string ws_link::upgrade_request(std::string_view host_port)
{
    std::string r = "GET /irc HTTP/1.1\r\nHost: ";
    r.append(host_port);
    // Any 16 bytes in base64 will do: the answer's Sec-WebSocket-Accept is
    // not checked (the tests do that; this tool measures).
    r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2FsYS1iZW5jaC1rZXktMDE=\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: text.ircv3.net\r\n\r\n");
    return r;
}

ws_link::status ws_link::take_upgrade(std::string& in)
{
    const auto end = in.find("\r\n\r\n");
    if (end == std::string::npos)
        return in.size() > 16384 ? status::failed : status::need_more;
    const bool switched = in.starts_with("HTTP/1.1 101");
    in.erase(0, end + 4);
    return switched ? status::done : status::failed;
}

void ws_link::append_frame(std::string& out, std::string_view line, std::uint8_t opcode)
{
    out.push_back(static_cast<char>(0x80 | opcode));
    const auto n = line.size();
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>((n >> 8) & 0xFF));
        out.push_back(static_cast<char>(n & 0xFF));
    }
    // xorshift32: a different key per frame, cheaply. The load generator
    // needs no secrecy, only the server's usual work per byte.
    mask_state_ ^= mask_state_ << 13;
    mask_state_ ^= mask_state_ >> 17;
    mask_state_ ^= mask_state_ << 5;
    const char key[4] = {static_cast<char>(mask_state_ >> 24), static_cast<char>(mask_state_ >> 16),
                         static_cast<char>(mask_state_ >> 8), static_cast<char>(mask_state_)};
    out.append(key, 4);
    const auto start = out.size();
    out.append(line);
    for (std::size_t i = 0; i < n; ++i)
        out[start + i] = static_cast<char>(out[start + i] ^ key[i % 4]);
}

ws_link::frame ws_link::parse(std::string_view bytes)
{
    frame f;
    if (bytes.size() < 2)
        return f;
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    // Servers never mask, and sala never fragments nor sets reserved bits.
    if ((b1 & 0x80) != 0 || (b0 & 0x80) == 0 || (b0 & 0x70) != 0) {
        f.opcode = 0xFF;
        return f;
    }
    std::size_t head = 2;
    std::uint64_t n = b1 & 0x7F;
    if (n == 126) {
        if (bytes.size() < 4)
            return f;
        n = (static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[2])) << 8) |
            static_cast<unsigned char>(bytes[3]);
        head = 4;
    } else if (n == 127) {
        if (bytes.size() < 10)
            return f;
        n = 0;
        for (std::size_t i = 2; i < 10; ++i)
            n = (n << 8) | static_cast<unsigned char>(bytes[i]);
        head = 10;
    }
    if (n > max_frame) {
        f.opcode = 0xFF;
        return f;
    }
    if (bytes.size() < head + n)
        return f;
    f.opcode = b0 & 0x0F;
    f.payload = bytes.substr(head, static_cast<std::size_t>(n));
    f.size = head + static_cast<std::size_t>(n);
    return f;
}

}  // namespace sala::bench
