// Server side of the client state machine: registration, capabilities, and
// what each received line does to the windows.
#include "client/client_state.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/tokens.hpp"

namespace sala::client {

namespace num = irc::numeric;

namespace {

std::string_view nick_of(std::string_view prefix) { return prefix.substr(0, prefix.find('!')); }

// The order of irc::fold(a) < irc::fold(b), without allocating: member lists
// are searched with it on every JOIN, PART, QUIT and NICK.
bool folded_less(std::string_view a, std::string_view b)
{
    auto key = [](char c) { return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [&](char x, char y) { return key(x) < key(y); });
}

// Where `nick` is in the sorted members of `w`, or would go.
std::vector<member>::iterator member_slot(window& w, std::string_view nick)
{
    return std::lower_bound(w.members.begin(), w.members.end(), nick,
                            [](const member& m, std::string_view n) { return folded_less(m.nick, n); });
}

// Sorted and without duplicates: a NAMES list of 100,000 costs n log n, not
// one search per name.
std::vector<member> member_list(std::vector<member> names)
{
    std::stable_sort(names.begin(), names.end(),
                     [](const member& a, const member& b) { return folded_less(a.nick, b.nick); });
    names.erase(std::unique(names.begin(), names.end(),
                            [](const member& a, const member& b) { return irc::same_name(a.nick, b.nick); }),
                names.end());
    return names;
}

// Only the capabilities we would request are remembered from CAP LS and ACK,
// so an endless list costs nothing. History needs the last four: lines in
// batches, with their msgid and time, and CHATHISTORY to ask for them.
// multi-prefix: NAMES shows every status a member has ("@+carol"), so taking
// op from a voiced member leaves them shown voiced.
constexpr std::array<std::string_view, 6> wanted_caps = {"server-time", "echo-message", "batch", "message-tags",
                                                         "draft/chathistory", "multi-prefix"};

bool wanted(std::string_view cap) { return std::find(wanted_caps.begin(), wanted_caps.end(), cap) != wanted_caps.end(); }

const std::string& last_param(const irc::message& m)
{
    static const std::string none;
    return m.params.empty() ? none : m.params.back();
}

// Splits a space-separated list, skipping empty items.
std::vector<std::string> words(std::string_view s)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto j = std::min(s.find(' ', i), s.size());
        if (j > i)
            out.emplace_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

bool parse_int(std::string_view s, int& out) { return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{}; }

}  // namespace

bool client_state::remove_member(window& w, std::string_view nick)
{
    const auto it = member_slot(w, nick);
    if (it == w.members.end() || !irc::same_name(it->nick, nick))
        return false;
    w.members.erase(it);
    return true;
}

std::vector<std::string> member_nicks(const window& w)
{
    std::vector<std::string> out;
    out.reserve(w.members.size());
    for (const auto& m : w.members)
        out.push_back(m.nick);
    return out;
}

std::vector<const member*> members_by_rank(const window& w, std::string_view ranks, std::size_t max)
{
    std::vector<const member*> out;
    auto rank_of = [&](const member& m) {
        return m.status.empty() ? ranks.size() : std::min(ranks.find(m.status.front()), ranks.size());
    };
    for (std::size_t rank = 0; rank <= ranks.size() && out.size() < max; ++rank)
        for (const auto& m : w.members) {
            if (out.size() >= max)
                break;
            if (rank_of(m) == rank)
                out.push_back(&m);
        }
    return out;
}

std::optional<clock_time> parse_server_time(std::string_view v)
{
    // YYYY-MM-DDTHH:MM:SS[.sss]Z
    if (v.size() < 20 || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':')
        return std::nullopt;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!parse_int(v.substr(0, 4), y) || !parse_int(v.substr(5, 2), mo) || !parse_int(v.substr(8, 2), d)
        || !parse_int(v.substr(11, 2), h) || !parse_int(v.substr(14, 2), mi) || !parse_int(v.substr(17, 2), s))
        return std::nullopt;
    if (v.size() >= 24 && v[19] == '.' && !parse_int(v.substr(20, 3), ms))
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    return clock_time(std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(h)
                      + std::chrono::minutes(mi) + std::chrono::seconds(s) + std::chrono::milliseconds(ms));
}

