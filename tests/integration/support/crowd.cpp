#include "support/crowd.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/write.hpp>

#include <cstring>

namespace sala::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct crowd::member {
    explicit member(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::string partial;  // the start of a line whose end has not arrived
    std::string out;      // queued while a write is in flight
    std::string writing;  // the bytes of the write in flight
    bool connected = false;
    bool dead = false;
};

crowd::crowd(std::uint16_t port, line_handler on_line)
    : server_(asio::ip::address_v4::loopback(), port), on_line_(std::move(on_line)), read_buffer_(1 << 16)
{
}

crowd::~crowd() = default;

std::size_t crowd::open(std::string greeting)
{
    const auto who = members_.size();
    members_.push_back(std::make_unique<member>(io_));
    members_.back()->out = std::move(greeting);
    members_.back()->socket.async_connect(server_, [this, who](boost::system::error_code ec) {
        if (ec) {
            fail(who, "connect: " + ec.message());
            return;
        }
        auto& m = *members_[who];
        m.connected = true;
        boost::system::error_code ignored;
        m.socket.set_option(tcp::no_delay(true), ignored);
        flush(who);
        read_some(who);
    });
    return who;
}

void crowd::send(std::size_t who, std::string_view line)
{
    auto& m = *members_[who];
    if (m.dead)
        return;
    m.out.append(line);
    m.out.append("\r\n");
    if (m.connected && m.writing.empty())
        flush(who);
}

void crowd::flush(std::size_t who)
{
    auto& m = *members_[who];
    if (m.dead || m.out.empty())
        return;
    m.writing.swap(m.out);
    asio::async_write(m.socket, asio::buffer(m.writing), [this, who](boost::system::error_code ec, std::size_t) {
        auto& w = *members_[who];
        w.writing.clear();
        if (ec) {
            fail(who, "write: " + ec.message());
            return;
        }
        flush(who);
    });
}

void crowd::read_some(std::size_t who)
{
    // Wait for readability without a buffer of one's own: ten thousand idle
    // members then cost no read buffers, and one shared buffer serves all.
    members_[who]->socket.async_wait(tcp::socket::wait_read, [this, who](boost::system::error_code ec) {
        auto& m = *members_[who];
        std::size_t n = 0;
        if (!ec)
            n = m.socket.read_some(asio::buffer(read_buffer_), ec);
        if (!ec && n == 0)
            ec = asio::error::eof;
        if (ec) {
            fail(who, "read: " + ec.message());
            return;
        }
        std::string_view data(read_buffer_.data(), n);
        if (!m.partial.empty()) {
            // Complete the carried-over line first, then go on in the buffer.
            const auto nl = data.find('\n');
            if (nl == std::string_view::npos) {
                m.partial.append(data);
                read_some(who);
                return;
            }
            m.partial.append(data.substr(0, nl + 1));
            data.remove_prefix(nl + 1);
            std::string line = std::move(m.partial);
            m.partial.clear();
            line.pop_back();
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            hand_over(who, line);
        }
        while (!data.empty()) {
            const void* found = std::memchr(data.data(), '\n', data.size());
            if (found == nullptr) {
                m.partial.assign(data);
                break;
            }
            const auto len = static_cast<std::size_t>(static_cast<const char*>(found) - data.data());
            auto line = data.substr(0, len);
            data.remove_prefix(len + 1);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            hand_over(who, line);
        }
        if (!m.dead)
            read_some(who);
    });
}

void crowd::hand_over(std::size_t who, std::string_view line)
{
    if (line.starts_with("PING ")) {
        send(who, "PONG " + std::string(line.substr(5)));
        return;
    }
    on_line_(who, line);
}

void crowd::fail(std::size_t who, const std::string& why)
{
    auto& m = *members_[who];
    if (m.dead)
        return;
    m.dead = true;
    ++closed_;
    if (first_error_.empty())
        first_error_ = "member " + std::to_string(who) + ": " + why;
    boost::system::error_code ignored;
    m.socket.close(ignored);
}

bool crowd::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return false;
        // Short slices keep done() checked often; run_one_for returns at once
        // when a handler ran.
        io_.restart();
        io_.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(10)));
    }
    return true;
}

bool crowd::run_while_progressing(const std::function<bool()>& done, const std::function<std::size_t()>& progress,
    std::chrono::milliseconds stall, std::chrono::milliseconds limit)
{
    const auto give_up = std::chrono::steady_clock::now() + limit;
    auto seen = progress();
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero())
            return done();
        if (run_until([&] { return done() || progress() != seen; }, std::min(stall, left))) {
            if (done())
                return true;
            seen = progress();
            continue;
        }
        return done();
    }
}

}  // namespace sala::test
