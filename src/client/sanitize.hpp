#pragma once
// Makes received text safe for a terminal. IRC formatting codes are turned
// into styles (or dropped), every other C0 control, DEL and C1 control
// (U+0080..U+009F) is removed, and invalid UTF-8 becomes U+FFFD. The output
// never contains a byte below 0x20, 0x7F, or an encoded C1 control, whatever
// the input. Pure functions; they never throw except std::bad_alloc.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sala::client {

struct text_style {
    bool bold = false;
    bool italic = false;
    bool underline = false;
    bool reverse = false;
    bool strike = false;
    int fg = -1;  // mIRC colour 0..98, -1 for the default
    int bg = -1;
    bool operator==(const text_style&) const = default;
};

struct styled_run {
    std::string text;  // clean UTF-8
    text_style style;
    bool operator==(const styled_run&) const = default;
};

// Splits `raw` into runs of one style each; empty runs are not produced.
[[nodiscard]] std::vector<styled_run> render_irc_text(std::string_view raw);

// The text of render_irc_text without styles: for --plain and for logs.
[[nodiscard]] std::string sanitize_text(std::string_view raw);

}  // namespace sala::client
