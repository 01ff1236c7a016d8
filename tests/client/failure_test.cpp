#include "client/failure.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <stdexcept>

#include "support/catch.hpp"

using sala::client::describe_failure;

TEST_CASE("a loop's exception is described unless it is cancellation", "[failure]")
{
    CHECK(describe_failure(nullptr).empty());
    CHECK(describe_failure(std::make_exception_ptr(std::logic_error("bad state"))) == "bad state");
    CHECK(describe_failure(std::make_exception_ptr(42)) == "unknown exception");
    const boost::system::system_error aborted(boost::asio::error::operation_aborted);
    CHECK(describe_failure(std::make_exception_ptr(aborted)).empty());
    const boost::system::system_error refused(boost::asio::error::connection_refused);
    CHECK_FALSE(describe_failure(std::make_exception_ptr(refused)).empty());
}
