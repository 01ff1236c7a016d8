// Carrying out USERHOST, ISON, WHOWAS, MONITOR and SETNAME: the directory
// answers with facts on the hub, and the protocol formats the replies.
#include "irc/caps.hpp"
#include "server/hub_call.hpp"
#include "server/room.hpp"
#include "server/session.hpp"

namespace sala::server {

// Closures and answers are named before co_await throughout: GCC 12
// mishandles temporaries inside a co_await expression (ARCHITECTURE.md).

asio::awaitable<void> session::find_users(const irc::effect::find_users& e)
{
    auto lookup = [dir = ctx_.dir, nicks = e.nicks] { return dir->present(nicks); };
    const auto found = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    auto answer = proto_.users_found(e, found);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::answer_whowas(const irc::effect::whowas& e)
{
    auto lookup = [dir = ctx_.dir, nick = e.nick, count = e.count] { return dir->whowas(nick, count); };
    const auto found = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    auto answer = proto_.whowas_answered(e, found);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::monitor(const irc::effect::monitor& e)
{
    // Awaited even when nothing comes back ("-", "C"): a later "L" must see the change.
    auto change = [dir = ctx_.dir, me = me_, asked = e] { return dir->monitor(me, asked); };
    const auto facts = co_await call_on(ctx_.hub_executor(), std::move(change));
    auto answer = proto_.monitor_answered(e, facts);
    co_await carry_out(std::move(answer));
}

void session::monitor_changed(const irc::monitor_change& change)
{
    auto line = proto_.monitor_notice(change);
    // Not an answer to a line of this client's: never folded into a labeled response.
    if (!line.empty())
        deliver(make_plain(std::move(line)));
}

void session::deliver_to_watcher(const outgoing_ptr& m)
{
    if (proto_.has(irc::cap::extended_monitor))
        deliver(m, nullptr, delivery::others_once);  // once, if a shared room sends it too
}

asio::awaitable<void> session::set_realname(const irc::effect::set_realname& e)
{
    // One buffer for all the user's rooms and watchers (extended-monitor):
    // whoever gets it through several sees it once.
    auto shown = make_for_cap(e.line, server_time_tag(), irc::cap::setname);
    auto publish = [dir = ctx_.dir, record = me_, realname = e.realname, shown] {
        record->realname = realname;
        dir->relay_to_watchers(record->nick, shown);
    };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
    room_event change;
    change.what = room_event::kind::realname;
    change.shown_once = std::move(shown);
    co_await tell_every_room(std::move(change));
}

}  // namespace sala::server
