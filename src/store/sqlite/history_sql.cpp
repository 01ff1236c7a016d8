#include "store/sqlite/history_sql.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "core/msgid.hpp"
#include "store/sqlite/database.hpp"

namespace sala::store::sqlite {

namespace {

using core::history_direction;
using core::history_entry;
using core::history_ref;

using core::msgid_source;

constexpr const char* columns = "SELECT id, target, msgid, kind, line, client_tags, account FROM history ";

history_entry read_entry(const statement& s)
{
    history_entry e;
    e.sequence = s.int64(0);
    e.time_ms = msgid_source::time_of(e.sequence);
    e.target = s.text(1);
    e.msgid = s.text(2);
    e.kind = static_cast<core::history_kind>(s.int64(3));
    e.line = s.text(4);
    e.client_tags = s.text(5);
    e.account = s.text(6);
    return e;
}

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
        statement_use s(db.prepare("SELECT id FROM history WHERE id = ?1 AND target = ?2 AND msgid = ?3"));
        s->bind(1, *sequence).bind(2, target).bind(3, ref.msgid);
        if (!s->step())
            return std::nullopt;
        return position{s->int64(0), true, 0};
    }
    // A msgid of schema 1 (see schema.cpp), found through its own index.
    statement_use s(db.prepare("SELECT id FROM history WHERE target = ?1 AND msgid = ?2"
                               " AND length(msgid) = 16 ORDER BY id LIMIT 1"));
    s->bind(1, target).bind(2, ref.msgid);
    if (!s->step())
        return std::nullopt;
    return position{s->int64(0), true, 0};
}

// The ids a selection may take: above `above` and below `below`.
struct span {
    std::int64_t above = std::numeric_limits<std::int64_t>::min();
    std::int64_t below = std::numeric_limits<std::int64_t>::max();
};

// Strictly after / before the position: lines stamped at a timestamp's very
// millisecond are neither (AROUND, below, counts them as after it).
std::int64_t after(const position& p) { return p.is_line ? p.id : msgid_source::first_of(p.time_ms + 1) - 1; }
std::int64_t before(const position& p) { return p.id; }

// Runs one selection: the room, the span, PRIVMSG and NOTICE only unless
// events are wanted (TAGMSG is in draft/event-playback's list);
// `newest_first` takes the lines nearest the end of the span.
std::vector<history_entry> run(database& db, std::string_view target, span ids, std::int64_t last_kind,
    bool newest_first, std::size_t limit)
{
    std::vector<history_entry> out;
    if (limit == 0 || ids.above >= ids.below)
        return out;
    statement_use s(db.prepare(std::string(columns)
        + "WHERE target = ?1 AND id > ?2 AND id < ?3 AND kind <= ?4 ORDER BY id "
        + (newest_first ? "DESC" : "ASC") + " LIMIT ?5"));
    s->bind(1, target).bind(2, ids.above).bind(3, ids.below).bind(4, last_kind);
    s->bind(5, static_cast<std::int64_t>(limit));
    while (s->step())
        out.push_back(read_entry(*s));
    if (newest_first)
        std::reverse(out.begin(), out.end());
    return out;
}

std::vector<history_entry> run(database& db, const core::history_query& q, span ids, bool newest_first, std::size_t limit)
{
    // Kinds are numbered so that what a client may get is a prefix of them.
    const auto last_kind = q.events ? std::numeric_limits<std::int64_t>::max()
                                    : static_cast<std::int64_t>(core::history_kind::notice);
    return run(db, q.target, ids, last_kind, newest_first, limit);
}

}  // namespace

void insert_entry(database& db, const history_entry& e)
{
    // The time is the id's (core::msgid_source), so it is not stored apart.
    statement_use s(db.prepare("INSERT INTO history (id, target, msgid, kind, line, client_tags, account)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    s->bind(1, e.sequence).bind(2, e.target).bind(3, e.msgid).bind(4, static_cast<std::int64_t>(e.kind));
    s->bind(5, e.line).bind(6, e.client_tags).bind(7, e.account);
    s->step();
}

std::int64_t first_unused_sequence(database& db)
{
    return db.single_int("SELECT COALESCE(MAX(id), -1) + 1 FROM history");
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
    // One indexed lookup per room the client is in: a few dozen at most.
    // Strictly between the two times: from the first id after `lo`'s
    // millisecond to the last before `hi`'s.
    statement_use s(db.prepare("SELECT MAX(id) FROM history WHERE target = ?1 AND id >= ?2 AND id < ?3"
                               " AND kind <= ?4"));
    for (const auto& target : q.targets) {
        s->bind(1, target).bind(2, msgid_source::first_of(lo + 1)).bind(3, msgid_source::first_of(hi));
        s->bind(4, static_cast<std::int64_t>(core::history_kind::tagmsg));
        if (s->step() && !s->is_null(0))
            out.push_back({target, msgid_source::time_of(s->int64(0))});
        s->reset();
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.latest_ms < b.latest_ms; });
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

std::int64_t prune_oldest(database& db, std::int64_t before_ms, std::int64_t max_rows)
{
    // Ids follow time, so the oldest lines are the first rows of the table:
    // a database with nothing to prune costs one short walk.
    statement_use s(db.prepare("DELETE FROM history WHERE id IN (SELECT id FROM history WHERE id < ?1 ORDER BY id LIMIT ?2)"));
    s->bind(1, msgid_source::first_of(before_ms)).bind(2, max_rows);
    s->step();
    return db.changes();
}

std::vector<overfull_target> find_overfull(database& db, std::size_t max_lines)
{
    std::vector<overfull_target> out;
    std::vector<std::string> targets;
    {
        statement_use s(db.prepare("SELECT target FROM history GROUP BY target HAVING COUNT(*) > ?1"));
        s->bind(1, static_cast<std::int64_t>(max_lines));
        while (s->step())
            targets.push_back(s->text(0));
    }
    statement_use s(db.prepare("SELECT id FROM history WHERE target = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2"));
    for (auto& target : targets) {
        s->bind(1, target).bind(2, static_cast<std::int64_t>(max_lines));
        if (s->step())
            out.push_back({std::move(target), s->int64(0)});
        s->reset();
    }
    return out;
}

std::int64_t trim_target(database& db, std::string_view target, std::int64_t through_id, std::int64_t max_rows)
{
    statement_use s(db.prepare("DELETE FROM history WHERE id IN (SELECT id FROM history WHERE target = ?1 AND id <= ?2"
                               " ORDER BY id LIMIT ?3)"));
    s->bind(1, target).bind(2, through_id).bind(3, max_rows);
    s->step();
    return db.changes();
}

}  // namespace sala::store::sqlite
