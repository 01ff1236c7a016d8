// The IRC commands a session handles: registration, channels, messages, queries.
#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/text.hpp"
#include "server/hub_call.hpp"
#include "server/replies.hpp"
#include "server/room.hpp"
#include "server/session.hpp"

namespace sala::server {

namespace num = irc::numeric;

namespace {

constexpr std::string_view supported_caps = "server-time message-tags echo-message batch";
constexpr std::size_t max_targets = 4;

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::vector<std::string> split(std::string_view s, char sep)
{
    std::vector<std::string> parts;
    while (!s.empty()) {
        const auto end = s.find(sep);
        if (end != 0)
            parts.emplace_back(s.substr(0, end));
        if (end == std::string_view::npos)
            break;
        s.remove_prefix(end + 1);
    }
    return parts;
}

bool allowed_before_registration(std::string_view cmd)
{
    return cmd == "CAP" || cmd == "NICK" || cmd == "USER" || cmd == "PASS" || cmd == "PING" || cmd == "PONG"
        || cmd == "QUIT";
}

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

asio::awaitable<void> session::handle_line(std::string_view raw)
{
    const auto& lim = ctx_.config.limits;
    std::string_view body = raw;
    if (!body.empty() && body.front() == '@') {
        const auto space = body.find(' ');
        const auto tags_size = space == std::string_view::npos ? body.size() : space;
        body = space == std::string_view::npos ? std::string_view{} : body.substr(space + 1);
        if (tags_size > lim.max_tags) {
            ++home_.stats.dropped;
            reply(num::inputtoolong, {}, "Input line was too long");
            co_return;
        }
    }
    if (body.size() + 2 > lim.max_line) {
        ++home_.stats.dropped;
        reply(num::inputtoolong, {}, "Input line was too long");
        co_return;
    }
    if (!irc::valid_utf8(raw)) {
        ++home_.stats.dropped;
        auto parsed = irc::parse(raw);
        std::string cmd = parsed.msg ? upper(parsed.msg->command) : "*";
        if (!irc::valid_utf8(cmd) || cmd.find_first_of("\x01\x02\x03") != std::string::npos)
            cmd = "*";
        send_raw(":" + ctx_.config.name + " FAIL " + cmd
            + " INVALID_UTF8 :Message rejected: this server only accepts UTF-8 text\r\n");
        co_return;
    }
    std::string cleaned;
    if (irc::has_controls(raw)) {
        cleaned = irc::strip_controls(raw);
        raw = cleaned;
    }
    auto parsed = irc::parse(raw);
    if (!parsed.msg) {
        if (parsed.error != irc::parse_error::empty)
            reply(num::unknowncommand, {"*"}, "Malformed line");
        co_return;
    }
    co_await dispatch(*parsed.msg);
}

asio::awaitable<void> session::dispatch(irc::message& msg)
{
    const std::string cmd = upper(msg.command);
    if (!registered_ && !allowed_before_registration(cmd)) {
        reply(num::notregistered, {}, "You have not registered");
        co_return;
    }
    if (cmd == "PRIVMSG" || cmd == "NOTICE" || cmd == "TAGMSG")
        co_await on_message(msg);
    else if (cmd == "PING") {
        if (msg.params.empty())
            reply(num::needmoreparams, {"PING"}, "Not enough parameters");
        else
            send_raw(":" + ctx_.config.name + " PONG " + ctx_.config.name + " :" + msg.params[0] + "\r\n");
    } else if (cmd == "PONG") {
        // Any input proves the client alive; read_loop already noted it.
    } else if (cmd == "JOIN")
        co_await on_join(msg);
    else if (cmd == "PART")
        co_await on_part(msg);
    else if (cmd == "CAP") {
        on_cap(msg);
        co_await try_complete_registration();
    } else if (cmd == "NICK") {
        // NICK may come last (after USER, or again after a 433), so it can complete registration too.
        co_await on_nick(msg);
        co_await try_complete_registration();
    } else if (cmd == "USER") {
        on_user(msg);
        co_await try_complete_registration();
    } else if (cmd == "PASS")
        on_pass(msg);
    else if (cmd == "QUIT")
        on_quit(msg);
    else if (cmd == "TOPIC")
        co_await on_topic(msg);
    else if (cmd == "NAMES")
        co_await on_names(msg);
    else if (cmd == "LIST")
        co_await on_list();
    else if (cmd == "WHO")
        co_await on_who(msg);
    else if (cmd == "WHOIS")
        co_await on_whois(msg);
    else if (cmd == "MODE")
        co_await on_mode(msg);
    else if (cmd == "AWAY")
        co_await on_away(msg);
    else
        reply(num::unknowncommand, {cmd}, "Unknown command");
}

// ---- registration -------------------------------------------------------

void session::on_cap(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::needmoreparams, {"CAP"}, "Not enough parameters");
        return;
    }
    const auto sub = upper(msg.params[0]);
    const auto& server = ctx_.config.name;
    if (sub == "LS") {
        if (!registered_)
            cap_negotiating_ = true;
        send_raw(relay(server, "CAP", {nick_or_star(), "LS"}, supported_caps));
    } else if (sub == "LIST") {
        std::string active;
        for (auto [on, name] : {std::pair{cap_server_time_, "server-time"}, {cap_message_tags_, "message-tags"},
                 {cap_echo_message_, "echo-message"}, {cap_batch_, "batch"}})
            if (on)
                active += active.empty() ? name : std::string(" ") + name;
        send_raw(relay(server, "CAP", {nick_or_star(), "LIST"}, active));
    } else if (sub == "REQ") {
        if (!registered_)
            cap_negotiating_ = true;
        const std::string requested = msg.params.size() > 1 ? msg.params[1] : "";
        const auto names = split(requested, ' ');
        const auto offered = split(supported_caps, ' ');
        const bool known = !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
            const auto name = n.front() == '-' ? n.substr(1) : n;
            return std::find(offered.begin(), offered.end(), name) != offered.end();
        });
        if (!known) {
            send_raw(relay(server, "CAP", {nick_or_star(), "NAK"}, requested));
            return;
        }
        for (const auto& n : names) {
            const bool enable = n.front() != '-';
            const std::string_view name = enable ? std::string_view(n) : std::string_view(n).substr(1);
            if (name == "server-time")
                cap_server_time_ = enable;
            else if (name == "message-tags")
                cap_message_tags_ = enable;
            else if (name == "echo-message")
                cap_echo_message_ = enable;
            else if (name == "batch")
                cap_batch_ = enable;
        }
        send_raw(relay(server, "CAP", {nick_or_star(), "ACK"}, requested));
    } else if (sub == "END") {
        cap_negotiating_ = false;
    } else {
        reply("410", {msg.params[0]}, "Invalid CAP command");
    }
}

