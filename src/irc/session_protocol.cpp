// Line checks, dispatch, registration, capabilities and the user's own modes.
#include "irc/session_protocol.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/channel_modes.hpp"
#include "irc/labeled.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/text.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {


// "user" as given by USER, reduced to characters that cannot break a prefix.
std::string clean_username(std::string_view raw)
{
    std::string out;
    for (char c : raw) {
        const auto u = static_cast<unsigned char>(c);
        if (u > 0x20 && u < 0x7f && c != '@' && c != '!' && c != ':')
            out.push_back(c);
        if (out.size() == 16)
            break;
    }
    return out.empty() ? "user" : out;
}

}  // namespace

session_protocol::session_protocol(const protocol_settings& settings, std::string host)
    : settings_(settings), host_(std::move(host))
{
}

const std::string& session_protocol::nick_or_star() const
{
    static const std::string star = "*";
    return nick_.empty() ? star : nick_;
}

std::string session_protocol::numeric_line(std::string_view code, std::initializer_list<std::string_view> middles,
    std::optional<std::string_view> trailing) const
{
    return numeric_reply(settings_.server_name, code, nick_or_star(), middles, trailing);
}

void session_protocol::reply(effects& out, std::string_view code, std::initializer_list<std::string_view> middles,
    std::optional<std::string_view> trailing) const
{
    out.emplace_back(effect::send{numeric_line(code, middles, trailing)});
}

session_protocol::effects session_protocol::on_overlong_line()
{
    effects out;
    label_.clear();
    last_command_ = no_command;
    out.emplace_back(effect::line_dropped{});
    reply(out, numeric::inputtoolong, {}, "Input line was too long");
    return out;
}

session_protocol::effects session_protocol::on_line(std::string_view raw)
{
    effects out;
    label_.clear();
    last_command_ = no_command;
    std::string_view body = raw;
    if (!body.empty() && body.front() == '@') {
        const auto space = body.find(' ');
        const auto tags_size = space == std::string_view::npos ? body.size() : space;
        body = space == std::string_view::npos ? std::string_view{} : body.substr(space + 1);
        // The tag data, without '@' and the space, of all tags a client sends.
        if (tags_size > settings_.max_tags || tags_size - 1 > max_client_tag_bytes)
            return on_overlong_line();
    }
    if (body.size() + 2 > settings_.max_line)
        return on_overlong_line();
    if (!valid_utf8(raw)) {
        out.emplace_back(effect::line_dropped{});
        const auto parsed = parse(raw);
        std::string cmd = parsed.msg ? to_upper(parsed.msg->command) : "*";
        if (!valid_utf8(cmd) || cmd.find_first_of("\x01\x02\x03") != std::string::npos)
            cmd = "*";
        std::string text = ":" + settings_.server_name + " FAIL " + cmd
            + " INVALID_UTF8 :Message rejected: this server only accepts UTF-8 text\r\n";
        fit_line(text);
        out.emplace_back(effect::send{std::move(text)});
        return out;
    }
    std::string cleaned;
    if (has_controls(raw)) {
        cleaned = strip_controls(raw);
        raw = cleaned;
    }
    const auto parsed = parse(raw);
    if (!parsed.msg) {
        // A labeled line whose command is malformed still gets its 421
        // labeled: its tags alone are parsed again, with a stand-in command.
        if (parsed.error == parse_error::bad_command && raw.starts_with('@')) {
            const auto tags_only = parse(std::string(raw.substr(0, raw.find(' '))) + " X");
            if (tags_only.msg)
                take_label(*tags_only.msg);
        }
        if (parsed.error != parse_error::empty)
            reply(out, numeric::unknowncommand, {"*"}, "Malformed line");
        return out;
    }
    take_label(*parsed.msg);
    dispatch(out, *parsed.msg);
    return out;
}

namespace {

// A handler that needs no state beyond the command itself.
using handler = void (session_protocol::*)(session_protocol::effects&, const message&);

}  // namespace

// The command table: one row per command, kept sorted by name for the binary
// search. `min_params` fewer parameters get 461 before the handler runs (0
// where the handler answers missing parameters in its own way).
struct session_protocol::command {
    std::string_view name;
    std::size_t min_params;
    bool before_registration;
    handler run;
};

