#pragma once
// Everything sala persists, behind one interface, so that the server knows
// nothing of the engine: SQLite on one machine (sqlite_store), NATS JetStream
// in a cluster (a later backend). Each feature that keeps something is a
// group of calls below with a table (or bucket) of its own: history,
// accounts, server bans, registered channels.
//
// Calls return at once; the work runs on the backend's own thread(s) and
// `done` is called there, never on a shard: a caller copies what it needs and
// posts it home. Appends complete in the order they were made.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/channel_registration.hpp"
#include "core/history.hpp"
#include "core/server_ban.hpp"

namespace sala::store {

// Counters for /status and /metrics. A snapshot, safe from any thread.
struct store_stats {
    std::uint64_t entries_stored = 0;
    std::uint64_t batches_written = 0;   // transactions committed
    std::uint64_t appends_failed = 0;    // appends that reported an error
    std::uint64_t queries = 0;
    std::uint64_t entries_pruned = 0;
    std::size_t queue_depth = 0;         // appends waiting for the writer
    std::uint64_t commit_p50_us = 0;     // over the most recent commits
    std::uint64_t commit_p99_us = 0;
    std::uint64_t database_bytes = 0;    // the file and its write-ahead log
};

class store {
public:
    virtual ~store() = default;

    // ---- history ------------------------------------------------------------
    using written_handler = std::function<void(bool ok)>;
    using entries_handler = std::function<void(std::optional<std::vector<core::history_entry>> found)>;
    using targets_handler = std::function<void(std::optional<std::vector<core::history_target_activity>> found)>;

    // The first msgid sequence number no stored entry has: where this run's
    // msgid source starts, so a sequence names one entry however often the
    // server restarts.
    [[nodiscard]] virtual std::int64_t first_unused_sequence() const = 0;
    // Writes `entries` as durably as the backend was configured to, then
    // calls `done(true)`; `done(false)` when they could not be written.
    // Each entry's sequence must be one that no stored entry has.
    virtual void append(std::vector<core::history_entry> entries, written_handler done) = 0;
    // A CHATHISTORY selection; nullopt when the query failed.
    virtual void query(core::history_query q, entries_handler done) = 0;
    virtual void query_targets(core::history_targets_query q, targets_handler done) = 0;
    // The newest `limit` PRIVMSG and NOTICE lines of `target` at or after
    // `since_ms`, oldest first: what a room that starts replays on join.
    virtual void recent(std::string target, std::size_t limit, std::int64_t since_ms, entries_handler done) = 0;
    // Forgets what is older than `before_ms`, and all but the newest
    // `max_per_target` lines of each target (0: no such limit), a little at
    // a time, in the background.
    virtual void prune(std::int64_t before_ms, std::size_t max_per_target) = 0;

    // ---- accounts -----------------------------------------------------------
    // Names are looked up folded (irc::fold); each call is one transaction.
    enum class lookup_status : std::uint8_t { found, missing, failed };
    struct account_lookup {
        lookup_status status = lookup_status::failed;
        core::account account;  // when found
    };
    using account_handler = std::function<void(account_lookup)>;
    // ok, or why not: the name (or certificate) is taken, the account is
    // gone, or the database failed.
    enum class write_status : std::uint8_t { ok, exists, missing, failed };
    // Every group's writes answer with a write_status; the accounts' name
    // for it predates the other groups.
    using status_handler = std::function<void(write_status)>;
    using account_written_handler = status_handler;

    virtual void find_account(std::string name, account_handler done) = 0;
    // The account a TLS client certificate was added to (SASL EXTERNAL).
    virtual void find_account_by_certfp(std::string certfp, account_handler done) = 0;
    // exists when the name is taken.
    virtual void create_account(core::account a, account_written_handler done) = 0;
    // Replaces the password hash and SCRAM keys of `a.name`.
    virtual void set_account_password(core::account a, account_written_handler done) = 0;
    // exists when another account has the certificate.
    virtual void add_account_certfp(std::string name, std::string certfp, account_written_handler done) = 0;
    // missing when the account does not have it.
    virtual void remove_account_certfp(std::string name, std::string certfp, account_written_handler done) = 0;
    virtual void drop_account(std::string name, account_written_handler done) = 0;

    // ---- server bans (KLINE) --------------------------------------------------
    // Masks are compared folded (irc::fold); each call is one transaction.
    // A ban that has expired is no longer loaded, but stays stored until it
    // is replaced or removed.
    // nullopt: failed
    using bans_handler = std::function<void(std::optional<std::vector<core::server_ban>> found)>;

    // Every ban not expired at `now_ms`, oldest first.
    virtual void load_server_bans(std::int64_t now_ms, bans_handler done) = 0;
    // Adds the ban, or replaces the one with the same mask: ok; failed.
    virtual void add_server_ban(core::server_ban ban, status_handler done) = 0;
    // missing when no ban has that mask.
    virtual void remove_server_ban(std::string mask, status_handler done) = 0;

    // ---- registered channels (ChanServ) ---------------------------------------
    // Names are looked up folded (irc::fold); each call is one transaction.
    struct channel_lookup {
        lookup_status status = lookup_status::failed;
        core::channel_registration channel;  // when found
    };
    using channel_handler = std::function<void(channel_lookup)>;
    // nullopt: failed
    using channel_names_handler = std::function<void(std::optional<std::vector<std::string>> names)>;

    virtual void find_channel(std::string name, channel_handler done) = 0;
    // exists when the name is taken.
    virtual void register_channel(core::channel_registration c, status_handler done) = 0;
    // Replaces everything but the name's spelling, the founder and
    // registered_ms, lists included: missing when `c.name` is not registered.
    virtual void update_channel(core::channel_registration c, status_handler done) = 0;
    // missing when not registered.
    virtual void drop_channel(std::string name, status_handler done) = 0;
    // The names (as registered) of every registered channel, in the order
    // of their folded names: for LIST, ChanServ INFO and to restore them at
    // start.
    virtual void registered_channels(channel_names_handler done) = 0;

    // ---- nick claims (a cluster's) ----------------------------------------------
    // A nick is one user's across every node: `folded_nick` (irc::fold) is
    // claimed for this node, ok, or exists when another node's user holds
    // it. A single server holds every nick itself (its directory decides):
    // ok at once. Releases are not answered.
    virtual void claim_nick(std::string folded_nick, status_handler done)
    {
        (void)folded_nick;
        done(write_status::ok);
    }
    virtual void release_nick(std::string folded_nick) { (void)folded_nick; }

    [[nodiscard]] virtual store_stats stats() const = 0;
};

}  // namespace sala::store