void session::on_pass(const irc::message& msg)
{
    if (registered_)
        reply(num::alreadyregistered, {}, "You may not reregister");
    else if (msg.params.empty())
        reply(num::needmoreparams, {"PASS"}, "Not enough parameters");
    else
        password_ = msg.params[0];
}

void session::on_user(const irc::message& msg)
{
    if (registered_ || got_user_) {
        reply(num::alreadyregistered, {}, "You may not reregister");
        return;
    }
    if (msg.params.size() < 4 || msg.params[0].empty()) {
        reply(num::needmoreparams, {"USER"}, "Not enough parameters");
        return;
    }
    user_ = clean_username(msg.params[0]);
    realname_ = std::string(irc::truncate_utf8(msg.params[3], 100));
    got_user_ = true;
}

asio::awaitable<void> session::on_nick(const irc::message& msg)
{
    if (msg.params.empty() || msg.params[0].empty()) {
        reply(num::nonicknamegiven, {}, "No nickname given");
        co_return;
    }
    const std::string nick = msg.params[0];
    if (!irc::valid_nick(nick, ctx_.config.limits.nick_len)) {
        reply(num::erroneusnickname, {nick}, "Erroneous nickname");
        co_return;
    }
    if (nick == nick_)
        co_return;
    auto claim = [dir = ctx_.dir, current = me_, nick, owner = shared_from_this(), shard = home_.index,
                     host = peer_ip_] {
        auto user = current;
        const auto result = dir->claim_nick(user, nick, owner, shard, host);
        return std::pair{result, std::move(user)};
    };
    auto claimed = co_await call_on(ctx_.hub_executor(), std::move(claim));
    if (claimed.first == directory::claim_result::in_use) {
        reply(num::nicknameinuse, {nick}, "Nickname is already in use");
        co_return;
    }
    me_ = std::move(claimed.second);
    if (!registered_) {
        nick_ = nick;
        co_return;
    }
    auto line = relay(prefix_, "NICK", {}, nick);
    nick_ = nick;
    prefix_ = nick_ + "!" + user_ + "@" + peer_ip_;
    auto shown = make_tagged(line, server_time_tag(), {}, false);
    deliver(shown);
    for (auto& [key, r] : joined_) {
        room_event ev;
        ev.what = room_event::kind::nick;
        ev.user = me_;
        ev.shown_once = shown;
        ev.text = nick;
        ev.origin = this;
        // try_send first: it does not suspend, so a client's whole read chunk
        // reaches the room as one batch; wait only when the inbox is full.
        if (!r->inbox().try_send(boost::system::error_code{}, std::move(ev)))
            co_await r->inbox().async_send(boost::system::error_code{}, std::move(ev), use_nothrow);
    }
}

