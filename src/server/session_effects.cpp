// Carrying out what the protocol state machine (irc::session_protocol) asks
// for: the parts of IRC commands that touch shared state (nicks, rooms, other
// users) and so run on the hub or in a room, reached by message hand-off.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>
#include <variant>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "server/account_service.hpp"
#include "server/handoff.hpp"
#include "server/store_call.hpp"
#include "store/store.hpp"
#include "server/hub_call.hpp"
#include "server/room.hpp"
#include "server/session.hpp"

namespace sala::server {

namespace num = irc::numeric;

asio::awaitable<void> session::carry_out(irc::session_protocol::effects effects)
{
    for (auto& e : effects) {
        // A session that is closing (K-lined at registration, say) does
        // nothing more for its client: its autojoin and the like are void.
        if (closing_)
            break;
        co_await carry_out(e);
        co_await await_room_answer();
        if (ended_)
            co_return;
    }
    // After the welcome or the NICK line it concerns, not before.
    if (std::exchange(nick_check_due_, false))
        co_await check_nick_owner();
}

asio::awaitable<void> session::await_room_answer()
{
    // Nothing more from this client until the room has queued its answer:
    // what follows (a PONG, say) must not overtake it. Given up when the
    // session ends (end() cancels the wait), unlike the hand-off: a
    // session that is ending has no one left to answer.
    while (awaiting_room_answer_ && !ended_) {
        read_pause_.expires_at(std::chrono::steady_clock::time_point::max());
        auto [ec] = co_await read_pause_.async_wait(use_nothrow);
        (void)ec;  // cancelled by room_answered(), or by the end of the session
    }
}

void session::room_answered()
{
    awaiting_room_answer_ = false;
    read_pause_.cancel();
}

void session::room_replied(irc::any_room_fact fact)
{
    if (const auto* refused = std::get_if<irc::room_fact::join_refused>(&fact))
        (void)take_room(refused->key);
    else if (const auto* removed = std::get_if<irc::room_fact::removed>(&fact))
        (void)take_room(removed->key);
    // Every answer to a room fact is lines for the client.
    for (auto& e : proto_.room_answered(fact))
        if (auto* send = std::get_if<irc::effect::send>(&e))
            send_raw(std::move(send->text));
}

asio::awaitable<void> session::carry_out(irc::any_effect& e)
{
    // An overload of start() for every effect, and none for "any": an effect
    // added to irc::any_effect without one here does not compile. Those done
    // at once (most replies) cost no coroutine.
    auto step = std::visit([this](auto& effect) { return start(effect); }, e);
    if (step)
        co_await std::move(*step);
}

namespace fx = irc::effect;

namespace {

// An event from `user` through `origin`, its session, and whether the session
// waits for the room's answer.
room_event event_from(const user_ptr& user, const session* origin, room_event::kind what, bool wants_answer)
{
    room_event ev;
    ev.what = what;
    ev.user = user;
    ev.origin = origin;
    ev.wants_answer = wants_answer;
    return ev;
}

}  // namespace

session::effect_step session::start(fx::send& e)
{
    send_raw(std::move(e.text));
    return std::nullopt;
}

session::effect_step session::start(fx::line_dropped&)
{
    ++home_.stats.dropped;
    return std::nullopt;
}

session::effect_step session::start(fx::close& e)
{
    close_after_flush(e.text, e.why == fx::close_reason::quit ? disconnect_reason::quit : disconnect_reason::error,
        std::move(e.log_reason));
    return std::nullopt;
}

session::effect_step session::start(fx::login_failed& e)
{
    if (ctx_.accounts != nullptr)
        ctx_.accounts->login_failed(proto_.host(), e.account);
    return std::nullopt;
}

session::effect_step session::start(fx::rehash&)
{
    rehash();
    return std::nullopt;
}

session::effect_step session::start(fx::claim_nick& e) { return claim_nick(e); }
session::effect_step session::start(fx::registered& e) { return publish_registration(e); }
session::effect_step session::start(fx::join& e) { return join(e); }
session::effect_step session::start(fx::part& e) { return part(e); }
session::effect_step session::start(fx::check_channel& e) { return check_channel(e); }
session::effect_step session::start(fx::set_topic& e) { return set_topic(e); }
session::effect_step session::start(fx::query& e) { return answer_query(e); }
session::effect_step session::start(fx::channel_message& e) { return say_in_channel(e); }
session::effect_step session::start(fx::channel_mode& e) { return change_channel_modes(e); }
session::effect_step session::start(fx::kick& e) { return kick(e); }
session::effect_step session::start(fx::invite& e) { return invite(e); }
session::effect_step session::start(fx::private_message& e) { return send_private(e); }
session::effect_step session::start(fx::set_away& e) { return set_away(e); }
session::effect_step session::start(fx::nick_changed& e) { return change_nick(e); }
session::effect_step session::start(fx::who& e) { return answer_who(e); }
session::effect_step session::start(fx::whois& e) { return answer_whois(e); }
session::effect_step session::start(fx::modes_changed& e) { return publish_modes(e); }
session::effect_step session::start(fx::find_users& e) { return find_users(e); }
session::effect_step session::start(fx::whowas& e) { return answer_whowas(e); }
session::effect_step session::start(fx::monitor& e) { return monitor(e); }
session::effect_step session::start(fx::set_realname& e) { return set_realname(e); }
session::effect_step session::start(fx::server_query& e) { return answer_server_query(e); }
session::effect_step session::start(fx::history& e) { return answer_history(e); }
session::effect_step session::start(fx::history_targets& e) { return answer_history_targets(e); }
session::effect_step session::start(fx::account_request& e) { return answer_account_request(e); }
session::effect_step session::start(fx::account_changed& e) { return publish_account(e); }
session::effect_step session::start(fx::oper& e) { return become_operator(e); }
session::effect_step session::start(fx::kill& e) { return kill_user(e); }
session::effect_step session::start(fx::wallops& e) { return wallops(e); }
session::effect_step session::start(fx::kline& e) { return set_server_ban(e); }
session::effect_step session::start(fx::unkline& e) { return lift_server_ban(e); }
session::effect_step session::start(fx::chanserv& e) { return answer_chanserv(e); }

session::effect_step session::start(fx::barrier&)
{
    if (unconfirmed_rooms_.empty())
        return std::nullopt;
    return confirm_handed_over();
}

asio::awaitable<void> session::confirm_handed_over()
{
    // A room answers once what came before is written and handed over; one
    // room at a time, as a session waits for one answer at a time.
    const auto keys = std::exchange(unconfirmed_rooms_, {});
    for (const auto& key : keys) {
        auto ev = event_from(me_, this, room_event::kind::barrier, true);
        co_await tell_room(key, std::move(ev));
        co_await await_room_answer();
        if (ended_)
            co_return;
    }
}


asio::awaitable<void> session::part(fx::part& e)
{
    if (auto r = take_room(e.key)) {
        auto ev = event_from(me_, this, room_event::kind::part, fx::answered_through_room(e));
        ev.line = std::move(e.line);
        co_await tell_room(*r, std::move(ev));
    }
}

asio::awaitable<void> session::set_topic(fx::set_topic& e)
{
    auto ev = event_from(me_, this, room_event::kind::topic, fx::answered_through_room(e));
    ev.text = std::move(e.text);
    ev.line = std::move(e.line);
    co_await tell_room(e.key, std::move(ev));
}

asio::awaitable<void> session::say_in_channel(fx::channel_message& e)
{
    if (e.is_chat && e.joined)
        ++home_.stats.received;
    auto ev = event_from(me_, this, room_event::kind::message, fx::answered_through_room(e));
    ev.line = std::move(e.line);
    ev.client_tags = std::move(e.client_tags);
    ev.is_chat = e.is_chat;
    ev.is_notice = e.notice;
    ev.status_prefix = e.status_prefix;
    if (e.joined) {
        // Not waited for now; a later PING waits for it (effect::barrier).
        if (!ev.wants_answer && std::ranges::find(unconfirmed_rooms_, e.key) == unconfirmed_rooms_.end())
            unconfirmed_rooms_.push_back(e.key);
        co_await tell_room(e.key, std::move(ev));
        co_return;
    }
    // A NOTICE is never answered, not even with 401. Named before co_await:
    // GCC 12 destroys such temporaries twice.
    std::optional<irc::any_room_fact> missing;
    if (!e.notice)
        missing = irc::room_fact::no_such_channel{e.name, true};
    co_await tell_any_room(e.key, e.name, std::move(ev), std::move(missing));
}

asio::awaitable<void> session::change_channel_modes(fx::channel_mode& e)
{
    auto ev = event_from(me_, this, room_event::kind::mode, fx::answered_through_room(e));
    ev.mode_params = std::move(e.params);
    std::optional<irc::any_room_fact> missing = irc::room_fact::no_such_channel{e.name};
    co_await tell_any_room(e.key, e.name, std::move(ev), std::move(missing));
}

asio::awaitable<void> session::kick(fx::kick& e)
{
    auto ev = event_from(me_, this, room_event::kind::kick, fx::answered_through_room(e));
    ev.text = std::move(e.target);
    ev.line = std::move(e.reason);
    co_await tell_room(e.key, std::move(ev));
}

asio::awaitable<void> session::invite(fx::invite& e)
{
    auto ev = event_from(me_, this, room_event::kind::invite, fx::answered_through_room(e));
    ev.text = std::move(e.target);
    co_await tell_room(e.key, std::move(ev));
}

asio::awaitable<void> session::change_nick(fx::nick_changed& e)
{
    co_await announce_nick(e);
    nick_check_due_ = true;
}

asio::awaitable<void> session::publish_modes(fx::modes_changed& e)
{
    auto publish = [dir = ctx_.dir, record = me_, letters = e.modes] { dir->set_modes(record, letters); };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
}

std::shared_ptr<room> session::take_room(std::string_view key)
{
    for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
        if (it->first == key) {
            auto r = std::move(it->second);
            rooms_.erase(it);
            return r;
        }
    }
    return nullptr;
}

