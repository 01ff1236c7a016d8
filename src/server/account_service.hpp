#pragma once
// Carries out account requests (irc::effect::account_request) against the
// store and the password pool, with failed logins and registrations
// throttled per client address and per account. Whether an account exists
// costs the same to find out as whether a password is right: an unknown
// account's PLAIN login still runs a hash, and its SCRAM exchange gets
// made-up keys derived from the name.
// Thread-safety: any thread may call; `done` runs on a store or pool thread,
// so callers post the outcome home (server/store_call.hpp).

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/login_throttle.hpp"
#include "irc/account_facts.hpp"
#include "irc/effects.hpp"
#include "server/config.hpp"
#include "server/password_pool.hpp"

namespace sala::store {
class store;
}

namespace sala::server {

class account_service {
public:
    using done_handler = std::function<void(irc::account_outcome)>;

    // `hash_threads` threads; at most `hashes_in_flight` hashes queued or running.
    account_service(store::store& store, std::size_t hash_threads, std::size_t hashes_in_flight);

    // Everything but ghost, which the directory answers. `ip` is the
    // client's address, `certfp` its TLS certificate's fingerprint (or empty).
    void handle(const irc::effect::account_request& request, const std::string& ip, const std::string& certfp,
        done_handler done);
    // OPER: whether `password` is that of operator block `name` among
    // `blocks`, checked on the password threads and throttled like logins.
    // An unknown name costs a hash too, so names cannot be probed.
    void check_operator(const std::string& name, const std::string& password, const std::string& ip,
        const std::vector<server_config::operator_block>& blocks, std::function<void(bool)> done);
    // A login the protocol refused itself (a wrong SCRAM proof).
    void login_failed(const std::string& ip, const std::string& account);
    // Shutdown, before the store goes: finishes the hashes under way; later
    // requests are answered "unavailable".
    void stop() { pool_.stop(); }

private:
    void login_plain(const irc::effect::account_request& r, const std::string& ip, done_handler done);
    void login_external(const irc::effect::account_request& r, const std::string& ip, const std::string& certfp,
        done_handler done);
    void scram_credentials(const irc::effect::account_request& r, const std::string& ip, done_handler done);
    void register_account(const irc::effect::account_request& r, const std::string& ip, done_handler done);
    void set_password(const irc::effect::account_request& r, done_handler done);
    // Throttled: refused without asking the store.
    [[nodiscard]] bool may_try(const std::string& ip, const std::string& account);

    store::store& store_;
    password_pool pool_;
    std::string scram_secret_;  // keys the made-up SCRAM salts of unknown accounts
    std::mutex throttle_mutex_;
    core::login_throttle failures_by_ip_;
    core::login_throttle failures_by_account_;
    core::login_throttle registrations_by_ip_;
};

}  // namespace sala::server
