#include "client/plain_view.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <unistd.h>

#include <array>
#include <cstdio>

#include "client/presentation.hpp"

namespace sala::client {

void plain_view::update(const client_state& state, const std::vector<event>& events)
{
    if (events.empty())
        return;
    const auto* cur = state.current();
    const std::string current = cur ? cur->name : std::string();
    const auto now = std::chrono::system_clock::now();
    for (const auto& e : events) {
        const auto line = format_plain(e, format_stamp(e, now), current) + "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::fflush(stdout);
}

namespace {

void submit_lines(client_app& app, std::string& pending, std::string_view bytes)
{
    pending.append(bytes);
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
        app.submit(std::string_view(pending).substr(start, nl - start));
        start = nl + 1;
    }
    pending.erase(0, start);
}

}  // namespace

asio::awaitable<void> plain_input_loop(client_app& app)
{
    auto ex = co_await asio::this_coro::executor;
    asio::posix::stream_descriptor in(ex, ::dup(STDIN_FILENO));
    std::array<char, 4096> buf{};
    std::string pending;
    bool pollable = true;
    for (;;) {
        std::size_t n = 0;
        if (pollable) {
            auto [ec, got] = co_await in.async_read_some(asio::buffer(buf), use_nothrow);
            if (ec == boost::system::errc::operation_not_permitted) {
                pollable = false;  // epoll refuses regular files and /dev/null
                continue;
            }
            if (ec)
                break;
            n = got;
        } else {
            const auto got = ::read(in.native_handle(), buf.data(), buf.size());
            if (got <= 0)
                break;
            n = static_cast<std::size_t>(got);
        }
        submit_lines(app, pending, std::string_view(buf.data(), n));
        if (app.state().quitting())
            co_return;
    }
    if (!pending.empty())
        app.submit(pending);
    app.end_of_input();
}

}  // namespace sala::client
