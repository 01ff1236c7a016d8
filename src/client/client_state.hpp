#pragma once
// The IRC client as a state machine, with no I/O (sans-io, like Boost.MySQL):
// the network layer feeds it "connected", each received line and
// "disconnected"; the view feeds it typed lines. It answers with lines to send
// (take_outgoing) and events to show (take_events), and keeps the state a view
// draws: windows (rooms and private chats), members, topic, unread marks, lag.
//
// Errors: nothing throws except std::bad_alloc. Malformed server lines are
// ignored; bad typed commands produce an `error` event. Not thread-safe: one
// owner (the client's single event-loop thread).

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/channel_modes.hpp"
#include "client/event.hpp"
#include "client/history.hpp"
#include "client/sasl.hpp"
#include "irc/message.hpp"

namespace sala::client {

struct client_settings {
    std::string nick;
    std::string password;               // sent with PASS when not empty
    std::vector<std::string> channels;  // joined after registration
    std::string server_label;           // "host:port", until the server names itself
    sasl_settings sasl{};               // log in during registration, when a mechanism is set
};

// How much a server can make the client keep. Each line a server sends is
// bounded (client_app drops overlong ones); these bound how many it can make
// us remember, so a hostile server cannot grow us without limit. The defaults
// are far above real use; tests shrink them.
struct client_limits {
    std::size_t windows = 100;          // of any kind; a forced JOIN past it is parted
    std::size_t private_windows = 50;   // opened by someone else's message
    std::size_t members = 100'000;      // listed per channel
    std::size_t all_members = 300'000;  // listed in all channels, NAMES being gathered included
    std::size_t nick_bytes = 64;        // a longer name is not listed
    history_limits history{};           // channel history: requests, lines held back, repeats remembered
};

// What the server has made us keep, to check client_limits.
struct client_usage {
    std::size_t windows = 0;
    std::size_t names = 0;         // members listed plus names gathered from 353s
    std::size_t names_lists = 0;   // channels whose 353s are being gathered
    std::size_t offered_caps = 0;  // remembered from CAP LS
    std::size_t caps = 0;          // acknowledged
    std::size_t history_held = 0;  // live lines held back while history loads
    std::size_t history_keys = 0;  // lines remembered to drop repeats
    std::size_t history_batches = 0;  // history batches open
};

struct member {
    std::string nick;
    // Status symbols ("@+"), highest first as the server ranks them (PREFIX);
    // empty for a plain member.
    std::string status;

    // The nick as member lists show it: with the highest status ("@alice").
    [[nodiscard]] std::string shown() const { return status.empty() ? nick : status.front() + nick; }
};

struct window {
    std::string name;             // "#room" or a nick for a private chat
    std::vector<member> members;  // sorted by nick case-insensitively; channels only
    std::string topic;
    bool joined = false;   // we are in the channel on the current connection
    bool unread = false;   // messages arrived while another window was current
    bool mention = false;  // ...and one of them named us
};

enum class connection_state { disconnected, registering, registered };

class client_state {
public:
    explicit client_state(client_settings settings, client_limits limits = {});

    // --- network side ---
    void on_connecting(clock_time now);
    void on_connected(clock_time now);
    void on_line(std::string_view line, clock_time now);
    void on_disconnected(std::string_view reason, clock_time now);

    // Queues a PING whose PONG measures the lag; call it periodically while
    // registered. Returns false (and sends nothing) while one is outstanding.
    bool send_lag_ping(clock_time now);
    // When the outstanding lag PING was sent, if any.
    [[nodiscard]] std::optional<clock_time> ping_outstanding() const { return ping_sent_; }
    [[nodiscard]] std::optional<std::chrono::milliseconds> lag() const { return lag_; }

    // --- user side ---
    // One typed line for the current window: text or a /command.
    void on_input(std::string_view line, clock_time now);
    // Ctrl-C, end of input: sends QUIT (if connected) and marks us quitting.
    void quit(std::string_view reason);
    // A line of information from the program itself (e.g. "reconnecting").
    void note(std::string text, clock_time now, bool error = false) { info(std::move(text), now, error); }
    // Selects window n (0-based); false when there is none.
    bool switch_to(std::size_t n);
    // PageUp at the top of the current window: asks the server for the page
    // of history before its oldest line, if it keeps history for us (see
    // history_tracker::want_older). True when it asked.
    bool request_older_history(clock_time now);
    // Call about once a second: live lines held back for history that is
    // slow to come are shown (history_limits::hold_for).
    void tick(clock_time now);

