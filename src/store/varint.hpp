#pragma once
// The variable-length numbers and length-prefixed texts that sala's stored
// and streamed records are made of: seven bits a byte, least significant
// first, the top bit set on all but the last. Plain data; no I/O.

#include <cstdint>
#include <string>
#include <string_view>

namespace sala::store {

inline void put_varint(std::string& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

inline void put_text(std::string& out, std::string_view s)
{
    put_varint(out, s.size());
    out.append(s);
}

}  // namespace sala::store
