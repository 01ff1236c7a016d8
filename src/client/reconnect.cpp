#include "client/reconnect.hpp"

#include <algorithm>

namespace sala::client {

reconnect_schedule::duration reconnect_schedule::next(double unit_random)
{
    const double r = std::clamp(unit_random, 0.0, 1.0);
    // 2^attempt, saturating well before it could overflow.
    const auto shift = std::min<std::uint32_t>(attempt_, 30);
    const auto base_ms = static_cast<double>(first_.count()) * static_cast<double>(std::uint64_t{1} << shift);
    const double capped = std::min(base_ms, static_cast<double>(cap_.count()));
    ++attempt_;
    return duration(static_cast<duration::rep>(capped / 2 + capped / 2 * r));
}

}  // namespace sala::client
