#include "store/sqlite/history_sql.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "core/msgid.hpp"
#include "store/sqlite/database.hpp"

namespace sala::store::sqlite {

namespace {

using core::history_direction;
using core::history_entry;
using core::history_ref;

constexpr const char* columns = "SELECT target, msgid, time_ms, kind, line, client_tags, account, id FROM history ";

history_entry read_entry(const statement& s)
{
    history_entry e;
    e.sequence = s.int64(7);
    e.target = s.text(0);
    e.msgid = s.text(1);
    e.time_ms = s.int64(2);
    e.kind = static_cast<core::history_kind>(s.int64(3));
    e.line = s.text(4);
    e.client_tags = s.text(5);
    e.account = s.text(6);
    return e;
}

// A reference as a place in one room's history: a msgid names a row (and
// its time), a timestamp only a time.
struct position {
    std::optional<std::int64_t> id;
    std::int64_t time_ms = 0;
};

std::optional<position> locate(database& db, std::string_view target, const history_ref& ref)
{
    if (ref.what == history_ref::kind::timestamp)
        return position{std::nullopt, ref.time_ms};
    if (ref.what != history_ref::kind::msgid)
        return std::nullopt;
    if (const auto sequence = core::msgid_source::sequence_of(ref.msgid)) {
        // The whole msgid must match too: the sequence alone could name
        // another room's line, or a line of a run whose prefix differs.
        statement_use s(db.prepare("SELECT id, time_ms FROM history WHERE id = ?1 AND target = ?2 AND msgid = ?3"));
        s->bind(1, *sequence).bind(2, target).bind(3, ref.msgid);
        if (!s->step())
            return std::nullopt;
        return position{s->int64(0), s->int64(1)};
    }
    // A msgid of schema 1 (see schema.cpp), found through its own index.
    statement_use s(db.prepare("SELECT id, time_ms FROM history WHERE target = ?1 AND msgid = ?2"
                               " AND length(msgid) = 16 ORDER BY id LIMIT 1"));
    s->bind(1, target).bind(2, ref.msgid);
    if (!s->step())
        return std::nullopt;
    return position{s->int64(0), s->int64(1)};
}

// A bound on one side of a position, as SQL with one parameter.
struct bound {
    std::string sql;
    std::int64_t value;
};

bound after(const position& p) { return p.id ? bound{"id > ?", *p.id} : bound{"time_ms > ?", p.time_ms}; }
bound before(const position& p) { return p.id ? bound{"id < ?", *p.id} : bound{"time_ms < ?", p.time_ms}; }
// AROUND centres on the referenced message and so includes it; a timestamp
// counts what was said at that very millisecond as after it.
bound up_to(const position& p) { return p.id ? bound{"id <= ?", *p.id} : bound{"time_ms < ?", p.time_ms}; }
bound from_on(const position& p) { return p.id ? bound{"id > ?", *p.id} : bound{"time_ms >= ?", p.time_ms}; }

// Runs one selection: the room, up to two bounds, PRIVMSG and NOTICE only
// unless events are wanted (TAGMSG is in draft/event-playback's list);
// `newest_first` takes the rows nearest the end.
std::vector<history_entry> run(database& db, const core::history_query& q, const std::vector<bound>& bounds,
    bool newest_first, std::size_t limit)
{
    std::vector<history_entry> out;
    if (limit == 0)
        return out;
    std::string sql = columns + std::string("WHERE target = ?1");
    int index = 2;
    for (const auto& b : bounds) {
        auto clause = b.sql;
        clause.replace(clause.find('?'), 1, "?" + std::to_string(index++));
        sql += " AND " + clause;
    }
    if (!q.events)
        sql += " AND kind <= " + std::to_string(static_cast<int>(core::history_kind::notice));
    sql += newest_first ? " ORDER BY id DESC" : " ORDER BY id ASC";
    sql += " LIMIT ?" + std::to_string(index);
    statement_use s(db.prepare(sql));
    s->bind(1, q.target);
    index = 2;
    for (const auto& b : bounds)
        s->bind(index++, b.value);
    s->bind(index, static_cast<std::int64_t>(limit));
    while (s->step())
        out.push_back(read_entry(*s));
    if (newest_first)
        std::reverse(out.begin(), out.end());
    return out;
}

bool precedes(const position& a, const position& b)
{
    if (a.id && b.id)
        return *a.id < *b.id;
    return a.time_ms < b.time_ms;
}

}  // namespace

void insert_entry(database& db, const history_entry& e)
{
    statement_use s(db.prepare("INSERT INTO history (id, target, msgid, time_ms, kind, line, client_tags, account)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    s->bind(1, e.sequence).bind(2, e.target).bind(3, e.msgid).bind(4, e.time_ms);
    s->bind(5, static_cast<std::int64_t>(e.kind)).bind(6, e.line).bind(7, e.client_tags).bind(8, e.account);
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
        return run(db, q, {before(*from)}, true, q.limit);
    case history_direction::after:
        return run(db, q, {after(*from)}, false, q.limit);
    case history_direction::around: {
        // The referenced message and the older half first, so that a limit
        // of one returns the message itself.
        auto older = run(db, q, {up_to(*from)}, true, q.limit - q.limit / 2);
        auto newer = run(db, q, {from_on(*from)}, false, q.limit - older.size());
        older.insert(older.end(), std::make_move_iterator(newer.begin()), std::make_move_iterator(newer.end()));
        return older;
    }
    case history_direction::between: {
        const auto to = locate(db, q.target, q.to);
        if (!to)
            return {};
        if (precedes(*from, *to))
            return run(db, q, {after(*from), before(*to)}, false, q.limit);
        return run(db, q, {before(*from), after(*to)}, true, q.limit);
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
    statement_use s(db.prepare("SELECT MAX(time_ms) FROM history WHERE target = ?1 AND time_ms > ?2 AND time_ms < ?3"
                               " AND kind <= " + std::to_string(static_cast<int>(core::history_kind::tagmsg))));
    for (const auto& target : q.targets) {
        s->bind(1, target).bind(2, lo).bind(3, hi);
        if (s->step() && !s->is_null(0))
            out.push_back({target, s->int64(0)});
        s->reset();
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.latest_ms < b.latest_ms; });
    if (out.size() > q.limit)
        out.resize(q.limit);
    return out;
}

std::vector<history_entry> select_recent(database& db, std::string_view target, std::size_t limit, std::int64_t since_ms)
{
    core::history_query q;
    q.target = std::string(target);
    // Replay shows what people said: no TAGMSG, whose tags most clients
    // would not understand out of context.
    const bound said{"kind <= ?", static_cast<std::int64_t>(core::history_kind::notice)};
    return run(db, q, {bound{"time_ms >= ?", since_ms}, said}, true, limit);
}

std::int64_t prune_oldest(database& db, std::int64_t before_ms, std::int64_t max_rows)
{
    // Walks the oldest rows by id, which follow time, so a database with
    // nothing to prune costs one short index walk, not a scan.
    statement_use s(db.prepare("DELETE FROM history WHERE id IN (SELECT id FROM history ORDER BY id LIMIT ?2)"
                               " AND time_ms < ?1"));
    s->bind(1, before_ms).bind(2, max_rows);
    s->step();
    return db.changes();
}

}  // namespace sala::store::sqlite
