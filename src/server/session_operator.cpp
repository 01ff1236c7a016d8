// Server operators (irc::effect::oper and friends): the password is checked
// on the password threads, users are found and cut off through the
// directory, and every use of these powers is logged.
#include <spdlog/spdlog.h>

#include <csignal>

#include <unistd.h>

#include "core/server_ban_mask.hpp"
#include "server/account_service.hpp"
#include "server/hub_call.hpp"
#include "server/session.hpp"
#include "server/store_call.hpp"
#include "store/store.hpp"

namespace sala::server {

asio::awaitable<void> session::become_operator(const irc::effect::oper& e)
{
    using result = irc::session_protocol::oper_result;
    auto outcome = result::no_operators;
    if (ctx_.accounts != nullptr && !ctx_.config.operators.empty()) {
        auto start = [accounts = ctx_.accounts, e, ip = proto_.host(), &blocks = ctx_.config.operators](auto done) {
            accounts->check_operator(e.name, e.password, ip, blocks, std::move(done));
        };
        const bool ok = co_await ask_store<bool>(std::move(start));
        outcome = ok ? result::ok : result::wrong_password;
    }
    if (outcome == result::ok)
        spdlog::warn("OPER {} is now operator {}", proto_.prefix(), e.name);
    else
        spdlog::warn("OPER {} failed for operator {}", proto_.prefix(), e.name);
    auto answer = proto_.oper_answered(e, outcome);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::kill_user(const irc::effect::kill& e)
{
    auto find = [dir = ctx_.dir, nick = e.nick, reason = e.reason] {
        const auto u = dir->find_user(nick);
        if (!u || !u->owner)
            return false;
        asio::post(dir->context().shards[u->shard]->ctx, [owner = u->owner, reason] { owner->disconnect(reason); });
        return true;
    };
    const bool killed = co_await call_on(ctx_.hub_executor(), std::move(find));
    if (killed)
        spdlog::warn("KILL {} by {}: {}", e.nick, proto_.prefix(), e.reason);
    auto answer = proto_.kill_answered(e, killed);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::wallops(const irc::effect::wallops& e)
{
    auto shown = make_tagged(e.line, server_time_tag(), {}, false);
    auto send = [dir = ctx_.dir, shown] {
        for (const auto& [key, u] : dir->users())
            if (u->registered && u->modes.find('w') != std::string::npos)
                dir->deliver_to(*u, shown);
    };
    co_await call_on(ctx_.hub_executor(), std::move(send));
    spdlog::info("WALLOPS from {}", proto_.prefix());
}

asio::awaitable<void> session::set_server_ban(const irc::effect::kline& e)
{
    using outcome = irc::session_protocol::kline_outcome;
    outcome result;
    const auto mask = core::normalize_server_ban_mask(e.mask);
    if (!mask) {
        result.what = outcome::kind::bad_mask;
    } else if (ctx_.store != nullptr) {
        const auto now = unix_millis_now();
        core::server_ban ban{*mask, e.reason, proto_.prefix(), now,
            e.duration_seconds == 0 ? 0 : now + e.duration_seconds * 1000};
        // Kept before it is applied: a ban the store lost would be gone at
        // the next restart while the operator believes it holds.
        auto write = [store = ctx_.store, ban](auto done) { store->add_server_ban(ban, std::move(done)); };
        const auto written = co_await ask_store<store::store::write_status>(std::move(write));
        if (written == store::store::write_status::ok) {
            auto apply = [dir = ctx_.dir, ban] { return dir->add_server_ban(ban); };
            result = {outcome::kind::added, co_await call_on(ctx_.hub_executor(), std::move(apply))};
            spdlog::warn("KLINE {} by {} for {}: {} ({} disconnected)", ban.mask, ban.set_by,
                e.duration_seconds == 0 ? std::string("ever") : std::to_string(e.duration_seconds) + " s", ban.reason,
                result.disconnected);
        }
    }
    auto answer = proto_.kline_answered(mask ? *mask : e.mask, result);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::lift_server_ban(const irc::effect::unkline& e)
{
    using outcome = irc::session_protocol::kline_outcome;
    outcome result;
    const auto mask = core::normalize_server_ban_mask(e.mask);
    if (!mask) {
        result.what = outcome::kind::bad_mask;
    } else if (ctx_.store != nullptr) {
        auto write = [store = ctx_.store, m = *mask](auto done) { store->remove_server_ban(m, std::move(done)); };
        const auto written = co_await ask_store<store::store::write_status>(std::move(write));
        if (written == store::store::write_status::ok || written == store::store::write_status::missing) {
            auto apply = [dir = ctx_.dir, m = *mask] { return dir->remove_server_ban(m); };
            const bool lifted = co_await call_on(ctx_.hub_executor(), std::move(apply));
            result.what = lifted || written == store::store::write_status::ok ? outcome::kind::removed
                                                                                : outcome::kind::not_found;
            if (result.what == outcome::kind::removed)
                spdlog::warn("UNKLINE {} by {}", *mask, proto_.prefix());
        }
    }
    auto answer = proto_.kline_answered(mask ? *mask : e.mask, result);
    co_await carry_out(std::move(answer));
}

void session::rehash()
{
    // Exactly what SIGHUP does, by the same handler: one way to reload.
    spdlog::warn("REHASH by {}", proto_.prefix());
    ::kill(::getpid(), SIGHUP);
}

}  // namespace sala::server
