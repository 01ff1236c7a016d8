#pragma once
// A minimal HTTP/1.1 client over a blocking loopback socket, for tests.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sala::test {

struct http_reply {
    int status = 0;       // 0 when no status line arrived
    std::string headers;  // the raw header block
    std::string body;
};

// Sends `request` as it is and reads one response (Content-Length framed, or
// until the server closes). Fails the test if nothing arrives within `timeout`.
http_reply http_exchange(std::uint16_t port, std::string_view request,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

http_reply http_get(std::uint16_t port, std::string_view path);

// A port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_loopback_port();

// True when the server closes the connection after `partial` within `timeout`.
bool closed_after(std::uint16_t port, std::string_view partial, std::chrono::milliseconds timeout);

}  // namespace sala::test