std::span<const session_protocol::command> session_protocol::command_table()
{
    static constexpr command table[] = {
        {"ADMIN", 0, false, &session_protocol::on_admin},
        {"AUTHENTICATE", 1, true, &session_protocol::on_authenticate},
        {"AWAY", 0, false, &session_protocol::on_away},
        {"CAP", 1, true, &session_protocol::on_cap_command},
        {"CHANSERV", 0, false, &session_protocol::on_chanserv_command},
        {"CHATHISTORY", 1, false, &session_protocol::on_chathistory},
        {"CS", 0, false, &session_protocol::on_chanserv_command},
        {"HELP", 0, false, &session_protocol::on_help},
        {"HELPOP", 0, false, &session_protocol::on_help},
        {"INFO", 0, false, &session_protocol::on_info},
        {"INVITE", 2, false, &session_protocol::on_invite},
        {"ISON", 0, false, &session_protocol::on_ison},
        {"JOIN", 1, false, &session_protocol::on_join},
        {"KICK", 2, false, &session_protocol::on_kick},
        {"KILL", 1, false, &session_protocol::on_kill},
        {"KLINE", 1, false, &session_protocol::on_kline},
        {"LINKS", 0, false, &session_protocol::on_links},
        {"LIST", 0, false, &session_protocol::on_list},
        {"LUSERS", 0, false, &session_protocol::on_lusers},
        {"MODE", 1, false, &session_protocol::on_mode},
        {"MONITOR", 1, false, &session_protocol::on_monitor},
        {"MOTD", 0, false, &session_protocol::on_motd},
        {"NAMES", 0, false, &session_protocol::on_names},
        {"NICK", 0, true, &session_protocol::on_nick},
        {"NICKSERV", 0, false, &session_protocol::on_nickserv_command},
        {"NOTICE", 0, false, &session_protocol::on_message},
        {"NS", 0, false, &session_protocol::on_nickserv_command},
        {"OPER", 2, false, &session_protocol::on_oper},
        {"PART", 1, false, &session_protocol::on_part},
        {"PASS", 0, true, &session_protocol::on_pass},  // 462 comes first
        {"PING", 1, true, &session_protocol::on_ping},
        {"PONG", 0, true, &session_protocol::on_pong},
        {"PRIVMSG", 0, false, &session_protocol::on_message},
        {"QUIT", 0, true, &session_protocol::on_quit},
        {"REGISTER", 0, true, &session_protocol::on_register},
        {"REHASH", 0, false, &session_protocol::on_rehash},
        {"SETNAME", 1, false, &session_protocol::on_setname},
        {"STATS", 1, false, &session_protocol::on_stats},
        {"TAGMSG", 0, false, &session_protocol::on_message},
        {"TIME", 0, false, &session_protocol::on_time},
        {"TOPIC", 1, false, &session_protocol::on_topic},
        {"UNKLINE", 1, false, &session_protocol::on_unkline},
        {"USER", 0, true, &session_protocol::on_user_command},  // 462 comes first
        {"USERHOST", 0, false, &session_protocol::on_userhost},
        {"VERIFY", 0, true, &session_protocol::on_verify},
        {"VERSION", 0, false, &session_protocol::on_version},
        {"WALLOPS", 1, false, &session_protocol::on_wallops},
        {"WHO", 0, false, &session_protocol::on_who},
        {"WHOIS", 0, false, &session_protocol::on_whois},
        {"WHOWAS", 0, false, &session_protocol::on_whowas},
    };
    static_assert(std::is_sorted(std::begin(table), std::end(table),
        [](const command& a, const command& b) { return a.name < b.name; }));
    return table;
}

const session_protocol::command* session_protocol::find_command(std::string_view name)
{
    const auto table = command_table();
    const auto it = std::lower_bound(table.begin(), table.end(), name,
        [](const command& c, std::string_view n) { return c.name < n; });
    return it != table.end() && it->name == name ? &*it : nullptr;
}

std::size_t session_protocol::command_count()
{
    return command_table().size();
}

std::string_view session_protocol::command_name(std::size_t row)
{
    const auto table = command_table();
    return row < table.size() ? table[row].name : std::string_view{};
}

void session_protocol::take_label(const message& msg)
{
    if (!has(cap::labeled_response))
        return;
    for (const auto& t : msg.tags)
        if (t.key == "label" && !t.value.empty() && t.value.size() <= max_label_bytes)
            label_ = t.value;
}

void session_protocol::dispatch(effects& out, const message& msg)
{
    const std::string cmd = to_upper(msg.command);
    const auto* c = find_command(cmd);
    if (!registered_ && (c == nullptr || !c->before_registration)) {
        reply(out, numeric::notregistered, {}, "You have not registered");
        return;
    }
    if (c == nullptr) {
        reply(out, numeric::unknowncommand, {cmd}, "Unknown command");
        return;
    }
    // Counted once it is known and allowed, answered with 461 or not: STATS m
    // reports what clients ask for.
    last_command_ = static_cast<std::size_t>(c - command_table().data());
    if (msg.params.size() < c->min_params) {
        reply(out, numeric::needmoreparams, {cmd}, "Not enough parameters");
        return;
    }
    (this->*(c->run))(out, msg);
}

