#pragma once
// A store that hands every call to another: the base of a backend that
// changes a few groups of calls and leaves the rest to the store it wraps
// (the cluster's store keeps accounts, bans and registered channels in its
// node's SQLite store). Nick claims are not forwarded: they are the
// cluster's, and a plain store holds every nick itself.

#include <memory>
#include <utility>

#include "store/store.hpp"

namespace sala::store {

class forwarding_store : public store {
public:
    explicit forwarding_store(std::unique_ptr<store> inner) : inner_(std::move(inner)) {}

    [[nodiscard]] std::int64_t first_unused_sequence() const override { return inner_->first_unused_sequence(); }
    void append(std::vector<core::history_entry> entries, written_handler done) override
    {
        inner_->append(std::move(entries), std::move(done));
    }
    void query(core::history_query q, entries_handler done) override { inner_->query(std::move(q), std::move(done)); }
    void query_targets(core::history_targets_query q, targets_handler done) override
    {
        inner_->query_targets(std::move(q), std::move(done));
    }
    void recent(std::string target, std::size_t limit, std::int64_t since_ms, entries_handler done) override
    {
        inner_->recent(std::move(target), limit, since_ms, std::move(done));
    }
    void prune(std::int64_t before_ms, std::size_t max_per_target) override { inner_->prune(before_ms, max_per_target); }
    void find_account(std::string name, account_handler done) override
    {
        inner_->find_account(std::move(name), std::move(done));
    }
    void find_account_by_certfp(std::string certfp, account_handler done) override
    {
        inner_->find_account_by_certfp(std::move(certfp), std::move(done));
    }
    void create_account(core::account a, account_written_handler done) override
    {
        inner_->create_account(std::move(a), std::move(done));
    }
    void set_account_password(core::account a, account_written_handler done) override
    {
        inner_->set_account_password(std::move(a), std::move(done));
    }
    void add_account_certfp(std::string name, std::string certfp, account_written_handler done) override
    {
        inner_->add_account_certfp(std::move(name), std::move(certfp), std::move(done));
    }
    void remove_account_certfp(std::string name, std::string certfp, account_written_handler done) override
    {
        inner_->remove_account_certfp(std::move(name), std::move(certfp), std::move(done));
    }
    void drop_account(std::string name, account_written_handler done) override
    {
        inner_->drop_account(std::move(name), std::move(done));
    }
    void load_server_bans(std::int64_t now_ms, bans_handler done) override
    {
        inner_->load_server_bans(now_ms, std::move(done));
    }
    void add_server_ban(core::server_ban ban, status_handler done) override
    {
        inner_->add_server_ban(std::move(ban), std::move(done));
    }
    void remove_server_ban(std::string mask, status_handler done) override
    {
        inner_->remove_server_ban(std::move(mask), std::move(done));
    }
    void find_channel(std::string name, channel_handler done) override
    {
        inner_->find_channel(std::move(name), std::move(done));
    }
    void register_channel(core::channel_registration c, status_handler done) override
    {
        inner_->register_channel(std::move(c), std::move(done));
    }
    void update_channel(core::channel_registration c, status_handler done) override
    {
        inner_->update_channel(std::move(c), std::move(done));
    }
    void drop_channel(std::string name, status_handler done) override
    {
        inner_->drop_channel(std::move(name), std::move(done));
    }
    void registered_channels(channel_names_handler done) override { inner_->registered_channels(std::move(done)); }
    [[nodiscard]] store_stats stats() const override { return inner_->stats(); }

protected:
    [[nodiscard]] store& inner() const { return *inner_; }

private:
    std::unique_ptr<store> inner_;
};

}  // namespace sala::store