asio::awaitable<void> session::try_complete_registration()
{
    if (registered_ || nick_.empty() || !got_user_ || cap_negotiating_ || closing_)
        co_return;
    if (!ctx_.config.password.empty() && password_ != ctx_.config.password) {
        reply(num::passwdmismatch, {}, "Password incorrect");
        close_after_flush("Closing Link: " + peer_ip_ + " (Bad password)", disconnect_reason::error, "Bad password");
        co_return;
    }
    registered_ = true;
    watchdog_.cancel();  // from the registration deadline to the ping schedule
    prefix_ = nick_ + "!" + user_ + "@" + peer_ip_;
    auto publish = [record = me_, user = user_, realname = realname_] {
        record->user = user;
        record->realname = realname;
        record->registered = true;
    };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
    spdlog::info("register {} as {}", peer_ip_, prefix_);
    send_welcome();
    send_motd();
    for (const auto& chan : split(ctx_.config.autojoin, ','))
        co_await join_one(chan);
}

void session::send_welcome()
{
    const auto& cfg = ctx_.config;
    const auto& lim = cfg.limits;
    const std::string version = "sala-" SALA_VERSION;
    reply(num::welcome, {}, "Welcome to the " + cfg.network + " IRC Network " + prefix_);
    reply(num::yourhost, {}, "Your host is " + cfg.name + ", running version " + version);
    reply(num::created, {}, "This server was created " + ctx_.created_text);
    reply(num::myinfo, {cfg.name, version, "i", "b"});
    const std::string tokens[] = {
        "AWAYLEN=" + std::to_string(lim.topic_len),
        "CASEMAPPING=ascii",
        "CHANLIMIT=#:" + std::to_string(lim.max_channels_per_user),
        "CHANMODES=b,,,",
        "CHANNELLEN=" + std::to_string(lim.channel_len),
        "CHANTYPES=#",
        "LINELEN=" + std::to_string(lim.max_line),
        "MAXTARGETS=" + std::to_string(max_targets),
        "NETWORK=" + cfg.network,
        "NICKLEN=" + std::to_string(lim.nick_len),
        "PREFIX=()",
        "TOPICLEN=" + std::to_string(lim.topic_len),
        "UTF8ONLY",
    };
    std::string line = ":" + cfg.name + " 005 " + nick_;
    for (const auto& t : tokens)
        line += " " + t;
    send_raw(line + " :are supported by this server\r\n");
}

void session::send_motd()
{
    const auto& cfg = ctx_.config;
    if (cfg.motd_lines.empty()) {
        reply(num::nomotd, {}, "MOTD File is missing");
        return;
    }
    reply(num::motdstart, {}, "- " + cfg.name + " Message of the day - ");
    for (const auto& l : cfg.motd_lines)
        reply(num::motd, {}, "- " + l);
    reply(num::endofmotd, {}, "End of /MOTD command.");
}

