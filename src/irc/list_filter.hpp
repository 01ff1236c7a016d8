#pragma once
// LIST's parameter (ISUPPORT ELIST=MNU): channel names or masks, "!mask" for
// the channels a mask does not match, ">n" and "<n" for member counts.
// Pure: parsed once per LIST, asked once per channel.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sala::irc {

class list_filter {
public:
    // `spec`: LIST's first parameter, comma-separated; empty lists everything.
    explicit list_filter(std::string_view spec);

    // A channel is listed when it matches one of the names or masks given
    // (if any were), none of the "!" masks, and every member-count bound.
    [[nodiscard]] bool admits(std::string_view channel, std::size_t members) const;

private:
    std::vector<std::string> wanted_;    // names or masks, any of which must match
    std::vector<std::string> unwanted_;  // "!" masks, none of which may match
    std::optional<std::size_t> more_than_;
    std::optional<std::size_t> fewer_than_;
};

}  // namespace sala::irc
