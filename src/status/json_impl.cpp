// Boost.JSON compiled once, header-only style, so the libc++ build does not
// need Debian's libstdc++-built libboost_json.
#include <boost/json/src.hpp>