void session::on_quit(const irc::message& msg)
{
    const std::string reason = msg.params.empty() || msg.params[0].empty()
        ? "Quit"
        : "Quit: " + std::string(irc::truncate_utf8(msg.params[0], ctx_.config.limits.topic_len));
    close_after_flush("Closing Link: " + peer_ip_ + " (" + reason + ")", disconnect_reason::quit, reason);
}

// ---- channels -----------------------------------------------------------

asio::awaitable<void> session::on_join(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::needmoreparams, {"JOIN"}, "Not enough parameters");
        co_return;
    }
    if (msg.params[0] == "0") {
        std::vector<std::string> names;
        for (auto& [key, r] : joined_)
            names.push_back(r->name());
        for (const auto& n : names)
        {
            const std::string reason = "Left all channels";
            co_await part_one(n, reason);
        }
        co_return;
    }
    for (const auto& name : split(msg.params[0], ','))
        co_await join_one(name);
}

asio::awaitable<void> session::join_one(const std::string& name)
{
    if (!irc::valid_channel(name, ctx_.config.limits.channel_len)) {
        reply(num::nosuchchannel, {name}, "No such channel");
        co_return;
    }
    auto key = irc::fold(name);
    if (joined_.contains(key))
        co_return;
    if (joined_.size() >= ctx_.config.limits.max_channels_per_user) {
        reply("405", {name}, "You have joined too many channels");
        co_return;
    }
    // The join travels through the room's inbox so it is ordered after this
    // client's earlier events there (a PART just before, say).
    auto lookup = [dir = ctx_.dir, name] { return dir->room_for_join(name); };
    auto r = co_await call_on(ctx_.hub_executor(), std::move(lookup));
    room_event ev;
    ev.what = room_event::kind::join;
    ev.user = me_;
    // try_send first: it does not suspend, so a client's whole read chunk
    // reaches the room as one batch; wait only when the inbox is full.
    if (!r->inbox().try_send(boost::system::error_code{}, std::move(ev)))
        co_await r->inbox().async_send(boost::system::error_code{}, std::move(ev), use_nothrow);
    joined_.emplace(std::move(key), std::move(r));
}

asio::awaitable<void> session::on_part(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::needmoreparams, {"PART"}, "Not enough parameters");
        co_return;
    }
    const std::string reason = msg.params.size() > 1 ? msg.params[1] : "";
    for (const auto& name : split(msg.params[0], ','))
        co_await part_one(name, reason);
}

asio::awaitable<void> session::part_one(const std::string& name, const std::string& reason)
{
    auto it = joined_.find(irc::fold(name));
    if (it == joined_.end()) {
        auto lookup = [dir = ctx_.dir, name] { return dir->find_room(name) != nullptr; };
        const bool exists = co_await call_on(ctx_.hub_executor(), std::move(lookup));
        if (exists)
            reply(num::notonchannel, {name}, "You're not on that channel");
        else
            reply(num::nosuchchannel, {name}, "No such channel");
        co_return;
    }
    auto r = std::move(it->second);
    joined_.erase(it);
    room_event ev;
    ev.what = room_event::kind::part;
    ev.user = me_;
    ev.line = reason.empty() ? relay(prefix_, "PART", {r->name()})
                             : relay(prefix_, "PART", {r->name()}, irc::truncate_utf8(reason, ctx_.config.limits.topic_len));
    ev.origin = this;
    // try_send first: it does not suspend, so a client's whole read chunk
    // reaches the room as one batch; wait only when the inbox is full.
    if (!r->inbox().try_send(boost::system::error_code{}, std::move(ev)))
        co_await r->inbox().async_send(boost::system::error_code{}, std::move(ev), use_nothrow);
}