asio::awaitable<void> session::tell_room(std::string_view key, room_event ev)
{
    for (auto& [k, r] : rooms_) {
        if (k == key) {
            auto keep = r;  // the vector may change while this waits
            co_await tell_room(*keep, std::move(ev));
            co_return;
        }
    }
}

asio::awaitable<void> session::tell_any_room(std::string_view key, const std::string& name, room_event ev,
    std::optional<irc::any_room_fact> missing)
{
    for (auto& [k, r] : rooms_) {
        if (k == key) {
            auto keep = r;  // the vector may change while this waits
            co_await tell_room(*keep, std::move(ev));
            co_return;
        }
    }
    // Announced in the same hub call that finds the room, so the room cannot
    // end before this event reaches it.
    auto lookup = [dir = ctx_.dir, name] {
        auto r = dir->find_room(name);
        if (r)
            r->expect_outsider();
        return r;
    };
    auto r = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    if (!r) {
        if (missing)
            room_replied(std::move(*missing));
        co_return;
    }
    ev.from_outside = true;
    co_await tell_room(*r, std::move(ev));
}

asio::awaitable<void> session::tell_room(room& r, room_event ev)
{
    // Only set, never cleared, here: a change told to the rooms from outside
    // the reader (a forced nick change) must not cancel the reader's wait.
    const bool wants_answer = ev.wants_answer;
    if (wants_answer)
        awaiting_room_answer_ = true;
    // try_send first: it does not suspend, so a client's whole read chunk
    // reaches the room as one batch; wait only when the inbox is full.
    if (r.inbox().try_send(boost::system::error_code{}, std::move(ev)))
        co_return;
    auto [ec] = co_await hand_off(r.inbox(), std::move(ev));
    // A shut inbox means the server is shutting down: nobody to tell, nor to wait for.
    if (ec && wants_answer)
        awaiting_room_answer_ = false;
}

