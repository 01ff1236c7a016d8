#include "core/login_throttle.hpp"

#include <algorithm>

namespace sala::core {

bool login_throttle::allowed(std::string_view key, clock::time_point now) const
{
    const auto it = counts_.find(std::string(key));
    return it == counts_.end() || now - it->second.started >= window_ || it->second.attempts < limit_;
}

void login_throttle::record(std::string_view key, clock::time_point now)
{
    auto it = counts_.find(std::string(key));
    if (it == counts_.end()) {
        if (counts_.size() >= max_keys_)
            make_room(now);
        counts_.emplace(std::string(key), window_count{now, 1});
        return;
    }
    auto& c = it->second;
    if (now - c.started >= window_)
        c = {now, 0};
    ++c.attempts;
}

void login_throttle::make_room(clock::time_point now)
{
    std::erase_if(counts_, [&](const auto& kv) { return now - kv.second.started >= window_; });
    if (counts_.size() < max_keys_)
        return;
    // Every key is fresh: drop the one whose window started first.
    const auto oldest = std::min_element(counts_.begin(), counts_.end(),
        [](const auto& a, const auto& b) { return a.second.started < b.second.started; });
    counts_.erase(oldest);
}

}  // namespace sala::core
