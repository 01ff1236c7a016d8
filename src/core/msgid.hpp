#pragma once
// IRCv3 message IDs: unique across restarts and across the nodes of a
// cluster, without coordination, and each one names its place and time in
// history. An id is 20 characters of lowercase base32, valid as a tag value
// and in CHATHISTORY references: 8 for a random 40-bit prefix drawn by each
// source at start (two sources collide only if they draw the same prefix,
// about one chance in a trillion per pair), then 12 for a 60-bit sequence
// number: the millisecond it was stamped, times 65,536, plus a count within
// that millisecond. Sequences only grow, also across restarts (the source
// starts after the highest one stored) and when the clock steps back (they
// then stay on the last millisecond until the clock catches up). The history
// store keys its rows by the sequence, so one index finds a line by msgid,
// by timestamp and by position. (sala before schema 2 made 16-character ids
// that carry no sequence; sequence_of() does not decode those.)
// In a cluster each node stamps in a lane of its own: its sequences are
// those equal to its lane modulo `lanes`, so two nodes never stamp the same
// sequence even in the same millisecond, and history keyed by the sequence
// holds every node's lines side by side.
// Thread-safety: none; one source per thread (the hub's directory owns one).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sala::core {

struct message_id {
    std::int64_t sequence = 0;
    std::string text;
};

class msgid_source {
public:
    // `seed`: random bits from the caller (the clock and std::random_device
    // at start-up); only its low 40 bits are used. `first_sequence`: the
    // first number the history store has not used.
    // `lane` < `lanes` <= 256, both 0 and 1 outside a cluster.
    explicit msgid_source(std::uint64_t seed, std::int64_t first_sequence = 0, unsigned lane = 0, unsigned lanes = 1)
        : prefix_(seed & prefix_mask), next_(first_sequence), lane_(lane), lanes_(lanes == 0 ? 1 : lanes)
    {
    }

    // An id stamped at `now_ms` (milliseconds since the Unix epoch), or a
    // little later when this millisecond's ids are used up or the clock went
    // back; time_of() its sequence is the time to show with it.
    [[nodiscard]] message_id next(std::int64_t now_ms);

    // The sequence number `msgid` carries, or nullopt when it is not an id of
    // this format.
    [[nodiscard]] static std::optional<std::int64_t> sequence_of(std::string_view msgid);
    [[nodiscard]] static constexpr std::int64_t time_of(std::int64_t sequence) { return sequence >> per_ms_bits; }
    // The first sequence of millisecond `time_ms`: every line stamped before
    // it has a smaller sequence, every line stamped at or after it one at
    // least as large.
    [[nodiscard]] static constexpr std::int64_t first_of(std::int64_t time_ms) { return time_ms << per_ms_bits; }

    static constexpr std::size_t length = 20;

private:
    static constexpr int per_ms_bits = 16;
    static constexpr int prefix_chars = 8;
    static constexpr int sequence_chars = 12;
    static constexpr std::uint64_t prefix_mask = (std::uint64_t{1} << 40) - 1;

    // The low 5 * chars bits as base32, most significant first.
    static void encode(std::uint64_t bits, char* out, int chars);

    std::uint64_t prefix_;
    std::int64_t next_;
    std::int64_t lane_;
    std::int64_t lanes_;
};

}  // namespace sala::core
