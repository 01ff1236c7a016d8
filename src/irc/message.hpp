#pragma once
// IRC message model, parser and serializer (modern.ircdocs.horse, IRCv3 message-tags).
// Pure functions, no I/O; safe to call from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sala::irc {

struct tag {
    std::string key;    // "time", "+draft/reply"; client-only tags start with '+'
    std::string value;  // unescaped; empty when the tag had no value
    bool operator==(const tag&) const = default;
};

struct message {
    std::vector<tag> tags;
    std::string prefix;  // "nick!user@host" or a server name; empty when absent
    std::string command; // as sent; commands are matched case-insensitively by callers
    std::vector<std::string> params;
    bool operator==(const message&) const = default;

    // The value of tag `key`, if present.
    [[nodiscard]] const std::string* find_tag(std::string_view key) const;
};

enum class parse_error {
    empty,       // blank line: ignored by servers, not an error to report
    no_command,  // tags and/or prefix but nothing after them
    bad_tags,    // '@' with no tags or tags not followed by a space
    bad_command, // the command is neither letters nor a three-digit numeric
};

struct parse_result {
    std::optional<message> msg;
    std::optional<parse_error> error;
};

// Parses one line without its CR LF. Never throws on any input; at most 15
// parameters are split off (RFC 1459), anything beyond joins the last one.
[[nodiscard]] parse_result parse(std::string_view line);

// Appends `msg` and CR LF to `out`. The last parameter is sent as trailing
// (":...") when it is empty, contains a space or starts with ':'. Tag values
// are escaped. Parameters containing CR, LF or NUL are the caller's bug; they
// are replaced by spaces so the output is always one line.
void serialize_to(std::string& out, const message& msg);
[[nodiscard]] std::string serialize(const message& msg);

// Escaping of tag values (the IRCv3 table: ; space \ CR LF).
[[nodiscard]] std::string escape_tag_value(std::string_view raw);
[[nodiscard]] std::string unescape_tag_value(std::string_view escaped);

// Serializes tags as "key=value;key2" (no '@', no trailing space). Tags whose
// key is not [+]letters/digits/-/./ are skipped (parse drops them too).
[[nodiscard]] std::string serialize_tags(const std::vector<tag>& tags);

}  // namespace sala::irc
