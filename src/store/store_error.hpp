#pragma once
// A store that cannot start (unreadable, corrupt or unwritable database, a
// schema from a newer sala): the server reports it and exits with status 2.

#include <stdexcept>

namespace sala::store {

class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace sala::store
