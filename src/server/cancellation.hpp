#pragma once
// Coroutines that must finish what they started (a session's loops) turn off
// throw_if_cancelled and ask this between steps instead.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/this_coro.hpp>

namespace sala::server {

// Whether the calling coroutine has been asked to stop.
inline boost::asio::awaitable<bool> cancelled()
{
    auto state = co_await boost::asio::this_coro::cancellation_state;
    co_return state.cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace sala::server
