#pragma once
// A thin RAII layer over one SQLite connection and its prepared statements.
// A connection is used by one thread at a time (its lane in sqlite_store).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace sala::store::sqlite {

class statement {
public:
    explicit statement(sqlite3_stmt* s) : stmt_(s) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement();

    // Parameters count from 1, as in SQLite.
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view text);
    statement& bind_blob(int index, std::string_view bytes);
    // True while a row is available; throws store_error on failure.
    bool step();
    // Ready for the next use, with parameters cleared.
    void reset();

    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] std::string text(int column) const;
    // Valid until the next step or reset.
    [[nodiscard]] std::string_view blob(int column) const;
    [[nodiscard]] bool is_null(int column) const;

private:
    sqlite3_stmt* stmt_;
};

class database {
public:
    // Throws store_error with SQLite's reason when the file cannot be opened.
    database(const std::string& path, bool read_only);
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    void exec(const char* sql);
    [[nodiscard]] std::int64_t single_int(const char* sql);
    // Prepared once per connection and kept: the same few statements run for
    // every batch and query.
    statement& prepare(std::string_view sql);
    [[nodiscard]] std::int64_t changes() const;
    // A transaction is open (BEGIN ran and nothing ended it).
    [[nodiscard]] bool in_transaction() const;

    // Called after each commit with the pages now in the write-ahead log.
    // Setting it turns off SQLite's own checkpoints on this connection, which
    // would run inside the commit that crosses the threshold.
    void on_commit(std::function<void(int wal_pages)> observer);
    // Copies what it can of the log into the database without waiting for
    // readers or writers (SQLite's PASSIVE mode). False when another
    // connection's checkpoint is under way; throws store_error on failure.
    bool checkpoint();

private:
    sqlite3* db_ = nullptr;
    std::function<void(int)> commit_observer_;
    std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

// Resets a statement when a scope ends, however it ends.
class statement_use {
public:
    explicit statement_use(statement& s) : s_(s) {}
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;
    ~statement_use() { s_.reset(); }
    statement* operator->() { return &s_; }
    statement& operator*() { return s_; }

private:
    statement& s_;
};

// A write transaction (BEGIN IMMEDIATE) that rolls back unless committed, so
// a throwing statement or an early return leaves nothing half-written.
class transaction {
public:
    explicit transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction()
    {
        if (db_.in_transaction()) {
            try {
                db_.exec("ROLLBACK");
            } catch (...) {  // NOLINT(bugprone-empty-catch): nothing more to undo
            }
        }
    }
    void commit() { db_.exec("COMMIT"); }

private:
    database& db_;
};

}  // namespace sala::store::sqlite
