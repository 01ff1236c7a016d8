#include "server/directory.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <utility>

#include "irc/list_filter.hpp"
#include "irc/mask.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "server/handoff.hpp"
#include "server/log_exceptions.hpp"
#include "irc/replies.hpp"
#include "server/room.hpp"
#include "server/session.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace {

// Seeds the msgid source so a restart does not repeat the last run's IDs.
std::uint64_t msgid_seed()
{
    std::random_device entropy;
    const auto now = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    return (std::uint64_t{entropy()} << 32 | entropy()) ^ now;
}

}  // namespace

directory::directory(server_context& ctx)
    : ctx_(ctx),
      msgids_(msgid_seed(), ctx.store != nullptr ? ctx.store->first_unused_sequence() : 0, ctx.msgid_lane,
          ctx.msgid_lanes),
      monitors_(ctx, ctx.protocol.monitor_limit)
{
}

namespace num = irc::numeric;

void directory::remote_lines(const std::string& node, std::vector<core::history_entry> lines)
{
    bool members_changed = false;
    for (const auto& e : lines)
        members_changed = remote_members_.apply(e, node) || members_changed;
    if (lines.empty())
        return;
    // A node publishes one room's lines at a time (store::nats::nats_store).
    if (const auto it = rooms_.find(lines.front().target); it != rooms_.end())
        it->second->remote_lines(std::move(lines), members_changed);
}

void directory::node_lost(const std::string& node)
{
    const auto lost = remote_members_.forget_node(node);
    if (!lost.empty())
        spdlog::warn("cluster node {} lost: {} of its users quit", node, lost.size());
    for (const auto& user : lost) {
        const auto line = make_tagged(irc::relay(user.prefix, "QUIT", {}, "Node lost: " + node), server_time_tag(), {},
            false);
        for (const auto& key : user.rooms)
            if (const auto it = rooms_.find(key); it != rooms_.end())
                it->second->remote_quit(line);
    }
}

core::message_id directory::next_message_id() { return msgids_.next(unix_millis_now()); }

directory::claim_result directory::claim_nick(user_ptr& user, const std::string& nick,
    const std::shared_ptr<session>& owner, std::size_t shard, const std::string& host)
{
    auto key = irc::fold(nick);
    auto it = users_.find(key);
    if (it != users_.end() && it->second != user)
        return claim_result::in_use;
    if (!user) {
        user = std::make_shared<user_record>();
        user->host = host;
        user->shard = shard;
        user->owner = owner;
        user->connected_at = std::chrono::system_clock::now();
        user->last_spoke = std::chrono::steady_clock::now();
    } else {
        auto old_key = irc::fold(user->nick);
        users_.erase(old_key);
        if (old_key != key && ctx_.store != nullptr)
            ctx_.store->release_nick(std::move(old_key));
    }
    auto old_nick = std::exchange(user->nick, nick);
    users_[std::move(key)] = user;
    // A change of case only is the same nick to WHOWAS and MONITOR.
    if (user->registered && !irc::same_name(old_nick, nick)) {
        nick_gone(*user, old_nick);
        monitors_.came_online(*user);
    }
    return claim_result::ok;
}

namespace {

bool invisible(const user_record& u)
{
    return u.modes.find('i') != std::string::npos;
}

}  // namespace

void directory::set_modes(const user_ptr& user, std::string modes)
{
    const bool was = invisible(*user);
    user->modes = std::move(modes);
    const bool is = invisible(*user);
    if (!user->registered || was == is)
        return;
    if (is)
        ++invisible_;
    else
        --invisible_;
}

irc::user_counts directory::user_counts(std::size_t connections) const
{
    irc::user_counts c;
    c.users = registered_;
    c.invisible = invisible_;
    c.operators = 0;  // no OPER yet
    // A connection counts from its accept until its session has left the
    // directory, so a user on its way out can show as unknown for a moment.
    c.unknown = connections > registered_ ? connections - registered_ : 0;
    c.channels = rooms_.size();
    c.max_users = max_registered_;
    return c;
}

void directory::release(const user_ptr& user)
{
    monitors_.forget(user);
    auto it = users_.find(irc::fold(user->nick));
    if (it == users_.end() || it->second != user)
        return;
    users_.erase(it);
    if (ctx_.store != nullptr)
        ctx_.store->release_nick(irc::fold(user->nick));
    if (!user->registered)
        return;
    nick_gone(*user, user->nick);
    --registered_;
    if (invisible(*user))
        --invisible_;
}

void directory::complete_registration(const user_ptr& user, std::string username, std::string realname)
{
    user->user = std::move(username);
    user->realname = std::move(realname);
    if (!user->registered) {
        ++registered_;
        if (invisible(*user))
            ++invisible_;
        max_registered_ = std::max(max_registered_, registered_);
    }
    user->registered = true;
    monitors_.came_online(*user);
}

user_ptr directory::find_user(std::string_view nick) const
{
    auto it = users_.find(irc::fold(nick));
    return it == users_.end() ? nullptr : it->second;
}

std::shared_ptr<room> directory::find_room(std::string_view name) const
{
    auto it = rooms_.find(irc::fold(name));
    return it == rooms_.end() ? nullptr : it->second;
}

