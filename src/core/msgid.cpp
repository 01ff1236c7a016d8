#include "core/msgid.hpp"

#include <algorithm>

namespace sala::core {

namespace {

constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int value_of(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return 26 + (c - '2');
    return -1;
}

}  // namespace

message_id msgid_source::next(std::int64_t now_ms)
{
    auto sequence = std::max(next_, first_of(now_ms));
    sequence += (lane_ - sequence % lanes_ + lanes_) % lanes_;
    next_ = sequence + 1;
    message_id id{sequence, std::string(length, 'a')};
    encode(prefix_, id.text.data(), prefix_chars);
    encode(static_cast<std::uint64_t>(sequence), id.text.data() + prefix_chars, sequence_chars);
    return id;
}

void msgid_source::encode(std::uint64_t bits, char* out, int chars)
{
    for (int i = chars - 1; i >= 0; --i) {
        out[i] = alphabet[bits & 31];
        bits >>= 5;
    }
}

std::optional<std::int64_t> msgid_source::sequence_of(std::string_view msgid)
{
    if (msgid.size() != length)
        return std::nullopt;
    std::uint64_t sequence = 0;
    for (std::size_t i = 0; i < length; ++i) {
        const int v = value_of(msgid[i]);
        if (v < 0)
            return std::nullopt;
        if (i >= static_cast<std::size_t>(prefix_chars))
            sequence = (sequence << 5) | static_cast<std::uint64_t>(v);
    }
    return static_cast<std::int64_t>(sequence);
}

}  // namespace sala::core
