#include "client/failure.hpp"

#include <boost/system/system_error.hpp>

namespace sala::client {

std::string describe_failure(const std::exception_ptr& e)
{
    if (!e)
        return {};
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& x) {
        if (x.code() == boost::system::errc::operation_canceled)
            return {};
        return x.what();
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace sala::client
