#include "store/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "store/sqlite/accounts_sql.hpp"
#include "store/sqlite/channels_sql.hpp"
#include "store/sqlite/history_sql.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/server_bans_sql.hpp"
#include "store/store_error.hpp"

namespace sala::store::sqlite {

namespace {

// Chunks (up to 64 lines each) one prune step deletes before letting waiting
// commits in.
constexpr std::int64_t prune_step_chunks = 100;
// Log pages (4 KiB each) past which a commit asks for a checkpoint: SQLite's
// own default, now served off the writer's thread.
constexpr int checkpoint_after_pages = 1000;
// The log starts over only once a checkpoint has copied all of it, and under
// a steady stream commits keep landing while the checkpoint lane copies; past
// this many pages the writer copies the rest itself, which bounds the file.
constexpr int writer_checkpoint_pages = 4 * checkpoint_after_pages;

void configure_writer(database& db, durability d, bool in_memory)
{
    if (!in_memory) {
        // Read back: an unwritable directory leaves the journal mode unchanged.
        db.exec("PRAGMA journal_mode = WAL");
        if (db.single_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode") != 1)
            throw store_error("cannot use a write-ahead log beside the database (is its directory writable?)");
    }
    // NORMAL in WAL mode: a commit is a write() to the log, which outlives the
    // process but not the machine; FULL also waits for the disk.
    db.exec(d == durability::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    migrate(db);
    // Fails now, at start, when the file is read-only: better than at the
    // first message.
    db.exec("BEGIN IMMEDIATE; COMMIT");
}

}  // namespace

sqlite_store::sqlite_store(std::string path, durability d)
    : path_(std::move(path)), in_memory_(path_ == ":memory:"), writer_db_(path_, false)
{
    try {
        configure_writer(writer_db_, d, in_memory_);
        first_unused_sequence_ = sqlite::first_unused_sequence(writer_db_);
        highest_stored_ = first_unused_sequence_ - 1;
        if (!in_memory_) {
            reader_db_ = std::make_unique<database>(path_, true);
            checkpoint_db_ = std::make_unique<database>(path_, false);
            // A checkpoint inside a commit made every thousandth batch wait
            // milliseconds (commit p99 7 ms against p50 0.2 ms in the fan-out
            // benchmark); on its own connection it runs beside the commits.
            writer_db_.on_commit([this](int wal_pages) { after_commit(wal_pages); });
        }
    } catch (const store_error& e) {
        throw store_error(path_ + ": " + e.what());
    }
    writer_.thread = std::thread([this] { run_writer(); });
    if (reader_db_)
        reader_.thread = std::thread([this] { run_reader(reader_); });
    if (checkpoint_db_)
        checkpointer_.thread = std::thread([this] { run_reader(checkpointer_); });
}

sqlite_store::~sqlite_store()
{
    // The writer last: its final commits may still queue a checkpoint, which
    // closing the last connection then does anyway.
    for (auto* l : {&reader_, &checkpointer_, &writer_}) {
        {
            std::lock_guard lock(l->mutex);
            l->stopping = true;
        }
        l->wake.notify_one();
        if (l->thread.joinable())
            l->thread.join();
    }
}

void sqlite_store::append(std::vector<core::history_entry> entries, written_handler done)
{
    {
        std::lock_guard lock(writer_.mutex);
        appends_.push_back({std::move(entries), std::move(done)});
        queue_depth_.store(appends_.size(), std::memory_order_relaxed);
    }
    writer_.wake.notify_one();
}

void sqlite_store::run_writer()
{
    std::vector<pending_append> group;
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(writer_.mutex);
            writer_.wake.wait(lock, [this] { return writer_.stopping || !appends_.empty() || !writer_.jobs.empty(); });
            // Commits first: a room's members wait for them; prunes and (in
            // memory) queries can wait.
            if (!appends_.empty()) {
                group.swap(appends_);
                queue_depth_.store(0, std::memory_order_relaxed);
            } else if (!writer_.jobs.empty()) {
                job = std::move(writer_.jobs.front());
                writer_.jobs.pop_front();
            } else {
                return;  // stopping, and nothing is left
            }
        }
        if (!group.empty()) {
            commit(group);
            group.clear();
        } else {
            job();
        }
    }
}

void sqlite_store::after_commit(int wal_pages) noexcept
{
    if (wal_pages >= writer_checkpoint_pages) {
        try {
            // Busy means the checkpoint lane holds the log; the next commit tries again.
            (void)writer_db_.checkpoint();
        } catch (const std::exception& e) {
            spdlog::warn("history: checkpoint failed (the log grows until one succeeds): {}", e.what());
        }
        return;
    }
    if (wal_pages >= checkpoint_after_pages && !checkpoint_queued_.exchange(true))
        start_checkpoint();
}

void sqlite_store::start_checkpoint()
{
    {
        std::lock_guard lock(checkpointer_.mutex);
        if (checkpointer_.stopping)
            return;
        checkpointer_.jobs.push_back([this] {
            // Cleared first: commits made while this runs ask for the next one.
            checkpoint_queued_ = false;
            try {
                (void)checkpoint_db_->checkpoint();  // busy: the writer is copying it
            } catch (const std::exception& e) {
                spdlog::warn("history: checkpoint failed (the log grows until one succeeds): {}", e.what());
            }
        });
    }
    checkpointer_.wake.notify_one();
}

void sqlite_store::run_reader(lane& l)
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(l.mutex);
            l.wake.wait(lock, [&l] { return l.stopping || !l.jobs.empty(); });
            if (l.jobs.empty())
                return;
            job = std::move(l.jobs.front());
            l.jobs.pop_front();
        }
        job();
    }
}

