#pragma once
// A room's most recent chat lines, kept in memory so that replay on join
// costs no query. Bounded: the oldest line goes when a new one comes and the
// ring is full. No I/O; owned by its room.

#include <cstddef>
#include <deque>
#include <vector>

#include "core/history.hpp"

namespace sala::core {

class history_ring {
public:
    explicit history_ring(std::size_t capacity) : capacity_(capacity) {}

    void push(history_entry e)
    {
        if (capacity_ == 0)
            return;
        if (lines_.size() == capacity_)
            lines_.pop_front();
        lines_.push_back(std::move(e));
    }

    // Oldest first: the newest `limit` lines stamped at or after `since_ms`.
    [[nodiscard]] std::vector<history_entry> recent(std::size_t limit, std::int64_t since_ms) const
    {
        std::size_t first = lines_.size();
        while (first > 0 && lines_.size() - first < limit && lines_[first - 1].time_ms >= since_ms)
            --first;
        return {lines_.begin() + static_cast<std::ptrdiff_t>(first), lines_.end()};
    }

    [[nodiscard]] std::size_t size() const { return lines_.size(); }

private:
    std::size_t capacity_;
    std::deque<history_entry> lines_;
};

}  // namespace sala::core
