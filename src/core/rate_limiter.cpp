#include "core/rate_limiter.hpp"

#include <algorithm>

namespace sala::core {

rate_limiter::clock::duration rate_limiter::take(clock::time_point now)
{
    if (rate_ <= 0)
        return clock::duration::zero();
    if (now > last_) {
        const std::chrono::duration<double> elapsed = now - last_;
        tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
        last_ = now;
    }
    tokens_ -= 1;
    if (tokens_ >= 0)
        return clock::duration::zero();
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(-tokens_ / rate_));
}

}  // namespace sala::core
