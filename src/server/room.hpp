#pragma once
// A room: a coroutine that receives events from its channel, gives each message
// its sequence number and time, and fans it out with one hand-off per shard that
// has members; each shard then queues the shared buffer on its local members.
// Thread-safety: the room's state is touched only on the hub executor (its
// coroutine and directory calls run there). inbox() may be sent to from any thread.
// The per-shard member lists are touched only on their own shard.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/channel_modes.hpp"
#include "core/channel_registration.hpp"
#include "core/history.hpp"
#include "core/msgid.hpp"
#include "core/history_ring.hpp"
#include "core/roster.hpp"
#include "irc/channel_facts.hpp"
#include "irc/channel_replies.hpp"
#include "server/directory.hpp"
#include "server/outgoing.hpp"
#include "server/session.hpp"

namespace sala::server {

struct room_event {
    // barrier: nothing to do but answer, once what came before is handed over.
    enum class kind : std::uint8_t {
        join, message, part, quit, nick, topic, away, realname, account, mode, kick, invite, barrier };
    kind what = kind::message;
    user_ptr user;
    std::string line;         // serialized, for message/part/topic; kick: the reason
    outgoing_ptr shown_once;  // nick/quit/away/realname: one buffer for all the user's rooms, so members
                              // sharing several of them can show it once
    std::string client_tags;  // message: the sender's "+tag=value" list
    std::string text;         // topic: the new topic; join: the key given; kick, invite: the nick
    std::vector<std::string> mode_params;  // mode: MODE's parameters after the channel name
    // Sent by someone who is not a member, after room::expect_outsider(): the
    // room stays alive for it (a message to a -n channel, a ban list query).
    bool from_outside = false;
    char status_prefix = 0;  // message: STATUSMSG's '@' or '+', 0 for every member
    bool is_chat = false;     // message: PRIVMSG/NOTICE rather than TAGMSG
    bool is_notice = false;   // message: NOTICE
    const void* origin = nullptr;  // the sending session, for echo-message
    // The sender waits for its answer (irc::effect::answered_through_room):
    // the room tells its session once that answer is queued on its shard.
    bool wants_answer = false;
    irc::cap_set caps = 0;  // join: the joiner's capabilities, for its NAMES and replay
};

using room_channel = asio::experimental::concurrent_channel<void(boost::system::error_code, room_event)>;

class room : public std::enable_shared_from_this<room> {
public:
    room(server_context& ctx, std::string name);

    // The room coroutine: runs until the last member leaves or the inbox closes.
    static asio::awaitable<void> run(std::shared_ptr<room> self);

    room_channel& inbox() { return inbox_; }
    [[nodiscard]] const std::string& name() const { return name_; }

    // Hub executor only. Announces that a join event for this room is on its
    // way, so the room stays alive until it arrives even if it is empty now.
    void expect_join() { ++pending_joins_; }
    // The same for an event from someone who is not a member (from_outside).
    void expect_outsider() { ++pending_joins_; }

    [[nodiscard]] const core::channel_modes& modes() const { return modes_; }

    // Hub executor only. Lines that other nodes of the cluster relayed to
    // this room, in the stream's order: its members here see them at once,
    // ahead of anything of this node's still waiting for the stream, since
    // the stream holds that later. `members_changed`: NAMES must be rebuilt.
    void remote_lines(std::vector<core::history_entry> lines, bool members_changed);
    // A member on a node that was lost: its QUIT, one line for all its rooms.
    void remote_quit(const outgoing_ptr& line);

    // ---- Registration (ChanServ), hub executor only (room_registration.cpp) --
    // The founder's account; empty while the channel is not registered.
    [[nodiscard]] const std::string& founder() const { return founder_; }
    // What the store keeps of this channel, registered to `founder` at `now_ms`.
    [[nodiscard]] core::channel_registration registration(const std::string& founder, std::int64_t now_ms) const;
    // The store took the registration (or dropped it: empty founder). From
    // now on changes to the topic, modes and lists are written back.
    void set_founder(std::string founder, std::int64_t registered_ms);

    // NAMES as one asker may see it: with `userhost`, nick!user@host
    // (userhost-in-names); without `member`, for someone outside, invisible
    // members left out.
    [[nodiscard]] irc::channel_names names_facts(bool userhost, bool multi_prefix, bool member) const;
    [[nodiscard]] std::optional<irc::channel_topic> topic_facts() const;
    [[nodiscard]] const core::roster<user_ptr>& roster() const { return roster_; }
    [[nodiscard]] std::uint64_t message_count() const { return messages_; }
    [[nodiscard]] std::chrono::system_clock::time_point created_at() const { return created_at_; }

private:
    struct shard_members {
        std::vector<std::shared_ptr<session>> members;
    };

    // One step of a batch, applied in order on each shard. Membership changes
    // travel in the same stream as messages, so a burst of joins needs no
    // flush in between and each member still sees exactly the messages sent
    // while it was in.
    // Consecutive joins, with their JOIN lines serialized into one buffer:
    // a member that was in before the run queues one entry for all of them,
    // and the joiner at position i one entry for the JOINs after its own.
    struct join_run {
        struct joiner {
            std::shared_ptr<session> member;
            std::size_t shard = 0;
            outgoing_ptr rest;  // JOIN lines of the joiners after it; null for the last
        };
        std::vector<joiner> joiners;
        std::vector<outgoing_ptr> lines;  // until sealed
        outgoing_ptr all;                 // set by seal()
        void seal();
    };

