#include "store/sqlite/history_sql.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "core/msgid.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/history_chunk.hpp"

namespace sala::store::sqlite {

namespace {

using core::history_direction;
using core::history_entry;
using core::history_ref;

using core::msgid_source;

constexpr std::int64_t no_id_below = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t no_id_above = std::numeric_limits<std::int64_t>::max();

// A reference as a place in one room's history: a msgid names a line's id,
// a timestamp a millisecond, which starts at the first id it could hold.
struct position {
    std::int64_t id = 0;
    bool is_line = false;
    std::int64_t time_ms = 0;  // a timestamp's
};

std::optional<position> locate(database& db, std::string_view target, const history_ref& ref)
{
    if (ref.what == history_ref::kind::timestamp)
        return position{msgid_source::first_of(ref.time_ms), false, ref.time_ms};
    if (ref.what != history_ref::kind::msgid)
        return std::nullopt;
    if (const auto sequence = msgid_source::sequence_of(ref.msgid)) {
        // The whole msgid must match too: the sequence alone could name
        // another room's line, or a line of a run whose prefix differs.
        statement_use s(db.prepare("SELECT first_id, body FROM history_chunk WHERE target = ?1 AND last_id >= ?2"
                                   " ORDER BY last_id LIMIT 1"));
        s->bind(1, target).bind(2, *sequence);
        if (!s->step() || s->int64(0) > *sequence)
            return std::nullopt;
        for (const auto& e : decode_chunk(target, s->int64(0), s->blob(1)))
            if (e.sequence == *sequence && e.msgid == ref.msgid)
                return position{e.sequence, true, 0};
        return std::nullopt;
    }
    // A msgid of schema 1 (see schema.cpp), found in its own table.
    statement_use s(db.prepare("SELECT id FROM history_old_msgid WHERE target = ?1 AND msgid = ?2"));
    s->bind(1, target).bind(2, ref.msgid);
    if (!s->step())
        return std::nullopt;
    return position{s->int64(0), true, 0};
}

// The ids a selection may take: above `above` and below `below`.
struct span {
    std::int64_t above = no_id_below;
    std::int64_t below = no_id_above;
};

// Strictly after / before the position: lines stamped at a timestamp's very
// millisecond are neither (AROUND, below, counts them as after it).
std::int64_t after(const position& p) { return p.is_line ? p.id : msgid_source::first_of(p.time_ms + 1) - 1; }
std::int64_t before(const position& p) { return p.id; }

// Runs one selection: the room, the span, the kinds up to `last_kind` (kinds
// are numbered so that what a client may get is a prefix of them);
// `newest_first` takes the lines nearest the end of the span. Chunks of one
// room hold disjoint runs of ids, so ordering them by their last id orders
// their lines too.
std::vector<history_entry> run(database& db, std::string_view target, span ids, std::int64_t last_kind,
    bool newest_first, std::size_t limit)
{
    std::vector<history_entry> out;
    if (limit == 0 || ids.above >= ids.below)
        return out;
    const auto wanted = [&](const history_entry& e) {
        return e.sequence > ids.above && e.sequence < ids.below && static_cast<std::int64_t>(e.kind) <= last_kind;
    };
    if (newest_first) {
        // From the chunk that holds (or follows) `below`, backwards.
        statement_use s(db.prepare("SELECT first_id, body FROM history_chunk WHERE target = ?1 AND last_id > ?2"
                                   " AND last_id <= COALESCE((SELECT MIN(last_id) FROM history_chunk"
                                   " WHERE target = ?1 AND last_id >= ?3), ?4) ORDER BY last_id DESC"));
        s->bind(1, target).bind(2, ids.above).bind(3, ids.below).bind(4, no_id_above);
        while (out.size() < limit && s->step()) {
            auto lines = decode_chunk(target, s->int64(0), s->blob(1));
            for (auto it = lines.rbegin(); it != lines.rend() && out.size() < limit; ++it)
                if (wanted(*it))
                    out.push_back(std::move(*it));
        }
        std::reverse(out.begin(), out.end());
        return out;
    }
    statement_use s(db.prepare("SELECT first_id, body FROM history_chunk WHERE target = ?1 AND last_id > ?2"
                               " ORDER BY last_id"));
    s->bind(1, target).bind(2, ids.above);
    while (out.size() < limit && s->step() && s->int64(0) < ids.below) {
        auto lines = decode_chunk(target, s->int64(0), s->blob(1));
        for (auto& e : lines)
            if (out.size() < limit && wanted(e))
                out.push_back(std::move(e));
    }
    return out;
}

std::vector<history_entry> run(database& db, const core::history_query& q, span ids, bool newest_first, std::size_t limit)
{
    const auto last_kind = q.events ? std::numeric_limits<std::int64_t>::max()
                                    : static_cast<std::int64_t>(core::history_kind::notice);
    return run(db, q.target, ids, last_kind, newest_first, limit);
}

void insert_chunk(database& db, const chunk& c)
{
    statement_use s(db.prepare("INSERT INTO history_chunk (last_id, target, first_id, lines, body)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->bind(1, c.last_id).bind(2, c.target).bind(3, c.first_id).bind(4, c.lines).bind_blob(5, c.body);
    s->step();
}

// Keeps only the lines of chunk `last_id` with an id above `through_id`;
// returns how many it dropped.
std::int64_t cut_chunk(database& db, std::int64_t last_id, std::int64_t through_id)
{
    std::vector<history_entry> lines;
    {
        statement_use s(db.prepare("SELECT target, first_id, body FROM history_chunk WHERE last_id = ?1"));
        s->bind(1, last_id);
        if (!s->step())
            return 0;
        lines = decode_chunk(s->text(0), s->int64(1), s->blob(2));
    }
    chunk_builder kept;
    std::int64_t dropped = 0;
    for (const auto& e : lines) {
        if (e.sequence <= through_id)
            ++dropped;
        else
            kept.add(e);
    }
    if (dropped == 0 || kept.empty())  // the last line is above the cut, so some stay
        return 0;
    const auto rest = kept.take();
    statement_use s(db.prepare("UPDATE history_chunk SET first_id = ?2, lines = ?3, body = ?4 WHERE last_id = ?1"));
    s->bind(1, last_id).bind(2, rest.first_id).bind(3, rest.lines).bind_blob(4, rest.body);
    s->step();
    return dropped;
}

// Runs a DELETE ... RETURNING lines of at most `max_chunks` chunks: the
// lines that went, and whether the limit stopped it.
prune_result count_deleted(statement& deleting, std::int64_t max_chunks)
{
    prune_result r;
    std::int64_t chunks = 0;
    while (deleting.step()) {
        r.lines += deleting.int64(0);
        ++chunks;
    }
    r.more = chunks == max_chunks;
    return r;
}

}  // namespace

namespace {

// A line whose id is not above every id stored (lines of a cluster's nodes
// reach each replica in the stream's order, which is not quite the order of
// their stamps): it goes into the chunk of its room whose run of ids it
// falls in, or into one of its own between two, so a room's chunks still
// hold disjoint runs.
void insert_late(database& db, const history_entry& e)
{
    std::vector<history_entry> lines;
    std::int64_t covering = 0;
    {
        statement_use s(db.prepare("SELECT last_id, first_id, body FROM history_chunk WHERE target = ?1"
                                   " AND last_id >= ?2 ORDER BY last_id LIMIT 1"));
        s->bind(1, e.target).bind(2, e.sequence);
        if (s->step() && s->int64(1) <= e.sequence) {
            covering = s->int64(0);
            lines = decode_chunk(e.target, s->int64(1), s->blob(2));
        }
    }
    chunk_builder merged;
    if (covering == 0) {
        merged.add(e);
        insert_chunk(db, merged.take());
        return;
    }
    const auto at = std::lower_bound(lines.begin(), lines.end(), e.sequence,
        [](const history_entry& line, std::int64_t id) { return line.sequence < id; });
    if (at != lines.end() && at->sequence == e.sequence)
        return;  // already stored
    lines.insert(at, e);
    for (const auto& line : lines)
        merged.add(line);
    const auto c = merged.take();
    statement_use s(db.prepare("UPDATE history_chunk SET first_id = ?2, lines = ?3, body = ?4 WHERE last_id = ?1"));
    s->bind(1, covering).bind(2, c.first_id).bind(3, c.lines).bind_blob(4, c.body);
    s->step();
}

}  // namespace

void insert_entries(database& db, const std::vector<const history_entry*>& entries, std::int64_t& highest)
{
    // One chunk per room per commit (within the chunk bounds): the lines of
    // each room arrive in id order, rooms interleaved. A line not above
    // every id stored so far takes the slow way, after them.
    std::vector<chunk_builder> open;
    std::vector<const history_entry*> late;
    for (const auto* e : entries) {
        if (e->sequence <= highest) {
            late.push_back(e);
            continue;
        }
        highest = e->sequence;
        auto builder = std::find_if(open.begin(), open.end(), [e](const chunk_builder& b) { return b.target() == e->target; });
        if (builder == open.end()) {
            open.emplace_back();
            builder = std::prev(open.end());
        } else if (!builder->fits(*e)) {
            insert_chunk(db, builder->take());
        }
        builder->add(*e);
    }
    for (auto& b : open)
        if (!b.empty())
            insert_chunk(db, b.take());
    for (const auto* e : late)
        insert_late(db, *e);
}

std::int64_t first_unused_sequence(database& db)
{
    return db.single_int("SELECT COALESCE(MAX(last_id), -1) + 1 FROM history_chunk");
}

std::vector<history_entry> select_history(database& db, const core::history_query& q)
{
    if (q.direction == history_direction::latest && q.from.what == history_ref::kind::none)
        return run(db, q, {}, true, q.limit);
    const auto from = locate(db, q.target, q.from);
    if (!from)
        return {};
    switch (q.direction) {
    case history_direction::latest:
        return run(db, q, {after(*from)}, true, q.limit);
    case history_direction::before:
        return run(db, q, {.below = before(*from)}, true, q.limit);
    case history_direction::after:
        return run(db, q, {after(*from)}, false, q.limit);
    case history_direction::around: {
        // The referenced line and the older half first, so that a limit of
        // one returns the line itself.
        const auto older_end = from->is_line ? from->id + 1 : from->id;
        auto older = run(db, q, {.below = older_end}, true, q.limit - q.limit / 2);
        auto newer = run(db, q, {older_end - 1}, false, q.limit - older.size());
        older.insert(older.end(), std::make_move_iterator(newer.begin()), std::make_move_iterator(newer.end()));
        return older;
    }
    case history_direction::between: {
        const auto to = locate(db, q.target, q.to);
        if (!to)
            return {};
        if (from->id < to->id)
            return run(db, q, {after(*from), before(*to)}, false, q.limit);
        return run(db, q, {after(*to), before(*from)}, true, q.limit);
    }
    }
    return {};
}

std::vector<core::history_target_activity> select_targets(database& db, const core::history_targets_query& q)
{
    const auto lo = std::min(q.from_ms, q.to_ms);
    const auto hi = std::max(q.from_ms, q.to_ms);
    std::vector<core::history_target_activity> out;
    // One short lookup per room the client is in: a few dozen at most.
    // A target is listed when its newest line falls strictly between the two
    // times; one that saw a line after `hi` is left to a later window, so
    // that walking windows forward lists each target once (irctest's
    // "excludes updated targets").
    auto targets = q.targets;
    if (!q.conversations_of.empty()) {
        // Every conversation key is in the range after '~'; few enough that
        // walking their distinct names in the room index is cheap.
        statement_use keys(db.prepare("SELECT DISTINCT target FROM history_chunk WHERE target > '~' AND target < '~\x7f'"));
        while (keys->step()) {
            auto key = keys->text(0);
            if (!core::conversation_partner(key, q.conversations_of).empty())
                targets.push_back(std::move(key));
        }
    }
    for (const auto& target : targets) {
        const auto newest = run(db, target, {msgid_source::first_of(lo + 1) - 1, no_id_above},
            static_cast<std::int64_t>(core::history_kind::tagmsg), true, 1);
        if (!newest.empty() && newest.front().sequence < msgid_source::first_of(hi))
            out.push_back({target, newest.front().time_ms, newest.front().sequence});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.latest_sequence < b.latest_sequence; });
    if (out.size() > q.limit)
        out.resize(q.limit);
    return out;
}

std::vector<history_entry> select_recent(database& db, std::string_view target, std::size_t limit, std::int64_t since_ms)
{
    // Replay shows what people said: no TAGMSG, whose tags most clients
    // would not understand out of context.
    return run(db, target, {msgid_source::first_of(since_ms) - 1}, static_cast<std::int64_t>(core::history_kind::notice),
        true, limit);
}

prune_result prune_oldest(database& db, std::int64_t before_ms, std::int64_t max_chunks)
{
    // Ids follow time, so the oldest chunks are the first rows of the table:
    // a database with nothing to prune costs one short walk.
    const auto bound = msgid_source::first_of(before_ms);
    prune_result r;
    {
        statement_use s(db.prepare("DELETE FROM history_chunk WHERE last_id IN (SELECT last_id FROM history_chunk"
                                   " WHERE last_id < ?1 ORDER BY last_id LIMIT ?2) RETURNING lines"));
        s->bind(1, bound).bind(2, max_chunks);
        r = count_deleted(*s, max_chunks);
    }
    if (r.more)
        return r;
    // What is left reaches across the cut-off: chunks span a bounded time,
    // so they end within that much of it.
    std::vector<std::int64_t> across;
    {
        statement_use s(db.prepare("SELECT last_id FROM history_chunk WHERE last_id >= ?1 AND last_id < ?2"
                                   " AND first_id < ?1"));
        s->bind(1, bound).bind(2, msgid_source::first_of(before_ms + chunk_max_span_ms + 1));
        while (s->step())
            across.push_back(s->int64(0));
    }
    for (const auto last_id : across)
        r.lines += cut_chunk(db, last_id, bound - 1);
    statement_use s(db.prepare("DELETE FROM history_old_msgid WHERE id < ?1"));
    s->bind(1, bound);
    s->step();
    return r;
}

std::vector<overfull_target> find_overfull(database& db, std::size_t max_lines)
{
    std::vector<overfull_target> out;
    std::vector<std::string> targets;
    {
        statement_use s(db.prepare("SELECT target FROM history_chunk GROUP BY target HAVING SUM(lines) > ?1"));
        s->bind(1, static_cast<std::int64_t>(max_lines));
        while (s->step())
            targets.push_back(s->text(0));
    }
    // Newest first until the limit is passed: the newest line past it is in
    // that chunk.
    for (auto& target : targets) {
        std::int64_t kept = 0;
        std::int64_t crossing = 0;
        std::int64_t keep_of_it = 0;
        {
            statement_use s(db.prepare("SELECT last_id, lines FROM history_chunk WHERE target = ?1 ORDER BY last_id DESC"));
            s->bind(1, target);
            while (s->step()) {
                const auto lines = s->int64(1);
                if (kept + lines > static_cast<std::int64_t>(max_lines)) {
                    crossing = s->int64(0);
                    keep_of_it = static_cast<std::int64_t>(max_lines) - kept;
                    break;
                }
                kept += lines;
            }
        }
        if (crossing == 0)
            continue;
        statement_use s(db.prepare("SELECT first_id, body FROM history_chunk WHERE last_id = ?1"));
        s->bind(1, crossing);
        if (!s->step())
            continue;
        const auto lines = decode_chunk(target, s->int64(0), s->blob(1));
        const auto drop = static_cast<std::int64_t>(lines.size()) - keep_of_it;
        if (drop > 0)
            out.push_back({std::move(target), lines[static_cast<std::size_t>(drop - 1)].sequence});
    }
    return out;
}

prune_result trim_target(database& db, std::string_view target, std::int64_t through_id, std::int64_t max_chunks)
{
    prune_result r;
    {
        statement_use s(db.prepare("DELETE FROM history_chunk WHERE last_id IN (SELECT last_id FROM history_chunk"
                                   " WHERE target = ?1 AND last_id <= ?2 ORDER BY last_id LIMIT ?3) RETURNING lines"));
        s->bind(1, target).bind(2, through_id).bind(3, max_chunks);
        r = count_deleted(*s, max_chunks);
    }
    if (r.more)
        return r;
    std::optional<std::int64_t> across;
    {
        statement_use s(db.prepare("SELECT last_id, first_id FROM history_chunk WHERE target = ?1 AND last_id > ?2"
                                   " ORDER BY last_id LIMIT 1"));
        s->bind(1, target).bind(2, through_id);
        if (s->step() && s->int64(1) <= through_id)
            across = s->int64(0);
    }
    if (across)
        r.lines += cut_chunk(db, *across, through_id);
    return r;
}

}  // namespace sala::store::sqlite
