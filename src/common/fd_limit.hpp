#pragma once
// Every connection needs a file descriptor, and the soft limit is often far
// below the hard one: servers and load generators raise it at start.

#include <sys/resource.h>

#include <cstddef>

namespace sala {

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit
// now in force (0 if it cannot be read).
inline std::size_t raise_open_file_limit()
{
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 0;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return static_cast<std::size_t>(lim.rlim_cur);
}

}  // namespace sala
