#pragma once
// MODE on a channel, the request side: the parameters after the channel name
// read into single changes, and applied changes written back as a mode string
// with its parameters (the pieces of "MODE #chan +o-v alice bob"; the line
// itself is built in src/irc). Pure functions.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace sala::core {

// Changes that carry a parameter, per MODE command (ISUPPORT MODES=): the
// rest are ignored, which bounds the work and the echo one command can cause.
inline constexpr std::size_t max_param_changes = 6;

// What a letter is, which decides the parameters it consumes: member status
// (o v) and lists (b e I) take one either way, the key (k) takes one to set
// and one if given to unset, the limit (l) one to set only, flags none.
enum class mode_kind { flag, member_status, list, key, limit, unknown };
[[nodiscard]] mode_kind kind_of(char letter);

struct mode_change {
    bool adding = true;
    char letter = 0;
    std::string param;  // "" for flags, "-l", "-k" given alone and list queries

    friend bool operator==(const mode_change&, const mode_change&) = default;
};

// b, e or I without a mask asks for the list rather than changing it.
[[nodiscard]] bool is_list_query(const mode_change& change);

struct mode_request {
    std::vector<mode_change> changes;  // in the order given
    std::string unknown_letters;       // each once, in the order given (472)
};

// `params` are MODE's parameters after the channel name: a mode string such
// as "+ov-b" (no sign at the start means '+'), then the parameters its
// letters consume, in order. Never fails: a letter whose parameter is missing
// (o, v, +k, +l) is dropped, as servers commonly do; one list query per list
// is kept; unknown letters take no parameter and are reported; changes with
// a parameter beyond `max_with_param` are dropped. Parameters left over are
// ignored.
[[nodiscard]] mode_request parse_mode_request(std::span<const std::string> params,
                                              std::size_t max_with_param = max_param_changes);

struct mode_text {
    std::string modes;                // "+o-v", a sign only where it changes
    std::vector<std::string> params;  // "alice", "bob"

    friend bool operator==(const mode_text&, const mode_text&) = default;
};

// The changes as one mode string and the parameters in the same order; a
// change's parameter is written when it has one. Empty modes for no changes.
[[nodiscard]] mode_text render_mode_changes(std::span<const mode_change> changes);

}  // namespace sala::core
