#pragma once
// One client connection: a session coroutine that reads the client's lines and
// carries them out. Output has no coroutine of its own: it is queued in the
// outbox and written by the shard's flush task, or, while the kernel's buffer
// is full, by a completion handler waiting for the socket to become writable.
// Its deadlines (registration, ping, closing) are checked by its shard's sweep.
// Thread-safety: a session lives on its home shard; every member function runs
// there. Other threads reach it only by posting to that shard.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rate_limiter.hpp"
#include "irc/line_reader.hpp"
#include "irc/session_protocol.hpp"
#include "server/context.hpp"
#include "server/directory.hpp"
#include "server/outbox.hpp"
#include "server/outgoing.hpp"
#include "server/tls_connection.hpp"
#include "server/websocket_codec.hpp"

namespace sala::server {

class room;
struct room_event;
class web_connection;
class web_site;
struct web_input;

// Who among a fan-out's recipients gets a message.
enum class delivery : std::uint8_t {
    everyone,       // JOIN, PART, TOPIC: the actor sees it too
    echo_if_asked,  // PRIVMSG/NOTICE/TAGMSG: the sender only with echo-message
    others_once,    // NICK, QUIT: not the actor, and once even when sharing many rooms
};

class session : public std::enable_shared_from_this<session> {
public:
    // `tls`: the context of the TLS port the client reached; null for plain.
    // `web`: the site of the web port the client reached; null for IRC ports.
    session(server_context& ctx, shard& home, shard_socket socket, std::string peer_ip,
        const std::shared_ptr<const tls_context>& tls = nullptr, const web_site* web = nullptr);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    // The session coroutine. Spawned on the home shard; ends when the client is gone.
    static asio::awaitable<void> run(std::shared_ptr<session> self);

    // Queues `m` for this client, or cuts the client off if its send queue is full.
    // `origin` is the sending session, compared by identity only.
    void deliver(const outgoing_ptr& m, const void* origin = nullptr, delivery mode = delivery::everyone);

    // Server shutdown: say so to the client, flush, close.
    void begin_shutdown();
    // NickServ GHOST from someone else: `text` as the ERROR line, then close.
    void disconnect(const std::string& text);

    // A room has queued the answer this session waits for (room_event::wants_answer).
    void room_answered();
    // A room's word about this client's own request (a join refused, a MODE's
    // problems, a kick): answered at once, ahead of room_answered().
    void room_replied(irc::any_room_fact fact);

    // A nick this client monitors came online or went offline (MONITOR); from the hub.
    void monitor_changed(const irc::monitor_change& change);
    // extended-monitor: `m` about a user this client monitors.
    void deliver_to_watcher(const outgoing_ptr& m);

    // Writes the output of every session that queued some in this pass of
    // `sh` (shard::to_flush). Posted to `sh` once per pass by the first
    // session to queue.
    static void flush_shard(shard& sh);

    // After a forced stop, with no shard running: drops the links to rooms,
    // the directory record and queued output, which would otherwise keep
    // this session and its rooms alive in a cycle.
    void abandon();

    // How long a client being cut off gets to receive its ERROR line.
    static constexpr auto close_grace = std::chrono::seconds(2);
    // Acts on whichever deadline has passed: registration, ping, or the end
    // of a closing client's grace period. Called by the shard's sweep.
    void check_deadlines(std::chrono::steady_clock::time_point now);

    // For the status endpoint, read on the home shard.
    [[nodiscard]] bool registered() const { return proto_.registered(); }
    [[nodiscard]] const std::string& nick() const { return proto_.nick(); }
    [[nodiscard]] std::chrono::steady_clock::duration idle() const
    {
        return std::chrono::steady_clock::now() - last_input_;
    }
    // Output waiting in this session's queue, and in the kernel's send buffer
    // (0 when the socket is closed).
    [[nodiscard]] std::size_t queued_bytes() const { return outbox_.queued_bytes(); }
    [[nodiscard]] std::size_t kernel_queued_bytes();

private:
    asio::awaitable<void> read_loop();
    // TLS: completes the handshake before any line is read; false when it
    // failed or ran out of time (the session then ends).
    asio::awaitable<bool> tls_handshake();
    // One read into `into`, from the socket or through TLS.
    std::size_t read_some(std::span<char> into, boost::system::error_code& ec);
    asio::awaitable<void> leave_everything();

