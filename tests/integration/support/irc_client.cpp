#include "support/irc_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "support/catch.hpp"

namespace sala::test {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Lines kept for failure messages.
constexpr std::size_t transcript_limit = 400;
// Lines shown in a failure message, and how much of each.
constexpr std::size_t shown_lines = 60;
constexpr std::size_t shown_chars = 240;

int remaining_ms(clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

std::string printable(std::string_view s)
{
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

irc_client::irc_client(std::uint16_t port, int receive_buffer)
{
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (receive_buffer > 0)
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A loopback connect completes at once (or is refused); it needs no timeout.
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(err));
    }
}

irc_client::~irc_client() { close(); }

void irc_client::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    closed_ = true;
}

void irc_client::send_line(std::string_view line, milliseconds timeout)
{
    std::string data(line);
    data += "\r\n";
    if (send_raw(data, timeout) != data.size())
        fail("could not send: " + printable(line));
}

std::size_t irc_client::send_raw(std::string_view bytes, milliseconds timeout)
{
    const auto deadline = clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size() && fd_ >= 0) {
        const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLOUT, 0};
            const int ms = remaining_ms(deadline);
            if (ms == 0)
                break;
            poll(&p, 1, ms);
            continue;
        }
        break;  // EPIPE, ECONNRESET, ...
    }
    return done;
}