void sqlite_store::commit(std::vector<pending_append>& group)
{
    const auto start = std::chrono::steady_clock::now();
    bool ok = true;
    std::size_t count = 0;
    for (const auto& a : group)
        count += a.entries.size();
    try {
        std::vector<const core::history_entry*> lines;
        lines.reserve(count);
        for (const auto& a : group)
            for (const auto& e : a.entries)
                lines.push_back(&e);
        writer_db_.exec("BEGIN");
        insert_entries(writer_db_, lines, highest_stored_);
        writer_db_.exec("COMMIT");
    } catch (const std::exception& e) {
        // A full disk or an I/O error: the server keeps running and these
        // lines are delivered but not kept (README, "History").
        ok = false;
        spdlog::error("history: {} lines could not be stored: {}", count, e.what());
        // SQLite may already have rolled back on its own (an I/O error
        // does); a second rollback would fail and hide nothing useful.
        if (writer_db_.in_transaction()) {
            try {
                writer_db_.exec("ROLLBACK");
            } catch (const std::exception& again) {
                spdlog::error("history: rollback failed: {}", again.what());
            }
        }
    }
    if (ok) {
        entries_stored_ += count;
        ++batches_written_;
        record_commit(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count()));
    } else {
        appends_failed_ += group.size();
    }
    for (auto& a : group)
        if (a.done)
            a.done(ok);
}

void sqlite_store::record_commit(std::uint64_t micros)
{
    std::lock_guard lock(latency_mutex_);
    commit_micros_[commits_recorded_++ % commit_micros_.size()] = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(micros, UINT32_MAX));
}

void sqlite_store::post_query(std::function<void(database&)> job)
{
    auto& l = reader_db_ ? reader_ : writer_;
    auto& db = reader_db_ ? *reader_db_ : writer_db_;
    {
        std::lock_guard lock(l.mutex);
        l.jobs.push_back([job = std::move(job), &db] { job(db); });
    }
    l.wake.notify_one();
}

void sqlite_store::query(core::history_query q, entries_handler done)
{
    post_query([this, q = std::move(q), done = std::move(done)](database& db) {
        ++queries_;
        std::optional<std::vector<core::history_entry>> found;
        try {
            found = select_history(db, q);
        } catch (const std::exception& e) {
            spdlog::error("history: query on {} failed: {}", q.target, e.what());
        }
        done(std::move(found));
    });
}

void sqlite_store::query_targets(core::history_targets_query q, targets_handler done)
{
    post_query([this, q = std::move(q), done = std::move(done)](database& db) {
        ++queries_;
        std::optional<std::vector<core::history_target_activity>> found;
        try {
            found = select_targets(db, q);
        } catch (const std::exception& e) {
            spdlog::error("history: targets query failed: {}", e.what());
        }
        done(std::move(found));
    });
}

