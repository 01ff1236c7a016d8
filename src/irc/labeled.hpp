#pragma once
// IRCv3 labeled-response: everything the server sends in answer to one
// labeled line goes back carrying the label, so a client can match answers
// to its requests. Pure formatting of lines already serialized for the client.

#include <string>
#include <string_view>

namespace sala::irc {

// Labels longer than this are not echoed (the spec allows up to 64 bytes).
inline constexpr std::size_t max_label_bytes = 64;

// The answer to a labeled line. `answer` is every line sent in reply, each
// ending in CR LF, maybe with its own tags. No line: "ACK" with the label.
// One line: that line with the label tag. More: a labeled-response batch
// `batch_id` around them, when the client has `batch`; without it, the
// lines go out as they are (a label on one of many would mislead). A batch
// inside the answer (CHATHISTORY's) nests: its BATCH lines join the
// labeled-response batch, its other lines keep their own batch tag.
[[nodiscard]] std::string labeled(std::string_view server, std::string_view label, std::string_view answer,
    bool batch_cap, std::string_view batch_id);

}  // namespace sala::irc
