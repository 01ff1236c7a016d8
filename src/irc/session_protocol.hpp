#pragma once
// The server's side of one IRC connection as a pure state machine: lines from
// the client go in, effects come out (lines for the client, and requests that
// the server carries out against shared state: claim a nick, join a room,
// relay a message). No I/O and no clock, so the whole command surface is unit
// tested and fuzzed without sockets; the session coroutine carries out the
// effects and feeds answers back.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/history.hpp"
#include "irc/account_facts.hpp"
#include "irc/caps.hpp"
#include "irc/channel_facts.hpp"
#include "irc/channel_replies.hpp"
#include "irc/effects.hpp"
#include "irc/message.hpp"
#include "irc/user_facts.hpp"
#include "irc/server_facts.hpp"
#include "irc/who.hpp"
#include "irc/whois.hpp"

namespace sala::irc {

// What the protocol needs to know about the server; shared read-only by every
// connection.
struct protocol_settings {
    std::string server_name = "sala";
    std::string network = "sala";
    std::string version = "sala";
    std::string description = "sala chat server";  // the server info in LINKS and WHOIS
    std::string admin_location;  // ADMIN's 257 line; empty: the server and network names
    std::string admin_email;     // ADMIN's 259 line; empty: says none is configured
    std::string created_text;  // shown in RPL_CREATED
    std::vector<std::string> motd_lines;
    std::string password;               // empty: none asked
    std::vector<std::string> autojoin;  // channels joined on registration
    std::size_t max_line = 512;         // bytes without tags, CR LF included
    std::size_t max_tags = 8191;
    std::size_t nick_len = 30;
    std::size_t channel_len = 50;
    std::size_t topic_len = 390;
    std::size_t max_channels = 100;  // per user
    std::size_t realname_len = 100;  // bytes; ISUPPORT NAMELEN
    std::size_t monitor_limit = 100;  // MONITOR targets per user; ISUPPORT MONITOR
    // IRCv3 sts: the TLS port (0: no TLS, no policy) and how long a client
    // keeps the policy, in seconds.
    std::uint16_t sts_port = 0;
    std::uint64_t sts_duration = 0;
    // Accounts (SASL, REGISTER, NickServ) are offered: the server has a store.
    bool accounts = true;
    std::size_t password_min_length = 8;  // bytes, for new passwords
};

// Tag data a client's line may carry (message-tags: 4094 bytes without the
// '@' and the space); more gets 417 and the line is dropped, not relayed.
inline constexpr std::size_t max_client_tag_bytes = 4094;

// PRIVMSG/NOTICE targets per line (ISUPPORT MAXTARGETS); the rest are ignored.
inline constexpr std::size_t max_targets = 4;

// Nicks one USERHOST asks about; more are ignored (modern.ircdocs.horse).
inline constexpr std::size_t max_userhost_nicks = 5;

// WHOWAS entries one request may get, whatever count it asks for: a mask
// could otherwise fetch the whole history.
inline constexpr std::size_t max_whowas_entries = 20;

// Messages one CHATHISTORY request may get (ISUPPORT CHATHISTORY); larger
// limits are cut to it, so a client cannot ask the store for a whole target.
inline constexpr std::size_t max_history_limit = 100;

// Who received a private message, as the server found them.
struct recipient {
    std::string nick;
    std::string away;
};

class session_protocol {
public:
    using effects = std::vector<any_effect>;

    // `host` is the client's address as others see it in its prefix.
    session_protocol(const protocol_settings& settings, std::string host);
    ~session_protocol();
    session_protocol(const session_protocol&) = delete;
    session_protocol& operator=(const session_protocol&) = delete;

    // One line from the client, without CR LF (the framer strips it).
    [[nodiscard]] effects on_line(std::string_view raw);
    // A line the framer cut because it exceeded its limit.
    [[nodiscard]] effects on_overlong_line();

