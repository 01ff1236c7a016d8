#include "client/channel_modes.hpp"

#include <algorithm>
#include <charconv>

namespace sala::client {

namespace {

// The symbols NAMES entries may start with on servers we know; stripped even
// when not announced, since no nick can begin with one.
constexpr std::string_view common_symbols = "~&@%+!";

// A MODE line's parameters, target and mode string included, kept well under
// 512 bytes with the command and the prefix the server adds when relaying.
constexpr std::size_t max_param_bytes = 400;

// "a,b,,d" -> {"a", "b", "", "d"}: CHANMODES keeps empty types in place.
std::vector<std::string_view> split_keeping_empty(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    for (;;) {
        const auto end = s.find(sep);
        out.push_back(s.substr(0, end));
        if (end == std::string_view::npos)
            return out;
        s.remove_prefix(end + 1);
    }
}

}  // namespace

void channel_mode_rules::apply_isupport(std::string_view token)
{
    const bool negated = token.starts_with('-');
    if (negated)
        token.remove_prefix(1);
    const auto eq = token.find('=');
    const auto key = token.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view() : token.substr(eq + 1);
    const channel_mode_rules defaults;
    if (key == "PREFIX") {
        if (negated) {
            prefix_modes = defaults.prefix_modes;
            prefix_symbols = defaults.prefix_symbols;
            return;
        }
        // An empty value says the server gives no statuses at all.
        if (value.empty()) {
            prefix_modes.clear();
            prefix_symbols.clear();
            return;
        }
        const auto close = value.find(')');
        if (!value.starts_with('(') || close == std::string_view::npos)
            return;
        const auto modes = value.substr(1, close - 1);
        const auto symbols = value.substr(close + 1);
        if (modes.size() != symbols.size())
            return;
        prefix_modes = std::string(modes);
        prefix_symbols = std::string(symbols);
    } else if (key == "CHANMODES") {
        if (negated) {
            list_modes = defaults.list_modes;
            always_param_modes = defaults.always_param_modes;
            set_param_modes = defaults.set_param_modes;
            return;
        }
        const auto types = split_keeping_empty(value, ',');
        list_modes = std::string(types[0]);
        always_param_modes = types.size() > 1 ? std::string(types[1]) : std::string();
        set_param_modes = types.size() > 2 ? std::string(types[2]) : std::string();
    } else if (key == "MODES") {
        std::size_t n = 0;
        if (negated)
            modes_per_line = defaults.modes_per_line;
        else if (value.empty())
            modes_per_line = 0;  // no limit stated
        else if (std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc{} && n > 0)
            modes_per_line = n;
    }
}

char channel_mode_rules::symbol_of(char mode) const
{
    const auto i = prefix_modes.find(mode);
    return i == std::string::npos ? '\0' : prefix_symbols[i];
}

bool channel_mode_rules::takes_param(char mode, bool adding) const
{
    if (prefix_modes.find(mode) != std::string::npos || list_modes.find(mode) != std::string::npos
        || always_param_modes.find(mode) != std::string::npos)
        return true;
    return adding && set_param_modes.find(mode) != std::string::npos;
}

std::string channel_mode_rules::with_symbol(std::string_view status, char symbol, bool adding) const
{
    std::string out;
    for (const char s : prefix_symbols) {
        const bool had = status.find(s) != std::string_view::npos;
        if (s == symbol ? adding : had)
            out += s;
    }
    return out;
}

channel_mode_rules::names_entry channel_mode_rules::split_names_entry(std::string_view entry) const
{
    names_entry out;
    std::size_t i = 0;
    while (i < entry.size()
           && (prefix_symbols.find(entry[i]) != std::string::npos || common_symbols.find(entry[i]) != std::string_view::npos)) {
        out.status = with_symbol(out.status, entry[i], true);
        ++i;
    }
    out.nick = std::string(entry.substr(i));
    return out;
}

std::vector<mode_change> parse_mode_changes(const channel_mode_rules& rules, const std::vector<std::string>& args,
                                            std::size_t first)
{
    std::vector<mode_change> out;
    if (first >= args.size())
        return out;
    std::size_t next_param = first + 1;
    bool adding = true;
    for (const char c : args[first]) {
        if (c == '+' || c == '-') {
            adding = c == '+';
            continue;
        }
        mode_change change{adding, c, {}};
        if (rules.takes_param(c, adding) && next_param < args.size())
            change.param = args[next_param++];
        out.push_back(std::move(change));
    }
    return out;
}

std::vector<std::vector<std::string>> mode_lines(const channel_mode_rules& rules, std::string_view channel,
                                                 bool adding, char mode, const std::vector<std::string>& nicks)
{
    std::vector<std::vector<std::string>> lines;
    std::vector<std::string> line;
    std::size_t bytes = 0;
    auto flush = [&] {
        if (line.size() <= 2)
            return;
        lines.push_back(std::move(line));
        line.clear();
    };
    for (const auto& nick : nicks) {
        const std::size_t count = line.size() < 2 ? 0 : line.size() - 2;
        const bool full = (rules.modes_per_line != 0 && count >= rules.modes_per_line)
                       || bytes + nick.size() + 2 > max_param_bytes;
        if (full)
            flush();
        if (line.empty()) {
            line = {std::string(channel), std::string(1, adding ? '+' : '-')};
            bytes = channel.size() + 2;
        }
        line[1] += mode;
        line.push_back(nick);
        bytes += nick.size() + 2;  // the letter and a space
    }
    flush();
    return lines;
}

std::string ban_mask(std::string_view nick_or_mask)
{
    if (nick_or_mask.find_first_of("!@") != std::string_view::npos)
        return std::string(nick_or_mask);
    return std::string(nick_or_mask) + "!*@*";
}

}  // namespace sala::client
