#include "irc/replies.hpp"

#include "irc/text.hpp"

namespace sala::irc {

namespace {

void append_clean(std::string& out, std::string_view s)
{
    // CR, LF and NUL would end or corrupt the line; they never reach here from a
    // parsed client line, but names from elsewhere (MOTD file) could carry them.
    for (char c : s)
        out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

std::string build(std::string_view prefix, std::string_view command, std::string_view target,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing)
{
    std::string out;
    out.reserve(64 + (trailing ? trailing->size() : 0));
    out.push_back(':');
    append_clean(out, prefix);
    out.push_back(' ');
    out += command;
    if (!target.empty()) {
        out.push_back(' ');
        append_clean(out, target);
    }
    for (auto m : middles) {
        out.push_back(' ');
        append_clean(out, m.empty() ? std::string_view("*") : m);
    }
    if (trailing) {
        out += " :";
        append_clean(out, *trailing);
    }
    out += "\r\n";
    return out;
}

}  // namespace

void fit_line(std::string& line, std::size_t max_bytes)
{
    if (line.size() <= max_bytes || max_bytes < 2)
        return;
    line.resize(truncate_utf8(std::string_view(line).substr(0, line.size() - 2), max_bytes - 2).size());
    line += "\r\n";
}

std::string numeric_reply(std::string_view server, std::string_view code, std::string_view target,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing)
{
    auto line = build(server, code, target.empty() ? std::string_view("*") : target, middles, trailing);
    fit_line(line);
    return line;
}

std::string relay(std::string_view prefix, std::string_view command, std::initializer_list<std::string_view> middles,
    std::optional<std::string_view> trailing, std::size_t max_bytes)
{
    auto line = build(prefix, command, {}, middles, trailing);
    fit_line(line, max_bytes);
    return line;
}

std::string mode_change_line(std::string_view prefix, std::string_view channel, std::string_view modes,
    std::span<const std::string> params)
{
    auto line = build(prefix, "MODE", channel, {modes}, std::nullopt);
    line.resize(line.size() - 2);
    for (const auto& p : params) {
        line.push_back(' ');
        append_clean(line, p);
    }
    line += "\r\n";
    fit_line(line);
    return line;
}

}  // namespace sala::irc