std::optional<std::string> irc_client::pop_buffered_line()
{
    const auto eol = in_.find('\n', in_start_);
    if (eol == std::string::npos)
        return std::nullopt;
    std::string line = in_.substr(in_start_, eol - in_start_);
    in_start_ = eol + 1;
    if (in_start_ == in_.size()) {
        in_.clear();
        in_start_ = 0;
    } else if (in_start_ > 65536) {
        in_.erase(0, in_start_);
        in_start_ = 0;
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    transcript_.push_back(line);
    if (transcript_.size() > transcript_limit)
        transcript_.pop_front();
    return line;
}

std::optional<std::string> irc_client::read_line(milliseconds timeout)
{
    const auto deadline = clock::now() + timeout;
    for (;;) {
        if (auto line = pop_buffered_line())
            return line;
        if (closed_ || fd_ < 0)
            return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        const int ready = poll(&p, 1, remaining_ms(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return std::nullopt;
        std::array<char, 65536> buf;
        const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
        if (n > 0) {
            in_.append(buf.data(), static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        closed_ = true;  // EOF, ECONNRESET or another error: nothing more will come
        return pop_buffered_line();
    }
}

std::string irc_client::expect(std::string_view needle, milliseconds timeout)
{
    const std::string wanted(needle);
    return expect([&](const std::string& line) { return line.find(wanted) != std::string::npos; }, timeout,
        "a line containing \"" + printable(needle) + "\"");
}

std::string irc_client::expect(const line_predicate& pred, milliseconds timeout, std::string_view what)
{
    const auto deadline = clock::now() + timeout;
    for (;;) {
        auto line = read_line(milliseconds(remaining_ms(deadline)));
        if (line && pred(*line))
            return *line;
        if (!line) {
            fail(std::string(closed_ ? "connection closed" : "timed out") + " waiting for " + std::string(what));
        }
    }
}

std::vector<std::string> irc_client::collect_until(std::string_view needle, milliseconds timeout)
{
    const auto deadline = clock::now() + timeout;
    std::vector<std::string> lines;
    for (;;) {
        auto line = read_line(milliseconds(remaining_ms(deadline)));
        if (!line)
            fail(std::string(closed_ ? "connection closed" : "timed out") + " waiting for a line containing \""
                + printable(needle) + "\"");
        lines.push_back(*line);
        if (line->find(needle) != std::string::npos)
            return lines;
    }
}

std::vector<std::string> irc_client::register_as(const std::string& nick, const std::string& caps,
    const std::string& autojoin)
{
    nick_ = nick;
    std::vector<std::string> lines;
    const auto deadline = clock::now() + default_timeout;
    auto next = [&](std::string_view waiting_for) {
        auto line = read_line(milliseconds(remaining_ms(deadline)));
        if (!line)
            fail(std::string(closed_ ? "connection closed" : "timed out") + " registering as " + nick
                + ", waiting for " + std::string(waiting_for));
        lines.push_back(*line);
        if (is_numeric(*line, "433") || is_numeric(*line, "432") || is_numeric(*line, "464")
            || line->starts_with("ERROR"))
            fail("registering as " + nick + " failed: " + printable(*line));
        return *line;
    };
    if (!caps.empty()) {
        send_line("CAP LS 302");
        send_line("NICK " + nick);
        send_line("USER " + nick + " 0 * :" + nick + " test user");
        send_line("CAP REQ :" + caps);
        for (;;) {
            const auto line = next("CAP ACK");
            if (line.find(" CAP ") != std::string::npos && line.find(" NAK ") != std::string::npos)
                fail("capabilities refused: " + line);
            if (line.find(" CAP ") != std::string::npos && line.find(" ACK ") != std::string::npos)
                break;
        }
        send_line("CAP END");
    } else {
        send_line("NICK " + nick);
        send_line("USER " + nick + " 0 * :" + nick + " test user");
    }
    while (!is_numeric(next("001"), "001")) {
    }
    if (!autojoin.empty()) {
        const std::string end_of_names = " 366 " + nick + " " + autojoin + " ";
        while (next("366 for " + autojoin).find(end_of_names) == std::string::npos) {
        }
    }
    return lines;
}

bool irc_client::wait_closed(milliseconds timeout)
{
    const auto deadline = clock::now() + timeout;
    while (!closed_) {
        const auto line = read_line(milliseconds(remaining_ms(deadline)));
        if (!line && !closed_)
            return false;
    }
    return true;
}

std::string irc_client::transcript() const
{
    std::ostringstream out;
    const auto skip = transcript_.size() > shown_lines ? transcript_.size() - shown_lines : 0;
    if (skip > 0)
        out << "  ... (" << skip << " earlier lines)\n";
    for (auto i = skip; i < transcript_.size(); ++i) {
        auto shown = printable(transcript_[i]);
        if (shown.size() > shown_chars)
            shown = shown.substr(0, shown_chars) + "...";
        out << "  " << shown << '\n';
    }
    if (!in_.empty() && in_start_ < in_.size())
        out << "  (partial line: " << printable(in_.substr(in_start_, shown_chars)) << ")\n";
    if (closed_)
        out << "  (connection closed)\n";
    return out.str();
}

bool irc_client::saw(std::string_view needle) const
{
    for (const auto& line : transcript_)
        if (line.find(needle) != std::string::npos)
            return true;
    return false;
}

std::size_t irc_client::count_seen(std::string_view needle) const
{
    return static_cast<std::size_t>(std::count_if(transcript_.begin(), transcript_.end(),
        [&](const std::string& line) { return line.find(needle) != std::string::npos; }));
}

void irc_client::fail(const std::string& why) const
{
    FAIL("client " << (nick_.empty() ? std::string("(unregistered)") : nick_) << ": " << why
                   << "\nlines received:\n"
                   << transcript());
    throw std::logic_error("unreachable");  // FAIL throws; this keeps [[noreturn]] honest
}

std::string trailing(const std::string& line)
{
    const auto body = without_tags(line);
    // The trailing parameter starts at the first " :" after the prefix.
    const auto start = body.starts_with(':') ? body.find(' ') : 0;
    if (start == std::string_view::npos)
        return {};
    const auto at = body.find(" :", start);
    return at == std::string_view::npos ? std::string() : std::string(body.substr(at + 2));
}

std::string_view without_tags(std::string_view line)
{
    if (!line.starts_with('@'))
        return line;
    const auto space = line.find(' ');
    return space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
}

std::optional<std::string> tag_value(std::string_view line, std::string_view key)
{
    if (!line.starts_with('@'))
        return std::nullopt;
    auto tags = line.substr(1, line.find(' ') - 1);
    for (;;) {
        const auto end = tags.find(';');
        const auto tag = tags.substr(0, end);
        const auto eq = tag.find('=');
        if (tag.substr(0, eq) == key) {
            std::string value;
            const auto raw = eq == std::string_view::npos ? std::string_view{} : tag.substr(eq + 1);
            // IRCv3 message-tags escaping: \: \s \\ \r \n; any other escaped
            // character stands for itself, and a lone trailing backslash is dropped.
            for (std::size_t i = 0; i < raw.size(); ++i) {
                if (raw[i] != '\\') {
                    value.push_back(raw[i]);
                    continue;
                }
                if (++i == raw.size())
                    break;
                switch (raw[i]) {
                case ':': value.push_back(';'); break;
                case 's': value.push_back(' '); break;
                case 'r': value.push_back('\r'); break;
                case 'n': value.push_back('\n'); break;
                default: value.push_back(raw[i]); break;
                }
            }
            return value;
        }
        if (end == std::string_view::npos)
            return std::nullopt;
        tags.remove_prefix(end + 1);
    }
}

bool is_numeric(const std::string& line, std::string_view code)
{
    const auto body = without_tags(line);
    if (!body.starts_with(':'))
        return false;
    const auto space = body.find(' ');
    return space != std::string_view::npos && body.substr(space + 1, code.size()) == code
        && body.size() > space + 1 + code.size() && body[space + 1 + code.size()] == ' ';
}

bool is_join(const std::string& line, std::string_view nick, std::string_view channel)
{
    const auto body = without_tags(line);
    const std::string prefix = ":" + std::string(nick) + "!";
    if (!body.starts_with(prefix))
        return false;
    const auto space = body.find(' ');
    if (space == std::string_view::npos)
        return false;
    auto rest = body.substr(space + 1);
    if (!rest.starts_with("JOIN "))
        return false;
    rest.remove_prefix(5);
    if (rest.starts_with(':'))
        rest.remove_prefix(1);
    return rest == channel;
}

}  // namespace sala::test
