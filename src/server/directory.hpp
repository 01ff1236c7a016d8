#pragma once
// The server-wide directory: who holds which nick, which rooms exist, and the
// public facts about each user that other users may query (WHO, WHOIS, NAMES).
// Thread-safety: lives on shard 0; every member function must run on
// server_context::hub_executor(). Sessions on other shards reach it with
// call_on_hub() (a message hand-off), never directly.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/history.hpp"
#include "core/msgid.hpp"
#include "core/remote_members.hpp"
#include "core/server_ban.hpp"
#include "core/whowas.hpp"
#include "irc/effects.hpp"
#include "irc/server_facts.hpp"
#include "irc/user_facts.hpp"
#include "irc/who.hpp"
#include "irc/whois.hpp"
#include "server/context.hpp"
#include "server/monitors.hpp"

namespace sala::server {

class session;
class room;

struct user_record {
    std::string nick;
    std::string user;
    std::string host;
    std::string realname;
    std::string away;  // empty: not away
    std::string modes;  // user mode letters set, e.g. "i"
    bool registered = false;
    bool secure = false;  // connected over TLS
    std::string certfp;   // SHA-256 of the TLS client certificate; empty: none
    std::string account;  // logged in to; empty: none
    std::size_t shard = 0;
    std::shared_ptr<session> owner;  // the session; immutable after the first claim
    std::chrono::system_clock::time_point connected_at;
    // When the user last sent a PRIVMSG or NOTICE (or connected): WHOIS idle time.
    std::chrono::steady_clock::time_point last_spoke;
    std::vector<std::string> channels;  // display names, in join order

    [[nodiscard]] std::string prefix() const { return nick + "!" + user + "@" + host; }
    // OPER made it one (user mode +o); it may override channel rules.
    [[nodiscard]] bool is_server_operator() const { return modes.find('o') != std::string::npos; }
};
using user_ptr = std::shared_ptr<user_record>;

// The name a private conversation files `u` under (core::conversation_key):
// its account, or its nick marked as not logged in.
[[nodiscard]] std::string correspondent(const user_record& u);

class directory {
public:
    explicit directory(server_context& ctx);

    enum class claim_result { ok, in_use };

    // Takes `nick` for `user`, creating the record on the first claim. A case
    // change of one's own nick is allowed.
    claim_result claim_nick(user_ptr& user, const std::string& nick, const std::shared_ptr<session>& owner,
        std::size_t shard, const std::string& host);

    // Publishes the user's mode letters as now set (e.g. "i"): WHO respects
    // +i, and LUSERS counts it.
    void set_modes(const user_ptr& user, std::string modes);
    // LUSERS. `connections` is every open connection, registered or not.
    [[nodiscard]] irc::user_counts user_counts(std::size_t connections) const;

    // Frees the nick, remembers it for WHOWAS and tells its monitors, and
    // forgets the user's own MONITOR list. Rooms may still hold the record
    // until they process the user's quit; the session drops its own link so
    // no cycle remains.
    void release(const user_ptr& user);

    // Registration is complete: the user's facts are public from now on,
    // whoever monitors the nick learns that it is online, and LUSERS counts it.
    void complete_registration(const user_ptr& user, std::string username, std::string realname);

    [[nodiscard]] user_ptr find_user(std::string_view nick) const;
    [[nodiscard]] std::shared_ptr<room> find_room(std::string_view name) const;

    // The room called `name`, created (and its coroutine started) if it does not
    // exist. The caller must then send it a join event (see room::expect_join).
    std::shared_ptr<room> room_for_join(const std::string& name);

    // Called by a room whose last member left, from the room's own coroutine.
    void forget_room(const room& r);

    // Closes every room's inbox so the room coroutines end (shutdown).
    void close_all_rooms();

    [[nodiscard]] const std::unordered_map<std::string, std::shared_ptr<room>>& rooms() const { return rooms_; }
    [[nodiscard]] const std::unordered_map<std::string, user_ptr>& users() const { return users_; }