client_state::client_state(client_settings settings, client_limits limits)
    : settings_(std::move(settings)), limits_(limits), nick_(settings_.nick), history_(limits_.history)
{
    server_name_ = settings_.server_label;
    // Windows for the rooms to join exist from the start, so text typed before
    // the join completes has somewhere to wait.
    for (const auto& c : settings_.channels)
        open_window(c);
}

const window* client_state::current() const { return current_ < windows_.size() ? &windows_[current_] : nullptr; }

window* client_state::find_window(std::string_view name)
{
    for (auto& w : windows_)
        if (irc::same_name(w.name, name))
            return &w;
    return nullptr;
}

window* client_state::open_window(std::string_view name)
{
    if (auto* w = find_window(name))
        return w;
    if (windows_.size() >= limits_.windows)
        return nullptr;
    windows_.push_back(window{std::string(name), {}, {}, false, false, false});
    return &windows_.back();
}

std::size_t client_state::private_windows() const
{
    return static_cast<std::size_t>(
        std::count_if(windows_.begin(), windows_.end(), [](const window& w) { return !irc::is_channel(w.name); }));
}

std::size_t client_state::names_held() const
{
    std::size_t n = 0;
    for (const auto& w : windows_)
        n += w.members.size();
    for (const auto& p : names_pending_)
        n += p.names.size();
    return n;
}

void client_state::list_member(window& w, std::string_view nick)
{
    if (nick.size() > limits_.nick_bytes || w.members.size() >= limits_.members || names_held() >= limits_.all_members)
        return;
    const auto it = member_slot(w, nick);
    if (it == w.members.end() || !irc::same_name(it->nick, nick))
        w.members.insert(it, member{std::string(nick), {}});
}

member* client_state::find_member(window& w, std::string_view nick)
{
    const auto it = member_slot(w, nick);
    return it == w.members.end() || !irc::same_name(it->nick, nick) ? nullptr : &*it;
}

client_usage client_state::usage() const
{
    return client_usage{windows_.size(),       names_held(),         names_pending_.size(),
                        offered_.size(),       caps_.size(),         history_.held_lines(),
                        history_.remembered_keys(), history_.open_batches()};
}

void client_state::close_window(std::string_view name)
{
    const auto it = std::find_if(windows_.begin(), windows_.end(),
                                 [name](const window& w) { return irc::same_name(w.name, name); });
    if (it == windows_.end())
        return;
    const auto index = static_cast<std::size_t>(it - windows_.begin());
    std::erase_if(names_pending_, [&](const names_reply& p) { return irc::same_name(p.channel, it->name); });
    history_.left(it->name);
    windows_.erase(it);
    // Closing the current window shows the one before it, like most clients.
    if (current_ > index || (current_ == index && current_ > 0))
        --current_;
}

void client_state::tick(clock_time now)
{
    history_.tick(now);
    drain_history();
}

bool client_state::request_older_history(clock_time now)
{
    const auto* w = current();
    // Asked for only on a live connection: a line queued now would go out
    // before the next registration.
    if (!w || !w->joined || state_ != connection_state::registered || !irc::is_channel(w->name))
        return false;
    const bool asked = history_.want_older(w->name, now);
    drain_history();
    return asked;
}

void client_state::drain_history()
{
    for (auto& e : history_.take_events())
        emit(std::move(e));
    for (auto& params : history_.take_requests())
        send("CHATHISTORY", std::move(params));
}

bool client_state::switch_to(std::size_t n)
{
    if (n >= windows_.size())
        return false;
    current_ = n;
    windows_[n].unread = windows_[n].mention = false;
    return true;
}

void client_state::mark_activity(const std::string& name, bool mention)
{
    const auto* cur = current();
    if (cur && irc::same_name(cur->name, name))
        return;
    if (auto* w = find_window(name)) {
        w->unread = true;
        w->mention = w->mention || mention;
    }
}

void client_state::send(std::string command, std::vector<std::string> params)
{
    irc::message m;
    m.command = std::move(command);
    m.params = std::move(params);
    outgoing_.push_back(irc::serialize(m));
}

