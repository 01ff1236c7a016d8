#pragma once
// Runs a function on another executor and brings its result back to the
// calling coroutine, which resumes on its own executor. This is how sessions
// talk to the directory: a hand-off of a message, never a shared lock.
//
// Built from two plain posts rather than co_spawn of a coroutine: GCC 12
// miscompiles closures passed by value as coroutine parameters (the closure is
// copied bit for bit, so a captured std::string frees its caller's buffer),
// and this way no coroutine frame is allocated per call either.
//
// The same GCC 12 bug strikes a closure created as a temporary inside a
// co_await expression. So callers name the closure first:
//     auto query = [...] { ... };
//     auto text = co_await call_on(hub, std::move(query));

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace sala::server {

namespace detail {
template <class R>
struct completion_of {
    using type = void(R);
};
template <>
struct completion_of<void> {
    using type = void();
};
}  // namespace detail

template <class F>
auto call_on(boost::asio::any_io_executor target, F&& f)
{
    namespace asio = boost::asio;
    using function = std::decay_t<F>;
    using result = std::invoke_result_t<function&>;
    using signature = typename detail::completion_of<result>::type;
    return asio::async_initiate<const asio::use_awaitable_t<>, signature>(
        [target](auto handler, function fn) {
            auto back = asio::make_work_guard(asio::get_associated_executor(handler));
            asio::post(target, [handler = std::move(handler), fn = std::move(fn), back = std::move(back)]() mutable {
                auto home = back.get_executor();
                if constexpr (std::is_void_v<result>) {
                    fn();
                    asio::post(home, [handler = std::move(handler), back = std::move(back)]() mutable {
                        std::move(handler)();
                    });
                } else {
                    asio::post(home, [handler = std::move(handler), r = fn(), back = std::move(back)]() mutable {
                        std::move(handler)(std::move(r));
                    });
                }
            });
        },
        asio::use_awaitable, std::forward<F>(f));
}

}  // namespace sala::server