    // Carries out what the protocol asked for, in order, feeding answers back.
    asio::awaitable<void> carry_out(irc::session_protocol::effects effects);
    asio::awaitable<void> carry_out(irc::any_effect& e);
    // One effect begun: nullopt when it is already done, else the coroutine
    // that does it. One overload per effect (session_effects.cpp).
    using effect_step = std::optional<asio::awaitable<void>>;
    effect_step start(irc::effect::send& e);
    effect_step start(irc::effect::line_dropped& e);
    effect_step start(irc::effect::close& e);
    effect_step start(irc::effect::claim_nick& e);
    effect_step start(irc::effect::registered& e);
    effect_step start(irc::effect::join& e);
    effect_step start(irc::effect::part& e);
    effect_step start(irc::effect::check_channel& e);
    effect_step start(irc::effect::set_topic& e);
    effect_step start(irc::effect::query& e);
    effect_step start(irc::effect::channel_message& e);
    effect_step start(irc::effect::private_message& e);
    effect_step start(irc::effect::set_away& e);
    effect_step start(irc::effect::nick_changed& e);
    effect_step start(irc::effect::who& e);
    effect_step start(irc::effect::whois& e);
    effect_step start(irc::effect::modes_changed& e);
    effect_step start(irc::effect::find_users& e);
    effect_step start(irc::effect::whowas& e);
    effect_step start(irc::effect::monitor& e);
    effect_step start(irc::effect::set_realname& e);
    effect_step start(irc::effect::server_query& e);
    effect_step start(irc::effect::history& e);
    effect_step start(irc::effect::history_targets& e);
    effect_step start(irc::effect::account_request& e);
    effect_step start(irc::effect::login_failed& e);
    effect_step start(irc::effect::account_changed& e);
    effect_step start(irc::effect::channel_mode& e);
    effect_step start(irc::effect::kick& e);
    effect_step start(irc::effect::invite& e);
    effect_step start(irc::effect::oper& e);
    effect_step start(irc::effect::kill& e);
    effect_step start(irc::effect::wallops& e);
    effect_step start(irc::effect::kline& e);
    effect_step start(irc::effect::unkline& e);
    effect_step start(irc::effect::rehash& e);
    effect_step start(irc::effect::chanserv& e);
    effect_step start(irc::effect::barrier& e);
    // Waits until every room this client sent a message to since the last
    // barrier has handed it to its members' shards.
    asio::awaitable<void> confirm_handed_over();
    asio::awaitable<void> await_room_answer();
    // The room-bound effects, as events for the room.
    asio::awaitable<void> part(irc::effect::part& e);
    asio::awaitable<void> set_topic(irc::effect::set_topic& e);
    asio::awaitable<void> say_in_channel(irc::effect::channel_message& e);
    asio::awaitable<void> change_channel_modes(irc::effect::channel_mode& e);
    asio::awaitable<void> kick(irc::effect::kick& e);
    asio::awaitable<void> invite(irc::effect::invite& e);
    asio::awaitable<void> change_nick(irc::effect::nick_changed& e);
    asio::awaitable<void> publish_modes(irc::effect::modes_changed& e);
    asio::awaitable<void> claim_nick(const irc::effect::claim_nick& e);
    asio::awaitable<void> publish_registration(const irc::effect::registered& e);
    asio::awaitable<void> join(const irc::effect::join& e);
    asio::awaitable<void> check_channel(const irc::effect::check_channel& e);
    asio::awaitable<void> answer_query(const irc::effect::query& e);
    asio::awaitable<void> answer_who(const irc::effect::who& e);
    asio::awaitable<void> answer_whois(const irc::effect::whois& e);
    asio::awaitable<void> answer_server_query(const irc::effect::server_query& e);  // session_info.cpp
    asio::awaitable<void> send_private(const irc::effect::private_message& e);
    asio::awaitable<void> set_away(const irc::effect::set_away& e);
    asio::awaitable<void> announce_nick(const irc::effect::nick_changed& e);
    // USERHOST, ISON, WHOWAS, MONITOR, SETNAME (session_users.cpp)
    asio::awaitable<void> find_users(const irc::effect::find_users& e);
    asio::awaitable<void> answer_whowas(const irc::effect::whowas& e);
    // CHATHISTORY (session_history.cpp)
    asio::awaitable<void> answer_history(const irc::effect::history& e);
    asio::awaitable<void> answer_history_targets(const irc::effect::history_targets& e);
    [[nodiscard]] bool may_read_history(std::string_view folded_target) const;
    asio::awaitable<void> monitor(const irc::effect::monitor& e);
    // Accounts (session_account.cpp)
    asio::awaitable<void> answer_account_request(const irc::effect::account_request& e);
    asio::awaitable<irc::account_outcome> ghost(const irc::effect::account_request& e);
    asio::awaitable<void> publish_account(const irc::effect::account_changed& e);
    // After registration, a nick change or a login: warns a user who holds a
    // registered account's nick without being logged in to it, and sets the
    // deadline for renaming them.
    asio::awaitable<void> check_nick_owner();
    // The deadline passed: renames the user unless they logged in or moved on.
    static asio::awaitable<void> rename_to_guest(std::shared_ptr<session> self, std::string protected_nick);
    asio::awaitable<void> set_realname(const irc::effect::set_realname& e);
    // ChanServ (session_chanserv.cpp).
    asio::awaitable<void> answer_chanserv(const irc::effect::chanserv& e);
    asio::awaitable<irc::session_protocol::chanserv_outcome> register_channel(const irc::effect::chanserv& e);
    asio::awaitable<irc::session_protocol::chanserv_outcome> look_up_or_drop_channel(const irc::effect::chanserv& e);
    // Server operators (session_operator.cpp).
    asio::awaitable<void> become_operator(const irc::effect::oper& e);
    asio::awaitable<void> kill_user(const irc::effect::kill& e);
    asio::awaitable<void> wallops(const irc::effect::wallops& e);
    asio::awaitable<void> set_server_ban(const irc::effect::kline& e);
    asio::awaitable<void> lift_server_ban(const irc::effect::unkline& e);
    void rehash();
    // Hands `ev` to the room of the joined channel `key`. When the event
    // wants an answer, carry_out() then waits for it.
    asio::awaitable<void> tell_room(std::string_view key, room_event ev);
    // To the room called `name` whether or not this client is in it (a
    // message from outside, MODE from outside); `missing`, if any, is the
    // answer when there is none.
    asio::awaitable<void> tell_any_room(std::string_view key, const std::string& name, room_event ev,
        std::optional<irc::any_room_fact> missing);
    asio::awaitable<void> tell_room(room& r, room_event ev);
    // A change of this user's that every room it is in shows once (NICK,
    // AWAY, SETNAME): `shown` is one buffer for all of them.
    // `change` gives what, shown_once and text; user and origin are filled in.
    asio::awaitable<void> tell_every_room(room_event change);
    // Removes and returns the joined room `key` (null if not joined).
    std::shared_ptr<room> take_room(std::string_view key);