asio::awaitable<void> session::on_topic(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::needmoreparams, {"TOPIC"}, "Not enough parameters");
        co_return;
    }
    const std::string name = msg.params[0];
    if (msg.params.size() == 1) {
        auto query = [dir = ctx_.dir, name, nick = nick_, server = ctx_.config.name] {
            auto r = dir->find_room(name);
            return r ? r->topic_reply(nick) : numeric(server, num::nosuchchannel, nick, {name}, "No such channel");
        };
        auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
        send_raw(std::move(text));
        co_return;
    }
    auto it = joined_.find(irc::fold(name));
    if (it == joined_.end()) {
        reply(num::notonchannel, {name}, "You're not on that channel");
        co_return;
    }
    room_event ev;
    ev.what = room_event::kind::topic;
    ev.user = me_;
    ev.text = std::string(irc::truncate_utf8(msg.params[1], ctx_.config.limits.topic_len));
    ev.line = relay(prefix_, "TOPIC", {it->second->name()}, ev.text);
    ev.origin = this;
    // try_send first: it does not suspend, so a client's whole read chunk
    // reaches the room as one batch; wait only when the inbox is full.
    if (!it->second->inbox().try_send(boost::system::error_code{}, std::move(ev)))
        co_await it->second->inbox().async_send(boost::system::error_code{}, std::move(ev), use_nothrow);
}

asio::awaitable<void> session::on_names(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::endofnames, {"*"}, "End of /NAMES list.");
        co_return;
    }
    for (const auto& name : split(msg.params[0], ',')) {
        auto query = [dir = ctx_.dir, name, nick = nick_, server = ctx_.config.name] {
            auto r = dir->find_room(name);
            return r ? r->names_reply(nick) : numeric(server, num::endofnames, nick, {name}, "End of /NAMES list.");
        };
        auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
        send_raw(std::move(text));
    }
}

asio::awaitable<void> session::on_list()
{
    auto query = [dir = ctx_.dir, nick = nick_] { return dir->list(nick); };
    auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
    send_raw(std::move(text));
}

asio::awaitable<void> session::on_who(const irc::message& msg)
{
    const std::string mask = msg.params.empty() ? "*" : msg.params[0];
    auto query = [dir = ctx_.dir, mask, nick = nick_] { return dir->who(mask, nick); };
    auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
    send_raw(std::move(text));
}

asio::awaitable<void> session::on_whois(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::nonicknamegiven, {}, "No nickname given");
        co_return;
    }
    const std::string target = msg.params.back();  // "WHOIS server nick" also names the nick last
    auto query = [dir = ctx_.dir, target, nick = nick_] { return dir->whois(target, nick); };
    auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
    send_raw(std::move(text));
}

asio::awaitable<void> session::on_mode(const irc::message& msg)
{
    if (msg.params.empty()) {
        reply(num::needmoreparams, {"MODE"}, "Not enough parameters");
        co_return;
    }
    const std::string target = msg.params[0];
    if (irc::is_channel(target)) {
        if (msg.params.size() == 1) {
            auto query = [dir = ctx_.dir, target, nick = nick_, server = ctx_.config.name] {
                    auto r = dir->find_room(target);
                    if (!r)
                        return numeric(server, num::nosuchchannel, nick, {target}, "No such channel");
                    const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                        r->created_at().time_since_epoch()).count();
                    return numeric(server, num::channelmodeis, nick, {r->name(), "+"})
                        + numeric(server, num::creationtime, nick, {r->name(), std::to_string(created)});
                };
            auto text = co_await call_on(ctx_.hub_executor(), std::move(query));
            send_raw(std::move(text));
        } else if (msg.params[1] == "b" || msg.params[1] == "+b") {
            reply(num::endofbanlist, {target}, "End of channel ban list");
        } else {
            reply(num::chanoprivsneeded, {target}, "You're not channel operator");
        }
        co_return;
    }
    if (!irc::same_name(target, nick_)) {
        reply(num::usersdontmatch, {}, "Can't change mode for other users");
        co_return;
    }
    if (msg.params.size() == 1) {
        reply(num::umodeis, {invisible_ ? "+i" : "+"});
        co_return;
    }
    bool adding = true;
    bool unknown = false;
    const bool before = invisible_;
    for (char c : msg.params[1]) {
        if (c == '+' || c == '-')
            adding = c == '+';
        else if (c == 'i')
            invisible_ = adding;
        else
            unknown = true;
    }
    if (unknown)
        reply(num::umodeunknownflag, {}, "Unknown MODE flag");
    if (before != invisible_)
        send_raw(relay(prefix_, "MODE", {nick_}, invisible_ ? "+i" : "-i"));
}

// ---- messages -----------------------------------------------------------

