#pragma once
// What HELP says about each command sala understands: a usage line and a
// sentence or two. Pure data; the protocol layer formats it as 704/705/706.

#include <span>
#include <string_view>

namespace sala::irc {

struct help_topic {
    std::string_view name;    // the command, upper case
    std::string_view syntax;  // how to call it
    std::string_view text;    // short lines separated by '\n'
};

// Every topic, sorted by name.
[[nodiscard]] std::span<const help_topic> help_topics();

// The topic for `name` (upper case), or null when there is none.
[[nodiscard]] const help_topic* find_help(std::string_view name);

}  // namespace sala::irc