void session_protocol::on_ping(effects& out, const message& msg)
{
    out.emplace_back(effect::barrier{});
    out.emplace_back(effect::send{relay(settings_.server_name, "PONG", {settings_.server_name}, msg.params[0])});
}

void session_protocol::on_pong(effects&, const message&)
{
    // Any input proves the client alive; the session notes the time of every read.
}

void session_protocol::on_list(effects& out, const message& msg)
{
    // The filter (names, masks, !masks, >n, <n) is applied where the rooms are.
    out.emplace_back(effect::query{effect::query_kind::list, msg.params.empty() ? std::string() : msg.params[0]});
}

void session_protocol::on_cap_command(effects& out, const message& msg)
{
    on_cap(out, msg);
    try_complete_registration(out);
}

void session_protocol::on_user_command(effects& out, const message& msg)
{
    on_user(out, msg);
    try_complete_registration(out);
}

// ---- registration -------------------------------------------------------

void session_protocol::on_cap(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::needmoreparams, {"CAP"}, "Not enough parameters");
        return;
    }
    const auto sub = to_upper(msg.params[0]);
    const auto& server = settings_.server_name;
    if (sub == "LS") {
        if (!registered_)
            cap_negotiating_ = true;
        if (msg.params.size() > 1) {
            unsigned version = 0;
            const auto& v = msg.params[1];
            const auto parsed = std::from_chars(v.data(), v.data() + v.size(), version);
            if (parsed.ec == std::errc{} && version >= 302)
                cap_values_ = true;
        }
        auto offered = cap_names(offered_caps_here());
        if (cap_values_) {
            // Values from 302 on: the SASL mechanisms, and that REGISTER
            // works before the connection is registered.
            const auto with_value = [&offered](std::string_view name, const std::string& value) {
                const auto at = offered.find(name);
                if (at != std::string::npos)
                    offered.insert(at + name.size(), "=" + value);
            };
            with_value(" sasl", sasl_mechanisms());
            with_value("draft/account-registration", "before-connect");
        }
        // sts only has meaning with its value, which clients read from 302 on;
        // it is announced, never requested (a REQ for it gets NAK).
        if (cap_values_ && settings_.sts_port != 0) {
            offered += secure_ ? " sts=duration=" + std::to_string(settings_.sts_duration)
                               : " sts=port=" + std::to_string(settings_.sts_port)
                    + ",duration=" + std::to_string(settings_.sts_duration);
        }
        out.emplace_back(effect::send{relay(server, "CAP", {nick_or_star(), "LS"}, offered)});
    } else if (sub == "LIST") {
        out.emplace_back(effect::send{relay(server, "CAP", {nick_or_star(), "LIST"}, cap_names(caps_))});
    } else if (sub == "REQ") {
        if (!registered_)
            cap_negotiating_ = true;
        const std::string requested = msg.params.size() > 1 ? msg.params[1] : "";
        const auto names = split_list(requested, ' ');
        auto bare = [](const std::string& n) {
            return n.front() == '-' ? std::string_view(n).substr(1) : std::string_view(n);
        };
        // All or nothing: one unknown name refuses the whole request.
        const bool known = !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
            return (offered_caps_here() & bit(cap_named(bare(n)))) != 0;
        });
        if (!known) {
            out.emplace_back(effect::send{relay(server, "CAP", {nick_or_star(), "NAK"}, requested)});
            return;
        }
        for (const auto& n : names) {
            const bool enable = n.front() != '-';
            const auto flag = bit(cap_named(bare(n)));
            caps_ = enable ? static_cast<cap_set>(caps_ | flag) : static_cast<cap_set>(caps_ & ~flag);
        }
        out.emplace_back(effect::send{relay(server, "CAP", {nick_or_star(), "ACK"}, requested)});
    } else if (sub == "END") {
        cap_negotiating_ = false;
        // SASL 3.1: ending negotiation abandons an unfinished exchange.
        if (sasl_ && !registered_)
            sasl_fail(out, numeric::saslaborted, "SASL authentication aborted");
    } else {
        reply(out, "410", {msg.params[0]}, "Invalid CAP command");
    }
}

void session_protocol::on_pass(effects& out, const message& msg)
{
    if (registered_)
        reply(out, numeric::alreadyregistered, {}, "You may not reregister");
    else if (msg.params.empty())
        reply(out, numeric::needmoreparams, {"PASS"}, "Not enough parameters");
    else
        password_ = msg.params[0];
}

