#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "support/catch.hpp"

namespace sala::test {

namespace {

class socket_fd {
public:
    explicit socket_fd(std::uint16_t port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~socket_fd() { ::close(fd_); }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_ = -1;
};

// Reads what is available within the deadline; false on close or error.
bool read_some(int fd, std::string& into, std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
        return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return false;
    char buf[4096];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
        return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
}

}  // namespace

http_reply http_exchange(std::uint16_t port, std::string_view request, std::chrono::milliseconds timeout)
{
    socket_fd s(port);
    REQUIRE(::send(s.get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string data;
    std::size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos)
        if (!read_some(s.get(), data, deadline))
            break;
    http_reply reply;
    if (header_end == std::string::npos) {
        FAIL("no complete HTTP response head; got: " << data);
        return reply;
    }
    reply.headers = data.substr(0, header_end);
    reply.status = std::stoi(reply.headers.substr(reply.headers.find(' ') + 1, 3));
    std::size_t length = std::string::npos;
    if (const auto at = reply.headers.find("Content-Length: "); at != std::string::npos)
        length = std::stoul(reply.headers.substr(at + 16));
    const bool head = request.starts_with("HEAD ");
    std::string body = data.substr(header_end + 4);
    while (!head && (length == std::string::npos || body.size() < length))
        if (!read_some(s.get(), body, deadline))
            break;
    reply.body = head ? std::string() : body.substr(0, length);
    return reply;
}

http_reply http_get(std::uint16_t port, std::string_view path)
{
    return http_exchange(port, "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

std::uint16_t free_loopback_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool closed_after(std::uint16_t port, std::string_view partial, std::chrono::milliseconds timeout)
{
    socket_fd s(port);
    REQUIRE(::send(s.get(), partial.data(), partial.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(partial.size()));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string ignored;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{s.get(), POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) {
            char buf[512];
            if (::recv(s.get(), buf, sizeof buf, 0) <= 0)
                return true;
        }
    }
    return false;
}

}  // namespace sala::test
