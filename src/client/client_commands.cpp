// User side of the client state machine: typed lines and /commands.
#include "client/client_state.hpp"

#include <algorithm>

#include "irc/names.hpp"
#include "irc/text.hpp"

namespace sala::client {

namespace {

// Room for the text of one PRIVMSG: 512 bytes minus the longest prefix and
// command the server may put in front when relaying it.
constexpr std::size_t max_text_bytes = 400;

}  // namespace

std::pair<std::string_view, std::string_view> client_state::split_word(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    const auto space = s.find(' ');
    if (space == std::string_view::npos)
        return {s, {}};
    auto rest = s.substr(space + 1);
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    return {s.substr(0, space), rest};
}

namespace {

std::string lower(std::string_view s) { return irc::fold(s); }

const char* const help_lines[] = {
    "/join #room        join a room (and switch to it)",
    "/part [#room] [why] leave the current room or #room",
    "/msg nick text     private message",
    "/me text           action (* you text)",
    "/nick new          change your nick",
    "/names [#room]     who is in the room",
    "/topic [text]      show or set the topic",
    "/away [text]       mark yourself away (no text: back)",
    "/op nick...        give channel operator status (also /deop, /voice, /devoice)",
    "/kick nick [why]   remove someone from the room",
    "/ban [nick|mask]   ban (a nick bans nick!*@*; alone: list bans); /unban to lift",
    "/invite nick [#room] invite someone to this room or #room",
    "/mode [#room] [modes] show or change the room's modes (e.g. /mode +m, /mode +k key)",
    "/win N             switch to window N (also Alt-1..9)",
    "/quote RAW         send a raw IRC line",
    "/register PASSWORD register your nick as an account (the line is not kept in history)",
    "/verify ACCOUNT CODE  finish a registration the server asked to verify",
    "/quit [reason]     leave",
    "Keys: Tab completes, Up/Down history, PageUp/PageDown scroll, Ctrl-C quits",
    "PageUp at the top of a room loads older lines, where the server keeps history",
};

}  // namespace

const std::vector<std::string>& client_state::command_names()
{
    static const std::vector<std::string> names = {
        "/away", "/ban",  "/deop", "/devoice", "/help",     "/invite", "/join",   "/kick",  "/me",
        "/mode", "/msg",  "/names", "/nick",   "/op",       "/part",   "/quit",   "/quote", "/register",
        "/topic", "/unban", "/verify", "/voice", "/win"};
    return names;
}

bool client_state::holds_secret(std::string_view line)
{
    if (!line.starts_with('/'))
        return false;
    const auto [command, args] = split_word(line.substr(1));
    const auto name = lower(command);
    if (name == "register" || name == "verify")
        return true;
    const auto [first, rest] = split_word(args);
    // Raw commands that carry passwords, and what is said to NickServ
    // (IDENTIFY, REGISTER, GHOST: nearly all of it is credentials).
    if (name == "quote" || name == "raw") {
        const auto raw = lower(first);
        return raw == "pass" || raw == "authenticate" || raw == "register" || raw == "verify" || raw == "oper"
            || (raw == "privmsg" && lower(split_word(rest).first) == "nickserv");
    }
    return (name == "msg" || name == "query") && lower(first) == "nickserv";
}

void client_state::quit(std::string_view reason)
{
    if (quitting_)
        return;
    quitting_ = true;
    if (state_ != connection_state::disconnected)
        send("QUIT", {reason.empty() ? std::string("leaving") : std::string(reason)});
}

void client_state::on_input(std::string_view line, clock_time now)
{
    // Strip a CR a pasted or piped line may carry; drop other controls except
    // the formatting codes the user may type on purpose.
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.remove_suffix(1);
    const std::string clean = irc::strip_controls(line);
    if (clean.empty())
        return;
    const auto* w = current();
    const std::string here = w ? w->name : std::string();
    // Commands that need no server run at once, whatever waits in the queue.
    if (clean.front() == '/' && !clean.starts_with("//")) {
        const auto name = lower(split_word(std::string_view(clean).substr(1)).first);
        if (name == "quit" || name == "exit" || name == "help" || name == "win" || name == "window") {
            execute(clean, here, now);
            return;
        }
    }
    queued_.push_back({here, clean});
    pump_input(now);
}

void client_state::pump_input(clock_time now)
{
    while (!queued_.empty() && state_ == connection_state::registered) {
        const auto& next = queued_.front();
        const std::string_view line = next.line;
        // A message for a room waits until we are in it.
        const bool message = line.front() != '/' || line.starts_with("//") || lower(line.substr(0, 4)) == "/me ";
        if (message && irc::is_channel(next.window)) {
            const auto* w = find_window(next.window);
            if (w && !w->joined)
                return;
        }
        const held_line h = std::move(queued_.front());
        queued_.pop_front();
        execute(h.line, h.window, now);
    }
}

void client_state::drop_queued_for(std::string_view channel, clock_time now)
{
    const auto before = queued_.size();
    std::erase_if(queued_, [channel](const held_line& h) { return irc::same_name(h.window, channel); });
    if (queued_.size() != before)
        info("dropped " + std::to_string(before - queued_.size()) + " line(s) typed for " + std::string(channel), now, true);
    pump_input(now);
}

void client_state::execute(std::string_view text, const std::string& here, clock_time now)
{
    if (text.front() == '/' && !text.starts_with("//")) {
        auto [name, args] = split_word(text.substr(1));
        run_command(lower(name), args, here, now);
        return;
    }
    if (text.starts_with("//"))
        text.remove_prefix(1);
    if (here.empty() || !find_window(here)) {
        info("You are not in a room: /join #room", now, true);
        return;
    }
    say(here, text, false, now);
}

void client_state::say(const std::string& target, std::string_view text, bool action, clock_time now)
{
    while (!text.empty()) {
        const auto piece = irc::truncate_utf8(text, max_text_bytes);
        text.remove_prefix(piece.size());
        send("PRIVMSG", {target, action ? "\x01" "ACTION " + std::string(piece) + "\x01" : std::string(piece)});
        // With echo-message the server shows us our own line, with its time.
        if (!has_cap("echo-message"))
            emit(event{action ? event_kind::action : event_kind::message, now, {target}, nick_, std::string(piece), true,
                       false});
    }
}

bool client_state::usage_ok(bool ok, std::string_view usage, clock_time now)
{
    if (!ok)
        info("usage: " + std::string(usage), now, true);
    return ok;
}

bool client_state::online(clock_time now)
{
    if (state_ == connection_state::registered)
        return true;
    info("not connected", now, true);
    return false;
}

void client_state::run_command(std::string_view name, std::string_view args, const std::string& here, clock_time now)
{
    auto need = [&](bool ok, const char* usage) { return usage_ok(ok, usage, now); };
    auto online = [&] { return client_state::online(now); };
    if (run_moderation_command(name, args, here, now))
        return;

    if (name == "join" || name == "j") {
        auto [room, key] = split_word(args);
        if (!need(!room.empty(), "/join #room"))
            return;
        std::string chan = irc::is_channel(room) ? std::string(room) : "#" + std::string(room);
        if (!open_window(chan)) {
            info("too many windows (" + std::to_string(limits_.windows) + "): /part one first", now, true);
            return;
        }
        switch_on_join_ = irc::fold(chan);
        if (state_ == connection_state::registered) {
            if (key.empty())
                send("JOIN", {chan});
            else
                send("JOIN", {chan, std::string(key)});
        }
    } else if (name == "part" || name == "leave") {
        auto [first, rest] = split_word(args);
        std::string chan = here;
        std::string_view reason = args;
        if (irc::is_channel(first)) {
            chan = std::string(first);
            reason = rest;
        }
        if (!need(!chan.empty(), "/part [#room] [reason]"))
            return;
        if (!irc::is_channel(chan) || state_ != connection_state::registered) {
            close_window(chan);  // a private chat, or offline: just close it
            return;
        }
        if (reason.empty())
            send("PART", {chan});
        else
            send("PART", {chan, std::string(reason)});
    } else if (name == "msg" || name == "query") {
        auto [target, text] = split_word(args);
        if (!need(!target.empty() && (name == "query" || !text.empty()), "/msg nick text"))
            return;
        // Past the window limit the message still goes; it shows in the
        // current window, labelled.
        if (!irc::is_channel(target))
            (void)open_window(target);
        if (!text.empty())
            say(std::string(target), text, false, now);
    } else if (name == "me") {
        if (!need(!args.empty() && !here.empty(), "/me action (in a room)"))
            return;
        say(here, args, true, now);
    } else if (name == "nick") {
        auto [nick, rest] = split_word(args);
        if (!need(!nick.empty(), "/nick new"))
            return;
        settings_.nick = std::string(nick);  // also the nick for the next connection
        if (state_ != connection_state::disconnected)
            send("NICK", {std::string(nick)});
    } else if (name == "names") {
        std::string chan = args.empty() ? here : std::string(split_word(args).first);
        if (!need(irc::is_channel(chan), "/names [#room]") || !online())
            return;
        names_shown_.insert(irc::fold(chan));
        send("NAMES", {chan});
    } else if (name == "topic") {
        if (!need(irc::is_channel(here), "/topic [text] (in a room)") || !online())
            return;
        if (args.empty())
            send("TOPIC", {here});
        else
            send("TOPIC", {here, std::string(args)});
    } else if (name == "away") {
        if (!online())
            return;
        if (args.empty())
            send("AWAY", {});
        else
            send("AWAY", {std::string(args)});
    } else if (name == "register") {
        // IRCv3 draft/account-registration for the current nick ("*"), with
        // no email; the whole rest of the line is the password.
        if (!need(!args.empty(), "/register PASSWORD") || !online())
            return;
        send("REGISTER", {"*", "*", std::string(args)});
    } else if (name == "verify") {
        auto [account, code] = split_word(args);
        if (!need(!account.empty() && !code.empty(), "/verify ACCOUNT CODE") || !online())
            return;
        send("VERIFY", {std::string(account), std::string(code)});
    } else if (name == "quit" || name == "exit") {
        quit(args);
    } else if (name == "quote" || name == "raw") {
        if (!need(!args.empty(), "/quote RAW") || !online())
            return;
        std::string raw(args);
        std::replace(raw.begin(), raw.end(), '\r', ' ');
        std::replace(raw.begin(), raw.end(), '\n', ' ');
        outgoing_.push_back(raw + "\r\n");
    } else if (name == "win" || name == "window") {
        const auto [num, rest] = split_word(args);
        std::size_t n = 0;
        for (char c : num)
            n = (c >= '0' && c <= '9') ? n * 10 + static_cast<std::size_t>(c - '0') : 0;
        if (!need(n >= 1 && switch_to(n - 1), "/win N (1 = first window)"))
            return;
    } else if (name == "help") {
        for (const char* line : help_lines)
            info(line, now);
    } else {
        info("unknown command /" + std::string(name) + " (try /help)", now, true);
    }
}

}  // namespace sala::client
