#pragma once
// Small helpers for command arguments: upper-casing commands and splitting
// comma- or space-separated lists.

#include <string>
#include <string_view>
#include <vector>

namespace sala::irc {

// Commands and subcommands are case-insensitive on the wire.
[[nodiscard]] inline std::string to_upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

// "a,,b" gives {"a", "b"}: empty items carry nothing a client could mean.
[[nodiscard]] inline std::vector<std::string> split_list(std::string_view s, char sep)
{
    std::vector<std::string> parts;
    while (!s.empty()) {
        const auto end = s.find(sep);
        if (end != 0)
            parts.emplace_back(s.substr(0, end));
        if (end == std::string_view::npos)
            break;
        s.remove_prefix(end + 1);
    }
    return parts;
}

}  // namespace sala::irc