asio::awaitable<void> session::on_message(const irc::message& msg)
{
    const std::string cmd = upper(msg.command);
    const bool notice = cmd == "NOTICE";
    const bool tagmsg = cmd == "TAGMSG";
    if (msg.params.empty() || msg.params[0].empty()) {
        if (!notice)
            reply(num::norecipient, {}, "No recipient given (" + cmd + ")");
        co_return;
    }
    if (!tagmsg && (msg.params.size() < 2 || msg.params[1].empty())) {
        if (!notice)
            reply(num::notexttosend, {}, "No text to send");
        co_return;
    }
    std::string client_tags;
    if (cap_message_tags_) {
        std::vector<irc::tag> kept;
        for (const auto& t : msg.tags)
            if (!t.key.empty() && t.key.front() == '+')
                kept.push_back(t);
        client_tags = irc::serialize_tags(kept);
    }
    if (tagmsg && client_tags.empty())
        co_return;  // nothing to relay
    const std::string text = tagmsg ? std::string() : msg.params[1];
    auto targets = split(msg.params[0], ',');
    if (targets.size() > max_targets)
        targets.resize(max_targets);
    for (const auto& target : targets) {
        auto make_line = [&](std::string_view shown_target) {
            if (tagmsg)
                return relay(prefix_, cmd, {shown_target});
            // The relayed line adds our prefix; cut the text (at a character
            // boundary) so that what others receive fits the line limit too.
            const auto overhead = 1 + prefix_.size() + 1 + cmd.size() + 1 + shown_target.size() + 2 + 2;
            const auto max_line = ctx_.config.limits.max_line;
            return relay(prefix_, cmd, {shown_target},
                irc::truncate_utf8(text, max_line > overhead ? max_line - overhead : 0));
        };
        if (irc::is_channel(target)) {
            auto it = joined_.find(irc::fold(target));
            if (it == joined_.end()) {
                if (notice)
                    continue;
                auto lookup = [dir = ctx_.dir, target] { return dir->find_room(target) != nullptr; };
                const bool exists = co_await call_on(ctx_.hub_executor(), std::move(lookup));
                if (exists)
                    reply(num::cannotsendtochan, {target}, "Cannot send to channel");
                else
                    reply(num::nosuchnick, {target}, "No such nick/channel");
                continue;
            }
            if (!tagmsg)
                ++home_.stats.received;
            room_event ev;
            ev.what = room_event::kind::message;
            ev.user = me_;
            ev.line = make_line(it->second->name());
            ev.client_tags = client_tags;
            ev.is_chat = !tagmsg;
            ev.origin = this;
            // try_send first: it does not suspend, so a client's whole read chunk
            // reaches the room as one batch; wait only when the inbox is full.
            if (!it->second->inbox().try_send(boost::system::error_code{}, std::move(ev)))
                co_await it->second->inbox().async_send(boost::system::error_code{}, std::move(ev), use_nothrow);
            continue;
        }
        auto m = make_tagged(make_line(target), server_time_tag(), client_tags, !tagmsg, tagmsg);
        auto send_private = [dir = ctx_.dir, target, m] {
            auto u = dir->find_user(target);
            if (!u || !u->registered)
                return std::optional<std::pair<std::string, std::string>>{};
            dir->deliver_to(*u, m);
            return std::optional{std::pair{u->nick, u->away}};
        };
        auto found = co_await call_on(ctx_.hub_executor(), std::move(send_private));
        if (!found) {
            if (!notice)
                reply(num::nosuchnick, {target}, "No such nick/channel");
            continue;
        }
        if (!tagmsg)
            ++home_.stats.received;
        if (!notice && !tagmsg && !found->second.empty())
            reply(num::away, {found->first}, found->second);
        if (cap_echo_message_)
            deliver(m);
    }
}

asio::awaitable<void> session::on_away(const irc::message& msg)
{
    const std::string text = msg.params.empty()
        ? std::string()
        : std::string(irc::truncate_utf8(msg.params[0], ctx_.config.limits.topic_len));
    auto publish = [record = me_, text] { record->away = text; };
    co_await call_on(ctx_.hub_executor(), std::move(publish));
    if (text.empty())
        reply(num::unaway, {}, "You are no longer marked as being away");
    else
        reply(num::nowaway, {}, "You have been marked as being away");
}

}  // namespace sala::server
