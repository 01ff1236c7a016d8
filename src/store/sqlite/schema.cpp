#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

#include "store/sqlite/database.hpp"
#include "store/sqlite/history_chunk.hpp"
#include "store/store_error.hpp"

namespace sala::store::sqlite {

namespace {

// Schema 2's rows, one room at a time, into chunks (history_chunk.hpp).
void pack_rows_into_chunks(database& db)
{
    statement_use insert(db.prepare("INSERT INTO history_chunk (last_id, target, first_id, lines, body)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5)"));
    const auto write = [&insert](chunk c) {
        insert->bind(1, c.last_id).bind(2, c.target).bind(3, c.first_id).bind(4, c.lines).bind_blob(5, c.body);
        insert->step();
        insert->reset();
    };
    statement_use rows(db.prepare("SELECT id, target, msgid, kind, line, client_tags, account FROM history"
                                  " ORDER BY target, id"));
    chunk_builder builder;
    while (rows->step()) {
        core::history_entry e{rows->text(1), rows->text(2), 0, static_cast<core::history_kind>(rows->int64(3)),
            rows->text(4), rows->text(5), rows->text(6), rows->int64(0)};
        if (!builder.fits(e))
            write(builder.take());
        builder.add(e);
    }
    if (!builder.empty())
        write(builder.take());
}

struct migration {
    const char* before_sql;
    void (*step)(database&);  // between the two, or nullptr
    const char* after_sql;
};

// Migration i takes a database from version i to version i + 1.
constexpr std::array<migration, 5> migrations = {{
    // 1: history. `id` orders each room's lines as the room stamped them;
    // lookups are by room then position, by room then time (timestamp
    // references), and by room then msgid (msgid references). An event such
    // as QUIT is stored once per room it reached, with the same msgid.
    {R"sql(
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
    )sql", nullptr, ""},
    // 2: `id` is the sequence number in the line's msgid (core::msgid_source),
    // which is also its time (id >> 16 milliseconds), so one index by room
    // and id finds a line by msgid, by timestamp and by position: each line
    // updates two B-trees instead of four. Schema 1's rows get the first ids
    // of their millisecond, in their old order; their 16-character msgids
    // carry no sequence, so they alone stay in a msgid index, which new
    // lines skip.
    {R"sql(
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
    )sql", nullptr, ""},
    // 3: a row per chunk of a room's lines instead of a row per line
    // (history_chunk.hpp). Its key is its last line's id, so the newest id
    // is the table's last key and the oldest chunks are its first rows; the
    // room index covers what finding a chunk and counting a room's lines
    // need. Schema 1's msgids keep a small table of their own.
    {R"sql(
        CREATE TABLE history_chunk (
            last_id     INTEGER PRIMARY KEY,
            target      TEXT    NOT NULL,
            first_id    INTEGER NOT NULL,
            lines       INTEGER NOT NULL,
            body        BLOB    NOT NULL
        );
        CREATE INDEX history_chunk_by_target ON history_chunk (target, last_id, first_id, lines);
        CREATE TABLE history_old_msgid (
            target      TEXT    NOT NULL,
            msgid       TEXT    NOT NULL,
            id          INTEGER NOT NULL,
            PRIMARY KEY (target, msgid)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO history_old_msgid (target, msgid, id)
            SELECT target, msgid, id FROM history WHERE length(msgid) = 16 ORDER BY id;
    )sql", pack_rows_into_chunks, R"sql(
        DROP TABLE history;
    )sql"},
    // 4: accounts, keyed by folded name. A certificate belongs to one
    // account at most, so SASL EXTERNAL finds exactly one.
    {R"sql(
        CREATE TABLE account (
            name_key         TEXT    PRIMARY KEY,
            name             TEXT    NOT NULL,
            password_hash    TEXT    NOT NULL,
            scram_salt       BLOB    NOT NULL,
            scram_iterations INTEGER NOT NULL,
            scram_stored_key BLOB    NOT NULL,
            scram_server_key BLOB    NOT NULL,
            registered_ms    INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE account_certfp (
            certfp      TEXT    PRIMARY KEY,
            name_key    TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX account_certfp_by_account ON account_certfp (name_key);
    )sql", nullptr, ""},
    // 5: server bans keyed by folded mask, and registered channels keyed by
    // folded name. A channel's +b/+e/+I entries are numbered in the order
    // they were set; the number, not the mask, is the key, so whatever list
    // a room hands over is kept as it is. Lists go with their channel in
    // the same transaction (no foreign keys: they are off by default).
    {R"sql(
        CREATE TABLE server_ban (
            mask_key      TEXT    PRIMARY KEY,
            mask          TEXT    NOT NULL,
            reason        TEXT    NOT NULL,
            set_by        TEXT    NOT NULL,
            set_at_ms     INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE channel (
            name_key        TEXT    PRIMARY KEY,
            name            TEXT    NOT NULL,
            founder         TEXT    NOT NULL,
            registered_ms   INTEGER NOT NULL,
            topic           TEXT    NOT NULL,
            topic_set_by    TEXT    NOT NULL,
            topic_set_at_ms INTEGER NOT NULL,
            flags           TEXT    NOT NULL,
            join_key        TEXT    NOT NULL,
            user_limit      INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE channel_list (
            name_key    TEXT    NOT NULL,
            position    INTEGER NOT NULL,
            list        TEXT    NOT NULL CHECK (length(list) = 1),
            mask        TEXT    NOT NULL,
            set_by      TEXT    NOT NULL,
            set_at      INTEGER NOT NULL,
            PRIMARY KEY (name_key, position)
        ) WITHOUT ROWID;
    )sql", nullptr, ""},
}};

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
        for (auto v = static_cast<std::size_t>(found); v < migrations.size(); ++v) {
            db.exec(migrations[v].before_sql);
            if (migrations[v].step != nullptr)
                migrations[v].step(db);
            db.exec(migrations[v].after_sql);
        }
        db.exec(("PRAGMA user_version = " + std::to_string(schema_version())).c_str());
        db.exec("COMMIT");
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }
}

}  // namespace sala::store::sqlite
