#include "irc/message.hpp"

#include <algorithm>

namespace sala::irc {

namespace {

constexpr std::size_t max_params = 15;

constexpr bool breaks_line(char c) { return c == '\r' || c == '\n' || c == '\0'; }

// Tag keys: letters, digits, '-', '/', '.', with an optional leading '+'.
bool valid_tag_key(std::string_view key)
{
    if (!key.empty() && key.front() == '+')
        key.remove_prefix(1);
    if (key.empty())
        return false;
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/'
                || c == '.'))
            return false;
    return true;
}

std::string_view skip_spaces(std::string_view s)
{
    const auto first = s.find_first_not_of(' ');
    return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

// Splits off the next space-delimited word.
std::string_view next_word(std::string_view& s)
{
    const auto end = s.find(' ');
    const auto word = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view{} : skip_spaces(s.substr(end));
    return word;
}

std::vector<tag> parse_tags(std::string_view raw)
{
    std::vector<tag> tags;
    while (!raw.empty()) {
        const auto end = raw.find(';');
        const auto item = raw.substr(0, end);
        raw = end == std::string_view::npos ? std::string_view{} : raw.substr(end + 1);
        if (item.empty())
            continue;
        const auto eq = item.find('=');
        tag t{std::string(item.substr(0, eq)), {}};
        if (eq != std::string_view::npos)
            t.value = unescape_tag_value(item.substr(eq + 1));
        if (!valid_tag_key(t.key))
            continue;  // a key that could not be sent on is dropped, not relayed
        // A later duplicate key overrides an earlier one (message-tags spec).
        auto same = std::find_if(tags.begin(), tags.end(), [&](const tag& x) { return x.key == t.key; });
        if (same != tags.end())
            *same = std::move(t);
        else
            tags.push_back(std::move(t));
    }
    return tags;
}

// Commands are letters ("PRIVMSG") or three digits ("001"); anything else
// could be mistaken for tags or a prefix when the message is sent on.
bool valid_command(std::string_view cmd)
{
    const auto all = [&](auto pred) {
        for (char c : cmd)
            if (!pred(c))
                return false;
        return true;
    };
    const bool letters = !cmd.empty() && all([](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
    const bool numeric = cmd.size() == 3 && all([](char c) { return c >= '0' && c <= '9'; });
    return letters || numeric;
}

void append_sanitized(std::string& out, std::string_view s)
{
    for (char c : s)
        out.push_back(breaks_line(c) ? ' ' : c);
}

}  // namespace

const std::string* message::find_tag(std::string_view key) const
{
    for (const auto& t : tags)
        if (t.key == key)
            return &t.value;
    return nullptr;
}

std::string escape_tag_value(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        switch (c) {
        case ';': out += "\\:"; break;
        case ' ': out += "\\s"; break;
        case '\\': out += "\\\\"; break;
        case '\r': out += "\\r"; break;
        case '\n': out += "\\n"; break;
        case '\0': break;
        default: out.push_back(c);
        }
    }
    return out;
}

std::string unescape_tag_value(std::string_view escaped)
{
    std::string out;
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        const char c = escaped[i];
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        if (++i == escaped.size())
            break;  // a lone trailing backslash is dropped
        switch (escaped[i]) {
        case ':': out.push_back(';'); break;
        case 's': out.push_back(' '); break;
        case 'r': out.push_back('\r'); break;
        case 'n': out.push_back('\n'); break;
        default: out.push_back(escaped[i]);  // "\\" -> "\", "\x" -> "x"
        }
    }
    return out;
}

parse_result parse(std::string_view line)
{
    parse_result result;
    std::string_view rest = skip_spaces(line);
    if (rest.empty()) {
        result.error = parse_error::empty;
        return result;
    }
    message msg;
    if (rest.front() == '@') {
        const auto end = rest.find(' ');
        if (end == std::string_view::npos || end == 1) {
            result.error = parse_error::bad_tags;
            return result;
        }
        msg.tags = parse_tags(rest.substr(1, end - 1));
        rest = skip_spaces(rest.substr(end));
    }
    if (!rest.empty() && rest.front() == ':') {
        rest.remove_prefix(1);
        msg.prefix = std::string(next_word(rest));
    }
    if (rest.empty()) {
        result.error = parse_error::no_command;
        return result;
    }
    msg.command = std::string(next_word(rest));
    if (!valid_command(msg.command)) {
        result.error = parse_error::bad_command;
        return result;
    }
    while (!rest.empty()) {
        if (rest.front() == ':' || msg.params.size() + 1 == max_params) {
            if (rest.front() == ':')
                rest.remove_prefix(1);
            msg.params.emplace_back(rest);
            break;
        }
        msg.params.emplace_back(next_word(rest));
    }
    result.msg = std::move(msg);
    return result;
}

std::string serialize_tags(const std::vector<tag>& tags)
{
    std::string out;
    for (const auto& t : tags) {
        if (!valid_tag_key(t.key))
            continue;
        if (!out.empty())
            out.push_back(';');
        out += t.key;
        if (!t.value.empty()) {
            out.push_back('=');
            out += escape_tag_value(t.value);
        }
    }
    return out;
}

void serialize_to(std::string& out, const message& msg)
{
    if (!msg.tags.empty()) {
        out.push_back('@');
        out += serialize_tags(msg.tags);
        out.push_back(' ');
    }
    if (!msg.prefix.empty()) {
        out.push_back(':');
        append_sanitized(out, msg.prefix);
        out.push_back(' ');
    }
    append_sanitized(out, msg.command);
    for (std::size_t i = 0; i < msg.params.size(); ++i) {
        const auto& p = msg.params[i];
        out.push_back(' ');
        const bool last = i + 1 == msg.params.size();
        // Bytes that would break the line become spaces below, so they count as spaces here.
        if (last
            && (p.empty() || p.front() == ':' || p.find_first_of(std::string_view(" \r\n\0", 4)) != std::string::npos))
            out.push_back(':');
        append_sanitized(out, p);
    }
    out += "\r\n";
}

std::string serialize(const message& msg)
{
    std::string out;
    serialize_to(out, msg);
    return out;
}

}  // namespace sala::irc
