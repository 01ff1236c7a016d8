#pragma once
// IRCv3 message IDs: unique across restarts and across the nodes of a
// cluster, without coordination, and each one names its place in history.
// An id is 17 characters of lowercase base32, valid as a tag value and in
// CHATHISTORY references: 8 for a random 40-bit prefix drawn by each source
// at start (two sources collide only if they draw the same prefix, about one
// chance in a trillion per pair), then 9 for a 45-bit sequence number. The
// sequence continues where the history store left off, so the store can key
// its rows by it and find a referenced message without an index of msgids.
// (sala before schema 2 made 16-character ids with a counter that restarted
// at zero; sequence_of() does not decode those.)
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
    explicit msgid_source(std::uint64_t seed, std::int64_t first_sequence = 0)
        : prefix_(seed & prefix_mask), next_(first_sequence)
    {
    }

    [[nodiscard]] message_id next()
    {
        message_id id{next_++, std::string(length, 'a')};
        encode(prefix_, id.text.data(), prefix_chars);
        encode(static_cast<std::uint64_t>(id.sequence), id.text.data() + prefix_chars, sequence_chars);
        return id;
    }

    // The sequence number `msgid` carries, or nullopt when it is not an id of
    // this format.
    [[nodiscard]] static std::optional<std::int64_t> sequence_of(std::string_view msgid);

    static constexpr std::size_t length = 17;

private:
    static constexpr int prefix_chars = 8;
    static constexpr int sequence_chars = 9;
    static constexpr std::uint64_t prefix_mask = (std::uint64_t{1} << 40) - 1;

    // The low 5 * chars bits as base32, most significant first.
    static void encode(std::uint64_t bits, char* out, int chars);

    std::uint64_t prefix_;
    std::int64_t next_;
};

}  // namespace sala::core