void client_state::emit(event e) { events_.push_back(std::move(e)); }

void client_state::info(std::string text, clock_time now, bool error)
{
    event e;
    e.kind = error ? event_kind::error : event_kind::info;
    e.time = now;
    e.text = std::move(text);
    emit(std::move(e));
}

std::vector<std::string> client_state::take_outgoing() { return std::exchange(outgoing_, {}); }

std::vector<event> client_state::take_events() { return std::exchange(events_, {}); }

bool client_state::mentions(std::string_view text, std::string_view nick)
{
    if (nick.empty())
        return false;
    const auto t = irc::fold(text);
    const auto n = irc::fold(nick);
    auto word_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '['
            || c == ']' || c == '\\' || c == '`' || c == '^' || c == '{' || c == '}' || c == '|';
    };
    for (auto pos = t.find(n); pos != std::string::npos; pos = t.find(n, pos + 1)) {
        const bool start_ok = pos == 0 || !word_char(t[pos - 1]);
        const bool end_ok = pos + n.size() == t.size() || !word_char(t[pos + n.size()]);
        if (start_ok && end_ok)
            return true;
    }
    return false;
}

std::vector<std::string> client_state::completion_nicks() const
{
    const auto* w = current();
    if (!w)
        return {};
    if (!irc::is_channel(w->name))
        return {w->name, nick_};
    return member_nicks(*w);
}

void client_state::on_connecting(clock_time now)
{
    event e;
    e.kind = event_kind::connecting;
    e.time = now;
    e.text = settings_.server_label;
    emit(std::move(e));
}

void client_state::on_connected(clock_time)
{
    state_ = connection_state::registering;
    caps_.clear();
    sts_port_.reset();
    offered_.clear();
    sasl_offered_ = false;
    sasl_mechanisms_.clear();
    sasl_step_ = sasl_step::idle;
    sasl_conversation_.reset();
    account_.clear();
    names_pending_.clear();
    modes_shown_.clear();
    mode_rules_ = {};  // this server may rank members differently
    ping_sent_.reset();
    lag_.reset();
    nick_ = settings_.nick;
    send("CAP", {"LS", "302"});
    if (!settings_.password.empty())
        send("PASS", {settings_.password});
    send("NICK", {nick_});
    send("USER", {nick_, "0", "*", nick_});
}

void client_state::on_disconnected(std::string_view reason, clock_time now)
{
    // Kept even for an attempt that never connected, which shows no event.
    disconnect_reason_ = reason;
    if (state_ == connection_state::disconnected && !quitting_)
        return;
    state_ = connection_state::disconnected;
    // Lines held back for history that will not come now are shown first.
    history_.disconnected();
    drain_history();
    for (auto& w : windows_) {
        w.joined = false;
        w.members.clear();
    }
    ping_sent_.reset();
    account_.clear();
    event e;
    e.kind = event_kind::disconnected;
    e.time = now;
    e.text = std::string(reason);
    emit(std::move(e));
}

bool client_state::send_lag_ping(clock_time now)
{
    if (ping_sent_ || state_ != connection_state::registered)
        return false;
    ping_sent_ = now;
    send("PING", {"sala-lag"});
    return true;
}