    // Answers to effects.
    [[nodiscard]] effects nick_claimed(bool ok);
    // Not an effects list: knowing the room's spelling of its name asks nothing further.
    void joined(std::string_view key, std::string_view name);
    [[nodiscard]] effects channel_checked(const effect::check_channel& asked, bool exists);
    [[nodiscard]] effects private_delivered(const effect::private_message& sent, const std::optional<recipient>& to);
    // WHO: the users the server found for `asked`, at most max_who_entries.
    [[nodiscard]] effects who_answered(const effect::who& asked, const std::vector<who_entry>& found) const;
    // WHOIS (session_protocol_whois.cpp): what the directory knows of the
    // nick asked about, or nullopt when no registered user holds it.
    [[nodiscard]] effects whois_answered(const effect::whois& asked, const std::optional<whois_facts>& found) const;
    // effect::query, by kind: LIST with the channels the asker may see;
    // TOPIC (403 when there is no such channel: nullopt); NAMES (366 alone
    // for a channel the asker may not see or that does not exist); MODE
    // #chan (403 for none).
    [[nodiscard]] effects list_answered(const std::vector<listed_channel>& found) const;
    [[nodiscard]] effects topic_answered(const effect::query& asked, const std::optional<channel_topic_facts>& found) const;
    [[nodiscard]] effects names_answered(const effect::query& asked, const std::optional<channel_names>& found) const;
    [[nodiscard]] effects channel_modes_answered(const effect::query& asked, const std::optional<channel_mode_facts>& found) const;

    // ---- moderation: MODE, KICK, INVITE (session_protocol_moderation.cpp) ---
    // What a room answered about this client's own request.
    [[nodiscard]] effects room_answered(const any_room_fact& fact);
    // -------------------------------------------------------------------------

    // ---- ChanServ (session_protocol_chanserv.cpp) ----------------------------
    struct chanserv_outcome {
        enum class kind : std::uint8_t {
            done,            // registered, dropped, or (info) found
            not_registered,
            already_registered,
            not_op,          // REGISTER: the asker is not an operator of the channel
            not_founder,     // DROP: the channel is another account's
            failed,          // the store failed
        };
        kind what = kind::failed;
        std::string founder;             // info
        std::int64_t registered_ms = 0;  // info
    };
    [[nodiscard]] effects chanserv_answered(const effect::chanserv& asked, const chanserv_outcome& outcome) const;
    // -------------------------------------------------------------------------

    // ---- server operators (session_protocol_operator.cpp) ------------------
    enum class oper_result : std::uint8_t { ok, wrong_password, no_operators };
    [[nodiscard]] effects oper_answered(const effect::oper& asked, oper_result result);
    // `killed`: whether someone held the nick.
    [[nodiscard]] effects kill_answered(const effect::kill& asked, bool killed) const;
    struct kline_outcome {
        enum class kind : std::uint8_t { added, removed, not_found, bad_mask, failed };
        kind what = kind::failed;
        std::size_t disconnected = 0;  // added: the users it cut off
    };
    // KLINE and UNKLINE: a server NOTICE saying what became of `mask`.
    [[nodiscard]] effects kline_answered(std::string_view mask, kline_outcome outcome) const;
    [[nodiscard]] bool server_operator() const { return server_operator_; }
    // -------------------------------------------------------------------------

    // ---- users: USERHOST, ISON, WHOWAS, MONITOR, SETNAME, bot mode ----------
    // (session_protocol_users.cpp)

    // USERHOST, ISON: `found` holds those of the asked nicks who are online.
    [[nodiscard]] effects users_found(const effect::find_users& asked, const std::vector<user_presence>& found) const;
    // WHOWAS: the history found for the nick or mask, newest first.
    [[nodiscard]] effects whowas_answered(const effect::whowas& asked, const std::vector<past_user>& found) const;
    [[nodiscard]] effects monitor_answered(const effect::monitor& asked, const monitor_facts& facts) const;
    // A nick this client monitors came online or went offline: the 730 or 731
    // line, or nothing before registration.
    [[nodiscard]] std::string monitor_notice(const monitor_change& change) const;
    // -------------------------------------------------------------------------

