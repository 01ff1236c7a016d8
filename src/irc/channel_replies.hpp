#pragma once
// The replies about a channel that a query or a JOIN gets: TOPIC (331 or
// 332/333), NAMES (353/366), LIST (322/323) and MODE #chan (324/329), built
// from facts the rooms and the directory hand over. Plain data and
// formatting, no I/O; session_protocol answers queries with these, and a room
// greets a joiner with the same topic and names lines.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sala::irc {

struct channel_topic {
    std::string text;
    std::string set_by;
    std::int64_t set_at = 0;  // Unix seconds
};

// TOPIC #chan: the channel's name as it was made, and its topic if set.
struct channel_topic_facts {
    std::string name;
    std::optional<channel_topic> topic;
};

// NAMES: members as the asker may see them, already cut into lists that fit
// a 353 line (nick_lines_budget bytes each), prefixes included.
struct channel_names {
    std::string name;
    bool secret = false;  // shown as '@' rather than '=' (RFC 2812)
    std::vector<std::string> nick_lines;
};

// LIST: one channel the asker may see.
struct listed_channel {
    std::string name;
    std::size_t members = 0;
    std::string topic;
};

// MODE #chan: modes and their parameters as the asker may see them (a key
// only to members), and when the channel was made.
struct channel_mode_facts {
    std::string name;
    std::string modes;  // "+nt"; empty for none
    std::vector<std::string> params;
    std::int64_t created = 0;  // Unix seconds
};

// Room for nicks in one 353 line: with a short server name, the longest
// nick and channel name still fit 512 bytes (names_reply splits again when not).
inline constexpr std::size_t nick_lines_budget = 400;

// Adds `name` (prefixes and all) to the last list, or starts a new one when
// the last is full.
void add_to_nick_lines(std::vector<std::string>& lines, std::string_view name);

[[nodiscard]] std::string topic_reply(std::string_view server, std::string_view requester, std::string_view channel,
    const std::optional<channel_topic>& topic);
// 353 per list and 366; only 366 when there are none.
[[nodiscard]] std::string names_reply(std::string_view server, std::string_view requester, std::string_view channel,
    bool secret, const std::vector<std::string>& nick_lines);
[[nodiscard]] std::string list_reply(std::string_view server, std::string_view requester,
    const std::vector<listed_channel>& channels);
[[nodiscard]] std::string channel_modes_reply(std::string_view server, std::string_view requester,
    const channel_mode_facts& facts);

}  // namespace sala::irc
