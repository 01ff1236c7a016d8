#pragma once
// Awaits a store call from a session: the store answers on its own thread,
// and the answer is posted back to the session's shard. Not a coroutine, for
// the reasons hub_call.hpp gives; callers name the starting closure first.
//     auto start = [store, q](auto done) { store->query(q, std::move(done)); };
//     auto found = co_await ask_store<std::optional<...>>(std::move(start));

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <utility>

namespace sala::server {

template <class Result, class Start>
auto ask_store(Start&& start)
{
    namespace asio = boost::asio;
    return asio::async_initiate<const asio::use_awaitable_t<>, void(Result)>(
        [](auto handler, std::decay_t<Start> begin) {
            // The store keeps its callbacks in std::function, which must be
            // copyable; the coroutine's handler is not, so it is shared.
            auto home = asio::make_work_guard(asio::get_associated_executor(handler));
            auto shared = std::make_shared<std::pair<decltype(handler), decltype(home)>>(std::move(handler), std::move(home));
            begin(std::function<void(Result)>([shared](Result r) {
                auto ex = shared->second.get_executor();
                asio::post(ex, [shared, r = std::move(r)]() mutable {
                    std::move(shared->first)(std::move(r));
                    shared->second.reset();
                });
            }));
        },
        asio::use_awaitable, std::forward<Start>(start));
}

}  // namespace sala::server
