#pragma once
// Builders for the lines the server itself sends. Pure string formatting,
// shared by the protocol state machine and the server's rooms and directory.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sala::irc {

// The line length every IRC client can take, CR LF included (RFC 1459).
inline constexpr std::size_t wire_line_max = 512;

// Cuts `line` (ending in CR LF) to at most `max_bytes` without splitting a
// UTF-8 character. Replies echo what clients sent (a 500-byte unknown
// command, say), and a line over the limit is cut or refused by clients.
void fit_line(std::string& line, std::size_t max_bytes = wire_line_max);

// ":server CODE target middle... :trailing\r\n". `target` is the client's nick,
// or "*" before it has one. Middles must not contain spaces.
[[nodiscard]] std::string numeric_reply(std::string_view server, std::string_view code, std::string_view target,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing = std::nullopt);

// ":prefix COMMAND middle... :trailing\r\n" for messages relayed between users,
// cut to `max_bytes` (the configured line length for chat messages).
[[nodiscard]] std::string relay(std::string_view prefix, std::string_view command,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing = std::nullopt,
    std::size_t max_bytes = wire_line_max);

// ":prefix MODE channel modes param...\r\n": a channel's mode change as
// its members see it, each parameter a word of its own.
[[nodiscard]] std::string mode_change_line(std::string_view prefix, std::string_view channel,
    std::string_view modes, std::span<const std::string> params);

}  // namespace sala::irc