std::shared_ptr<room> directory::room_for_join(const std::string& name)
{
    auto& slot = rooms_[irc::fold(name)];
    if (!slot) {
        slot = std::make_shared<room>(ctx_, name);
        asio::co_spawn(ctx_.hub_executor(), room::run(slot), log_exceptions{"room"});
    }
    slot->expect_join();
    return slot;
}

void directory::forget_room(const room& r)
{
    auto it = rooms_.find(irc::fold(r.name()));
    if (it != rooms_.end() && it->second.get() == &r)
        rooms_.erase(it);
}

void directory::close_all_rooms()
{
    for (auto& [key, r] : rooms_)
        shut_inbox(r->inbox());
    rooms_.clear();
}

void directory::deliver_to(const user_record& user, outgoing_ptr m) const
{
    if (!user.owner)
        return;
    asio::post(ctx_.shards[user.shard]->ctx, [s = user.owner, m = std::move(m)] { s->deliver(m); });
}

std::string correspondent(const user_record& u)
{
    return u.account.empty() ? "*" + irc::fold(u.nick) : irc::fold(u.account);
}

namespace {

// WHO and WHOIS show it: since the last PRIVMSG or NOTICE, or the connection.
std::int64_t idle_seconds(const user_record& u)
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - u.last_spoke).count();
}

bool is_bot(const user_record& u)
{
    return u.modes.find('B') != std::string::npos;
}

// Secret channels (+s) are shown to their members and to server operators;
// the rest to anyone.
bool sees_channel(const room& r, const user_ptr& requester)
{
    return !r.modes().secret() || r.roster().contains(requester) || requester->is_server_operator();
}

bool is_invisible(const user_record& u)
{
    return u.modes.find('i') != std::string::npos;
}

irc::who_entry who_entry_of(const user_record& u, std::string channel)
{
    irc::who_entry e;
    e.channel = std::move(channel);
    e.nick = u.nick;
    e.user = u.user;
    e.host = u.host;
    e.realname = u.realname;
    e.account = u.account;
    e.away = !u.away.empty();
    e.bot = is_bot(u);
    e.server_operator = u.is_server_operator();
    e.idle_seconds = idle_seconds(u);
    return e;
}

bool share_a_channel(const user_record& a, const user_record& b)
{
    for (const auto& c : a.channels)
        if (std::find(b.channels.begin(), b.channels.end(), c) != b.channels.end())
            return true;
    return false;
}

}  // namespace

std::vector<irc::who_entry> directory::who(std::string_view mask, const user_ptr& requester) const
{
    std::vector<irc::who_entry> found;
    if (irc::is_channel(mask)) {
        const auto r = find_room(mask);
        if (!r || !sees_channel(*r, requester))
            return found;
        // Outside a channel, its invisible members stay hidden (RFC 2812 3.6.1).
        const bool member = r->roster().contains(requester) || requester->is_server_operator();
        for (const auto& e : r->roster().members())
            if (found.size() < irc::max_who_entries && (member || !is_invisible(*e.member))) {
                found.push_back(who_entry_of(*e.member, r->name()));
                found.back().status = e.status;
            }
        return found;
    }
    if (!irc::is_mask(mask)) {
        // A nick asked for by name is answered even when invisible.
        if (auto u = find_user(mask); u && u->registered)
            found.push_back(who_entry_of(*u, "*"));
        return found;
    }
    for (const auto& [key, u] : users_) {
        if (found.size() == irc::max_who_entries)
            break;
        if (!u->registered)
            continue;
        const bool visible = !is_invisible(*u) || u == requester || share_a_channel(*u, *requester);
        if (visible
            && (irc::mask_match(mask, u->nick) || irc::mask_match(mask, u->user) || irc::mask_match(mask, u->host)
                || irc::mask_match(mask, u->realname)))
            found.push_back(who_entry_of(*u, "*"));
    }
    return found;
}

std::optional<irc::whois_facts> directory::whois(std::string_view nick, const user_ptr& requester) const
{
    auto u = find_user(nick);
    if (!u || !u->registered)
        return std::nullopt;
    irc::whois_facts f;
    f.nick = u->nick;
    f.user = u->user;
    f.host = u->host;
    f.realname = u->realname;
    const bool sees_all = u == requester || requester->is_server_operator();
    for (const auto& name : u->channels) {
        const auto r = find_room(name);
        if (!r)
            continue;
        const bool shared = r->roster().contains(requester);
        if (!sees_all && !shared && (r->modes().secret() || is_invisible(*u)))
            continue;
        f.channels.push_back({name, r->roster().status_of(u).value_or(core::member_status{})});
    }
    f.away = u->away;
    f.bot = is_bot(*u);
    f.server_operator = u->is_server_operator();
    f.secure = u->secure;
    f.account = u->account;
    f.certfp = u->certfp;
    f.idle_seconds = idle_seconds(*u);
    f.signon = std::chrono::duration_cast<std::chrono::seconds>(u->connected_at.time_since_epoch()).count();
    return f;
}

std::vector<irc::listed_channel> directory::list(const user_ptr& requester, std::string_view filter) const
{
    const irc::list_filter admits(filter);
    std::vector<irc::listed_channel> found;
    for (const auto& [key, r] : rooms_) {
        if (!admits.admits(r->name(), r->roster().size()) || !sees_channel(*r, requester))
            continue;
        const auto& topic = r->roster().topic();
        found.push_back({r->name(), r->roster().size(), topic ? topic->text : std::string()});
    }
    return found;
}

}  // namespace sala::server