void session_protocol::on_user(effects& out, const message& msg)
{
    if (registered_ || got_user_) {
        reply(out, numeric::alreadyregistered, {}, "You may not reregister");
        return;
    }
    // An empty realname is as missing as an absent one.
    if (msg.params.size() < 4 || msg.params[0].empty() || msg.params[3].empty()) {
        reply(out, numeric::needmoreparams, {"USER"}, "Not enough parameters");
        return;
    }
    user_ = clean_username(msg.params[0]);
    realname_ = std::string(truncate_utf8(msg.params[3], settings_.realname_len));
    got_user_ = true;
}

void session_protocol::on_nick(effects& out, const message& msg)
{
    if (msg.params.empty() || msg.params[0].empty()) {
        reply(out, numeric::nonicknamegiven, {}, "No nickname given");
        return;
    }
    const std::string& nick = msg.params[0];
    if (!valid_nick(nick, settings_.nick_len)) {
        reply(out, numeric::erroneusnickname, {nick}, "Erroneous nickname");
        return;
    }
    if (same_name(nick, "NickServ")) {
        reply(out, numeric::erroneusnickname, {nick}, "Reserved for services");
        return;
    }
    if (nick == nick_) {
        try_complete_registration(out);
        return;
    }
    pending_nick_ = nick;
    out.emplace_back(effect::claim_nick{nick});
}

session_protocol::effects session_protocol::nick_claimed(bool ok)
{
    effects out;
    std::string nick = std::exchange(pending_nick_, {});
    if (nick.empty())
        return out;  // an answer nobody asked for
    if (!ok) {
        if (!registered_ && nick_.empty())
            refused_nick_ = nick;
        reply(out, numeric::nicknameinuse, {nick}, "Nickname is already in use");
        try_complete_registration(out);
        return out;
    }
    if (!registered_) {
        refused_nick_.clear();
        nick_ = std::move(nick);
        try_complete_registration(out);
        return out;
    }
    auto line = relay(prefix_, "NICK", {}, nick);
    nick_ = nick;
    prefix_ = nick_ + "!" + user_ + "@" + host_;
    out.emplace_back(effect::nick_changed{std::move(line), std::move(nick)});
    return out;
}

void session_protocol::try_complete_registration(effects& out)
{
    if (registered_ || nick_.empty() || !got_user_ || cap_negotiating_ || closing_)
        return;
    if (!settings_.password.empty() && password_ != settings_.password) {
        reply(out, numeric::passwdmismatch, {}, "Password incorrect");
        closing_ = true;
        out.emplace_back(effect::close{"Closing Link: " + host_ + " (Bad password)",
            effect::close_reason::bad_password, "Bad password"});
        return;
    }
    registered_ = true;
    prefix_ = nick_ + "!" + user_ + "@" + host_;
    out.emplace_back(effect::registered{user_, realname_, prefix_});
    send_welcome(out);
    // Clients and irctest expect the LUSERS counts between 005 and the MOTD.
    out.emplace_back(effect::server_query{effect::server_topic::lusers});
    send_motd(out);
    for (const auto& chan : settings_.autojoin)
        join_one(out, chan, {});
}

void session_protocol::send_welcome(effects& out) const
{
    const auto& s = settings_;
    reply(out, numeric::welcome, {}, "Welcome to the " + s.network + " IRC Network " + prefix_);
    reply(out, numeric::yourhost, {}, "Your host is " + s.server_name + ", running version " + s.version);
    reply(out, numeric::created, {}, "This server was created " + s.created_text);
    // The channel modes, then those of them that take a parameter.
    reply(out, numeric::myinfo, {s.server_name, s.version, "Biow", "Ibeiklmnostv", "Ibeklov"});
    send_isupport(out);
}

