#pragma once
// What the protocol state machine asks of the server after a client's line.
// Effects are carried out in order. Those marked "answer:" need a result from
// the server's shared state (nicks, rooms), which the caller feeds back to the
// state machine before carrying out the next effect.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/history.hpp"

namespace sala::irc::effect {

// Lines for this client, each ending in CR LF.
struct send {
    std::string text;
};

// A line was refused (too long, not UTF-8): counted, never relayed.
struct line_dropped {};

enum class close_reason : std::uint8_t { quit, bad_password };

// "ERROR :text" to the client, then hang up.
struct close {
    std::string text;
    close_reason why;
    std::string log_reason;
};

// Answer: session_protocol::nick_claimed().
struct claim_nick {
    std::string nick;
};

// Registration is complete; the user's public facts may be published.
struct registered {
    std::string user;
    std::string realname;
    std::string prefix;
};

// Answer: session_protocol::joined() with the room's own spelling of its
// name; a room that refuses the join answers with room_fact::join_refused.
struct join {
    std::string key;  // folded name
    std::string name;
    std::string channel_key;  // the +k password given, "" for none
};

struct part {
    std::string key;
    std::string line;  // the PART line every member sees
};

// Why a channel the client is not in was looked up: the answer's numerics differ.
enum class lookup_purpose : std::uint8_t { part, kick, invite };

// Does a channel the client is not in exist? Answer: session_protocol::channel_checked().
struct check_channel {
    std::string name;
    lookup_purpose purpose;
};

struct set_topic {
    std::string key;
    std::string text;
    std::string line;  // the TOPIC line every member sees
};

enum class query_kind : std::uint8_t { topic, names, list, channel_mode };

// A question about shared state; the server sends the reply text to the client.
struct query {
    query_kind kind;
    std::string target;  // channel, mask or nick; empty for list
};

// WHO, plain or WHOX. Answer: session_protocol::who_answered() with the users found.
struct who {
    std::string mask;    // a channel, a nick, or a mask with * and ?
    bool whox = false;   // "%fields[,token]" given: 354 lines instead of 352
    std::string fields;  // WHOX field letters as asked, e.g. "tcuhnfar"
    std::string token;   // WHOX query type token, 1-3 digits, or empty
};

// WHOIS. Answer: session_protocol::whois_answered() with what the directory
// knows of the nick, if anyone registered holds it.
struct whois {
    std::string nick;  // as the client wrote it: a 401 echoes it
};

// The user's own modes changed: published for WHO to respect (+i hides the
// user from masks), as the letters now set, e.g. "i".
struct modes_changed {
    std::string modes;
};

struct channel_message {
    std::string key;
    std::string name;         // as the client wrote it: a 401 for a channel that does not exist names it
    bool joined = true;       // false: sent from outside, which the channel's modes decide (+n)
    char status_prefix = 0;   // STATUSMSG: '@' to the channel's ops, '+' to its voiced and ops; 0 to all
    std::string line;         // ":prefix PRIVMSG #chan :text\r\n", never tags
    std::string client_tags;  // the sender's "+tag=value" list when it may relay them
    bool is_chat;             // PRIVMSG/NOTICE rather than TAGMSG
    bool echo = false;        // the sender gets its own copy back (echo-message)
    bool notice = false;      // NOTICE, kept apart from PRIVMSG in history
};

// ---- moderation: channel MODE, KICK, INVITE ---------------------------------
// The room carries these out and answers with a room_fact (channel_facts.hpp)
// when something goes back to the client beyond the line every member sees.

// MODE on a channel with changes or list queries (MODE #c alone is a query).
struct channel_mode {
    std::string key;
    std::string name;
    std::vector<std::string> params;  // after the channel name: "+ov-b", "alice", ...
    bool joined = true;  // false: the client is not on it (list queries still work)
};

struct kick {
    std::string key;
    std::string target;  // a nick, as written
    std::string reason;  // cut to the topic length; never empty
};

struct invite {
    std::string key;
    std::string target;  // a nick, as written
};

// ---- ChanServ: registered channels -------------------------------------------

enum class chanserv_action : std::uint8_t { register_channel, info, drop };

// Answer: session_protocol::chanserv_answered().
struct chanserv {
    chanserv_action action;
    std::string channel;  // as written; a valid channel name
};

// ---- server operators: OPER, KILL, WALLOPS, KLINE, REHASH -------------------

// Answer: session_protocol::oper_answered().
struct oper {
    std::string name;
    std::string password;
};

// Answer: session_protocol::kill_answered().
struct kill {
    std::string nick;
    std::string reason;  // "Killed (opernick (reason))", as the victim's channels see it
};

struct wallops {
    std::string line;  // ":prefix WALLOPS :text\r\n" for every user with +w
};

// Answer: session_protocol::kline_answered().
struct kline {
    std::string mask;  // as given: the server normalizes it (core/server_ban_mask.hpp)
    std::int64_t duration_seconds = 0;  // 0: until UNKLINE
    std::string reason;
};

// Answer: session_protocol::kline_answered().
struct unkline {
    std::string mask;
};

// Reload what SIGHUP reloads (the MOTD, the TLS certificate).
struct rehash {};

// PING: its PONG comes after what the client's earlier lines did, so that
// whoever it told something in a channel has been handed that line too
// (a channel message is otherwise not waited for: nothing answers it).
struct barrier {};

// Answer: session_protocol::private_delivered().
struct private_message {
    std::string target;
    std::string line;
    std::string client_tags;
    bool is_chat;
    bool notice;
};

struct set_away {
    std::string text;  // empty: back
    std::string line;  // ":prefix AWAY[ :text]\r\n" for members with away-notify
};

// A registered client's new nick, for everyone who shares a room with it.
struct nick_changed {
    std::string line;  // ":old!user@host NICK new\r\n"
    std::string nick;
};

// ---- users: USERHOST, ISON, WHOWAS, MONITOR, SETNAME ----------------------

enum class user_lookup : std::uint8_t { userhost, ison };

// USERHOST and ISON. Answer: session_protocol::users_found() with those of
// `nicks` who are online.
struct find_users {
    user_lookup kind;
    std::vector<std::string> nicks;
};

// Answer: session_protocol::whowas_answered() with the history found.
struct whowas {
    std::string nick;   // a nick, or a mask with * and ?
    std::size_t count;  // entries wanted, at least 1
};

enum class monitor_action : std::uint8_t { add, remove, clear, list, status };

// MONITOR (IRCv3). Answer: session_protocol::monitor_answered().
struct monitor {
    monitor_action action;
    std::vector<std::string> targets;  // add, remove: valid nicks
};

// SETNAME (IRCv3): the new realname for the directory, and the line for
// channel mates with the setname capability.
struct set_realname {
    std::string realname;
    std::string line;  // ":prefix SETNAME :realname\r\n"
};

// ---- server information: LUSERS, TIME, STATS --------------------------------

// LUSERS, TIME and STATS u/m, which need shared state or the clock.
enum class server_topic : std::uint8_t { lusers, time, stats };

// Answer: session_protocol::server_facts_answered() with what `topic` needs.
struct server_query {
    server_topic topic;
    char stats_letter = 0;  // STATS only: 'u' or 'm'
};

// ---- history: CHATHISTORY (IRCv3 draft/chathistory) --------------------------

// One CHATHISTORY selection. The server checks that the client may read the
// target (a channel it is in) and runs the query on the store's thread.
// Answer: session_protocol::history_answered().
struct history {
    core::history_query query;
    std::string target_name;  // as the client wrote it: the batch's parameter and the FAIL lines'
    std::string subcommand;   // "LATEST", "BEFORE"...: the FAIL lines name it
};

// CHATHISTORY TARGETS. The server fills query.targets with what the client
// may read (its channels) and asks the store which saw messages.
// Answer: session_protocol::history_targets_answered().
struct history_targets {
    core::history_targets_query query;
};

// ---- accounts: SASL, REGISTER, NickServ ------------------------------------

enum class account_action : std::uint8_t {
    login_plain,       // account + password (SASL PLAIN, NickServ IDENTIFY)
    login_external,    // this connection's TLS certificate; account may name the one wanted
    scram_credentials, // SASL SCRAM-SHA-256: the account's keys, or made-up ones
    register_account,  // account + password
    set_password,      // the logged-in account's new password
    drop,              // the logged-in account
    ghost,             // argument: a nick held by the logged-in account's user elsewhere
    cert_add,          // argument: a fingerprint, empty for this connection's
    cert_del,          // argument: a fingerprint
    cert_list,
};

// Which command asked: the answer's lines differ.
enum class account_origin : std::uint8_t { sasl, register_command, nickserv };

// Answer: session_protocol::account_answered().
struct account_request {
    account_action action;
    account_origin origin;
    std::string account;
    std::string password;
    std::string argument;
};

// A login that failed in the protocol itself (a wrong SCRAM proof): counted
// by the server's throttle like one it checked.
struct login_failed {
    std::string account;
};

// This connection logged in (account set) or out (empty): published for
// WHOIS, extended-join and account-tag, and shown to channel mates with
// account-notify as `line` (":prefix ACCOUNT name|*").
struct account_changed {
    std::string account;
    std::string line;
};

}  // namespace sala::irc::effect

