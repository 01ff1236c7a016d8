#pragma once
// Asio basics for the client (Boost 1.81 has no bare as_tuple token).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sala::client {

namespace asio = boost::asio;

// Errors as values on I/O.
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

}  // namespace sala::client