    void send_raw(std::string line);
    [[nodiscard]] std::uint8_t tag_variant_bits() const;

    // Stops reading, queues "ERROR :text", and closes once flushed or after a grace period.
    void close_after_flush(const std::string& text, disconnect_reason why, std::string log_reason);
    // Has the shard's flush task write the outbox, unless a write is already due.
    void schedule_flush();
    // Writes what the kernel takes; when it takes no more, waits for the
    // socket to become writable and goes on from there.
    void flush();
    void wait_writable();
    void on_writable(const boost::system::error_code& ec);
    void write_failed(const boost::system::error_code& ec);
    // Makes the reader return at its next step: the output side is done
    // (last words flushed, or the socket failed).
    void end();
    // Ends the session now: the grace period for last words is over.
    void expire();
    // Writes as much of the outbox as the kernel takes without blocking. True
    // when the outbox is empty afterwards; false with `ec` clear when the
    // kernel's buffer is full, false with `ec` set on a socket error.
    bool write_now(boost::system::error_code& ec);
    bool write_now_tls(boost::system::error_code& ec);
    // The web port: frames the outbox into WebSocket messages (or sends the
    // HTTP answers) and writes them, plain or through TLS.
    bool write_now_web(boost::system::error_code& ec);
    // Writes `bytes` as they are, through TLS when there is TLS: how many
    // the kernel took (0 with `ec` clear when it takes none now).
    std::size_t write_raw(std::string_view bytes, boost::system::error_code& ec);
    // What the client's bytes on the web port led to: lines are in reader_.
    void on_web_input(const web_input& input);