namespace sala::irc::effect {

// Whether the answer to this client comes back through a room (its JOIN and
// the member list, its PART or TOPIC line, the echo of its message). Replies
// to the client's later lines must not overtake that answer, so the server
// takes no further line from the client until the room has queued it
// (DESIGN.md, "Concurrency": order). Everything else is answered in place or
// through the directory, which the session already awaits.
constexpr bool answered_through_room(const join&) { return true; }
constexpr bool answered_through_room(const part&) { return true; }
constexpr bool answered_through_room(const set_topic&) { return true; }
constexpr bool answered_through_room(const channel_message& m) { return m.echo; }
constexpr bool answered_through_room(const channel_mode&) { return true; }
constexpr bool answered_through_room(const kick&) { return true; }
constexpr bool answered_through_room(const invite&) { return true; }
template <class Other>
constexpr bool answered_through_room(const Other&)
{
    return false;
}

}  // namespace sala::irc::effect

namespace sala::irc {

using any_effect = std::variant<effect::send, effect::line_dropped, effect::close, effect::claim_nick,
    effect::registered, effect::join, effect::part, effect::check_channel, effect::set_topic, effect::query,
    effect::channel_message, effect::private_message, effect::set_away, effect::nick_changed, effect::who,
    effect::whois, effect::modes_changed, effect::find_users, effect::whowas, effect::monitor, effect::set_realname,
    effect::server_query, effect::history, effect::history_targets, effect::account_request, effect::login_failed,
    effect::account_changed, effect::channel_mode, effect::kick, effect::invite, effect::oper, effect::kill,
    effect::wallops, effect::kline, effect::unkline, effect::rehash, effect::chanserv, effect::barrier>;

inline bool answered_through_room(const any_effect& e)
{
    return std::visit([](const auto& x) { return effect::answered_through_room(x); }, e);
}

}  // namespace sala::irc
