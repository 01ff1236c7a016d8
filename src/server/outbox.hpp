#pragma once
// A session's output queue without the socket (Boost.Redis's prepare_write /
// commit_write): push queues shared messages under the send-queue limit,
// prepare lists the bytes to write next, commit(n) says n of them were
// written. Whoever owns the socket does the writing, so every partial write
// can be tested without one.
// Thread-safety: none; it belongs to one session on one shard.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "server/outgoing.hpp"

namespace sala::server {

class outbox {
public:
    // One write gathers at most this many messages; with two pieces each,
    // that stays well under Linux's IOV_MAX (1024).
    static constexpr std::size_t max_gather = 128;
    // Each message is at most two pieces: its tag prefix and its line.
    static constexpr std::size_t max_pieces = 2 * max_gather;
    using gather_list = std::array<std::string_view, max_pieces>;

    // Queues `m` as seen by a recipient with tag variant `variant`, unless
    // that would take the queue past `limit` bytes; then it changes nothing
    // and returns false, and the caller decides whether the client is too slow.
    // A message with no bytes for this variant is accepted and not kept.
    [[nodiscard]] bool push(const outgoing_ptr& m, std::uint8_t variant, std::size_t limit);
    // Queues `m` whatever the limit: last words before a close.
    void push_unbounded(outgoing_ptr m, std::uint8_t variant);

    // Fills `out` with the pieces to write next, in order: what remains of the
    // oldest message, then whole messages, at most max_gather of them and
    // never more pieces than `out` holds. Returns how many it filled; 0 when
    // empty. The views point into the messages, so they stay valid until the
    // next commit or clear, which may let those messages go.
    [[nodiscard]] std::size_t prepare(std::span<std::string_view> out) const;

    // `n` bytes from the front were written. Messages written in full are let
    // go at once (thousands of queues share each one). Throws std::logic_error,
    // changing nothing, if `n` is more than is queued: a bug in the caller.
    void commit(std::size_t n);

    // Forgets everything queued and gives the memory back.
    void clear();

    [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }
    [[nodiscard]] bool empty() const { return head_ == queue_.size(); }
    // Memory held for queued messages, in entries; 0 once all is written.
    [[nodiscard]] std::size_t capacity() const { return queue_.capacity(); }

private:
    struct entry {
        outgoing_ptr msg;
        std::uint8_t variant;
    };

    [[nodiscard]] static std::size_t size_of(const entry& e);

    // A vector with a consumed prefix, not a deque: libstdc++'s deque allocates
    // ~600 bytes up front, which idle connections would pay for nothing.
    std::vector<entry> queue_;
    std::size_t head_ = 0;          // first entry not yet fully written
    std::size_t head_written_ = 0;  // bytes of queue_[head_] already written
    std::size_t queued_bytes_ = 0;  // not yet written, head's remainder included
};

// Each session carries one: it must cost no more than the four members it replaced.
static_assert(sizeof(outbox) <= sizeof(std::vector<outgoing_ptr>) + 3 * sizeof(std::size_t));

}  // namespace sala::server