    // --- outputs ---
    [[nodiscard]] std::vector<std::string> take_outgoing();  // each with CR LF
    [[nodiscard]] std::vector<event> take_events();
    // Typed messages waiting for registration or a join.
    [[nodiscard]] std::size_t held_count() const { return queued_.size(); }
    [[nodiscard]] bool has_output() const { return !outgoing_.empty() || !events_.empty(); }

    // --- state for views ---
    [[nodiscard]] const std::string& nick() const { return nick_; }
    [[nodiscard]] const std::string& server_name() const { return server_name_; }
    // The account we are logged in to on this connection (900/901, REGISTER
    // SUCCESS); empty when none.
    [[nodiscard]] const std::string& account() const { return account_; }
    // Why the --sasl login failed, stopping the client (it quits rather than
    // go on as a guest); empty when it did not.
    [[nodiscard]] const std::string& login_failure() const { return login_failure_; }
    [[nodiscard]] connection_state state() const { return state_; }
    // Why the last connection or attempt ended (on_disconnected's reason),
    // for the status line while disconnected; empty before any.
    [[nodiscard]] const std::string& disconnect_reason() const { return disconnect_reason_; }
    [[nodiscard]] bool quitting() const { return quitting_; }
    [[nodiscard]] const std::vector<window>& windows() const { return windows_; }
    [[nodiscard]] std::size_t current_index() const { return current_; }
    [[nodiscard]] const window* current() const;
    [[nodiscard]] bool has_cap(std::string_view cap) const { return caps_.contains(std::string(cap)); }
    // The TLS port an IRCv3 sts upgrade names (CAP LS on this connection), if
    // one did: a client on a plaintext connection must reconnect there.
    [[nodiscard]] std::optional<std::uint16_t> sts_port() const { return sts_port_; }
    // History of `window` is being fetched.
    [[nodiscard]] bool history_loading(std::string_view window) const { return history_.loading(window); }
    [[nodiscard]] const client_limits& limits() const { return limits_; }
    // The server's channel modes (ISUPPORT PREFIX, CHANMODES, MODES on this
    // connection; the RFC defaults until it says).
    [[nodiscard]] const channel_mode_rules& mode_rules() const { return mode_rules_; }
    [[nodiscard]] client_usage usage() const;

    // Names to complete with Tab: members of the current window, and commands.
    [[nodiscard]] std::vector<std::string> completion_nicks() const;
    [[nodiscard]] static const std::vector<std::string>& command_names();

    // True when a typed line carries a secret (/register's password, a
    // NickServ IDENTIFY, a raw PASS...): input history must not keep it.
    [[nodiscard]] static bool holds_secret(std::string_view line);

    // True when `text` names `nick` as a word (case-insensitively).
    [[nodiscard]] static bool mentions(std::string_view text, std::string_view nick);

private:
    void send(std::string command, std::vector<std::string> params);
    void emit(event e);
    void info(std::string text, clock_time now, bool error = false);

    window* find_window(std::string_view name);
    // Null when client_limits::windows are open already.
    window* open_window(std::string_view name);
    void close_window(std::string_view name);
    [[nodiscard]] std::size_t private_windows() const;
    [[nodiscard]] std::size_t names_held() const;
    // Adds `nick` to the members of `w` unless a limit says no.
    void list_member(window& w, std::string_view nick);
    // The member `nick` of `w`, or null.
    static member* find_member(window& w, std::string_view nick);
    // False when `nick` was not a member of `w`.
    static bool remove_member(window& w, std::string_view nick);
    void mark_activity(const std::string& name, bool mention);

    // Server lines (client_state.cpp).
    void handle_cap(const irc::message& m, clock_time now);
    void note_sts_policy(std::string_view policy);

    // Accounts (client_account.cpp): SASL during registration, 900-908,
    // REGISTER/VERIFY replies.
    void note_sasl_offer(std::string_view value);
    // Whether to add sasl to CAP REQ; tells the user when the server cannot log us in.
    [[nodiscard]] bool request_sasl(clock_time now);
    // After CAP ACK/NAK: starts the login, or ends capability negotiation.
    void after_cap_reply(clock_time now);
    void handle_authenticate(const irc::message& m, clock_time t);
    // True when `m` was a SASL numeric.
    bool handle_sasl_numeric(const irc::message& m, clock_time t);
    void login_failed(std::string reason, clock_time t);
    void handle_account_reply(std::string_view command, const irc::message& m, clock_time t);
    void handle_account_fail(const irc::message& m, clock_time t);
    void handle_welcome(const irc::message& m, clock_time now);
    void handle_join(const irc::message& m, std::string_view who, clock_time t, clock_time now);
    void handle_part(const irc::message& m, std::string_view who, clock_time t);
    void handle_quit(const irc::message& m, std::string_view who, clock_time t);
    void handle_nick(const irc::message& m, std::string_view who, clock_time t);
    // `batch`: the history batch the line came in; empty for a live line.
    void handle_privmsg(const irc::message& m, std::string_view who, clock_time t, std::string_view batch);
    void handle_batch(const irc::message& m, clock_time now);
    // Shows what history_ has to show and sends what it asks for.
    void drain_history();
    void handle_numeric(const irc::message& m, clock_time t);

