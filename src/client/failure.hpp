#pragma once
// What to tell the user about an exception that ended one of a connection's
// loops (reader, writer, pinger). They report errors as values, so an
// exception is a bug, and swallowing it would hide the bug. Pure.

#include <exception>
#include <string>

namespace sala::client {

// The exception's message; empty for no exception and for cancellation
// (operation_aborted), which is how a loop ends when a sibling ended first.
// Nothing throws except std::bad_alloc.
[[nodiscard]] std::string describe_failure(const std::exception_ptr& e);

}  // namespace sala::client
