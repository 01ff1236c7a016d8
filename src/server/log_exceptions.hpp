#pragma once
// Completion handler for spawned coroutines: exceptions mean a bug, so they are
// logged with the coroutine's name instead of vanishing as with asio::detached.

#include <spdlog/spdlog.h>

#include <exception>

namespace sala::server {

struct log_exceptions {
    const char* what;
    void operator()(std::exception_ptr e) const
    {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("{} failed: {}", what, ex.what());
        } catch (...) {
            spdlog::error("{} failed with an unknown exception", what);
        }
    }
};

}  // namespace sala::server
