#pragma once
// IRCv3 server-time values ("2026-11-24T20:16:00.123Z", UTC), written for
// the time tag and read back from CHATHISTORY's timestamp= references.
// Pure functions, no clock: the caller says what time it is.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sala::irc {

// Milliseconds since the Unix epoch as "YYYY-MM-DDThh:mm:ss.sssZ". Times
// outside years 0000..9999 are clamped to them: the format has four digits
// for the year, and a client must always get a value it can parse.
[[nodiscard]] std::string format_server_time(std::int64_t ms);

// The inverse of format_server_time, also without milliseconds or with more
// digits of fraction (only milliseconds are kept). The trailing 'Z' is
// required: without it a client meant local time, which the server cannot
// know. Anything else gives nullopt.
[[nodiscard]] std::optional<std::int64_t> parse_server_time(std::string_view text);

}  // namespace sala::irc
