#pragma once
// History's statements on one connection. Called on a store lane, never on a
// shard; each call is one or a few indexed lookups.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"

namespace sala::store::sqlite {

class database;

// Stores the lines of one commit, a chunk per room (history_chunk.hpp).
// `highest`: the highest id stored so far, raised as lines are; a line not
// above it (a cluster's nodes stamp independently) is merged in its place.
void insert_entries(database& db, const std::vector<const core::history_entry*>& entries, std::int64_t& highest);
// One past the highest sequence stored (0 when there is none).
[[nodiscard]] std::int64_t first_unused_sequence(database& db);

// Oldest first. An unknown msgid reference selects nothing.
[[nodiscard]] std::vector<core::history_entry> select_history(database& db, const core::history_query& q);
[[nodiscard]] std::vector<core::history_target_activity> select_targets(
    database& db, const core::history_targets_query& q);
[[nodiscard]] std::vector<core::history_entry> select_recent(
    database& db, std::string_view target, std::size_t limit, std::int64_t since_ms);

struct prune_result {
    std::int64_t lines = 0;  // lines that went
    bool more = false;       // the step ended at its limit: call again
};

// Deletes up to `max_chunks` of the oldest chunks stamped before
// `before_ms`; in its last step, also the older lines of chunks that reach
// across it.
prune_result prune_oldest(database& db, std::int64_t before_ms, std::int64_t max_chunks);

// A target holding more than the limit, and the id of its newest line
// past it: that line and every older one go.
struct overfull_target {
    std::string target;
    std::int64_t through_id;
};
// Every target with more than `max_lines` lines (a scan of the room index,
// and one chunk decoded per such target).
[[nodiscard]] std::vector<overfull_target> find_overfull(database& db, std::size_t max_lines);
// Deletes up to `max_chunks` of `target`'s chunks with ids up to
// `through_id`; in its last step, also cuts the chunk holding that id.
prune_result trim_target(database& db, std::string_view target, std::int64_t through_id, std::int64_t max_chunks);

}  // namespace sala::store::sqlite
