#include "server/room.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

#include "core/channel_access.hpp"
#include "core/member_status.hpp"
#include "irc/history_lines.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "store/store.hpp"

namespace sala::server {

namespace num = irc::numeric;

namespace {

// Room inbox capacity: senders wait (back-pressure) once this many events queue.
constexpr std::size_t inbox_capacity = 4096;
// Events handled per wake-up before the batch goes to the shards: large enough
// to amortise hand-offs under load, small enough to keep latency low.
constexpr std::size_t max_batch = 256;
// Joins to a room of at least linger_min_members wait up to linger_per_member
// per member (linger_max at most) for more joins before their JOIN lines go
// out. A join storm then costs each member one write per linger period instead
// of one per join: the writes of a flush take roughly what the linger allows
// per member, so fanning out JOINs can use only part of the shards' time. A
// member sees a JOIN at most that much later; the joiner is answered at once.
constexpr std::size_t linger_min_members = 64;
constexpr auto linger_per_member = std::chrono::microseconds(10);
constexpr auto linger_max = std::chrono::milliseconds(100);
// Joins per join_run: each joiner's own tail of the run is a copy, so a run
// costs O(length^2) bytes; 64 keeps that small while cutting the entries each
// member queues 64-fold.
constexpr std::size_t max_run = 64;
// Batches handed to the store and not yet written, past which the room stops
// taking events until the store catches up: its inbox then fills and senders
// wait, instead of memory growing while the disk is slow.
constexpr std::uint64_t max_writes_in_flight = 8;

void append_member(std::array<std::vector<std::string>, 2>& lines, const std::string& nick, core::member_status status)
{
    for (const bool multi : {false, true})
        irc::add_to_nick_lines(lines[multi ? 1 : 0], core::status_prefixes(status, multi) + nick);
}


// The same message with a reference count of this shard's own: every
// recipient's queue copies the pointer, and with one count for all shards
// those increments would bounce its cache line between the shards' cores.
outgoing_ptr shard_local(const outgoing_ptr& shared)
{
    return outgoing_ptr(shared.get(), [keep = shared](const outgoing*) {});
}

}  // namespace

room::room(server_context& ctx, std::string name)
    : ctx_(ctx),
      name_(std::move(name)),
      inbox_(ctx.hub_executor(), inbox_capacity),
      members_per_shard_(ctx.shards.size(), 0),
      pending_shards_(ctx.shards.size(), false),
      linger_(ctx.hub_executor()),
      created_at_(std::chrono::system_clock::now()),
      key_(irc::fold(name_)),
      recent_(ctx.config.replay_lines),
      store_wait_(ctx.hub_executor())
{
    locals_.reserve(ctx.shards.size());
    for (std::size_t i = 0; i < ctx.shards.size(); ++i)
        locals_.push_back(std::make_shared<shard_members>());
    // Members on other nodes are in NAMES from the first join on.
    names_stale_ = !ctx.dir->remote_members().of(key_).empty();
}

asio::awaitable<void> room::run(std::shared_ptr<room> self)
{
    // What a joiner is shown comes from the ring, so the ring is filled
    // before the first join is taken; joins wait in the inbox meanwhile.
    if (self->ctx_.store != nullptr && self->ctx_.config.replay_lines > 0) {
        const auto since = unix_millis_now() - std::chrono::milliseconds(self->ctx_.config.replay_age).count();
        self->ctx_.store->recent(self->key_, self->ctx_.config.replay_lines, since,
            [self](std::optional<std::vector<core::history_entry>> found) {
                auto lines = found ? std::move(*found) : std::vector<core::history_entry>();
                asio::post(self->ctx_.hub_executor(), [self, lines = std::move(lines)]() mutable {
                    self->loaded(std::move(lines));
                });
            });
        while (!self->loaded_) {
            self->store_wait_.expires_at(asio::steady_timer::time_point::max());
            co_await self->store_wait_.async_wait(use_nothrow);
        }
    }
    // A registered channel comes back with its founder, topic, modes and
    // lists before anyone joins: a ban holds from the first join on.
    if (self->ctx_.store != nullptr) {
        self->ctx_.store->find_channel(self->key_, [self](store::store::channel_lookup found) {
            asio::post(self->ctx_.hub_executor(), [self, found = std::move(found)] {
                if (found.status == store::store::lookup_status::found)
                    self->restore(found.channel);
                self->registration_loaded_ = true;
                self->store_wait_.cancel();
            });
        });
        while (!self->registration_loaded_) {
            self->store_wait_.expires_at(asio::steady_timer::time_point::max());
            co_await self->store_wait_.async_wait(use_nothrow);
        }
    }
    for (;;) {
        auto [ec, ev] = co_await self->inbox_.async_receive(use_nothrow);
        if (ec)
            break;
        self->handle(std::move(ev));
        // Take whatever else is already waiting, then hand the whole batch to
        // each shard at once: one post per shard per batch, not per message.
        for (std::size_t n = 1; n < max_batch && !self->roster_.empty(); ++n) {
            const bool more = self->inbox_.try_receive([&self](boost::system::error_code rec, room_event next) {
                if (!rec)
                    self->handle(std::move(next));
            });
            if (!more)
                break;
        }
        self->flush_or_linger(self);
        // Back-pressure from the store: stop taking events while it is behind.
        while (self->writes_sent_ - self->writes_done_ >= max_writes_in_flight) {
            self->store_wait_.expires_at(asio::steady_timer::time_point::max());
            co_await self->store_wait_.async_wait(use_nothrow);
        }
        // What the room still holds for the store (its last member's PART and
        // the answer owed for it) goes out before the room does; a joiner
        // arriving meanwhile finds this room, not a new one that could
        // overtake it.
        while (self->roster_.empty() && self->pending_joins_ == 0 && !self->held_.empty()) {
            self->store_wait_.expires_at(asio::steady_timer::time_point::max());
            co_await self->store_wait_.async_wait(use_nothrow);
        }
        if (self->roster_.empty() && self->pending_joins_ == 0) {
            // Only members and announced joiners send here, and announcements
            // run on this executor, so no event can arrive after this point.
            self->ctx_.dir->forget_room(*self);
            self->inbox_.close();
            break;
        }
    }
    // Closed at shutdown: what lingers is dropped, not flushed, since the
    // shards may have stopped already and a hand-off posted to a stopped
    // shard would hold its sessions until that io_context is destroyed.
    self->linger_.cancel();
}

void room::flush_or_linger(const std::shared_ptr<room>& self)
{
    if (pending_urgent_ || roster_.size() < linger_min_members) {
        flush();
        return;
    }
    // What lingers is only JOIN lines for members who were in before; each
    // joiner's own answer (its JOIN, topic and names) went out at once.
    send_owed_answers();
    if (pending_.empty() || lingering_)
        return;
    lingering_ = true;
    linger_.expires_after(std::min<std::chrono::steady_clock::duration>(linger_max,
        linger_per_member * static_cast<std::int64_t>(roster_.size())));
    // A wait that completes after an earlier flush only flushes early: harmless.
    // Weak: a pending wait must not keep the room, and its timer, alive past
    // the io_context at shutdown (the timer would then outlive its service).
    linger_.async_wait([weak = std::weak_ptr<room>(self)](boost::system::error_code ec) {
        if (auto r = weak.lock(); r && !ec)
            r->flush();
    });
}

void room::add_member(const user_ptr& user, irc::cap_set caps)
{
    const bool userhost_in_names = (caps & irc::bit(irc::cap::userhost_in_names)) != 0;
    const bool multi_prefix = (caps & irc::bit(irc::cap::multi_prefix)) != 0;
    // Whoever opens a channel runs it, as on every common server; a
    // registered channel is run by its founder instead.
    const bool op = founder_.empty() ? roster_.empty()
                                     : !user->account.empty() && irc::same_name(user->account, founder_);
    const core::member_status status{op, false};
    if (!roster_.join(user, user->nick, status))
        return;
    user->channels.push_back(name_);
    if (!names_stale_)
        append_member(names_lines_, user->nick, status);
    // The joiner's greeting below bypasses the batch: whatever else is pending
    // (its own PART of this room just before, say) must reach it first.
    if (pending_urgent_)
        flush();
    const auto now = unix_millis_now();
    auto join_line = irc::relay(user->prefix(), "JOIN", {name_});
    // Read before this join is recorded: the joiner's replay ends before its JOIN.
    const auto replay = ctx_.config.replay_lines == 0 ? std::vector<core::history_entry>()
        : recent_.recent(ctx_.config.replay_lines,
              now - std::chrono::milliseconds(ctx_.config.replay_age).count());
    // Events carry their msgid live too, so that a client with
    // event-playback can tell a replayed JOIN from one it already saw.
    const auto joined = stamp_line(core::history_kind::join, join_line);
    auto extended_join = irc::relay(user->prefix(), "JOIN", {name_, user->account.empty() ? "*" : user->account},
        user->realname);
    auto join = make_join(std::move(join_line), std::move(extended_join), server_time_tag(joined.time_ms),
        joined.msgid, user->account);
    if (pending_.empty() || pending_.back().what != step::kind::joins
        || pending_.back().run->joiners.size() == max_run) {
        pending_.push_back({step::kind::joins, nullptr, nullptr, delivery::everyone, nullptr, 0,
            std::make_shared<join_run>()});
    }
    // The joiner gets its own JOIN in the greeting, and from the run only
    // the JOINs after its own.
    auto& run = *pending_.back().run;
    run.lines.push_back(join);
    run.joiners.push_back({user->owner, user->shard, nullptr});
    ++members_per_shard_[user->shard];
    pending_shards_[user->shard] = true;
    // JOIN, then topic and names, at once even while the other members' JOIN
    // lines linger. Later batches reach its shard after this post, so the
    // joiner still sees the room's events in order from its JOIN on.
    const auto topic = topic_facts();
    auto rest = make_plain((topic ? irc::topic_reply(ctx_.config.name, user->nick, name_, topic) : std::string())
        + greeting_names(user->nick, userhost_in_names, multi_prefix)
        + (replay.empty() ? std::string() : irc::replay_on_join(ctx_.config.name, name_, caps, ctx_.dir->next_msgid(), replay)));
    // In a cluster the stream's order is the room's: the joiner hears the
    // room only from its JOIN's place there on, so it is greeted once that
    // place is taken. Otherwise a line someone elsewhere sent after the
    // greeting arrived could precede the JOIN, and never reach the joiner.
    if (ctx_.clustered())
        write_unwritten();
    // From the joiner itself, as far as labeled-response goes: its answer.
    // Held like a batch: the lines it replays, and whatever the joiner might
    // have been sent before, must be written first. Its own JOIN event goes
    // to the store with the next batch; holding every greeting for a commit
    // of its own would throttle a join storm to the disk's pace.
    release_or_hold([this, member = user->owner, shard = user->shard, join, rest] {
        asio::post(ctx_.shards[shard]->ctx, [member, join, rest] {
            member->deliver(join, member.get());
            member->deliver(rest, member.get());
        });
    });
    // Members with away-notify learn at once that the newcomer is away.
    if (!user->away.empty())
        fan_out(make_for_cap(irc::relay(user->prefix(), "AWAY", {}, user->away), server_time_tag(), irc::cap::away_notify),
            user->owner.get(), delivery::others_once);
}

void room::handle(room_event ev)
{
    // Owed only once the event is applied: applying a join posts the
    // joiner's answer, which the word that it is queued must follow.
    auto sender = ev.wants_answer ? ev.user : nullptr;
    if (ev.from_outside)
        --pending_joins_;
    apply_event(std::move(ev));
    if (sender)
        answers_owed_.push_back(std::move(sender));
}

void room::send_owed_answers()
{
    // After a shutdown the shards may have stopped: the waiting sessions are
    // being cancelled anyway.
    if (inbox_.is_open() && !answers_owed_.empty()) {
        release_or_hold([this, owed = std::move(answers_owed_)] {
            for (const auto& user : owed)
                if (user->owner)
                    asio::post(ctx_.shards[user->shard]->ctx, [s = user->owner] { s->room_answered(); });
        });
    }
    answers_owed_.clear();
}

void room::apply_event(room_event ev)
{
    using kind = room_event::kind;
    switch (ev.what) {
    case kind::join:
        --pending_joins_;
        if (admits(ev))
            add_member(ev.user, ev.caps);
        break;
    case kind::message: {
        if (!lets_speak(ev))
            return;
        roster_.next_sequence();
        if (ev.is_chat) {
            ++messages_;
            ev.user->last_spoke = std::chrono::steady_clock::now();  // the record is the hub's, and so is this coroutine
        }
        // A TAGMSG without client tags carries nothing worth keeping; a
        // STATUSMSG is for a few members, not for whoever reads history.
        std::optional<core::history_kind> kept;
        if ((ev.is_chat || !ev.client_tags.empty()) && ev.status_prefix == 0)
            kept = !ev.is_chat ? core::history_kind::tagmsg
                : ev.is_notice ? core::history_kind::notice
                               : core::history_kind::privmsg;
        const auto said = stamp_line(kept, ev.line, ev.client_tags, ev.user->account);
        auto m = make_tagged(std::move(ev.line), server_time_tag(said.time_ms), ev.client_tags, ev.is_chat, !ev.is_chat,
            said.msgid, ev.user->account);
        if (ev.status_prefix != 0) {
            fan_out_to_status(m, ev.status_prefix, ev.origin);
            break;
        }
        fan_out(m, ev.origin, delivery::echo_if_asked);
        // From outside (-n): no member's copy reaches the sender, so its echo goes to it alone.
        if (ev.from_outside && ev.wants_answer)
            release_or_hold([this, member = ev.user->owner, shard = ev.user->shard, m] {
                asio::post(ctx_.shards[shard]->ctx, [member, m] { member->deliver(m, member.get(), delivery::echo_if_asked); });
            });
        break;
    }
    case kind::part: {
        if (!roster_.contains(ev.user))
            return;
        const auto parted = stamp_line(core::history_kind::part, ev.line);
        fan_out(make_tagged(std::move(ev.line), server_time_tag(parted.time_ms), {}, false, false, parted.msgid,
                    ev.user->account),
            ev.origin, delivery::everyone);
        remove_member(ev.user);
        break;
    }
    case kind::quit:
        if (!roster_.contains(ev.user))
            return;
        (void)stamp_line(core::history_kind::quit, ev.shown_once->line);
        remove_member(ev.user);
        fan_out(ev.shown_once, ev.origin, delivery::others_once);
        break;
    case kind::away:
    case kind::realname:  // SETNAME: like AWAY, for members with the capability
    case kind::account:   // ACCOUNT (account-notify): the same
        if (!roster_.contains(ev.user))
            return;
        fan_out(ev.shown_once, ev.origin, delivery::others_once);
        break;
    case kind::nick:
        if (!roster_.rename(ev.user, ev.text))
            return;
        names_stale_ = true;
        (void)stamp_line(core::history_kind::nick, ev.shown_once->line);
        fan_out(ev.shown_once, ev.origin, delivery::others_once);
        break;
    case kind::topic: {
        const auto status = roster_.status_of(ev.user);
        if (!status)
            return;
        if (!core::may_set_topic(modes_, *status) && !ev.user->is_server_operator()) {
            answer(ev.user, irc::room_fact::topic_refused{name_});
            return;
        }
        roster_.set_topic({ev.text, ev.user->nick, std::chrono::system_clock::now()});
        save_registration();
        const auto set = stamp_line(core::history_kind::topic, ev.line);
        fan_out(make_tagged(std::move(ev.line), server_time_tag(set.time_ms), {}, false, false, set.msgid,
                    ev.user->account),
            ev.origin,
            delivery::everyone);
        break;
    }
    case kind::mode:
        change_modes(ev);
        break;
    case kind::kick:
        kick(ev);
        break;
    case kind::invite:
        invite(ev);
        break;
    case kind::barrier:
        break;
    }
}

void room::remove_member(const user_ptr& user)
{
    roster_.leave(user);
    names_stale_ = true;
    std::erase(user->channels, name_);
    --members_per_shard_[user->shard];
    pending_.push_back({step::kind::remove, nullptr, nullptr, delivery::everyone, user->owner, user->shard, nullptr});
    pending_shards_[user->shard] = true;
    pending_urgent_ = true;
}

void room::fan_out(const outgoing_ptr& m, const void* origin, delivery mode)
{
    pending_.push_back({step::kind::fan_out, m, origin, mode, nullptr, 0, nullptr});
    pending_urgent_ = true;
}

void room::flush()
{
    pending_urgent_ = false;
    lingering_ = false;
    // Closed means shut down (or empty and gone): the shards may have stopped
    // running, and a hand-off queued on a stopped shard would hold sessions of
    // other shards until its io_context is destroyed, after theirs.
    if (!inbox_.is_open()) {
        pending_.clear();
        unwritten_.clear();
    }
    write_unwritten();
    if (pending_.empty()) {
        send_owed_answers();
        return;
    }
    for (auto& st : pending_)
        if (st.what == step::kind::joins)
            st.run->seal();
    // One hand-off per shard that has members or that a membership step
    // concerns; each shard walks only its own members.
    auto shared = std::make_shared<const batch>(std::move(pending_));
    pending_ = {};
    std::vector<std::size_t> shards;
    for (std::size_t i = 0; i < locals_.size(); ++i) {
        if (members_per_shard_[i] == 0 && !pending_shards_[i])
            continue;
        pending_shards_[i] = false;
        shards.push_back(i);
    }
    release_or_hold([this, shared, shards = std::move(shards)] {
        for (const auto i : shards)
            asio::post(ctx_.shards[i]->ctx, [local = locals_[i], shared, i] { apply(*shared, *local, i); });
    });
    // Each shard runs its posts in order, so a sender learns that its answer
    // is queued only after the batch holding it has been applied there.
    send_owed_answers();
}

room::stamp room::stamp_line(std::optional<core::history_kind> kept, const std::string& line,
    const std::string& client_tags, const std::string& account)
{
    auto id = ctx_.dir->next_message_id();
    stamp out{id.text, core::msgid_source::time_of(id.sequence)};
    if (!kept)
        return out;
    core::history_entry e{key_, std::move(id.text), out.time_ms, *kept, line, client_tags, account, id.sequence};
    if (*kept == core::history_kind::privmsg || *kept == core::history_kind::notice)
        recent_.push(e);
    if (ctx_.store != nullptr)
        unwritten_.push_back(std::move(e));
    return out;
}

void room::write_unwritten()
{
    if (unwritten_.empty())
        return;
    const auto write = ++writes_sent_;
    auto entries = std::move(unwritten_);
    unwritten_ = {};
    // A failed write is logged and counted by the store; the lines still go
    // out (README, "History": availability over a gap in history).
    ctx_.store->append(std::move(entries), [self = shared_from_this(), write](bool) {
        asio::post(self->ctx_.hub_executor(), [self, write] { self->written(write); });
    });
}

void room::release_or_hold(std::function<void()> release)
{
    if (held_.empty() && writes_done_ == writes_sent_) {
        release();
        return;
    }
    held_.emplace_back(writes_sent_, std::move(release));
}

void room::written(std::uint64_t write)
{
    writes_done_ = write;
    while (!held_.empty() && held_.front().first <= writes_done_) {
        auto release = std::move(held_.front().second);
        held_.pop_front();
        // Closed at shutdown: the shards may have stopped (see flush()).
        if (inbox_.is_open())
            release();
    }
    store_wait_.cancel();
}

void room::loaded(std::vector<core::history_entry> found)
{
    for (auto& e : found)
        recent_.push(std::move(e));
    loaded_ = true;
    store_wait_.cancel();
}

void room::remote_lines(std::vector<core::history_entry> lines, bool members_changed)
{
    if (members_changed)
        names_stale_ = true;
    if (!inbox_.is_open())
        return;
    batch steps;
    steps.reserve(lines.size());
    for (auto& e : lines) {
        const bool chat = e.kind == core::history_kind::privmsg || e.kind == core::history_kind::notice;
        if (chat)
            ++messages_;
        auto m = make_tagged(e.line, server_time_tag(e.time_ms), e.client_tags, chat,
            e.kind == core::history_kind::tagmsg, e.msgid, e.account);
        steps.push_back({step::kind::fan_out, std::move(m), nullptr, delivery::everyone, nullptr, 0, nullptr});
        if (chat)
            recent_.push(std::move(e));
    }
    auto shared = std::make_shared<const batch>(std::move(steps));
    for (std::size_t i = 0; i < locals_.size(); ++i)
        if (members_per_shard_[i] != 0)
            asio::post(ctx_.shards[i]->ctx, [local = locals_[i], shared, i] { apply(*shared, *local, i); });
}

void room::remote_quit(const outgoing_ptr& line)
{
    names_stale_ = true;
    if (!inbox_.is_open())
        return;
    auto shared = std::make_shared<const batch>(
        batch{{step::kind::fan_out, line, nullptr, delivery::others_once, nullptr, 0, nullptr}});
    for (std::size_t i = 0; i < locals_.size(); ++i)
        if (members_per_shard_[i] != 0)
            asio::post(ctx_.shards[i]->ctx, [local = locals_[i], shared, i] { apply(*shared, *local, i); });
}

void room::apply(const batch& steps, shard_members& local, std::size_t shard)
{
    auto& members = local.members;
    for (std::size_t i = 0; i < steps.size();) {
        const auto& st = steps[i];
        switch (st.what) {
        case step::kind::joins: {
            const auto& run = *st.run;
            const auto all = shard_local(run.all);
            for (const auto& s : members)
                s->deliver(all);
            for (const auto& j : run.joiners) {
                if (j.shard != shard)
                    continue;
                members.push_back(j.member);
                if (j.rest)
                    j.member->deliver(j.rest);
            }
            ++i;
            continue;
        }
        case step::kind::remove:
            if (st.shard == shard)
                std::erase(members, st.member);
            ++i;
            continue;
        case step::kind::fan_out:
            break;
        }
        // A run of messages: each member queues the whole run, then the
        // shard's flush task writes it once.
        auto end = i;
        while (end < steps.size() && steps[end].what == step::kind::fan_out)
            ++end;
        std::vector<outgoing_ptr> run;
        run.reserve(end - i);
        for (auto k = i; k < end; ++k)
            run.push_back(shard_local(steps[k].msg));
        for (const auto& s : members)
            for (auto k = i; k < end; ++k)
                s->deliver(run[k - i], steps[k].origin, steps[k].mode);
        i = end;
    }
}

void room::join_run::seal()
{
    all = make_run(lines);
    for (std::size_t i = 0; i + 1 < joiners.size(); ++i)
        joiners[i].rest = make_run(lines, i + 1);
    lines.clear();
}

void room::rebuild_names() const
{
    for (auto& lines : names_lines_)
        lines.clear();
    for (const auto& e : roster_.members())
        append_member(names_lines_, e.nick, e.status);
    for (const auto& [folded, remote] : ctx_.dir->remote_members().of(key_))
        if (roster_.find_nick(folded) == nullptr)
            append_member(names_lines_, remote.nick, {});
    names_stale_ = false;
}

std::optional<irc::channel_topic> room::topic_facts() const
{
    const auto& topic = roster_.topic();
    if (!topic)
        return std::nullopt;
    return irc::channel_topic{topic->text, topic->set_by,
        std::chrono::duration_cast<std::chrono::seconds>(topic->set_at.time_since_epoch()).count()};
}

irc::channel_names room::names_facts(bool userhost, bool multi_prefix, bool member) const
{
    irc::channel_names names{name_, modes_.secret(), {}};
    // userhost-in-names lists nick!user@host, and an outsider sees no
    // invisible (+i) member: both built afresh, as the reply is as long as
    // the roster anyway, and few ask for them.
    if (userhost || !member) {
        for (const auto& e : roster_.members())
            if (member || e.member->modes.find('i') == std::string::npos)
                irc::add_to_nick_lines(names.nick_lines,
                    core::status_prefixes(e.status, multi_prefix) + (userhost ? e.member->prefix() : e.nick));
        for (const auto& [folded, remote] : ctx_.dir->remote_members().of(key_))
            if (roster_.find_nick(folded) == nullptr)
                irc::add_to_nick_lines(names.nick_lines, userhost ? remote.prefix : remote.nick);
        return names;
    }
    if (names_stale_)
        rebuild_names();
    names.nick_lines = names_lines_[multi_prefix ? 1 : 0];
    return names;
}

std::string room::greeting_names(std::string_view requester, bool userhost, bool multi_prefix) const
{
    if (userhost)
        return irc::names_reply(ctx_.config.name, requester, name_, modes_.secret(),
            names_facts(true, multi_prefix, true).nick_lines);
    // A join storm greets every joiner with this: straight from the cache.
    if (names_stale_)
        rebuild_names();
    return irc::names_reply(ctx_.config.name, requester, name_, modes_.secret(), names_lines_[multi_prefix ? 1 : 0]);
}

}  // namespace sala::server