void sqlite_store::recent(std::string target, std::size_t limit, std::int64_t since_ms, entries_handler done)
{
    post_query([this, target = std::move(target), limit, since_ms, done = std::move(done)](database& db) {
        ++queries_;
        std::optional<std::vector<core::history_entry>> found;
        try {
            found = select_recent(db, target, limit, since_ms);
        } catch (const std::exception& e) {
            spdlog::error("history: loading {} failed: {}", target, e.what());
        }
        done(std::move(found));
    });
}

void sqlite_store::prune(std::int64_t before_ms, std::size_t max_per_target)
{
    {
        std::lock_guard lock(writer_.mutex);
        writer_.jobs.push_back([this, before_ms] { prune_step(before_ms); });
    }
    writer_.wake.notify_one();
    if (max_per_target == 0)
        return;
    // Finding the overfull rooms scans the room index: on the reader lane,
    // where it holds up no commit. Only the deletes go to the writer.
    post_query([this, max_per_target](database& db) {
        std::vector<overfull_target> found;
        try {
            found = find_overfull(db, max_per_target);
        } catch (const std::exception& e) {
            spdlog::error("history: looking for channels over --history-max failed: {}", e.what());
            return;
        }
        {
            std::lock_guard lock(writer_.mutex);
            if (writer_.stopping)
                return;
            for (auto& t : found)
                writer_.jobs.push_back(
                    [this, target = std::move(t.target), through = t.through_id]() mutable {
                        trim_step(std::move(target), through);
                    });
        }
        writer_.wake.notify_one();
    });
}

void sqlite_store::trim_step(std::string target, std::int64_t through_id)
{
    prune_result gone;
    try {
        gone = trim_target(writer_db_, target, through_id, prune_step_chunks);
    } catch (const std::exception& e) {
        spdlog::error("history: trimming {} to --history-max failed: {}", target, e.what());
        return;
    }
    entries_pruned_ += static_cast<std::uint64_t>(gone.lines);
    if (gone.more) {
        std::lock_guard lock(writer_.mutex);
        if (!writer_.stopping)
            writer_.jobs.push_back([this, target = std::move(target), through_id]() mutable {
                trim_step(std::move(target), through_id);
            });
    }
}

void sqlite_store::prune_step(std::int64_t before_ms)
{
    prune_result gone;
    try {
        gone = prune_oldest(writer_db_, before_ms, prune_step_chunks);
    } catch (const std::exception& e) {
        spdlog::error("history: pruning failed: {}", e.what());
        return;
    }
    entries_pruned_ += static_cast<std::uint64_t>(gone.lines);
    // More may be left: queue the next step behind whatever came in meanwhile.
    if (gone.more) {
        std::lock_guard lock(writer_.mutex);
        if (!writer_.stopping)
            writer_.jobs.push_back([this, before_ms] { prune_step(before_ms); });
    }
}

void sqlite_store::post_account_lookup(
    std::function<std::optional<core::account>(database&)> find, account_handler done)
{
    post_query([this, find = std::move(find), done = std::move(done)](database& db) {
        ++queries_;
        account_lookup result;
        try {
            auto found = find(db);
            result.status = found ? lookup_status::found : lookup_status::missing;
            if (found)
                result.account = std::move(*found);
        } catch (const std::exception& e) {
            spdlog::error("accounts: lookup failed: {}", e.what());
            result.status = lookup_status::failed;
        }
        done(std::move(result));
    });
}

void sqlite_store::post_write(const char* what, std::function<write_status(database&)> write, status_handler done)
{
    {
        std::lock_guard lock(writer_.mutex);
        writer_.jobs.push_back([this, what, write = std::move(write), done = std::move(done)] {
            auto status = write_status::failed;
            try {
                status = write(writer_db_);
            } catch (const std::exception& e) {
                spdlog::error("{}: write failed: {}", what, e.what());
            }
            done(status);
        });
    }
    writer_.wake.notify_one();
}

void sqlite_store::find_account(std::string name, account_handler done)
{
    post_account_lookup([name = std::move(name)](database& db) { return select_account(db, name); }, std::move(done));
}

void sqlite_store::find_account_by_certfp(std::string certfp, account_handler done)
{
    post_account_lookup(
        [certfp = std::move(certfp)](database& db) { return select_account_by_certfp(db, certfp); }, std::move(done));
}

void sqlite_store::create_account(core::account a, account_written_handler done)
{
    post_write("accounts", [a = std::move(a)](database& db) { return insert_account(db, a); }, std::move(done));
}

