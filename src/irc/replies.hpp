#pragma once
// Builders for the lines the server itself sends. Pure string formatting,
// shared by the protocol state machine and the server's rooms and directory.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sala::irc {

// ":server CODE target middle... :trailing\r\n". `target` is the client's nick,
// or "*" before it has one. Middles must not contain spaces.
[[nodiscard]] std::string numeric_reply(std::string_view server, std::string_view code, std::string_view target,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing = std::nullopt);

// ":prefix COMMAND middle... :trailing\r\n" for messages relayed between users.
[[nodiscard]] std::string relay(std::string_view prefix, std::string_view command,
    std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing = std::nullopt);

}  // namespace sala::irc
