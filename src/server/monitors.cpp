#include "server/monitors.hpp"

#include <boost/asio/post.hpp>

#include "irc/names.hpp"
#include "server/directory.hpp"
#include "server/session.hpp"

namespace sala::server {

monitors::monitors(server_context& ctx, std::size_t limit) : ctx_(ctx), index_(limit) {}

irc::monitor_facts monitors::handle(const user_ptr& watcher, const irc::effect::monitor& asked, const directory& dir)
{
    irc::monitor_facts facts;
    auto status_of = [&](const std::string& target) {
        if (auto u = dir.find_user(target); u && u->registered)
            facts.online.push_back(u->prefix());
        else
            facts.offline.push_back(target);
    };
    using action = irc::effect::monitor_action;
    using added = core::monitor_index<user_ptr>::add_result;
    switch (asked.action) {
    case action::add:
        for (const auto& t : asked.targets) {
            if (index_.add(watcher, irc::fold(t), t) == added::full)
                facts.refused.push_back(t);
            else
                status_of(t);
        }
        break;
    case action::remove:
        for (const auto& t : asked.targets)
            index_.remove(watcher, irc::fold(t));
        break;
    case action::clear:
        index_.clear(watcher);
        break;
    case action::list:
        for (const auto& t : index_.list(watcher))
            facts.listed.push_back(t.shown);
        break;
    case action::status:
        for (const auto& t : index_.list(watcher))
            status_of(t.shown);
        break;
    }
    return facts;
}

void monitors::came_online(const user_record& u) const
{
    notify(u.nick, {true, u.prefix()});
}

void monitors::went_offline(const std::string& nick) const
{
    notify(nick, {false, nick});
}

void monitors::relay(const std::string& nick, const std::shared_ptr<const outgoing>& m) const
{
    const auto key = irc::fold(nick);
    if (index_.watchers_of(key) == 0)
        return;
    index_.for_each_watcher(key, [&](const user_ptr& w) {
        if (w->owner)
            asio::post(ctx_.shards[w->shard]->ctx, [s = w->owner, m] { s->deliver_to_watcher(m); });
    });
}

void monitors::notify(const std::string& nick, irc::monitor_change change) const
{
    const auto key = irc::fold(nick);
    if (index_.watchers_of(key) == 0)
        return;
    // One copy for all the watchers, however many shards they are on.
    auto shared = std::make_shared<const irc::monitor_change>(std::move(change));
    index_.for_each_watcher(key, [&](const user_ptr& w) {
        if (w->owner)
            asio::post(ctx_.shards[w->shard]->ctx, [s = w->owner, shared] { s->monitor_changed(*shared); });
    });
}

}  // namespace sala::server