void sqlite_store::set_account_password(core::account a, account_written_handler done)
{
    post_write("accounts", [a = std::move(a)](database& db) { return update_account_password(db, a); },
        std::move(done));
}

void sqlite_store::add_account_certfp(std::string name, std::string certfp, account_written_handler done)
{
    post_write("accounts", [name = std::move(name), certfp = std::move(certfp)](
                           database& db) { return insert_account_certfp(db, name, certfp); },
        std::move(done));
}

void sqlite_store::remove_account_certfp(std::string name, std::string certfp, account_written_handler done)
{
    post_write("accounts", [name = std::move(name), certfp = std::move(certfp)](
                           database& db) { return delete_account_certfp(db, name, certfp); },
        std::move(done));
}

void sqlite_store::drop_account(std::string name, account_written_handler done)
{
    post_write("accounts", [name = std::move(name)](database& db) { return delete_account(db, name); },
        std::move(done));
}

void sqlite_store::load_server_bans(std::int64_t now_ms, bans_handler done)
{
    post_query([this, now_ms, done = std::move(done)](database& db) {
        ++queries_;
        std::optional<std::vector<core::server_ban>> found;
        try {
            found = select_server_bans(db, now_ms);
        } catch (const std::exception& e) {
            spdlog::error("server bans: loading failed: {}", e.what());
        }
        done(std::move(found));
    });
}

void sqlite_store::add_server_ban(core::server_ban ban, status_handler done)
{
    post_write("server bans", [ban = std::move(ban)](database& db) { return upsert_server_ban(db, ban); },
        std::move(done));
}

void sqlite_store::remove_server_ban(std::string mask, status_handler done)
{
    post_write("server bans", [mask = std::move(mask)](database& db) { return delete_server_ban(db, mask); },
        std::move(done));
}

void sqlite_store::find_channel(std::string name, channel_handler done)
{
    post_query([this, name = std::move(name), done = std::move(done)](database& db) {
        ++queries_;
        channel_lookup result;
        try {
            auto found = select_channel(db, name);
            result.status = found ? lookup_status::found : lookup_status::missing;
            if (found)
                result.channel = std::move(*found);
        } catch (const std::exception& e) {
            spdlog::error("channels: looking up {} failed: {}", name, e.what());
            result.status = lookup_status::failed;
        }
        done(std::move(result));
    });
}

void sqlite_store::register_channel(core::channel_registration c, status_handler done)
{
    post_write("channels", [c = std::move(c)](database& db) { return insert_channel(db, c); }, std::move(done));
}

void sqlite_store::update_channel(core::channel_registration c, status_handler done)
{
    post_write("channels", [c = std::move(c)](database& db) { return rewrite_channel(db, c); },
        std::move(done));
}

void sqlite_store::drop_channel(std::string name, status_handler done)
{
    post_write("channels", [name = std::move(name)](database& db) { return delete_channel(db, name); },
        std::move(done));
}

void sqlite_store::registered_channels(channel_names_handler done)
{
    post_query([this, done = std::move(done)](database& db) {
        ++queries_;
        std::optional<std::vector<std::string>> names;
        try {
            names = select_channel_names(db);
        } catch (const std::exception& e) {
            spdlog::error("channels: listing failed: {}", e.what());
        }
        done(std::move(names));
    });
}

store_stats sqlite_store::stats() const
{
    store_stats s;
    s.entries_stored = entries_stored_.load();
    s.batches_written = batches_written_.load();
    s.appends_failed = appends_failed_.load();
    s.queries = queries_.load();
    s.entries_pruned = entries_pruned_.load();
    s.queue_depth = queue_depth_.load();
    {
        std::lock_guard lock(latency_mutex_);
        const auto n = std::min(commits_recorded_, commit_micros_.size());
        if (n > 0) {
            std::vector<std::uint32_t> sample(commit_micros_.begin(), commit_micros_.begin() + static_cast<std::ptrdiff_t>(n));
            std::sort(sample.begin(), sample.end());
            s.commit_p50_us = sample[n / 2];
            s.commit_p99_us = sample[std::min(n - 1, n * 99 / 100)];
        }
    }
    if (!in_memory_) {
        std::error_code ec;
        for (const auto* suffix : {"", "-wal"}) {
            const auto size = std::filesystem::file_size(path_ + suffix, ec);
            if (!ec)
                s.database_bytes += size;
        }
    }
    return s;
}

}  // namespace sala::store::sqlite
