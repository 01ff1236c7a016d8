#pragma once
// Hands an event to another coroutine's channel (a room's inbox) so that it is
// never lost half-way. A session stops by cancelling its reader; a reader
// that is waiting for room in a full inbox must still deliver what it was
// sending, or a JOIN that the hub counted on never arrives (the room lives for
// ever) and a PART never leaves (a ghost member keeps the session alive).
// `throw_if_cancelled(false)` does not help there: it only stops the
// coroutine from throwing, while the channel's own wait still sees the
// cancellation and drops the event. So the wait is bound to an empty
// cancellation slot, which nothing can signal.
//
// Failure: returns false only when the channel is shut (its owner has ended,
// and the event has no one to go to). Never throws.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/system/error_code.hpp>

#include <utility>

#include "common/use_nothrow.hpp"

namespace sala::server {

template <class Channel, class Event>
boost::asio::awaitable<bool> hand_off(Channel& inbox, Event ev)
{
    namespace asio = boost::asio;
    // try_send first: it does not suspend, so a client's whole read chunk
    // reaches the room as one batch; wait only when the inbox is full.
    if (inbox.try_send(boost::system::error_code{}, std::move(ev)))
        co_return true;
    auto [ec] = co_await inbox.async_send(
        boost::system::error_code{}, std::move(ev), asio::bind_cancellation_slot(asio::cancellation_slot(), use_nothrow));
    co_return !ec;
}

// Shuts `inbox` for good (server shutdown): its receiver and every sender
// waiting in hand_off() complete, and later sends fail at once.
// In Boost 1.81 close() completes a waiting receiver but leaves waiting
// senders parked for ever, and cancel() tells senders from receivers only
// while the channel is open. So: cancel the waiters, empty the buffer (a
// sender arriving meanwhile finds room instead of parking), then close.
template <class Channel>
void shut_inbox(Channel& inbox)
{
    inbox.cancel();
    while (inbox.try_receive([](auto&&...) {})) {
    }
    inbox.close();
}

}  // namespace sala::server
