#pragma once
// IRCv3 message IDs: unique across restarts and across the nodes of a
// cluster, without coordination. Each source draws a random 40-bit prefix at
// start and counts from there; two sources collide only if they draw the same
// prefix (about one chance in a trillion per pair). IDs are 16 characters of
// lowercase base32, valid as tag values and in CHATHISTORY references.
// Thread-safety: none; one source per thread (the hub's directory owns one).

#include <cstdint>
#include <string>

namespace sala::core {

class msgid_source {
public:
    // `seed`: random bits from the caller (the clock and std::random_device
    // at start-up); only its low 40 bits are used.
    explicit msgid_source(std::uint64_t seed) : prefix_(seed & mask) {}

    [[nodiscard]] std::string next()
    {
        std::string id(16, '0');
        encode(prefix_, id.data());
        encode(counter_++ & mask, id.data() + 8);
        return id;
    }

private:
    static constexpr std::uint64_t mask = (std::uint64_t{1} << 40) - 1;

    // 40 bits as 8 base32 characters, most significant first.
    static void encode(std::uint64_t bits, char* out)
    {
        constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
        for (int i = 7; i >= 0; --i) {
            out[i] = alphabet[bits & 31];
            bits >>= 5;
        }
    }

    std::uint64_t prefix_;
    std::uint64_t counter_ = 0;
};

}  // namespace sala::core