    server_context& ctx_;
    shard& home_;
    shard_socket socket_;
    std::unique_ptr<tls_connection> tls_;  // null: plain connection
    std::unique_ptr<web_connection> web_;  // null: an IRC port
    websocket::close_code web_close_code_ = websocket::close_code::normal;
    // The reader sleeps on it: input rate limiting, or a room's answer to come.
    shard_timer read_pause_;

    // Output
    outbox outbox_;
    bool flush_queued_ = false;    // in home_.to_flush
    bool writer_blocked_ = false;  // the kernel's send buffer is full; waiting for room
    bool flush_then_close_ = false;
    bool ended_ = false;  // the reader must return: see end()
    std::vector<outgoing_ptr> recent_once_;  // NICK/QUIT lines already shown (others_once), oldest first

    // Input
    irc::line_reader reader_;
    core::rate_limiter limiter_;
    std::chrono::steady_clock::time_point last_input_;
    std::chrono::steady_clock::time_point registration_deadline_;
    std::optional<std::chrono::steady_clock::time_point> close_deadline_;
    bool ping_sent_ = false;
    // In the TLS handshake, which ends itself at its own deadline (counted
    // as a failure); the sweep's registration timeout leaves it alone.
    bool handshaking_ = false;
    bool awaiting_room_answer_ = false;
    // labeled-response: while a labeled line is handled, its answers collect
    // here (serialized for this client) instead of going out one by one.
    bool labeling_ = false;
    std::string labeled_answer_;
    std::uint32_t labeled_batches_ = 0;
    bool closing_ = false;
    std::uint64_t motd_version_ = 0;  // of server_context::motd, as proto_ has it
    // The nick in use is a registered account's and the user is not logged
    // in to it: when the user is renamed. Reset by every nick change.
    std::optional<std::chrono::steady_clock::time_point> nick_deadline_;
    bool nick_check_due_ = false;  // check_nick_owner() once the current effects are carried out

    // Identity and state
    irc::session_protocol proto_;
    user_ptr me_;  // the directory's record; its fields belong to the hub
    // Rooms joined, by folded name; a handful per user, so a vector beats a map.
    std::vector<std::pair<std::string, std::shared_ptr<room>>> rooms_;
    // Keys of joined rooms told a message since the last PING (effect::barrier);
    // at most as many as the rooms joined.
    std::vector<std::string> unconfirmed_rooms_;

    disconnect_reason reason_kind_ = disconnect_reason::error;
    std::string reason_ = "Connection closed";
};

}  // namespace sala::server
