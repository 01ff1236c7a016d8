#pragma once
// Test helper: renders bytes so that a failed CHECK shows its input readably.
// Printable ASCII stays as is; every other byte becomes \xNN.

#include <cstddef>
#include <string>
#include <string_view>

namespace sala::test {

inline std::string printable(std::string_view bytes)
{
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F && c != '\\' && c != '"') {
            out.push_back(c);
        } else if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else {
            out += "\\x";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0x0Fu]);
        }
    }
    out.push_back('"');
    return out;
}

// "<input> accepted" / "<input> rejected": comparing two of these in a CHECK
// prints the offending input along with the verdicts.
inline std::string verdict(std::string_view input, bool accepted)
{
    return printable(input) + (accepted ? " accepted" : " rejected");
}

}  // namespace sala::test
