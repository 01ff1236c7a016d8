// ChanServ (irc::effect::chanserv): who runs a channel is the room's to say,
// on the hub; what is registered is the store's. The store is asked first
// when registering, so a channel is never run as registered unless it is.
#include <spdlog/spdlog.h>

#include "irc/names.hpp"
#include "server/hub_call.hpp"
#include "server/room.hpp"
#include "server/session.hpp"
#include "server/store_call.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

using outcome = irc::session_protocol::chanserv_outcome;

outcome from_write(store::store::write_status written)
{
    switch (written) {
    case store::store::write_status::ok:
        return {outcome::kind::done, {}, 0};
    case store::store::write_status::exists:
        return {outcome::kind::already_registered, {}, 0};
    case store::store::write_status::missing:
        return {outcome::kind::not_registered, {}, 0};
    case store::store::write_status::failed:
        break;
    }
    return {outcome::kind::failed, {}, 0};
}

}  // namespace

asio::awaitable<void> session::answer_chanserv(const irc::effect::chanserv& e)
{
    outcome result;
    if (ctx_.store != nullptr) {
        switch (e.action) {
        case irc::effect::chanserv_action::register_channel:
            result = co_await register_channel(e);
            break;
        case irc::effect::chanserv_action::info:
        case irc::effect::chanserv_action::drop:
            result = co_await look_up_or_drop_channel(e);
            break;
        }
    }
    auto answer = proto_.chanserv_answered(e, result);
    co_await carry_out(std::move(answer));
}

asio::awaitable<irc::session_protocol::chanserv_outcome> session::register_channel(const irc::effect::chanserv& e)
{
    const auto account = proto_.account();
    auto snapshot = [dir = ctx_.dir, me = me_, name = e.channel, account]() -> std::pair<outcome, core::channel_registration> {
        const auto r = dir->find_room(name);
        const auto status = r ? r->roster().status_of(me) : std::nullopt;
        if (!status || !status->op)
            return {{outcome::kind::not_op, {}, 0}, {}};
        if (!r->founder().empty())
            return {{outcome::kind::already_registered, {}, 0}, {}};
        return {{outcome::kind::done, {}, 0}, r->registration(account, unix_millis_now())};
    };
    auto taken = co_await call_on(ctx_.hub_executor(), std::move(snapshot));
    if (taken.first.what != outcome::kind::done)
        co_return taken.first;
    auto write = [store = ctx_.store, r = taken.second](auto done) { store->register_channel(r, std::move(done)); };
    const auto written = co_await ask_store<store::store::write_status>(std::move(write));
    if (written != store::store::write_status::ok)
        co_return from_write(written);
    auto run_as_registered = [dir = ctx_.dir, name = e.channel, account, when = taken.second.registered_ms] {
        if (const auto r = dir->find_room(name))
            r->set_founder(account, when);
    };
    co_await call_on(ctx_.hub_executor(), std::move(run_as_registered));
    spdlog::info("ChanServ: {} registered by {}", e.channel, account);
    co_return outcome{outcome::kind::done, account, taken.second.registered_ms};
}

asio::awaitable<irc::session_protocol::chanserv_outcome> session::look_up_or_drop_channel(
    const irc::effect::chanserv& e)
{
    auto find = [store = ctx_.store, name = e.channel](auto done) { store->find_channel(name, std::move(done)); };
    const auto found = co_await ask_store<store::store::channel_lookup>(std::move(find));
    if (found.status == store::store::lookup_status::failed)
        co_return outcome{outcome::kind::failed, {}, 0};
    if (found.status == store::store::lookup_status::missing)
        co_return outcome{outcome::kind::not_registered, {}, 0};
    if (e.action == irc::effect::chanserv_action::info)
        co_return outcome{outcome::kind::done, found.channel.founder, found.channel.registered_ms};
    // DROP: the founder's, or a server operator's for an abandoned channel.
    if (!irc::same_name(found.channel.founder, proto_.account()) && !proto_.server_operator())
        co_return outcome{outcome::kind::not_founder, {}, 0};
    auto drop = [store = ctx_.store, name = e.channel](auto done) { store->drop_channel(name, std::move(done)); };
    const auto written = co_await ask_store<store::store::write_status>(std::move(drop));
    if (written != store::store::write_status::ok)
        co_return from_write(written);
    auto run_unregistered = [dir = ctx_.dir, name = e.channel] {
        if (const auto r = dir->find_room(name))
            r->set_founder({}, 0);
    };
    co_await call_on(ctx_.hub_executor(), std::move(run_unregistered));
    spdlog::info("ChanServ: {} dropped by {}", e.channel, proto_.prefix());
    co_return outcome{outcome::kind::done, {}, 0};
}

}  // namespace sala::server
