#pragma once
// Exceptions from coroutines mean a bug: they are logged with the coroutine's
// name instead of vanishing (as with asio::detached, or an ignored result of
// a parallel group).

#include <spdlog/spdlog.h>

#include <exception>
#include <string_view>

namespace sala::server {

// Logs `e` as an error of `what`; true when there was one.
inline bool log_exception(std::string_view what, const std::exception_ptr& e)
{
    if (!e)
        return false;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        spdlog::error("{} failed: {}", what, ex.what());
    } catch (...) {
        spdlog::error("{} failed with an unknown exception", what);
    }
    return true;
}

// Completion handler for spawned coroutines.
struct log_exceptions {
    const char* what;
    void operator()(const std::exception_ptr& e) const { log_exception(what, e); }
};

}  // namespace sala::server
