#pragma once
// Asio basics for the client (Boost 1.81 has no bare as_tuple token).

#include "common/use_nothrow.hpp"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sala::client {

namespace asio = boost::asio;

}  // namespace sala::client