    struct step {
        enum class kind : std::uint8_t { fan_out, joins, remove };
        kind what;
        outgoing_ptr msg;                  // fan_out
        const void* origin = nullptr;      // fan_out
        delivery mode = delivery::everyone;  // fan_out
        std::shared_ptr<session> member;   // remove
        std::size_t shard = 0;             // remove: the member's shard
        std::shared_ptr<join_run> run;     // joins
    };
    using batch = std::vector<step>;

    static void apply(const batch& steps, shard_members& local, std::size_t shard);

    // Applies one event; then owes its sender word that the answer is queued.
    void handle(room_event ev);
    void apply_event(room_event ev);
    // Tells the sessions waiting for their answers that those are on their
    // way: posted to their shards after the batch holding the answers.
    void send_owed_answers();
    void add_member(const user_ptr& user, irc::cap_set caps);
    void remove_member(const user_ptr& user);
    // Queues a message for every member; flush() hands the queue to the shards.
    void fan_out(const outgoing_ptr& m, const void* origin, delivery mode);
    void flush();
    // End of a wake-up: hand the batch over now, or, when it holds only joins
    // to a large room, let it linger so more joins share each member's write.
    void flush_or_linger(const std::shared_ptr<room>& self);
    void rebuild_names() const;
    // The 353/366 lines a joiner is greeted with.
    [[nodiscard]] std::string greeting_names(std::string_view requester, bool userhost, bool multi_prefix) const;

    // ---- Moderation: who may join, speak, and change what -------------------
    [[nodiscard]] bool admits(const room_event& ev);  // a join; answers the joiner when refused
    [[nodiscard]] bool lets_speak(const room_event& ev);  // answers the sender when refused
    void change_modes(const room_event& ev);
    void kick(const room_event& ev);
    void invite(const room_event& ev);
    // Tells `user`'s session something about its own request, after what
    // is being written for history now, like every answer.
    void answer(const user_ptr& user, irc::any_room_fact fact);
    // Fans out a line about the channel itself (MODE, KICK) and keeps it as an event.
    void fan_out_event(core::history_kind kind, std::string line, const room_event& ev);
    // STATUSMSG: `m` to the members with status `prefix` ('@' or '+') or higher.
    void fan_out_to_status(const outgoing_ptr& m, char prefix, const void* origin);

    // ---- History: nothing goes out before the store has written it ----------
    // A line's place in history: its msgid, and the server-time it shows,
    // which is the time the msgid's sequence names.
    struct stamp {
        std::string msgid;
        std::int64_t time_ms = 0;
    };
    // Gives a line the next msgid and, unless `kept` is empty, records it
    // for history under that id: kept with the batch being built, and in the
    // replay ring when it is chat.
    stamp stamp_line(std::optional<core::history_kind> kept, const std::string& line,
        const std::string& client_tags = {}, const std::string& account = {});
    // Hands the lines recorded since the last flush to the store.
    void write_unwritten();
    // Runs `release` once everything handed to the store so far is written:
    // at once when nothing is in flight. Releases run in the order they came.
    void release_or_hold(std::function<void()> release);
    // The store finished write number `write` (in order): what waited for it goes.
    void written(std::uint64_t write);
    // The replay ring as the store had it when the room started.
    void loaded(std::vector<core::history_entry> found);
    // The registration as the store had it when the room started, if any.
    void restore(const core::channel_registration& kept);
    // A registered channel's topic, modes or lists changed: written back.
    void save_registration();

    server_context& ctx_;
    std::string name_;
    room_channel inbox_;
    core::roster<user_ptr> roster_;
    std::vector<std::shared_ptr<shard_members>> locals_;  // one per shard
    std::vector<std::size_t> members_per_shard_;
    std::uint64_t messages_ = 0;
    std::size_t pending_joins_ = 0;
    batch pending_;  // steps not yet handed to the shards
    std::vector<bool> pending_shards_;  // shards that a pending join/remove concerns
    std::vector<user_ptr> answers_owed_;  // senders of events handled since the last hand-off
    // pending_ holds more than joins (their JOIN lines and adds): it must go now.
    bool pending_urgent_ = false;
    asio::steady_timer linger_;  // runs while joins wait in pending_
    bool lingering_ = false;
    // NAMES nick lists, one per 353 line, extended as members join so that a
    // join storm does not rebuild an O(n) list for every joiner. A leave or
    // rename marks them stale; the next NAMES rebuilds them.
    // [0]: each member with its highest prefix; [1]: with all (multi-prefix).
    mutable std::array<std::vector<std::string>, 2> names_lines_;
    mutable bool names_stale_ = false;
    core::channel_modes modes_;
    // Folded nicks invited since they last joined (INVITE lifts +i), oldest
    // first; bounded, so invitations cannot grow a room's memory.
    std::deque<std::string> invited_;
    std::string founder_;  // registered to this account; empty: not registered
    std::int64_t registered_ms_ = 0;
    bool registration_loaded_ = false;
    std::chrono::system_clock::time_point created_at_;

    std::string key_;  // folded name, as history knows the room
    core::history_ring recent_;
    bool loaded_ = false;
    std::vector<core::history_entry> unwritten_;  // recorded with pending_, not yet handed to the store
    std::deque<std::pair<std::uint64_t, std::function<void()>>> held_;  // (write awaited, release)
    std::uint64_t writes_sent_ = 0;
    std::uint64_t writes_done_ = 0;
    asio::steady_timer store_wait_;  // the coroutine waits here for the store (start-up, back-pressure)
};

}  // namespace sala::server