    // Moderation (client_moderation.cpp): MODE, KICK, INVITE and their
    // error numerics, and the commands that send them.
    void handle_mode(const irc::message& m, std::string_view who, clock_time t);
    void handle_kick(const irc::message& m, std::string_view who, clock_time t);
    void handle_invite(const irc::message& m, std::string_view who, clock_time t);
    // True when `m` was a moderation reply or error, now shown.
    bool handle_moderation_numeric(const irc::message& m, clock_time t);
    // True when `name` is a moderation command (run, or refused with a usage line).
    bool run_moderation_command(std::string_view name, std::string_view args, const std::string& here, clock_time now);
    void gather_names(const std::string& channel, std::string_view list);
    void end_of_names(const std::string& channel, clock_time t);

    // Typed lines (client_commands.cpp).
    // "word rest" -> {"word", "rest"}, spaces around the word dropped.
    static std::pair<std::string_view, std::string_view> split_word(std::string_view s);
    // False (and a usage line shown) when !ok.
    bool usage_ok(bool ok, std::string_view usage, clock_time now);
    // False (and "not connected" shown) unless registered.
    bool online(clock_time now);
    void execute(std::string_view line, const std::string& here, clock_time now);
    void run_command(std::string_view name, std::string_view args, const std::string& here, clock_time now);
    void say(const std::string& target, std::string_view text, bool action, clock_time now);
    // Runs queued typed lines, in order, as far as the connection allows.
    void pump_input(clock_time now);
    void drop_queued_for(std::string_view channel, clock_time now);

    client_settings settings_;
    client_limits limits_;
    std::string nick_;
    std::string server_name_;
    connection_state state_ = connection_state::disconnected;
    bool quitting_ = false;

    std::set<std::string> caps_;          // acknowledged on this connection (only ones we asked for)
    std::vector<std::string> offered_;    // of those we would ask for, seen in CAP LS so far
    std::optional<std::uint16_t> sts_port_;

    // SASL on this connection: offered (and with which mechanisms, when the
    // server says), and how far the login got.
    // requested: in CAP REQ; authenticating: AUTHENTICATE <mechanism> sent,
    // until 903 or a failure.
    enum class sasl_step { idle, requested, authenticating, done };
    bool sasl_offered_ = false;
    std::string sasl_mechanisms_;
    sasl_step sasl_step_ = sasl_step::idle;
    std::optional<sasl_conversation> sasl_conversation_;
    std::string account_;
    std::string disconnect_reason_;
    std::string login_failure_;
    std::set<std::string> names_shown_;   // channels whose NAMES the user asked to see
    std::set<std::string> modes_shown_;   // channels whose modes (324) the user asked to see
    channel_mode_rules mode_rules_;
    std::string switch_on_join_;          // folded name of a room /join asked for

    std::vector<window> windows_;
    std::size_t current_ = 0;
    // 353 replies gathered until 366, only for channel windows.
    struct names_reply {
        std::string channel;  // folded
        std::vector<member> names;
        bool incomplete = false;  // a limit cut the list short
    };
    std::vector<names_reply> names_pending_;
    // Lines typed while not registered, or for a room not (yet) joined; they
    // run in order once it is possible. `window`: the window they were typed in.
    struct held_line {
        std::string window;
        std::string line;
    };
    std::deque<held_line> queued_;

    std::optional<clock_time> ping_sent_;
    std::optional<std::chrono::milliseconds> lag_;

    history_tracker history_;

    std::vector<std::string> outgoing_;
    std::vector<event> events_;
};

// The nicks of the members of `w`, in its order.
[[nodiscard]] std::vector<std::string> member_nicks(const window& w);

// The first `max` members of `w` as member lists show them: highest status
// first in the order of `ranks` (channel_mode_rules::prefix_symbols), then
// everyone else, by nick within each. Costs one pass over the members per
// rank, so a view can call it on every redraw.
[[nodiscard]] std::vector<const member*> members_by_rank(const window& w, std::string_view ranks, std::size_t max);

// Parses an IRCv3 server-time value ("2024-05-01T12:34:56.789Z").
[[nodiscard]] std::optional<clock_time> parse_server_time(std::string_view value);

}  // namespace sala::client
