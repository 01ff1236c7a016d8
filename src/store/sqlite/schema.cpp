#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

#include "store/sqlite/database.hpp"
#include "store/store_error.hpp"

namespace sala::store::sqlite {

namespace {

// Migration i takes a database from version i to version i + 1.
constexpr std::array migrations = {
    // 1: history. `id` orders each room's lines as the room stamped them;
    // lookups are by room then position, by room then time (timestamp
    // references), and by room then msgid (msgid references). An event such
    // as QUIT is stored once per room it reached, with the same msgid.
    R"sql(
        CREATE TABLE history (
            id          INTEGER PRIMARY KEY,
            target      TEXT    NOT NULL,
            msgid       TEXT    NOT NULL,
            time_ms     INTEGER NOT NULL,
            kind        INTEGER NOT NULL,
            line        TEXT    NOT NULL,
            client_tags TEXT    NOT NULL DEFAULT '',
            account     TEXT    NOT NULL DEFAULT ''
        );
        CREATE INDEX history_by_target ON history (target, id);
        CREATE INDEX history_by_time   ON history (target, time_ms);
        CREATE INDEX history_by_msgid  ON history (target, msgid);
    )sql",
    // 2: `id` is the sequence number in the line's msgid (core::msgid_source),
    // which is also its time (id >> 16 milliseconds), so one index by room
    // and id finds a line by msgid, by timestamp and by position: each line
    // updates two B-trees instead of four. Schema 1's rows get the first ids
    // of their millisecond, in their old order; their 16-character msgids
    // carry no sequence, so they alone stay in a msgid index, which new
    // lines skip.
    R"sql(
        CREATE TABLE history_2 (
            id          INTEGER PRIMARY KEY,
            target      TEXT    NOT NULL,
            msgid       TEXT    NOT NULL,
            kind        INTEGER NOT NULL,
            line        TEXT    NOT NULL,
            client_tags TEXT    NOT NULL DEFAULT '',
            account     TEXT    NOT NULL DEFAULT ''
        );
        INSERT INTO history_2 (id, target, msgid, kind, line, client_tags, account)
            SELECT (time_ms << 16) + ROW_NUMBER() OVER (PARTITION BY time_ms ORDER BY id) - 1,
                   target, msgid, kind, line, client_tags, account
            FROM history;
        DROP TABLE history;
        ALTER TABLE history_2 RENAME TO history;
        CREATE INDEX history_by_target ON history (target, id);
        CREATE INDEX history_by_old_msgid ON history (target, msgid) WHERE length(msgid) = 16;
    )sql",
};

}  // namespace

int schema_version() { return static_cast<int>(migrations.size()); }

void migrate(database& db)
{
    // The first read of the file: a file that is not a database fails here.
    const auto found = db.single_int("PRAGMA user_version");
    if (found > schema_version())
        throw store_error("database schema version " + std::to_string(found) + " is newer than this sala knows ("
            + std::to_string(schema_version()) + "); use a newer chat-server");
    if (found == schema_version())
        return;
    db.exec("BEGIN IMMEDIATE");
    try {
        for (auto v = static_cast<std::size_t>(found); v < migrations.size(); ++v)
            db.exec(migrations[v]);
        db.exec(("PRAGMA user_version = " + std::to_string(schema_version())).c_str());
        db.exec("COMMIT");
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }
}

}  // namespace sala::store::sqlite
