// Accounts (irc::effect::account_request and friends): passwords and the
// store are the account service's (off the shards), who holds a nick is the
// directory's, and the protocol layer formats every answer.
#include <random>

#include "irc/names.hpp"
#include "server/account_service.hpp"
#include "server/hub_call.hpp"
#include "server/room.hpp"
#include "server/session.hpp"
#include "server/store_call.hpp"
#include "store/store.hpp"

namespace sala::server {

asio::awaitable<void> session::answer_account_request(const irc::effect::account_request& e)
{
    irc::account_outcome outcome;
    if (e.action == irc::effect::account_action::ghost) {
        outcome = co_await ghost(e);
    } else if (ctx_.accounts != nullptr) {
        auto start = [accounts = ctx_.accounts, e, ip = proto_.host(),
                         certfp = tls_ ? tls_->peer_fingerprint() : std::string()](auto done) {
            accounts->handle(e, ip, certfp, std::move(done));
        };
        outcome = co_await ask_store<irc::account_outcome>(std::move(start));
    }
    auto answer = proto_.account_answered(e, outcome);
    co_await carry_out(std::move(answer));
}

asio::awaitable<irc::account_outcome> session::ghost(const irc::effect::account_request& e)
{
    // Someone holding the account's own nick, or logged in to the account
    // elsewhere, is the account's to disconnect.
    auto find = [dir = ctx_.dir, nick = e.argument, account = e.account]() {
        irc::account_outcome o;
        const auto u = dir->find_user(nick);
        if (!u || !u->registered) {
            o.status = irc::account_status::missing;
            return o;
        }
        if (!irc::same_name(u->nick, account) && !irc::same_name(u->account, account)) {
            o.status = irc::account_status::not_yours;
            return o;
        }
        const auto owner = u->owner;
        asio::post(dir->context().shards[u->shard]->ctx, [owner, account] {
            owner->disconnect("Ghosted by " + account);
        });
        o.status = irc::account_status::ok;
        return o;
    };
    auto found = co_await call_on(ctx_.hub_executor(), std::move(find));
    co_return found;
}

asio::awaitable<void> session::publish_account(const irc::effect::account_changed& e)
{
    if (!me_)
        co_return;  // before NICK: registration publishes the account with the rest
    // One buffer for all the user's rooms and watchers, like AWAY.
    auto shown = e.line.empty() ? outgoing_ptr{} : make_for_cap(e.line, server_time_tag(), irc::cap::account_notify);
    auto publish = [dir = ctx_.dir, record = me_, account = e.account, shown] {
        record->account = account;
        if (shown && record->registered)
            dir->relay_to_watchers(record->nick, shown);
    };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
    if (shown && proto_.registered()) {
        room_event change;
        change.what = room_event::kind::account;
        change.shown_once = std::move(shown);
        co_await tell_every_room(std::move(change));
    }
    if (proto_.registered())
        nick_check_due_ = true;
}

asio::awaitable<void> session::check_nick_owner()
{
    nick_deadline_.reset();
    const auto grace = ctx_.config.nick_grace;
    if (ctx_.store == nullptr || grace.count() == 0 || irc::same_name(proto_.account(), proto_.nick()))
        co_return;
    using lookup = store::store::account_lookup;
    auto start = [store = ctx_.store, nick = proto_.nick()](auto done) { store->find_account(nick, std::move(done)); };
    const auto found = co_await ask_store<lookup>(std::move(start));
    // The user may have moved on while the store looked.
    if (found.status != store::store::lookup_status::found || !irc::same_name(found.account.name, proto_.nick())
        || irc::same_name(proto_.account(), proto_.nick()))
        co_return;
    nick_deadline_ = std::chrono::steady_clock::now() + grace;
    send_raw(proto_.nick_protected_notice(static_cast<std::uint64_t>(grace.count())));
}

asio::awaitable<void> session::rename_to_guest(std::shared_ptr<session> self, std::string protected_nick)
{
    static thread_local std::minstd_rand numbers{std::random_device{}()};
    // A few tries: another user may hold the guest nick drawn.
    for (int attempt = 0; attempt < 5 && !self->closing_; ++attempt) {
        const auto guest = "Guest-" + std::to_string(10000 + numbers() % 90000);
        // Decided on the hub, where nick changes are ordered: a user who
        // changed nick or logged in meanwhile keeps their nick.
        auto claim = [dir = self->ctx_.dir, record = self->me_, owner = self, shard = self->home_.index,
                         host = self->proto_.host(), protected_nick, guest]() {
            if (!record || !irc::same_name(record->nick, protected_nick) || irc::same_name(record->account, protected_nick))
                return std::optional<bool>{};
            auto user = record;
            return std::optional<bool>{dir->claim_nick(user, guest, owner, shard, host) == directory::claim_result::ok};
        };
        const auto claimed = co_await call_on(self->ctx_.hub_executor(), std::move(claim));
        if (!claimed)
            co_return;
        if (!*claimed)
            continue;
        // Not through carry_out(): the reader may be in the middle of its own
        // effects; these two touch nothing it waits on.
        for (auto& e : self->proto_.nick_forced(guest)) {
            if (auto* line = std::get_if<irc::effect::send>(&e))
                self->send_raw(std::move(line->text));
            else if (auto* renamed = std::get_if<irc::effect::nick_changed>(&e))
                co_await self->announce_nick(*renamed);
        }
        co_return;
    }
}

}  // namespace sala::server
