#pragma once
// The completion token for I/O on the hot path: errors come back as values
// (`auto [ec, n] = co_await ...`), not exceptions. Boost 1.81 has no bare
// as_tuple token, so this is the one definition every coroutine uses.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sala {

inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace sala