    // ---- Server information (session_protocol_info.cpp) ----------------------
    // LUSERS, TIME and STATS u/m: the facts the server gathered for `asked`.
    [[nodiscard]] effects server_facts_answered(const effect::server_query& asked, const server_facts& facts) const;
    // The command table's rows, for counting how often each command is used
    // (STATS m): how many there are, the name of one, and the row on_line()
    // last ran, or no_command when the line ran none. Defined beside the
    // table, in session_protocol.cpp.
    static constexpr std::size_t no_command = static_cast<std::size_t>(-1);
    [[nodiscard]] static std::size_t command_count();
    [[nodiscard]] static std::string_view command_name(std::size_t row);
    [[nodiscard]] std::size_t last_command() const { return last_command_; }
    // -------------------------------------------------------------------------

    // ---- history: CHATHISTORY, replay on join (session_protocol_history.cpp)
    // `found`: the entries selected, oldest first, or nullopt when the client
    // may not read the target (FAIL INVALID_TARGET); `store_failed`: the
    // store could not answer (FAIL MESSAGE_ERROR).
    [[nodiscard]] effects history_answered(const effect::history& asked,
        const std::optional<std::vector<core::history_entry>>& found, bool store_failed = false);
    // TARGETS: the targets that saw messages in the asked time span, most
    // recent activity first as the store sorts them; at most the asked limit.
    [[nodiscard]] effects history_targets_answered(const effect::history_targets& asked,
        const std::vector<core::history_target_activity>& found);
    // A batch reference unique on this connection.
    [[nodiscard]] std::string new_batch_ref();
    // -------------------------------------------------------------------------

    // ---- accounts: SASL, REGISTER, NickServ (session_protocol_account.cpp) ---
    [[nodiscard]] effects account_answered(const effect::account_request& asked, const account_outcome& outcome);
    // The nick in use is a registered account's and this connection is not
    // logged in to it: NickServ's warning, naming the seconds left.
    [[nodiscard]] std::string nick_protected_notice(std::uint64_t grace_seconds) const;
    // The grace period ran out and the directory gave this user `guest`
    // instead: NickServ's notice, and the nick change for the client and
    // its channel mates (a send and a nick_changed).
    [[nodiscard]] effects nick_forced(std::string guest);
    // A NickServ notice to this client: ":NickServ!NickServ@services. NOTICE nick :text".
    [[nodiscard]] std::string services_notice(std::string_view text) const;
    // The account this connection is logged in to; empty: none.
    [[nodiscard]] const std::string& account() const { return account_; }
    // The client presented a TLS certificate (its fingerprint, or empty):
    // SASL EXTERNAL and NickServ CERT ADD may use it. The server keeps the
    // fingerprint itself.
    void set_certfp(std::string_view certfp) { has_certificate_ = !certfp.empty(); }
    // -------------------------------------------------------------------------

    // The connection is ending for a reason of the server's (flood, timeout):
    // nothing further completes registration.
    void closing() { closing_ = true; }
    // The client reached the TLS port: its CAP LS offers the sts policy for
    // a secure connection (duration only) instead of the upgrade (port too).
    void set_secure() { secure_ = true; }
    // A MOTD read after start (SIGHUP), shown instead of the settings' one.
    void set_motd(std::shared_ptr<const std::vector<std::string>> lines) { motd_ = std::move(lines); }
    [[nodiscard]] bool secure() const { return secure_; }

    [[nodiscard]] bool registered() const { return registered_; }
    [[nodiscard]] const std::string& nick() const { return nick_; }
    [[nodiscard]] const std::string& nick_or_star() const;
    [[nodiscard]] const std::string& prefix() const { return prefix_; }
    [[nodiscard]] const std::string& host() const { return host_; }
    [[nodiscard]] bool has(cap c) const { return (caps_ & bit(c)) != 0; }
    // The label of the line on_line() last took, when the client asked for
    // labeled-response and labeled it; empty otherwise.
    [[nodiscard]] const std::string& label() const { return label_; }
    [[nodiscard]] cap_set caps() const { return caps_; }
    [[nodiscard]] bool server_time() const { return has(cap::server_time); }
    [[nodiscard]] bool message_tags() const { return has(cap::message_tags); }
    [[nodiscard]] bool echo_message() const { return has(cap::echo_message); }
    // Joined channels as (folded key, display name), in join order.
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& channels() const { return channels_; }