void client_state::on_line(std::string_view line, clock_time now)
{
    auto parsed = irc::parse(line);
    if (!parsed.msg)
        return;
    const irc::message& m = *parsed.msg;
    clock_time t = now;
    if (const auto* tag = m.find_tag("time"))
        if (auto st = parse_server_time(*tag))
            t = *st;
    std::string cmd = m.command;
    for (auto& c : cmd)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    const std::string who(nick_of(m.prefix));
    // In a history batch only what was said is shown: a JOIN or a TOPIC from
    // history must not change who is in the room now.
    const auto* batch = m.find_tag("batch");
    const std::string_view history_batch
        = batch && history_.in_history_batch(*batch) ? std::string_view(*batch) : std::string_view();
    if (!history_batch.empty() && cmd != "PRIVMSG" && cmd != "NOTICE")
        return;

    if (cmd == "PING") {
        send("PONG", {last_param(m)});
    } else if (cmd == "PONG") {
        if (ping_sent_ && last_param(m) == "sala-lag") {
            lag_ = std::chrono::duration_cast<std::chrono::milliseconds>(now - *ping_sent_);
            ping_sent_.reset();
        }
    } else if (cmd == "CAP") {
        handle_cap(m, now);
    } else if (cmd == "AUTHENTICATE") {
        handle_authenticate(m, t);
    } else if (cmd == "REGISTER" || cmd == "VERIFY") {
        handle_account_reply(cmd, m, t);
    } else if (cmd == "FAIL" && !m.params.empty() && (m.params[0] == "REGISTER" || m.params[0] == "VERIFY")) {
        handle_account_fail(m, t);
    } else if (cmd == "JOIN") {
        handle_join(m, who, t, now);
    } else if (cmd == "PART") {
        handle_part(m, who, t);
    } else if (cmd == "QUIT") {
        handle_quit(m, who, t);
    } else if (cmd == "NICK") {
        handle_nick(m, who, t);
    } else if (cmd == "MODE") {
        handle_mode(m, who, t);
    } else if (cmd == "KICK") {
        handle_kick(m, who, t);
    } else if (cmd == "INVITE") {
        handle_invite(m, who, t);
    } else if (cmd == "PRIVMSG" || cmd == "NOTICE") {
        handle_privmsg(m, who, t, history_batch);
    } else if (cmd == "BATCH") {
        handle_batch(m, now);
    } else if (cmd == "FAIL" && !m.params.empty() && m.params[0] == "CHATHISTORY") {
        history_.failed(m.params, now);
        drain_history();
    } else if (cmd == "TOPIC" && m.params.size() >= 2) {
        if (auto* w = find_window(m.params[0]))
            w->topic = m.params[1];
        emit(event{event_kind::topic, t, {m.params[0]}, who, m.params[1], irc::same_name(who, nick_), false});
    } else if (cmd == "ERROR") {
        info("server: " + last_param(m), t, !quitting_);
    } else if (cmd.size() == 3 && std::all_of(cmd.begin(), cmd.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        handle_numeric(m, t);
    }
}

void client_state::handle_cap(const irc::message& m, clock_time now)
{
    // CAP <nick> <sub> [*] :<caps>
    if (m.params.size() < 3)
        return;
    const std::string& sub = m.params[1];
    if (sub == "LS") {
        for (auto& c : words(m.params.back())) {
            const auto name = c.substr(0, c.find('='));
            if (wanted(name) && std::find(offered_.begin(), offered_.end(), name) == offered_.end())
                offered_.push_back(name);
            if (name == "sts" && name.size() < c.size())
                note_sts_policy(std::string_view(c).substr(name.size() + 1));
            if (name == "sasl")
                note_sasl_offer(std::string_view(c).substr(std::min(name.size() + 1, c.size())));
        }
        const bool more = m.params.size() >= 4 && m.params[2] == "*";
        if (more || state_ != connection_state::registering)
            return;
        std::string want;
        for (const auto c : wanted_caps)
            if (std::find(offered_.begin(), offered_.end(), c) != offered_.end())
                want += (want.empty() ? "" : " ") + std::string(c);
        if (request_sasl(now))
            want += want.empty() ? "sasl" : " sasl";
        if (want.empty())
            send("CAP", {"END"});
        else
            send("CAP", {"REQ", want});
    } else if (sub == "ACK") {
        for (auto& c : words(m.params.back())) {
            if (c.starts_with('-'))
                caps_.erase(c.substr(1));
            else if (wanted(c) || (c == "sasl" && sasl_step_ == sasl_step::requested))
                caps_.insert(c);
        }
        if (state_ == connection_state::registering)
            after_cap_reply(now);
    } else if (sub == "NAK") {
        if (state_ == connection_state::registering)
            after_cap_reply(now);
    }
}

void client_state::note_sts_policy(std::string_view policy)
{
    // "port=6697,duration=300": only the port matters here; a policy on a
    // TLS connection (duration only) asks nothing of a client that does not
    // remember policies.
    for (const auto& key_value : irc::split_list(policy, ',')) {
        if (!key_value.starts_with("port="))
            continue;
        unsigned port = 0;
        const auto digits = std::string_view(key_value).substr(5);
        const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (parsed.ec == std::errc{} && parsed.ptr == digits.data() + digits.size() && port > 0 && port <= 65535)
            sts_port_ = static_cast<std::uint16_t>(port);
    }
}

void client_state::handle_welcome(const irc::message& m, clock_time now)
{
    state_ = connection_state::registered;
    if (!m.params.empty())
        nick_ = m.params[0];
    if (!m.prefix.empty())
        server_name_ = m.prefix;
    emit(event{event_kind::connected, now, {}, nick_, server_name_, true, false});
    history_.registered(has_cap("draft/chathistory") && has_cap("batch"));
    for (const auto& w : windows_)
        if (irc::is_channel(w.name))
            send("JOIN", {w.name});
    pump_input(now);
}

void client_state::handle_join(const irc::message& m, std::string_view who, clock_time t, clock_time now)
{
    if (m.params.empty())
        return;
    const std::string& chan = m.params[0];
    const bool self = irc::same_name(who, nick_);
    if (self) {
        auto* w = open_window(chan);
        if (!w) {
            // Forced on us past the limit: a room we cannot show is one to leave.
            info("too many windows (" + std::to_string(limits_.windows) + "): leaving " + chan, t, true);
            send("PART", {chan});
            return;
        }
        w->joined = true;
        w->members.clear();
        if (irc::fold(chan) == switch_on_join_) {
            switch_on_join_.clear();
            for (std::size_t i = 0; i < windows_.size(); ++i)
                if (irc::same_name(windows_[i].name, chan))
                    switch_to(i);
        }
        list_member(*w, who);
    } else if (auto* w = find_window(chan)) {
        list_member(*w, who);
    } else {
        return;
    }
    emit(event{event_kind::join, t, {chan}, std::string(who), {}, self, false});
    if (self) {
        history_.joined(chan, now);
        drain_history();
        pump_input(t);
    }
}

void client_state::handle_batch(const irc::message& m, clock_time now)
{
    // BATCH +ref type [params...] / BATCH -ref
    if (m.params.empty() || m.params[0].size() < 2)
        return;
    const std::string_view ref = std::string_view(m.params[0]).substr(1);
    if (m.params[0].front() == '+' && m.params.size() >= 3)
        (void)history_.batch_opened(ref, m.params[1], m.params[2]);
    else if (m.params[0].front() == '-')
        history_.batch_closed(ref, now);
    drain_history();
}

void client_state::handle_part(const irc::message& m, std::string_view who, clock_time t)
{
    if (m.params.empty())
        return;
    const std::string chan = m.params[0];
    const std::string reason = m.params.size() > 1 ? m.params[1] : std::string();
    const bool self = irc::same_name(who, nick_);
    auto* w = find_window(chan);
    if (!w)
        return;
    emit(event{event_kind::part, t, {chan}, std::string(who), reason, self, false});
    if (self)
        close_window(chan);
    else
        remove_member(*w, who);
}

void client_state::handle_quit(const irc::message& m, std::string_view who, clock_time t)
{
    std::vector<std::string> where;
    for (auto& w : windows_)
        if (remove_member(w, who) || (!irc::is_channel(w.name) && irc::same_name(w.name, who)))
            where.push_back(w.name);
    if (where.empty() && !irc::same_name(who, nick_))
        return;
    emit(event{event_kind::quit, t, std::move(where), std::string(who), last_param(m), irc::same_name(who, nick_), false});
}

void client_state::handle_nick(const irc::message& m, std::string_view who, clock_time t)
{
    if (m.params.empty())
        return;
    const std::string& to = m.params[0];
    const bool self = irc::same_name(who, nick_);
    if (self)
        nick_ = to;
    std::vector<std::string> where;
    for (auto& w : windows_) {
        if (const auto* was = find_member(w, who)) {
            const std::string status = was->status;
            remove_member(w, who);
            list_member(w, to);
            if (auto* now_member = find_member(w, to))
                now_member->status = status;
            where.push_back(w.name);
        } else if (!irc::is_channel(w.name) && irc::same_name(w.name, who)) {
            w.name = to;
            where.push_back(w.name);
        }
    }
    if (where.empty() && !self)
        return;
    emit(event{event_kind::nick_change, t, std::move(where), std::string(who), to, self, false});
}

void client_state::handle_privmsg(const irc::message& m, std::string_view who, clock_time t, std::string_view batch)
{
    if (m.params.size() < 2)
        return;
    const bool notice = m.command == "NOTICE" || m.command == "notice";
    const bool history = !batch.empty();
    const std::string& target = m.params[0];
    std::string_view text = m.params[1];
    const bool self = irc::same_name(who, nick_);
    // Notices from the server itself (no "nick!user@host", or before we are
    // registered) are information, not conversation.
    if (notice && (m.prefix.find('!') == std::string::npos || state_ != connection_state::registered)) {
        if (!history)
            info(std::string(text), t);
        return;
    }
    bool action = false;
    if (text.size() >= 2 && text.front() == '\x01') {
        text.remove_prefix(1);
        if (text.back() == '\x01')
            text.remove_suffix(1);
        const auto space = text.find(' ');
        const auto ctcp = text.substr(0, space);
        const auto rest = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        if (ctcp == "ACTION") {
            action = true;
            text = rest;
        } else {
            // Answered only when asked just now, not when replayed.
            if (!notice && !self && !history && ctcp == "VERSION")
                send("NOTICE", {std::string(who), "\x01VERSION sala chat-client " SALA_VERSION "\x01"});
            return;  // other CTCP requests and replies are not shown
        }
    }
    // A channel message lives in the channel's window; a private one in a
    // window named after the other person. Past the limits a new sender gets
    // no window: the event names one that is not open, and views show it in
    // the current window, labelled (see event.hpp).
    std::string win = irc::is_channel(target) ? target : (self ? target : std::string(who));
    const bool mention = !self && mentions(text, nick_);
    const auto kind = action ? event_kind::action : (notice ? event_kind::notice : event_kind::message);
    event e{kind, t, {win}, std::string(who), std::string(text), self, mention};
    if (!irc::is_channel(win)) {
        // Only channels' history is asked for; a private line in it is none of ours.
        if (history)
            return;
        if (!find_window(win) && (self || private_windows() < limits_.private_windows))
            (void)open_window(win);
        mark_activity(win, true);
        emit(std::move(e));
        return;
    }
    if (!find_window(win))
        return;
    // Channel lines go through the history tracker: it drops repeats and
    // holds live lines back while the history before them loads.
    const auto* msgid = m.find_tag("msgid");
    const auto* time_tag = m.find_tag("time");
    channel_line l;
    l.msgid = msgid ? *msgid : std::string();
    if (time_tag)
        l.server_time = parse_server_time(*time_tag);
    l.key = line_key(l.msgid, l.server_time ? std::string_view(*time_tag) : std::string_view(), m.prefix, m.command,
                     target, m.params[1]);
    l.shown = std::move(e);
    const auto fate = history_.line(win, std::move(l), batch);
    if (!history && fate != line_fate::repeat)
        mark_activity(win, mention);
    drain_history();
}

void client_state::handle_numeric(const irc::message& m, clock_time t)
{
    const std::string_view code = m.command;
    if (handle_sasl_numeric(m, t))
        return;
    if (code == num::welcome) {
        handle_welcome(m, t);
        info(last_param(m), t);
        return;
    }
    if (code == num::nicknameinuse || code == num::erroneusnickname) {
        if (state_ == connection_state::registering) {
            // Still registering: try another nick rather than hang.
            nick_ = code == num::nicknameinuse ? nick_ + "_" : std::string("sala_user");
            send("NICK", {nick_});
        }
        info(last_param(m) + (m.params.size() >= 3 ? ": " + m.params[1] : std::string()), t, true);
        return;
    }
    if (code == num::namreply && m.params.size() >= 4) {
        gather_names(m.params[2], m.params[3]);
        return;
    }
    if (code == num::endofnames && m.params.size() >= 2) {
        end_of_names(m.params[1], t);
        return;
    }
    if (code == num::topic && m.params.size() >= 3) {
        if (auto* w = find_window(m.params[1]))
            w->topic = m.params[2];
        emit(event{event_kind::topic, t, {m.params[1]}, {}, m.params[2], false, false});
        return;
    }
    if (code == num::notopic && m.params.size() >= 2) {
        info(m.params[1] + ": no topic", t);
        return;
    }
    if (code == num::away && m.params.size() >= 3) {
        info(m.params[1] + " is away: " + m.params[2], t);
        return;
    }
    if (handle_moderation_numeric(m, t))
        return;
    if (code == num::isupport) {
        // CHATHISTORY=n: the most lines the server gives per request.
        for (std::size_t i = 1; i + 1 < m.params.size(); ++i) {
            mode_rules_.apply_isupport(m.params[i]);
            constexpr std::string_view key = "CHATHISTORY=";
            std::size_t n = 0;
            const std::string_view p = m.params[i];
            if (p.starts_with(key)
                && std::from_chars(p.data() + key.size(), p.data() + p.size(), n).ec == std::errc{})
                history_.server_limit(n);
        }
        return;
    }
    // Quiet the rest of what servers send automatically; errors are shown.
    if (code == num::topicwhotime || code == num::creationtime || code == num::channelmodeis || code == num::myinfo
        || code == num::isupport || code == num::endofwho || code == num::whoreply)
        return;
    // Joining failed: what was typed for that room would wait forever.
    if ((code == "403" || code == "405" || code == "471" || code == "473" || code == "474" || code == "475"
         || code == "476" || code == "477")
        && m.params.size() >= 2)
        drop_queued_for(m.params[1], t);
    const bool error = (code.front() == '4' || code.front() == '5') && code != num::nomotd;
    std::string text;
    // Skip our own nick (the first parameter); name the subject of an error.
    for (std::size_t i = 1; i < m.params.size(); ++i)
        text += (text.empty() ? "" : i + 1 == m.params.size() ? ": " : " ") + m.params[i];
    if (!text.empty())
        info(std::move(text), t, error);
}

void client_state::gather_names(const std::string& channel, std::string_view list)
{
    // Only for a room with a window: 366 drops the list of any other, so
    // gathering it would only let a server grow us.
    const auto* w = find_window(channel);
    if (!w || !irc::is_channel(w->name))
        return;
    const std::string key = irc::fold(channel);
    auto it = std::find_if(names_pending_.begin(), names_pending_.end(),
                           [&](const names_reply& p) { return p.channel == key; });
    if (it == names_pending_.end()) {
        names_pending_.push_back(names_reply{key, {}, false});
        it = std::prev(names_pending_.end());
    }
    auto held = names_held();
    for (const auto& n : words(list)) {
        auto entry = mode_rules_.split_names_entry(n);
        if (entry.nick.empty() || entry.nick.size() > limits_.nick_bytes)
            continue;
        if (it->names.size() >= limits_.members || held >= limits_.all_members) {
            it->incomplete = true;
            return;
        }
        it->names.push_back(member{std::move(entry.nick), std::move(entry.status)});
        ++held;
    }
}

void client_state::end_of_names(const std::string& channel, clock_time t)
{
    const std::string key = irc::fold(channel);
    const auto it = std::find_if(names_pending_.begin(), names_pending_.end(),
                                 [&](const names_reply& p) { return p.channel == key; });
    names_reply reply{key, {}, false};
    if (it != names_pending_.end()) {
        reply = std::move(*it);
        names_pending_.erase(it);
    }
    auto* w = find_window(channel);
    if (!w || !irc::is_channel(w->name))
        return;
    w->members = member_list(std::move(reply.names));
    if (reply.incomplete)
        info(w->name + ": only " + std::to_string(w->members.size()) + " members are listed", t);
    if (names_shown_.erase(key) > 0) {
        std::string list;
        for (const auto& n : w->members)
            list += (list.empty() ? "" : " ") + n.shown();
        info("members of " + w->name + " (" + std::to_string(w->members.size()) + "): " + list, t);
    }
}

}  // namespace sala::client
