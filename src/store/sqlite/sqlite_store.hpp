#pragma once
// The default store: one SQLite file in WAL mode. A writer lane (thread and
// connection) commits every append waiting for it in one transaction (group
// commit); a reader lane with its own connection answers queries, so a long
// CHATHISTORY never holds up a commit; a checkpoint lane copies the
// write-ahead log into the database file, so no commit waits for that either.
// For ":memory:" everything runs on the writer, as a second connection would
// open a second, empty database (and there is no log).

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace sala::store::sqlite {

enum class durability : std::uint8_t {
    normal,  // survives the process dying: each commit reaches the OS
    full,    // survives power loss: each commit is on the disk
};

class sqlite_store final : public store {
public:
    // Opens or creates `path` and migrates it; throws store_error when that
    // cannot be done.
    sqlite_store(std::string path, durability d);
    // Writes what was appended, then stops the lanes.
    ~sqlite_store() override;

    [[nodiscard]] std::int64_t first_unused_sequence() const override { return first_unused_sequence_; }
    void append(std::vector<core::history_entry> entries, written_handler done) override;
    void query(core::history_query q, entries_handler done) override;
    void query_targets(core::history_targets_query q, targets_handler done) override;
    void recent(std::string target, std::size_t limit, std::int64_t since_ms, entries_handler done) override;
    void prune(std::int64_t before_ms, std::size_t max_per_target) override;
    void find_account(std::string name, account_handler done) override;
    void find_account_by_certfp(std::string certfp, account_handler done) override;
    void create_account(core::account a, account_written_handler done) override;
    void set_account_password(core::account a, account_written_handler done) override;
    void add_account_certfp(std::string name, std::string certfp, account_written_handler done) override;
    void remove_account_certfp(std::string name, std::string certfp, account_written_handler done) override;
    void drop_account(std::string name, account_written_handler done) override;
    void load_server_bans(std::int64_t now_ms, bans_handler done) override;
    void add_server_ban(core::server_ban ban, status_handler done) override;
    void remove_server_ban(std::string mask, status_handler done) override;
    void find_channel(std::string name, channel_handler done) override;
    void register_channel(core::channel_registration c, status_handler done) override;
    void update_channel(core::channel_registration c, status_handler done) override;
    void drop_channel(std::string name, status_handler done) override;
    void registered_channels(channel_names_handler done) override;
    [[nodiscard]] store_stats stats() const override;

private:
    // A thread and the jobs it runs in order.
    struct lane {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::function<void()>> jobs;
        bool stopping = false;
        std::thread thread;
    };
    struct pending_append {
        std::vector<core::history_entry> entries;
        written_handler done;
    };

    void run_writer();
    static void run_reader(lane& l);
    // Runs inside each commit on the writer's connection (SQLite's log hook).
    void after_commit(int wal_pages) noexcept;
    void start_checkpoint();
    void commit(std::vector<pending_append>& group);
    void prune_step(std::int64_t before_ms);
    void trim_step(std::string target, std::int64_t through_id);
    void post_query(std::function<void(database&)> job);
    // An account, ban or channel change, on the writer's connection between
    // its commits; `what` names the group in the log.
    void post_write(const char* what, std::function<write_status(database&)> write, status_handler done);
    void post_account_lookup(std::function<std::optional<core::account>(database&)> find, account_handler done);
    void record_commit(std::uint64_t micros);

    std::string path_;
    bool in_memory_;
    database writer_db_;
    std::unique_ptr<database> reader_db_;      // null in memory
    std::unique_ptr<database> checkpoint_db_;  // null in memory
    lane writer_;
    lane reader_;
    lane checkpointer_;
    std::atomic<bool> checkpoint_queued_{false};
    std::vector<pending_append> appends_;  // guarded by writer_.mutex
    std::int64_t first_unused_sequence_ = 0;  // as found at start
    std::int64_t highest_stored_ = -1;        // the writer's: the highest id stored

    std::atomic<std::uint64_t> entries_stored_{0};
    std::atomic<std::uint64_t> batches_written_{0};
    std::atomic<std::uint64_t> appends_failed_{0};
    std::atomic<std::uint64_t> queries_{0};
    std::atomic<std::uint64_t> entries_pruned_{0};
    std::atomic<std::size_t> queue_depth_{0};
    mutable std::mutex latency_mutex_;
    std::array<std::uint32_t, 1024> commit_micros_{};  // a ring of recent commits
    std::size_t commits_recorded_ = 0;
};

}  // namespace sala::store::sqlite