    // A numeric reply to this client, as text.
    [[nodiscard]] std::string numeric_line(std::string_view code, std::initializer_list<std::string_view> middles,
        std::optional<std::string_view> trailing = std::nullopt) const;

private:
    void reply(effects& out, std::string_view code, std::initializer_list<std::string_view> middles,
        std::optional<std::string_view> trailing = std::nullopt) const;
    void dispatch(effects& out, const message& msg);
    void take_label(const message& msg);
    struct command;
    static std::span<const command> command_table();
    static const command* find_command(std::string_view name);

    // Registration and connection (session_protocol.cpp)
    void on_cap_command(effects& out, const message& msg);
    void on_user_command(effects& out, const message& msg);
    void on_ping(effects& out, const message& msg);
    void on_pong(effects& out, const message& msg);
    void on_list(effects& out, const message& msg);
    void on_cap(effects& out, const message& msg);
    void on_pass(effects& out, const message& msg);
    void on_user(effects& out, const message& msg);
    void on_nick(effects& out, const message& msg);
    void on_quit(effects& out, const message& msg);
    void on_mode(effects& out, const message& msg);
    void on_away(effects& out, const message& msg);
    void try_complete_registration(effects& out);
    void send_welcome(effects& out) const;
    void send_isupport(effects& out) const;
    void send_motd(effects& out) const;

    // Channels and messages (session_protocol_chat.cpp)
    void on_join(effects& out, const message& msg);
    void on_part(effects& out, const message& msg);
    void part_one(effects& out, const std::string& name, std::string_view reason);
    void on_topic(effects& out, const message& msg);
    void on_names(effects& out, const message& msg);
    void on_who(effects& out, const message& msg);
    void on_whois(effects& out, const message& msg);  // session_protocol_whois.cpp
    void on_message(effects& out, const message& msg);
    [[nodiscard]] const std::string* joined_name(std::string_view key) const;
    void join_one(effects& out, const std::string& name, std::string_view channel_key);
    void left(std::string_view key);

    // ---- ChanServ (session_protocol_chanserv.cpp) ------------------------------
    void on_chanserv_command(effects& out, const message& msg);  // CHANSERV, CS
    void chanserv(effects& out, std::string_view text);
    void chanserv_reply(effects& out, std::string_view text) const;

    // ---- server operators (session_protocol_operator.cpp) ---------------------
    void on_oper(effects& out, const message& msg);
    void on_kill(effects& out, const message& msg);
    void on_wallops(effects& out, const message& msg);
    void on_kline(effects& out, const message& msg);
    void on_unkline(effects& out, const message& msg);
    void on_rehash(effects& out, const message& msg);
    // False, after 481, for someone who is not a server operator.
    bool operator_only(effects& out) const;

    // ---- moderation (session_protocol_moderation.cpp) -------------------------
    void on_channel_mode(effects& out, const message& msg);
    void on_kick(effects& out, const message& msg);
    void on_invite(effects& out, const message& msg);
    // -------------------------------------------------------------------------

    // ---- users (session_protocol_users.cpp) ---------------------------------
    void on_userhost(effects& out, const message& msg);
    void on_ison(effects& out, const message& msg);
    void on_whowas(effects& out, const message& msg);
    void on_monitor(effects& out, const message& msg);
    void on_setname(effects& out, const message& msg);
    // The user modes set, as letters: "", "i", "B" or "iB".
    [[nodiscard]] std::string user_modes() const;
    // -------------------------------------------------------------------------

