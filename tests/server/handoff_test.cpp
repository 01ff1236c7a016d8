// The hand-off into a full room inbox survives the cancellation that ends a
// session: what a reader was sending when its sibling loop ended still
// arrives (issue 10: a lost JOIN kept a room alive, a lost PART left a ghost).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <optional>
#include <tuple>
#include <vector>

#include "server/handoff.hpp"
#include "support/catch.hpp"

namespace asio = boost::asio;
using inbox_type = asio::experimental::concurrent_channel<void(boost::system::error_code, int)>;

namespace {

// A session's reader: like the real one, it finishes the line it is handling
// even when cancelled, and hands `event` to the inbox.
asio::awaitable<void> reader_handing_off(inbox_type& inbox, int event, std::optional<bool>& sent)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    auto [ec] = co_await sala::server::hand_off(inbox, event);
    sent = !ec;
}

// Its sibling, which ends first (the client went away), so the group
// cancels the reader while its hand-off waits.
asio::awaitable<void> writer_that_ends()
{
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

asio::awaitable<void> session_like(inbox_type& inbox, int event, std::optional<bool>& sent)
{
    auto ex = co_await asio::this_coro::executor;
    co_await asio::experimental::make_parallel_group(asio::co_spawn(ex, reader_handing_off(inbox, event, sent), asio::deferred),
        asio::co_spawn(ex, writer_that_ends(), asio::deferred))
        .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
}

std::vector<int> drain(asio::io_context& io, inbox_type& inbox)
{
    std::vector<int> got;
    for (;;) {
        bool more = inbox.try_receive([&](boost::system::error_code, int v) { got.push_back(v); });
        io.poll();
        if (!more)
            return got;
    }
}

}  // namespace

TEST_CASE("hand_off: an event waiting for a full inbox arrives although the sender is cancelled", "[unit][handoff]")
{
    asio::io_context io;
    inbox_type inbox(io, 1);
    REQUIRE(inbox.try_send(boost::system::error_code{}, 1));  // the inbox is full
    std::optional<bool> sent;
    bool group_done = false;
    asio::co_spawn(io, session_like(inbox, 2, sent), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        group_done = true;
    });
    // The writer ends and the group cancels the reader, which is parked in its hand-off.
    io.run_for(std::chrono::milliseconds(50));
    CHECK_FALSE(group_done);  // the hand-off still waits for room: it was not abandoned
    CHECK_FALSE(sent.has_value());

    // The room drains its inbox: the waiting event goes in after the first.
    CHECK(drain(io, inbox) == std::vector<int>{1, 2});
    io.run_for(std::chrono::milliseconds(50));
    CHECK(group_done);
    REQUIRE(sent.has_value());
    CHECK(*sent);
}

TEST_CASE("hand_off: a sender waiting on an inbox that is shut is released and told", "[unit][handoff]")
{
    asio::io_context io;
    inbox_type inbox(io, 1);
    REQUIRE(inbox.try_send(boost::system::error_code{}, 1));
    std::optional<bool> sent;
    asio::co_spawn(io, sala::server::hand_off(inbox, 2), [&](std::exception_ptr e, std::tuple<boost::system::error_code> r) {
        REQUIRE_FALSE(e);
        sent = !std::get<0>(r);
    });
    io.run_for(std::chrono::milliseconds(20));
    CHECK_FALSE(sent.has_value());
    sala::server::shut_inbox(inbox);
    io.run_for(std::chrono::milliseconds(50));
    REQUIRE(sent.has_value());
    CHECK_FALSE(*sent);

    // Later hand-offs fail at once instead of waiting.
    std::optional<bool> later;
    asio::co_spawn(io, sala::server::hand_off(inbox, 3), [&](std::exception_ptr e, std::tuple<boost::system::error_code> r) {
        REQUIRE_FALSE(e);
        later = !std::get<0>(r);
    });
    io.restart();  // the io_context ran out of work above
    io.run_for(std::chrono::milliseconds(50));
    REQUIRE(later.has_value());
    CHECK_FALSE(*later);
}