    // Queries. WHO and WHOIS answer with facts, which irc::session_protocol
    // formats, as it does LIST's channels.
    // What each answers leaves out what `requester` may not see: secret
    // channels (+s) they are not in, and invisible users (+i) they share no
    // channel with; server operators see everything.
    // WHO: the members of a channel, one user by exact nick, or the users a
    // mask matches (nick, user, host or realname); at most irc::max_who_entries.
    [[nodiscard]] std::vector<irc::who_entry> who(std::string_view mask, const user_ptr& requester) const;
    // WHOIS: what is known of the registered user holding `nick`
    // (irc::session_protocol decides the rest of what the asker may see);
    // nullopt when nobody registered holds it.
    [[nodiscard]] std::optional<irc::whois_facts> whois(std::string_view nick, const user_ptr& requester) const;
    // LIST: the channels `filter` admits (irc::list_filter; empty: all).
    [[nodiscard]] std::vector<irc::listed_channel> list(const user_ptr& requester, std::string_view filter = {}) const;

    // ---- users: USERHOST, ISON, WHOWAS, MONITOR (directory_users.cpp) ------
    // Those of `nicks` who are registered, in the order asked.
    [[nodiscard]] std::vector<irc::user_presence> present(const std::vector<std::string>& nicks) const;
    // WHOWAS: who held `nick_or_mask` before, newest first, at most `max`.
    [[nodiscard]] std::vector<irc::past_user> whowas(std::string_view nick_or_mask, std::size_t max) const;
    irc::monitor_facts monitor(const user_ptr& watcher, const irc::effect::monitor& asked);
    // extended-monitor: `m` about `nick` to its watchers who asked for it.
    void relay_to_watchers(const std::string& nick, const std::shared_ptr<const struct outgoing>& m) const
    {
        monitors_.relay(nick, m);
    }
    // -------------------------------------------------------------------------

    // ---- server bans: K-lines (directory_bans.cpp) ---------------------------
    // The bans the store holds, at start.
    void set_server_bans(std::vector<core::server_ban> bans);
    // Adds `ban` (replacing one with its mask) and disconnects the registered
    // users it covers, operators excepted; returns how many.
    std::size_t add_server_ban(core::server_ban ban);
    // False when no ban had `mask`.
    bool remove_server_ban(std::string_view mask);
    // The ban covering `u` now, if any; expired bans are forgotten on the way.
    [[nodiscard]] std::optional<core::server_ban> server_ban_for(const user_record& u, std::int64_t now_ms);
    // -------------------------------------------------------------------------

    // ---- cluster ---------------------------------------------------------------
    // Lines of one room that other nodes relayed, in the stream's order: who
    // is in the room elsewhere is kept up to date, and its members here see them.
    void remote_lines(const std::string& node, std::vector<core::history_entry> lines);
    // `node` stopped beating: its users quit every room here.
    void node_lost(const std::string& node);
    [[nodiscard]] const core::remote_members& remote_members() const { return remote_members_; }
    // -------------------------------------------------------------------------

    // Queues `m` on the session behind `user`, on that session's shard.
    void deliver_to(const user_record& user, std::shared_ptr<const struct outgoing> m) const;

    server_context& context() { return ctx_; }

    // A new IRCv3 msgid for a relayed message; hub executor only, like the rest.
    // Its sequence gives the time to stamp the message with (msgid.hpp).
    [[nodiscard]] core::message_id next_message_id();
    // The same for a message whose time is not shown with it (a batch reference).
    [[nodiscard]] std::string next_msgid() { return next_message_id().text; }

private:
    // A registered user let `old_nick` go: kept for WHOWAS, and its monitors told.
    void nick_gone(const user_record& u, const std::string& old_nick);

    server_context& ctx_;
    core::msgid_source msgids_;
    core::whowas_history whowas_;
    monitors monitors_;
    std::unordered_map<std::string, user_ptr> users_;             // folded nick -> user
    std::unordered_map<std::string, std::shared_ptr<room>> rooms_;  // folded name -> room
    // Kept as users come and go, so LUSERS in every welcome does not walk
    // every user: registered users, those of them with +i, and the most
    // registered at once.
    std::size_t registered_ = 0;
    std::size_t invisible_ = 0;
    std::size_t max_registered_ = 0;
    std::vector<core::server_ban> server_bans_;
    core::remote_members remote_members_;  // few: a K-line list is short
};

}  // namespace sala::server