asio::awaitable<void> session::tell_every_room(room_event change)
{
    change.user = me_;
    change.origin = this;
    const auto rooms = rooms_;  // copied: the vector may change while a full inbox makes this wait
    for (const auto& [key, r] : rooms) {
        auto ev = change;
        co_await tell_room(*r, std::move(ev));
    }
}

asio::awaitable<void> session::claim_nick(const irc::effect::claim_nick& e)
{
    // In a cluster the nick must first be free on every other node.
    if (ctx_.clustered() && ctx_.store != nullptr) {
        auto ask = [store = ctx_.store, key = irc::fold(e.nick)](auto done) { store->claim_nick(key, std::move(done)); };
        const auto held = co_await ask_store<store::store::write_status>(std::move(ask));
        if (held != store::store::write_status::ok) {
            auto refused = proto_.nick_claimed(false);
            co_await carry_out(std::move(refused));
            co_return;
        }
    }
    auto claim = [dir = ctx_.dir, current = me_, nick = e.nick, owner = shared_from_this(), shard = home_.index,
                     host = proto_.host()] {
        auto user = current;
        const auto result = dir->claim_nick(user, nick, owner, shard, host);
        return std::pair{result, std::move(user)};
    };
    // Answers are named before co_await throughout: GCC 12 destroys
    // temporaries inside a co_await expression twice.
    auto claimed = co_await call_on(ctx_.hub_executor(), std::move(claim));
    const bool ok = claimed.first == directory::claim_result::ok;
    if (ok)
        me_ = std::move(claimed.second);
    auto answer = proto_.nick_claimed(ok);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::publish_registration(const irc::effect::registered& e)
{
    auto publish = [dir = ctx_.dir, record = me_, user = e.user, realname = e.realname, secure = tls_ != nullptr,
                       certfp = tls_ ? tls_->peer_fingerprint() : std::string(), account = proto_.account()] {
        record->secure = secure;
        record->certfp = certfp;
        record->account = account;
        record->user = user;  // for the K-line check, which sees the whole prefix
        auto ban = dir->server_ban_for(*record, unix_millis_now());
        if (!ban)
            dir->complete_registration(record, user, realname);
        return ban;
    };
    const auto ban = co_await call_on(ctx_.hub_executor(), std::move(publish));
    if (ban) {
        // Never announced: the nick is let go when the session ends.
        spdlog::info("refuse {} as {}: K-lined ({})", proto_.host(), e.prefix, ban->mask);
        send_raw(proto_.numeric_line(irc::numeric::yourebanned, {}, "You are banned from this server: " + ban->reason));
        close_after_flush("Closing Link: " + proto_.host() + " (K-lined: " + ban->reason + ")", disconnect_reason::error,
            "K-lined");
        co_return;
    }
    spdlog::info("register {} as {}", proto_.host(), e.prefix);
    nick_check_due_ = true;
}

asio::awaitable<void> session::join(const irc::effect::join& e)
{
    // The join travels through the room's inbox so it is ordered after this
    // client's earlier events there (a PART just before, say).
    auto lookup = [dir = ctx_.dir, name = e.name] { return dir->room_for_join(name); };
    auto r = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    room_event ev;
    ev.what = room_event::kind::join;
    ev.user = me_;
    ev.text = e.channel_key;
    ev.caps = proto_.caps();
    ev.wants_answer = irc::effect::answered_through_room(e);
    co_await tell_room(*r, std::move(ev));
    proto_.joined(e.key, r->name());
    rooms_.emplace_back(e.key, std::move(r));
}

asio::awaitable<void> session::check_channel(const irc::effect::check_channel& e)
{
    auto lookup = [dir = ctx_.dir, name = e.name] { return dir->find_room(name) != nullptr; };
    const bool exists = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    auto answer = proto_.channel_checked(e, exists);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::answer_query(const irc::effect::query& e)
{
    using kinds = irc::effect::query_kind;
    // The facts are gathered on the hub, where the rooms are; the lines are
    // the protocol's to make.
    using found_facts = std::variant<std::vector<irc::listed_channel>, std::optional<irc::channel_topic_facts>,
        std::optional<irc::channel_names>, std::optional<irc::channel_mode_facts>>;
    auto gather = [dir = ctx_.dir, kind = e.kind, target = e.target, me = me_,
                      userhost = proto_.has(irc::cap::userhost_in_names),
                      multi_prefix = proto_.has(irc::cap::multi_prefix)]() -> found_facts {
        if (kind == kinds::list)
            return dir->list(me, target);
        const auto r = dir->find_room(target);
        const bool member = r && (r->roster().contains(me) || me->is_server_operator());
        switch (kind) {
        case kinds::list:
            break;
        case kinds::topic:
            if (!r)
                return std::optional<irc::channel_topic_facts>();
            return std::optional(irc::channel_topic_facts{r->name(), r->topic_facts()});
        case kinds::names:
            // A secret channel answers an outsider as if it were empty.
            if (!r || (r->modes().secret() && !member))
                return std::optional<irc::channel_names>();
            return std::optional(r->names_facts(userhost, multi_prefix, member));
        case kinds::channel_mode: {
            if (!r)
                return std::optional<irc::channel_mode_facts>();
            // Members see the key; others its place, so the parameters still line up.
            auto current = r->modes().current(r->roster().contains(me));
            const auto created
                = std::chrono::duration_cast<std::chrono::seconds>(r->created_at().time_since_epoch()).count();
            return std::optional(
                irc::channel_mode_facts{r->name(), std::move(current.modes), std::move(current.params), created});
        }
        }
        return std::vector<irc::listed_channel>();
    };
    const auto found = co_await call_on(ctx_.hub_executor(), std::move(gather));
    irc::session_protocol::effects answer;
    switch (e.kind) {
    case kinds::list:
        answer = proto_.list_answered(std::get<std::vector<irc::listed_channel>>(found));
        break;
    case kinds::topic:
        answer = proto_.topic_answered(e, std::get<std::optional<irc::channel_topic_facts>>(found));
        break;
    case kinds::names:
        answer = proto_.names_answered(e, std::get<std::optional<irc::channel_names>>(found));
        break;
    case kinds::channel_mode:
        answer = proto_.channel_modes_answered(e, std::get<std::optional<irc::channel_mode_facts>>(found));
        break;
    }
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::answer_who(const irc::effect::who& e)
{
    auto lookup = [dir = ctx_.dir, mask = e.mask, me = me_] { return dir->who(mask, me); };
    const auto found = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    auto answer = proto_.who_answered(e, found);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::answer_whois(const irc::effect::whois& e)
{
    auto lookup = [dir = ctx_.dir, nick = e.nick, me = me_] { return dir->whois(nick, me); };
    const auto found = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    auto answer = proto_.whois_answered(e, found);
    co_await carry_out(std::move(answer));
}

namespace {

// What a private message became on the hub.
struct private_send {
    std::optional<irc::recipient> to;
    outgoing_ptr shown;
    user_ptr recipient;
    // Set when the conversation is kept: written before anyone sees it.
    std::optional<core::history_entry> kept;
};

}  // namespace

asio::awaitable<void> session::send_private(const irc::effect::private_message& e)
{
    // Stamped on the hub, where msgids are drawn.
    auto prepare = [dir = ctx_.dir, target = e.target, line = e.line, tags = e.client_tags, sender = me_,
                        is_chat = e.is_chat, notice = e.notice, keeping = ctx_.store != nullptr] {
        private_send s;
        auto u = dir->find_user(target);
        if (!u || !u->registered)
            return s;
        if (is_chat)
            sender->last_spoke = std::chrono::steady_clock::now();
        auto id = dir->next_message_id();
        const auto time_ms = core::msgid_source::time_of(id.sequence);
        s.shown = make_tagged(line, server_time_tag(time_ms), tags, is_chat, !is_chat, id.text, sender->account);
        s.to = irc::recipient{u->nick, u->away};
        // Kept for whoever of the two has an account to read it back with
        // (a TAGMSG only when it carries something).
        if (keeping && (!sender->account.empty() || !u->account.empty()) && (is_chat || !tags.empty())) {
            const auto kind = !is_chat ? core::history_kind::tagmsg
                : notice               ? core::history_kind::notice
                                       : core::history_kind::privmsg;
            s.kept = core::history_entry{core::conversation_key(correspondent(*sender), correspondent(*u)),
                std::move(id.text), time_ms, kind, line, tags, sender->account, id.sequence};
        }
        if (!s.kept)
            dir->deliver_to(*u, s.shown);
        s.recipient = std::move(u);
        return s;
    };
    auto sent = co_await call_on(ctx_.hub_executor(), std::move(prepare));
    if (sent.kept) {
        // Like a room's lines: written before anyone, the sender included,
        // sees it; delivered even if the disk failed, as rooms do.
        auto write = [store = ctx_.store, entry = std::move(*sent.kept)](auto done) mutable {
            std::vector<core::history_entry> one;
            one.push_back(std::move(entry));
            store->append(std::move(one), std::move(done));
        };
        (void)co_await ask_store<bool>(std::move(write));
        auto deliver_there = [dir = ctx_.dir, u = sent.recipient, m = sent.shown] { dir->deliver_to(*u, m); };
        co_await call_on(ctx_.hub_executor(), std::move(deliver_there));
    }
    const auto& to = sent.to;
    if (to && e.is_chat)
        ++home_.stats.received;
    if (to && proto_.echo_message())
        deliver(sent.shown, this);
    auto answer = proto_.private_delivered(e, to);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::set_away(const irc::effect::set_away& e)
{
    // One buffer for all the user's rooms and watchers: whoever gets it
    // through several sees it once.
    auto shown = make_for_cap(e.line, server_time_tag(), irc::cap::away_notify);
    auto publish = [dir = ctx_.dir, record = me_, text = e.text, shown] {
        record->away = text;
        dir->relay_to_watchers(record->nick, shown);
    };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
    room_event change;
    change.what = room_event::kind::away;
    change.shown_once = std::move(shown);
    co_await tell_every_room(std::move(change));
}

asio::awaitable<void> session::announce_nick(const irc::effect::nick_changed& e)
{
    auto shown = make_tagged(e.line, server_time_tag(), {}, false, false, {}, proto_.account());
    deliver(shown, this);
    room_event change;
    change.what = room_event::kind::nick;
    change.shown_once = std::move(shown);
    change.text = e.nick;
    co_await tell_every_room(std::move(change));
}

}  // namespace sala::server
