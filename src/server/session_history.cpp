// CHATHISTORY (irc::effect::history, irc::effect::history_targets): who may
// read what is decided here, the reading is done on the store's reader
// lane, and the protocol layer formats the answer. A shard never waits on
// the disk: the session coroutine suspends until the store posts back.
#include <algorithm>

#include "irc/names.hpp"
#include "server/hub_call.hpp"
#include "server/session.hpp"
#include "server/store_call.hpp"
#include "store/store.hpp"

namespace sala::server {

bool session::may_read_history(std::string_view folded_target) const
{
    const auto& joined = proto_.channels();
    return std::any_of(joined.begin(), joined.end(), [folded_target](const auto& c) { return c.first == folded_target; });
}

asio::awaitable<void> session::answer_history(const irc::effect::history& e)
{
    using entries = std::optional<std::vector<core::history_entry>>;
    if (irc::is_channel(e.query.target) && !may_read_history(e.query.target)) {
        // Not a member: the same answer as for a channel that does not
        // exist, so that CHATHISTORY cannot probe secret channels.
        auto answer = proto_.history_answered(e, std::nullopt);
        co_await carry_out(std::move(answer));
        co_return;
    }
    // Private conversations are read back through an account, the only
    // name that stays someone's; without one a nick has no history.
    if (ctx_.store == nullptr || (!irc::is_channel(e.query.target) && proto_.account().empty())) {
        auto answer = proto_.history_answered(e, std::vector<core::history_entry>{});
        co_await carry_out(std::move(answer));
        co_return;
    }
    auto q = e.query;
    if (!irc::is_channel(q.target)) {
        // The other end as it is filed: whoever holds the nick now, or, when
        // no one does, the account of that name.
        auto find = [dir = ctx_.dir, nick = q.target] {
            const auto u = dir->find_user(nick);
            return u && u->registered ? correspondent(*u) : irc::fold(nick);
        };
        const auto other = co_await call_on(ctx_.hub_executor(), std::move(find));
        q.target = core::conversation_key(irc::fold(proto_.account()), other);
    }
    auto start = [store = ctx_.store, q = std::move(q)](auto done) { store->query(q, std::move(done)); };
    const auto found = co_await ask_store<entries>(std::move(start));
    auto answer = found ? proto_.history_answered(e, found) : proto_.history_answered(e, std::nullopt, true);
    co_await carry_out(std::move(answer));
}

asio::awaitable<void> session::answer_history_targets(const irc::effect::history_targets& e)
{
    using activity = std::optional<std::vector<core::history_target_activity>>;
    auto asked = e;
    for (const auto& [key, name] : proto_.channels())
        asked.query.targets.push_back(key);
    const auto me = irc::fold(proto_.account());
    asked.query.conversations_of = me;
    std::vector<core::history_target_activity> none;
    if (ctx_.store == nullptr || (asked.query.targets.empty() && me.empty())) {
        auto answer = proto_.history_targets_answered(asked, none);
        co_await carry_out(std::move(answer));
        co_return;
    }
    auto start = [store = ctx_.store, q = asked.query](auto done) { store->query_targets(q, std::move(done)); };
    const auto found = co_await ask_store<activity>(std::move(start));
    // A failed lookup lists nothing: TARGETS has no error of its own to give.
    auto listed = found ? std::move(*found) : none;
    // A conversation is listed as the other end's name.
    for (auto& t : listed)
        if (auto partner = core::conversation_partner(t.target, me); !partner.empty())
            t.target = std::move(partner);
    auto answer = proto_.history_targets_answered(asked, listed);
    co_await carry_out(std::move(answer));
}

}  // namespace sala::server
