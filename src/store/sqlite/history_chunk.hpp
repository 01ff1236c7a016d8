#pragma once
// A chunk: a run of one room's consecutive lines, stored as one row. A row
// per line made each line update two B-trees, which was most of what storing
// cost (docs/BENCHMARKS.md, "History"); a row per chunk makes that a cost per
// commit, and a line costs what encoding it does. Lines are looked up by
// their id (the msgid sequence, core::msgid_source), so a chunk is found by
// the range of ids it holds and then decoded.
//
// The body is, per line: the id's distance from the previous line's (from
// the chunk's first id for the first line) as a varint, the kind as one byte,
// then msgid, line, client tags and account, each as a varint length and its
// bytes. Plain data; no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"

namespace sala::store::sqlite {

struct chunk {
    std::string target;
    std::int64_t first_id = 0;
    std::int64_t last_id = 0;
    std::int64_t lines = 0;
    std::string body;
};

// Bounds on a chunk: a query decodes a whole chunk to read one line of it,
// and a prune by age rewrites only the chunks that reach across its cut-off,
// which it finds among the ids of one span.
inline constexpr std::int64_t chunk_max_lines = 64;
inline constexpr std::int64_t chunk_max_span_ms = 60'000;

// Builds a chunk from lines given in id order.
class chunk_builder {
public:
    // True when `e` may follow the lines added so far: same room, a larger
    // id, and the chunk stays within its bounds.
    [[nodiscard]] bool fits(const core::history_entry& e) const;
    void add(const core::history_entry& e);
    [[nodiscard]] bool empty() const { return current_.lines == 0; }
    [[nodiscard]] const std::string& target() const { return current_.target; }
    // The chunk built so far; the builder starts over.
    [[nodiscard]] chunk take();

private:
    chunk current_;
};

// The lines of a chunk, in id order. Throws store_error when `body` is not
// one this code wrote (a damaged row).
[[nodiscard]] std::vector<core::history_entry> decode_chunk(
    std::string_view target, std::int64_t first_id, std::string_view body);

}  // namespace sala::store::sqlite
