// A room's rules: who may join and speak (its modes and lists), MODE, KICK
// and INVITE. Decided on the hub, in the room's own order of events, so a
// ban or +m applies from exactly the next event on.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/channel_access.hpp"
#include "core/mode_changes.hpp"
#include "irc/names.hpp"
#include "irc/replies.hpp"
#include "server/room.hpp"

namespace sala::server {

namespace {

// Invitations a room remembers; the oldest is forgotten past this.
constexpr std::size_t max_invited = 100;

std::int64_t unix_seconds_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void room::answer(const user_ptr& user, irc::any_room_fact fact)
{
    if (!user->owner)
        return;
    release_or_hold([this, member = user->owner, shard = user->shard, fact = std::move(fact)]() mutable {
        asio::post(ctx_.shards[shard]->ctx,
            [member, fact = std::move(fact)]() mutable { member->room_replied(std::move(fact)); });
    });
}

bool room::admits(const room_event& ev)
{
    const auto& user = *ev.user;
    if (roster_.contains(ev.user))
        return true;  // add_member() ignores it
    const auto folded = irc::fold(user.nick);
    const auto invitation = std::find(invited_.begin(), invited_.end(), folded);
    const auto prefix = user.prefix();
    const auto verdict = core::may_join(modes_,
        {prefix, user.account, invitation != invited_.end(), ev.text, roster_.size()});
    if (verdict != core::join_verdict::ok && user.is_server_operator()) {
        spdlog::warn("{} joins {} as server operator despite {}", prefix, name_, static_cast<int>(verdict));
        return true;
    }
    if (verdict != core::join_verdict::ok) {
        answer(ev.user, irc::room_fact::join_refused{key_, name_, verdict});
        return false;
    }
    // An invitation is good for one join.
    if (invitation != invited_.end())
        invited_.erase(invitation);
    return true;
}

bool room::lets_speak(const room_event& ev)
{
    const auto status = roster_.status_of(ev.user);
    if (!status && !ev.from_outside)
        return false;  // left (or was kicked) before this arrived: nothing to say
    // The mask is built only when there are bans to match it against: most
    // rooms have none, and this runs for every message.
    const bool has_bans = !modes_.entries(core::mode_list::ban).empty();
    const auto mask = has_bans ? ev.user->prefix() : std::string();
    const auto verdict = core::may_speak(modes_,
        {mask, ev.user->account, status.has_value(), status.value_or(core::member_status{})});
    if (verdict == core::speak_verdict::ok)
        return true;
    if (!ev.is_notice)
        answer(ev.user, irc::room_fact::message_refused{name_, verdict, ev.is_notice});
    return false;
}

void room::fan_out_event(core::history_kind kind, std::string line, const room_event& ev)
{
    const auto done = stamp_line(kind, line);
    fan_out(make_tagged(std::move(line), server_time_tag(done.time_ms), {}, false, false, done.msgid,
                ev.user->account),
        ev.origin, delivery::everyone);
}

void room::fan_out_to_status(const outgoing_ptr& m, char prefix, const void* origin)
{
    // Rare, so a walk of the roster will do; what is pending goes first, so
    // these copies keep their place among the room's lines.
    flush();
    std::vector<std::vector<std::shared_ptr<session>>> by_shard(locals_.size());
    for (const auto& e : roster_.members())
        if (e.status.op || (prefix == '+' && e.status.voice))
            by_shard[e.member->shard].push_back(e.member->owner);
    release_or_hold([this, m, origin, by_shard = std::move(by_shard)] {
        for (std::size_t shard = 0; shard < by_shard.size(); ++shard)
            if (!by_shard[shard].empty())
                asio::post(ctx_.shards[shard]->ctx, [m, origin, members = by_shard[shard]] {
                    for (const auto& s : members)
                        if (s)
                            s->deliver(m, origin, delivery::echo_if_asked);
                });
    });
}

void room::change_modes(const room_event& ev)
{
    const auto request = core::parse_mode_request(ev.mode_params);
    const auto status = roster_.status_of(ev.user);
    const core::mode_actor actor{status && status->op, ev.user->is_server_operator()};
    const auto members = [this](std::string_view nick) -> std::optional<core::channel_member> {
        const auto* e = roster_.find_nick(nick);
        if (e == nullptr)
            return std::nullopt;
        return core::channel_member{e->nick, e->status};
    };
    auto outcome = modes_.apply(request, actor, members, ev.user->prefix(), unix_seconds_now());
    for (auto& p : outcome.problems)
        if (p.error == core::mode_error::not_on_channel && !ctx_.dir->find_user(p.param))
            p.error = core::mode_error::no_such_nick;
    for (const auto& change : outcome.applied) {
        if (core::kind_of(change.letter) != core::mode_kind::member_status)
            continue;
        const auto* e = roster_.find_nick(change.param);
        if (e == nullptr)
            continue;
        auto changed = e->status;
        (change.letter == 'o' ? changed.op : changed.voice) = change.adding;
        roster_.set_status(e->member, changed);
        names_stale_ = true;
    }
    if (std::any_of(outcome.applied.begin(), outcome.applied.end(),
            [](const auto& c) { return core::kind_of(c.letter) != core::mode_kind::member_status; }))
        save_registration();
    if (!outcome.applied.empty()) {
        const auto text = core::render_mode_changes(outcome.applied);
        if (!actor.is_op)
            spdlog::warn("{} changes modes of {} as server operator: {}", ev.user->prefix(), name_, text.modes);
        fan_out_event(core::history_kind::mode,
            irc::mode_change_line(ev.user->prefix(), name_, text.modes, text.params), ev);
    }
    if (outcome.problems.empty() && outcome.queries.empty())
        return;
    irc::room_fact::mode_answered answered{name_, std::move(outcome.problems), {}};
    for (const auto list : outcome.queries)
        answered.lists.emplace_back(list, modes_.entries(list));
    answer(ev.user, std::move(answered));
}

void room::kick(const room_event& ev)
{
    const auto status = roster_.status_of(ev.user);
    if (!status)
        return;  // left before this arrived
    const bool overriding = !status->op && ev.user->is_server_operator();
    if (!status->op && !overriding) {
        answer(ev.user, irc::room_fact::kick_refused{name_, ev.text, irc::room_fact::refusal::need_op});
        return;
    }
    const auto* found = roster_.find_nick(ev.text);
    if (found == nullptr) {
        answer(ev.user, irc::room_fact::kick_refused{name_, ev.text, irc::room_fact::refusal::target_not_on_channel});
        return;
    }
    const auto target = found->member;  // found is gone once the target is removed
    if (overriding)
        spdlog::warn("{} kicks {} from {} as server operator", ev.user->prefix(), found->nick, name_);
    fan_out_event(core::history_kind::kick, irc::relay(ev.user->prefix(), "KICK", {name_, found->nick}, ev.line), ev);
    remove_member(target);
    answer(target, irc::room_fact::removed{key_});
}

void room::invite(const room_event& ev)
{
    using irc::room_fact::refusal;
    const auto status = roster_.status_of(ev.user);
    if (!status)
        return;  // left before this arrived
    irc::room_fact::invite_answered answered{name_, ev.text, false, refusal::need_op};
    const auto invitee = ctx_.dir->find_user(ev.text);
    if (modes_.invite_only() && !status->op && !ev.user->is_server_operator()) {
        answer(ev.user, std::move(answered));
        return;
    }
    if (!invitee || !invitee->registered) {
        answered.why = refusal::no_such_nick;
        answer(ev.user, std::move(answered));
        return;
    }
    answered.target = invitee->nick;
    if (roster_.contains(invitee)) {
        answered.why = refusal::target_on_channel;
        answer(ev.user, std::move(answered));
        return;
    }
    auto folded = irc::fold(invitee->nick);
    if (std::find(invited_.begin(), invited_.end(), folded) == invited_.end()) {
        if (invited_.size() == max_invited)
            invited_.pop_front();
        invited_.push_back(std::move(folded));
    }
    const auto line = irc::relay(ev.user->prefix(), "INVITE", {invitee->nick, name_});
    ctx_.dir->deliver_to(*invitee, make_tagged(line, server_time_tag(), {}, false, false, {}, ev.user->account));
    // invite-notify: the channel learns who was let in, as its ops would want.
    fan_out(make_for_cap(line, server_time_tag(), irc::cap::invite_notify), ev.origin, delivery::others_once);
    answered.invited = true;
    answer(ev.user, std::move(answered));
}

}  // namespace sala::server