    // ---- history (session_protocol_history.cpp) ------------------------------
    void on_chathistory(effects& out, const message& msg);
    void on_history_targets(effects& out, const message& msg);
    // "FAIL CHATHISTORY code params... :text", each client-given parameter
    // made safe to echo.
    void history_fail(effects& out, std::string_view code, std::initializer_list<std::string_view> params,
        std::string_view text) const;
    // -------------------------------------------------------------------------

    // ---- accounts (session_protocol_account.cpp) ------------------------------
    void on_authenticate(effects& out, const message& msg);
    void on_register(effects& out, const message& msg);
    void on_verify(effects& out, const message& msg);
    void on_nickserv_command(effects& out, const message& msg);  // NICKSERV, NS
    void nickserv(effects& out, std::string_view text);
    void sasl_start(effects& out, std::string_view mechanism);
    void sasl_payload(effects& out, std::string payload);
    void sasl_fail(effects& out, std::string_view code, std::string_view text);
    void log_in(effects& out, const std::string& account);
    void account_fail(effects& out, const effect::account_request& asked, std::string_view code, std::string_view text);
    void services_reply(effects& out, std::string_view text) const;
    [[nodiscard]] std::string sasl_mechanisms() const;
    // The capabilities this server offers: all, or all but the account ones.
    [[nodiscard]] cap_set offered_caps_here() const;
    // -------------------------------------------------------------------------

    // ---- Server information (session_protocol_info.cpp) ----------------------
    void on_admin(effects& out, const message& msg);
    void on_help(effects& out, const message& msg);
    void on_info(effects& out, const message& msg);
    void on_links(effects& out, const message& msg);
    void on_lusers(effects& out, const message& msg);
    void on_motd(effects& out, const message& msg);
    void on_stats(effects& out, const message& msg);
    void on_time(effects& out, const message& msg);
    void on_version(effects& out, const message& msg);
    // False, after replying 402, when parameter `index` names another server.
    bool asks_this_server(effects& out, const message& msg, std::size_t index) const;
    void send_lusers(effects& out, const user_counts& counts) const;
    // -------------------------------------------------------------------------

    const protocol_settings& settings_;
    std::string host_;
    std::string nick_;
    std::string pending_nick_;  // asked for, waiting for nick_claimed()
    std::string user_;
    std::string realname_;
    std::string prefix_;  // nick!user@host once registered
    std::string password_;
    std::vector<std::pair<std::string, std::string>> channels_;  // a few per user: a vector beats a map
    bool registered_ = false;
    bool got_user_ = false;
    bool closing_ = false;
    bool cap_negotiating_ = false;
    bool cap_values_ = false;  // CAP LS 302: capabilities listed with their values
    bool secure_ = false;
    std::shared_ptr<const std::vector<std::string>> motd_;  // null: settings_.motd_lines
    cap_set caps_ = 0;
    std::string label_;
    bool invisible_ = false;
    bool bot_ = false;  // user mode +B (IRCv3 bot-mode)
    bool server_operator_ = false;  // user mode +o: given by OPER only, dropped with MODE -o
    bool wallops_ = false;          // user mode +w: receives WALLOPS
    std::size_t last_command_ = no_command;
    std::uint64_t batches_ = 0;  // batch references handed out

    // accounts
    std::string account_;
    std::string refused_nick_;  // before registration: the last nick asked for and refused as in use
    struct sasl_exchange {
        enum class mechanism : std::uint8_t { plain, external, scram };
        enum class step : std::uint8_t { payload, awaiting_server, scram_final, scram_done };
        mechanism mech = mechanism::plain;
        step at = step::payload;
        std::string buffer;  // base64 chunks received so far
        std::optional<core::auth::scram_client_first> scram_first;
        std::optional<core::auth::scram_server> scram;
        std::string account;  // SCRAM: the account named in the first message
    };
    std::unique_ptr<sasl_exchange> sasl_;  // null: no SASL exchange under way
    bool has_certificate_ = false;
};

}  // namespace sala::irc
