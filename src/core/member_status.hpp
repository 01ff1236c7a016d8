#pragma once
// A member's standing in one channel: operator (+o, shown as '@') and voice
// (+v, shown as '+'). A member can hold both. Pure data.

#include <string>

namespace sala::core {

struct member_status {
    bool op = false;
    bool voice = false;

    friend bool operator==(const member_status&, const member_status&) = default;
};

// The prefix characters shown before a nick in NAMES, WHO and the like: only
// the highest one, unless the client asked for multi-prefix (IRCv3), which
// wants every one, highest first. "" for a plain member.
[[nodiscard]] inline std::string status_prefixes(member_status status, bool multi_prefix)
{
    std::string prefixes;
    if (status.op)
        prefixes += '@';
    if (status.voice && (multi_prefix || prefixes.empty()))
        prefixes += '+';
    return prefixes;
}

}  // namespace sala::core
