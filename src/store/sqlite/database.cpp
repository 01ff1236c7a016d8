#include "store/sqlite/database.hpp"

#include <sqlite3.h>

#include "store/store_error.hpp"

namespace sala::store::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what)
{
    throw store_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value)
{
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), "bind");
    return *this;
}

statement& statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), "bind");
    return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes)
{
    if (sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_), "bind");
    return *this;
}

bool statement::step()
{
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(sqlite3_db_handle(stmt_), sqlite3_sql(stmt_));
}

void statement::reset()
{
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::text(int column) const
{
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string_view statement::blob(int column) const
{
    const auto* p = sqlite3_column_blob(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string_view();
}

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

database::database(const std::string& path, bool read_only)
{
    // SQLite's memory statistics take a process-wide mutex on every
    // allocation (8 % of the writer's time in the fan-out benchmark), and sala
    // never reads them. This only works before SQLite's first use in the
    // process; afterwards it is refused, harmlessly.
    [[maybe_unused]] static const int no_memory_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        const std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw store_error("cannot open " + path + ": " + reason);
    }
    sqlite3_extended_result_codes(db_, 1);
    // A reader meeting a checkpoint, or two lanes meeting at start-up, waits
    // a moment instead of failing.
    sqlite3_busy_timeout(db_, 5000);
}

database::~database()
{
    cache_.clear();
    sqlite3_close(db_);
}

void database::exec(const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string reason = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        throw store_error(reason);
    }
}

std::int64_t database::single_int(const char* sql)
{
    statement_use s(prepare(sql));
    return s->step() ? s->int64(0) : 0;
}

statement& database::prepare(std::string_view sql)
{
    if (auto it = cache_.find(sql); it != cache_.end())
        return *it->second;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr)
        != SQLITE_OK)
        fail(db_, "prepare");
    auto& slot = cache_[std::string(sql)];
    slot = std::make_unique<statement>(raw);
    return *slot;
}

std::int64_t database::changes() const { return sqlite3_changes64(db_); }

bool database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void database::on_commit(std::function<void(int wal_pages)> observer)
{
    commit_observer_ = std::move(observer);
    sqlite3_wal_hook(
        db_,
        [](void* self, sqlite3*, const char*, int pages) {
            static_cast<database*>(self)->commit_observer_(pages);
            return SQLITE_OK;
        },
        this);
}

bool database::checkpoint()
{
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_BUSY)
        return false;
    if (rc != SQLITE_OK)
        fail(db_, "checkpoint");
    return true;
}

}  // namespace sala::store::sqlite
