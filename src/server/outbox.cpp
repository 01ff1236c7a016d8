#include "server/outbox.hpp"

#include <algorithm>
#include <stdexcept>

namespace sala::server {

std::size_t outbox::size_of(const entry& e)
{
    return e.msg->prefix_for(e.variant).size() + e.msg->body_for().size();
}

bool outbox::push(const outgoing_ptr& m, std::uint8_t variant, std::size_t limit)
{
    const entry e{m, variant};
    const auto size = size_of(e);
    if (queued_bytes_ + size > limit)
        return false;
    // Only entries with bytes to write are kept, so commit always advances.
    if (size != 0) {
        queued_bytes_ += size;
        queue_.push_back(e);
    }
    return true;
}

void outbox::push_unbounded(outgoing_ptr m, std::uint8_t variant)
{
    entry e{std::move(m), variant};
    const auto size = size_of(e);
    if (size == 0)
        return;
    queued_bytes_ += size;
    queue_.push_back(std::move(e));
}

std::size_t outbox::prepare(std::span<std::string_view> out) const
{
    std::size_t count = 0;
    auto skip = head_written_;  // what an earlier partial write sent
    const auto last = std::min(queue_.size(), head_ + max_gather);
    for (auto i = head_; i < last; ++i) {
        const auto& e = queue_[i];
        const std::string_view pieces[] = {e.msg->prefix_for(e.variant), e.msg->body_for()};
        for (auto piece : pieces) {
            const auto skipped = std::min(skip, piece.size());
            piece.remove_prefix(skipped);
            skip -= skipped;
            if (piece.empty())
                continue;
            if (count == out.size())
                return count;
            out[count++] = piece;
        }
    }
    return count;
}

void outbox::commit(std::size_t n)
{
    if (n > queued_bytes_)
        throw std::logic_error("outbox: more bytes committed than were queued");
    queued_bytes_ -= n;
    while (n > 0) {
        auto& e = queue_[head_];
        const auto left = size_of(e) - head_written_;
        if (n < left) {
            head_written_ += n;
            break;
        }
        n -= left;
        e.msg.reset();
        ++head_;
        head_written_ = 0;
    }
    if (head_ == queue_.size()) {
        // All written: give the memory back, so an idle connection holds none
        // (a busy one pays one allocation per write, far less than the syscall).
        std::vector<entry>().swap(queue_);
        head_ = 0;
    } else if (head_ >= max_gather) {
        // Never empty for long: drop the written prefix so the vector stays bounded.
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
}

void outbox::clear()
{
    std::vector<entry>().swap(queue_);
    head_ = 0;
    head_written_ = 0;
    queued_bytes_ = 0;
}

}  // namespace sala::server
