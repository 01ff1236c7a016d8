#include "server/account_service.hpp"

#include <algorithm>
#include <openssl/evp.h>

#include <chrono>
#include <mutex>

#include "core/auth/password_hash.hpp"
#include "core/auth/scram.hpp"
#include "irc/names.hpp"
#include "server/outgoing.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

using irc::account_outcome;
using irc::account_status;
using clock = std::chrono::steady_clock;

// DESIGN.md, "Limits": registrations 5 a minute per address; failed logins
// are allowed a few more, as people mistype.
constexpr std::size_t failures_per_ip = 10;
constexpr std::size_t failures_per_account = 10;
constexpr std::size_t registrations_per_ip = 5;
constexpr auto throttle_window = std::chrono::minutes(1);

account_outcome outcome(account_status s, std::string account = {})
{
    account_outcome o;
    o.status = s;
    o.account = std::move(account);
    return o;
}

account_status from_write(store::store::write_status w)
{
    switch (w) {
    case store::store::write_status::ok:
        return account_status::ok;
    case store::store::write_status::exists:
        return account_status::exists;
    case store::store::write_status::missing:
        return account_status::missing;
    case store::store::write_status::failed:
        break;
    }
    return account_status::unavailable;
}

// What a PLAIN login for an unknown account is checked against, so that it
// takes as long as one for a real account.
const std::string& stand_in_hash()
{
    static const std::string hash = core::auth::hash_password(core::auth::random_bytes(16));
    return hash;
}

bool usable_scram(const core::account& a)
{
    return a.scram_iterations >= core::auth::scram_iterations && !a.scram_salt.empty()
        && a.scram_stored_key.size() == 32 && a.scram_server_key.size() == 32;
}

core::auth::scram_credentials to_credentials(const core::account& a)
{
    core::auth::scram_credentials c;
    c.salt = a.scram_salt;
    c.iterations = a.scram_iterations;
    std::copy(a.scram_stored_key.begin(), a.scram_stored_key.end(), c.stored_key.begin());
    std::copy(a.scram_server_key.begin(), a.scram_server_key.end(), c.server_key.begin());
    return c;
}

// Keys no proof matches, with a salt that is the same for the same name on
// every try (a salt that changed would tell the name is unknown).
core::auth::scram_credentials made_up_credentials(const std::string& secret, const std::string& name)
{
    const auto input = secret + irc::fold(name);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr);
    core::auth::scram_credentials c;
    c.salt.assign(reinterpret_cast<const char*>(digest), 16);
    c.iterations = core::auth::scram_iterations;
    const auto stored = core::auth::random_bytes(32);
    const auto server = core::auth::random_bytes(32);
    std::copy(stored.begin(), stored.end(), c.stored_key.begin());
    std::copy(server.begin(), server.end(), c.server_key.begin());
    return c;
}

}  // namespace

account_service::account_service(store::store& store, std::size_t hash_threads, std::size_t hashes_in_flight)
    : store_(store),
      pool_(hash_threads, hashes_in_flight),
      scram_secret_(core::auth::random_bytes(32)),
      failures_by_ip_(failures_per_ip, throttle_window),
      failures_by_account_(failures_per_account, throttle_window),
      registrations_by_ip_(registrations_per_ip, throttle_window)
{
}

void account_service::check_operator(const std::string& name, const std::string& password, const std::string& ip,
    const std::vector<server_config::operator_block>& blocks, std::function<void(bool)> done)
{
    const auto throttle_key = "oper:" + name;  // apart from the account of the same name
    if (!may_try(ip, throttle_key))
        return done(false);
    const auto block = std::find_if(blocks.begin(), blocks.end(), [&](const auto& b) { return b.name == name; });
    const bool exists = block != blocks.end();
    auto check = [this, ip, throttle_key, password, hash = exists ? block->password_hash : stand_in_hash(), exists,
                     done]() {
        bool ok = false;
        try {
            ok = core::auth::verify_password(hash, password) && exists;
        } catch (const std::exception&) {
            ok = false;
        }
        if (!ok)
            login_failed(ip, throttle_key);
        done(ok);
    };
    if (!pool_.try_submit(std::move(check)))
        done(false);
}

bool account_service::may_try(const std::string& ip, const std::string& account)
{
    const auto now = clock::now();
    std::lock_guard lock(throttle_mutex_);
    return failures_by_ip_.allowed(ip, now) && failures_by_account_.allowed(irc::fold(account), now);
}

void account_service::login_failed(const std::string& ip, const std::string& account)
{
    const auto now = clock::now();
    std::lock_guard lock(throttle_mutex_);
    failures_by_ip_.record(ip, now);
    failures_by_account_.record(irc::fold(account), now);
}