// Also VERSION's answer, after its 351.
void session_protocol::send_isupport(effects& out) const
{
    const auto& s = settings_;
    std::vector<std::string> tokens = {
        "AWAYLEN=" + std::to_string(s.topic_len),
        "BOT=B",
        "CASEMAPPING=ascii",
        "CHANLIMIT=#:" + std::to_string(s.max_channels),
        "CHANNELLEN=" + std::to_string(s.channel_len),
        "CHANTYPES=#",
        "CHATHISTORY=" + std::to_string(max_history_limit),
        "ELIST=MNU",  // LIST by mask, by !mask, and by member count
        "LINELEN=" + std::to_string(s.max_line),
        "MAXTARGETS=" + std::to_string(max_targets),
        "MONITOR=" + std::to_string(s.monitor_limit),
        "MSGREFTYPES=msgid,timestamp",  // msgid first: exact, where timestamps may tie
        "NAMELEN=" + std::to_string(s.realname_len),
        "NETWORK=" + s.network,
        "NICKLEN=" + std::to_string(s.nick_len),
        "TOPICLEN=" + std::to_string(s.topic_len),
        "UTF8ONLY",
        "WHOX",
    };
    for (auto& token : core::channel_mode_isupport())
        tokens.push_back(std::move(token));
    std::sort(tokens.begin(), tokens.end());
    // At most 13 tokens a line: with the nick and the trailing text that
    // makes the 15 parameters RFC 1459 parsers can hold.
    constexpr std::size_t per_line = 13;
    const std::string head = ":" + s.server_name + " 005 " + nick_;
    std::string text;
    for (std::size_t first = 0; first < tokens.size(); first += per_line) {
        std::string line = head;
        for (std::size_t i = first; i < std::min(first + per_line, tokens.size()); ++i)
            line += " " + tokens[i];
        text += line + " :are supported by this server\r\n";
    }
    out.emplace_back(effect::send{std::move(text)});
}

void session_protocol::send_motd(effects& out) const
{
    const auto& s = settings_;
    const auto& lines = motd_ ? *motd_ : s.motd_lines;
    if (lines.empty()) {
        reply(out, numeric::nomotd, {}, "MOTD File is missing");
        return;
    }
    reply(out, numeric::motdstart, {}, "- " + s.server_name + " Message of the day - ");
    for (const auto& l : lines)
        reply(out, numeric::motd, {}, "- " + l);
    reply(out, numeric::endofmotd, {}, "End of /MOTD command.");
}

void session_protocol::on_quit(effects& out, const message& msg)
{
    const std::string reason = msg.params.empty() || msg.params[0].empty()
        ? "Quit"
        : "Quit: " + std::string(truncate_utf8(msg.params[0], settings_.topic_len));
    closing_ = true;
    out.emplace_back(effect::close{"Closing Link: " + host_ + " (" + reason + ")", effect::close_reason::quit, reason});
}

// ---- the user's own state -----------------------------------------------

void session_protocol::on_mode(effects& out, const message& msg)
{
    if (msg.params.empty()) {
        reply(out, numeric::needmoreparams, {"MODE"}, "Not enough parameters");
        return;
    }
    const std::string& target = msg.params[0];
    if (is_channel(target)) {
        on_channel_mode(out, msg);
        return;
    }
    if (!same_name(target, nick_)) {
        reply(out, numeric::usersdontmatch, {}, "Can't change mode for other users");
        return;
    }
    if (msg.params.size() == 1) {
        reply(out, numeric::umodeis, {"+" + user_modes()});
        return;
    }
    bool adding = true;
    bool unknown = false;
    const auto before = user_modes();
    for (char c : msg.params[1]) {
        if (c == '+' || c == '-')
            adding = c == '+';
        else if (c == 'i')
            invisible_ = adding;
        else if (c == 'B')
            bot_ = adding;
        else if (c == 'w')
            wallops_ = adding;
        else if (c == 'o') {
            if (!adding)  // only OPER gives it
                server_operator_ = false;
        }
        else
            unknown = true;
    }
    if (unknown)
        reply(out, numeric::umodeunknownflag, {}, "Unknown MODE flag");
    auto after = user_modes();
    if (before == after)
        return;
    std::string added;
    std::string removed;
    for (char c : after)
        if (before.find(c) == std::string::npos)
            added += c;
    for (char c : before)
        if (after.find(c) == std::string::npos)
            removed += c;
    const auto change = (added.empty() ? "" : "+" + added) + (removed.empty() ? "" : "-" + removed);
    out.emplace_back(effect::send{relay(prefix_, "MODE", {nick_}, change)});
    out.emplace_back(effect::modes_changed{std::move(after)});
}

void session_protocol::on_away(effects& out, const message& msg)
{
    std::string text = msg.params.empty() ? std::string() : std::string(truncate_utf8(msg.params[0], settings_.topic_len));
    const bool back = text.empty();
    auto line = back ? relay(prefix_, "AWAY", {}) : relay(prefix_, "AWAY", {}, text);
    out.emplace_back(effect::set_away{std::move(text), std::move(line)});
    if (back)
        reply(out, numeric::unaway, {}, "You are no longer marked as being away");
    else
        reply(out, numeric::nowaway, {}, "You have been marked as being away");
}

}  // namespace sala::irc
