#pragma once
// Channel modes as the server spells them: which nick prefixes it uses
// (ISUPPORT PREFIX), which modes take a parameter (CHANMODES), how many
// modes fit in one MODE line (MODES); reading a MODE line's changes and
// writing the MODE lines /op, /voice and friends send. Servers differ here
// (ngIRCd has ~&@%+, others only @+), so nothing is hard-coded beyond the
// RFC defaults a server that says nothing gets.
//
// Pure functions and a plain struct; nothing throws except std::bad_alloc.
// Malformed values leave the setting as it was or fall back to the default.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sala::client {

struct channel_mode_rules {
    // PREFIX=(ov)@+: the modes that give a member a status, highest first,
    // and the symbol NAMES puts before a nick for each.
    std::string prefix_modes = "ov";
    std::string prefix_symbols = "@+";
    // CHANMODES=A,B,C,D. A (lists: b e I) and B (k) always take a parameter,
    // C (l) only when set, D never.
    std::string list_modes = "beI";
    std::string always_param_modes = "k";
    std::string set_param_modes = "l";
    // MODES=n: how many parameter modes one MODE line may carry.
    std::size_t modes_per_line = 3;

    // Reads one ISUPPORT token ("PREFIX=(qaohv)~&@%+", "-MODES", ...);
    // others are ignored.
    void apply_isupport(std::string_view token);

    // The status symbol of a prefix mode ('o' -> '@'), or '\0'.
    [[nodiscard]] char symbol_of(char mode) const;
    // Whether `mode` takes a parameter when added (`adding`) or removed.
    [[nodiscard]] bool takes_param(char mode, bool adding) const;
    // `status` with `symbol` added or removed, ordered highest first and
    // without repeats; symbols the server does not rank are dropped.
    [[nodiscard]] std::string with_symbol(std::string_view status, char symbol, bool adding) const;
    // Splits a NAMES entry ("@+carol") into the status symbols the server
    // ranks, ordered highest first, and the nick. Symbols the server did not
    // announce are stripped but not kept (a nick never starts with one).
    struct names_entry {
        std::string status;
        std::string nick;
    };
    [[nodiscard]] names_entry split_names_entry(std::string_view entry) const;
};

// One change of a MODE line: "+o-v alice bob" gives {+o alice}, {-v bob}.
struct mode_change {
    bool adding = true;
    char mode = 0;
    std::string param;  // empty when the mode takes none (or the line lacked it)
};

// The changes a channel MODE line makes; `args` are its parameters after
// the target (the mode string first).
[[nodiscard]] std::vector<mode_change> parse_mode_changes(const channel_mode_rules& rules,
                                                          const std::vector<std::string>& args,
                                                          std::size_t first = 0);

// The parameters of the MODE lines that give (`adding`) or take `mode` from
// every nick in `nicks` on `channel`: {"#room", "+oo", "alice", "bob"}, at
// most rules.modes_per_line modes to a line.
[[nodiscard]] std::vector<std::vector<std::string>> mode_lines(const channel_mode_rules& rules,
                                                               std::string_view channel, bool adding, char mode,
                                                               const std::vector<std::string>& nicks);

// What /ban and /unban put on the list: a bare nick becomes "nick!*@*"; a
// mask (with '!' or '@') is kept as typed.
[[nodiscard]] std::string ban_mask(std::string_view nick_or_mask);

}  // namespace sala::client