void account_service::handle(const irc::effect::account_request& r, const std::string& ip, const std::string& certfp,
    done_handler done)
{
    using action = irc::effect::account_action;
    const auto written = [done](store::store::write_status w) { done(outcome(from_write(w))); };
    switch (r.action) {
    case action::login_plain:
        return login_plain(r, ip, std::move(done));
    case action::login_external:
        return login_external(r, ip, certfp, std::move(done));
    case action::scram_credentials:
        return scram_credentials(r, ip, std::move(done));
    case action::register_account:
        return register_account(r, ip, std::move(done));
    case action::set_password:
        return set_password(r, std::move(done));
    case action::drop:
        return store_.drop_account(r.account, written);
    case action::cert_add: {
        // Named in the answer: CERT ADD alone means this connection's.
        auto fp = r.argument.empty() ? certfp : r.argument;
        if (fp.empty())
            return done(outcome(account_status::refused));
        return store_.add_account_certfp(r.account, fp, [done, fp](store::store::write_status w) {
            auto o = outcome(from_write(w));
            o.certfps = {fp};
            done(std::move(o));
        });
    }
    case action::cert_del:
        return store_.remove_account_certfp(r.account, r.argument, written);
    case action::cert_list:
        return store_.find_account(r.account, [done = std::move(done)](store::store::account_lookup found) {
            auto o = outcome(found.status == store::store::lookup_status::found ? account_status::ok
                                                                                : account_status::unavailable);
            o.certfps = std::move(found.account.certfps);
            done(std::move(o));
        });
    case action::ghost:
        break;
    }
    done(outcome(account_status::unavailable));
}

void account_service::login_plain(const irc::effect::account_request& r, const std::string& ip, done_handler done)
{
    if (!may_try(ip, r.account))
        return done(outcome(account_status::throttled));
    store_.find_account(r.account, [this, ip, r, done = std::move(done)](store::store::account_lookup found) {
        if (found.status == store::store::lookup_status::failed)
            return done(outcome(account_status::unavailable));
        const bool exists = found.status == store::store::lookup_status::found;
        auto check = [this, ip, r, exists, found = std::move(found), done]() {
            bool ok = false;
            try {
                // Damaged or empty hashes verify as false: a bad row lets no one in.
                ok = core::auth::verify_password(exists ? found.account.password_hash : stand_in_hash(), r.password)
                    && exists;
            } catch (const std::exception&) {
                return done(outcome(account_status::unavailable));
            }
            if (!ok) {
                login_failed(ip, r.account);
                return done(outcome(account_status::refused));
            }
            done(outcome(account_status::ok, found.account.name));
        };
        if (!pool_.try_submit(std::move(check)))
            done(outcome(account_status::unavailable));
    });
}

void account_service::login_external(
    const irc::effect::account_request& r, const std::string& ip, const std::string& certfp, done_handler done)
{
    if (certfp.empty() || !may_try(ip, r.account.empty() ? certfp : r.account))
        return done(outcome(certfp.empty() ? account_status::refused : account_status::throttled));
    store_.find_account_by_certfp(certfp, [this, ip, r, done = std::move(done)](store::store::account_lookup found) {
        if (found.status == store::store::lookup_status::failed)
            return done(outcome(account_status::unavailable));
        // An authzid naming another account than the certificate's is refused.
        if (found.status == store::store::lookup_status::missing
            || (!r.account.empty() && !irc::same_name(r.account, found.account.name))) {
            login_failed(ip, r.account);
            return done(outcome(account_status::refused));
        }
        done(outcome(account_status::ok, found.account.name));
    });
}

void account_service::scram_credentials(const irc::effect::account_request& r, const std::string& ip, done_handler done)
{
    if (!may_try(ip, r.account))
        return done(outcome(account_status::throttled));
    store_.find_account(r.account, [this, r, done = std::move(done)](store::store::account_lookup found) {
        if (found.status == store::store::lookup_status::failed)
            return done(outcome(account_status::unavailable));
        const bool usable = found.status == store::store::lookup_status::found && usable_scram(found.account);
        auto o = outcome(account_status::ok, usable ? found.account.name : r.account);
        o.scram = usable ? to_credentials(found.account) : made_up_credentials(scram_secret_, r.account);
        o.server_nonce = core::auth::make_nonce();
        done(std::move(o));
    });
}

namespace {

// Hashes `password` both ways an account keeps it, into `a`.
void hash_into(core::account& a, const std::string& password)
{
    a.password_hash = core::auth::hash_password(password);
    auto keys = core::auth::make_scram_credentials(password, core::auth::random_bytes(16));
    a.scram_salt = std::move(keys.salt);
    a.scram_iterations = keys.iterations;
    a.scram_stored_key.assign(keys.stored_key.begin(), keys.stored_key.end());
    a.scram_server_key.assign(keys.server_key.begin(), keys.server_key.end());
}

}  // namespace

void account_service::register_account(const irc::effect::account_request& r, const std::string& ip, done_handler done)
{
    {
        const auto now = clock::now();
        std::lock_guard lock(throttle_mutex_);
        if (!registrations_by_ip_.allowed(ip, now))
            return done(outcome(account_status::throttled));
        registrations_by_ip_.record(ip, now);
    }
    auto work = [this, r, done]() {
        core::account a;
        a.name = r.account;
        a.registered_ms = unix_millis_now();
        try {
            hash_into(a, r.password);
        } catch (const std::exception&) {
            return done(outcome(account_status::unavailable));
        }
        store_.create_account(std::move(a), [name = r.account, done](store::store::write_status w) {
            done(outcome(from_write(w), name));
        });
    };
    if (!pool_.try_submit(std::move(work)))
        done(outcome(account_status::unavailable));
}

void account_service::set_password(const irc::effect::account_request& r, done_handler done)
{
    auto work = [this, r, done]() {
        core::account a;
        a.name = r.account;
        try {
            hash_into(a, r.password);
        } catch (const std::exception&) {
            return done(outcome(account_status::unavailable));
        }
        store_.set_account_password(std::move(a), [done](store::store::write_status w) { done(outcome(from_write(w))); });
    };
    if (!pool_.try_submit(std::move(work)))
        done(outcome(account_status::unavailable));
}

}  // namespace sala::server
