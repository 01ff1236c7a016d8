#pragma once
// The bytes of one stream message: a batch of one room's history entries as
// a node appended them. Every node decodes what every other node wrote, so
// the layout is versioned by its first byte. Plain data; no I/O.
//
// Layout: version byte, entry count, then per entry: kind byte, time_ms,
// sequence, and target, msgid, line, client tags and account, numbers as
// varints and texts as a varint length and their bytes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"

namespace sala::store::nats {

[[nodiscard]] std::string encode_entries(const std::vector<core::history_entry>& entries);
// nullopt when `bytes` is not a batch this version of sala wrote: truncated,
// an unknown version or kind, or a count that the bytes cannot hold.
[[nodiscard]] std::optional<std::vector<core::history_entry>> decode_entries(std::string_view bytes);

// A subject token for `target`: lowercase hex of its bytes, since a room's
// folded name may hold '.', '*' and '>', which NATS subjects reserve.
[[nodiscard]] std::string subject_token(std::string_view target);

}  // namespace sala::store::nats
