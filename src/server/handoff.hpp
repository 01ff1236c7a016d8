#pragma once
// Hands an event to another coroutine's channel (a room's inbox) so that it is
// never lost half-way. A sender cancelled while it waits for room in a full
// inbox must still deliver what it was sending, or a JOIN that the hub
// counted on never arrives (the room lives for ever) and a PART never leaves
// (a ghost member keeps the session alive).
// `throw_if_cancelled(false)` does not help there: it only stops the
// coroutine from throwing, while the channel's own wait still sees the
// cancellation and drops the event. So the wait is bound to an empty
// cancellation slot, which nothing can signal.
//
// Failure: completes with an error only when the channel is shut (its owner
// has ended, and the event has no one to go to). Never throws.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/system/error_code.hpp>

#include <utility>

#include "common/use_nothrow.hpp"

namespace sala::server {

// Not a coroutine taking the event by value: GCC 12 miscompiles non-trivial
// coroutine parameters used inside a co_await expression (see hub_call.hpp).
// So the caller tries try_send() first and awaits this only when it fails:
//     if (!inbox.try_send(ec{}, std::move(ev))) auto [ec] = co_await hand_off(inbox, std::move(ev));
template <class Channel, class Event>
auto hand_off(Channel& inbox, Event&& ev)
{
    namespace asio = boost::asio;
    return inbox.async_send(boost::system::error_code{}, std::forward<Event>(ev),
        asio::bind_cancellation_slot(asio::cancellation_slot(), use_nothrow));
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
