// The session's command handling, without sockets: three clients feed
// arbitrary lines to irc::session_protocol, and a small in-memory world
// answers its requests the way the server does (nicks, rooms, private
// messages, the counts of LUSERS and STATS). Checked on every effect:
// nothing crashes, every line the server would send is one well-formed line
// of at most 512 bytes (tags aside, which have 8191 of their own), valid
// UTF-8 with no terminal control bytes, and the state machine keeps its own
// limits. CHATHISTORY is answered from a few synthetic entries per room, made
// as long as stored lines can get. Channel modes, KICK and INVITE are
// decided by the same core rules the server's rooms use.
//
// Input: lines separated by '\n'; the first byte of each picks the client.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/auth/scram.hpp"
#include "core/channel_access.hpp"
#include "core/channel_modes.hpp"
#include "core/mode_changes.hpp"
#include "irc/history_lines.hpp"
#include "irc/mask.hpp"
#include "irc/names.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/text.hpp"

namespace {

using sala::irc::session_protocol;
namespace fx = sala::irc::effect;

constexpr std::size_t clients = 3;

void check(bool ok)
{
    if (!ok)
        std::abort();
}

// One or more whole lines as the server would write them to a socket.
void check_wire(std::string_view text, std::size_t max_line)
{
    check(!text.empty());
    while (!text.empty()) {
        const auto end = text.find("\r\n");
        check(end != std::string_view::npos && end > 0);
        auto line = text.substr(0, end);
        if (line.starts_with('@')) {
            const auto space = line.find(' ');
            check(space != std::string_view::npos && space + 1 <= sala::irc::max_server_tag_bytes);
            line.remove_prefix(space + 1);
        }
        check(line.size() + 2 <= max_line);
        check(sala::irc::valid_utf8(line));
        check(!sala::irc::has_controls(line));
        check(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
        text.remove_prefix(end + 2);
    }
}

sala::irc::protocol_settings fuzz_settings()
{
    sala::irc::protocol_settings s;
    s.created_text = "today";
    s.autojoin = {"#lobby"};
    s.max_channels = 5;  // small, so the fuzzer reaches the limit
    s.monitor_limit = 4;
    s.motd_lines = {"hello"};
    return s;
}

class world {
public:
    world()
    {
        for (std::size_t i = 0; i < clients; ++i)
            protocols_.push_back(std::make_unique<session_protocol>(settings_, "127.0.0." + std::to_string(i + 1)));
        closed_.assign(clients, false);
        monitoring_.resize(clients);
    }

    void line(std::size_t who, std::string_view text)
    {
        if (closed_[who])
            return;  // the session stops reading once it is closing
        run(who, protocols_[who]->on_line(text));
        auto& p = *protocols_[who];
        check(p.channels().size() <= settings_.max_channels);
        check(!p.registered() || sala::irc::valid_nick(p.nick(), settings_.nick_len));
    }

    void overlong(std::size_t who)
    {
        if (!closed_[who])
            run(who, protocols_[who]->on_overlong_line());
    }

private:
    struct room {
        std::string name;
        std::map<std::size_t, sala::core::member_status> members;
        sala::core::channel_modes modes;
    };

    void run(std::size_t who, session_protocol::effects effects)
    {
        for (auto& e : effects)
            carry_out(who, e);
    }

    void carry_out(std::size_t who, sala::irc::any_effect& e)
    {
        auto& p = *protocols_[who];
        const auto max_line = settings_.max_line;
        if (const auto* send = std::get_if<fx::send>(&e)) {
            check_wire(send->text, max_line);
        } else if (const auto* close = std::get_if<fx::close>(&e)) {
            check_wire("ERROR :" + close->text + "\r\n", max_line);
            closed_[who] = true;
            monitoring_[who].clear();
            if (p.registered())
                nick_gone(who, p.nick());
            leave_all(who);
        } else if (const auto* claim = std::get_if<fx::claim_nick>(&e)) {
            check(sala::irc::valid_nick(claim->nick, settings_.nick_len));
            const auto key = sala::irc::fold(claim->nick);
            const auto it = nicks_.find(key);
            const bool ok = it == nicks_.end() || it->second == who;
            if (ok) {
                std::erase_if(nicks_, [&](const auto& n) { return n.second == who; });
                nicks_[key] = who;
            }
            const auto old_nick = p.nick();
            const bool was_registered = p.registered();
            run(who, p.nick_claimed(ok));
            if (ok && was_registered && !sala::irc::same_name(old_nick, p.nick())) {
                nick_gone(who, old_nick);
                tell_monitors(p.nick(), {true, p.prefix()});
            }
        } else if (const auto* reg = std::get_if<fx::registered>(&e)) {
            check(!reg->prefix.empty());
            check(p.registered());
            check(reg->realname.size() <= settings_.realname_len);
            tell_monitors(p.nick(), {true, p.prefix()});
        } else if (const auto* join = std::get_if<fx::join>(&e)) {
            check(sala::irc::valid_channel(join->name, settings_.channel_len));
            check(join->key == sala::irc::fold(join->name));
            auto& r = rooms_.try_emplace(join->key, room{join->name, {}, {}}).first->second;
            p.joined(join->key, r.name);
            const auto verdict = sala::core::may_join(r.modes, {p.prefix(), p.account(), false, join->channel_key,
                r.members.size()});
            if (r.members.contains(who) || verdict == sala::core::join_verdict::ok)
                r.members.try_emplace(who, sala::core::member_status{r.members.empty(), false});
            else
                run(who, p.room_answered(sala::irc::room_fact::join_refused{join->key, r.name, verdict}));
        } else if (const auto* part = std::get_if<fx::part>(&e)) {
            check_wire(part->line, max_line);
            leave(who, part->key);
        } else if (const auto* lookup = std::get_if<fx::check_channel>(&e)) {
            run(who, p.channel_checked(*lookup, rooms_.contains(sala::irc::fold(lookup->name))));
        } else if (const auto* topic = std::get_if<fx::set_topic>(&e)) {
            check_wire(topic->line, max_line);
            check(topic->text.size() <= settings_.topic_len);
            check(is_member(who, topic->key));
        } else if (const auto* msg = std::get_if<fx::channel_message>(&e)) {
            check_wire(msg->line, max_line);
            check(!msg->joined || is_member(who, msg->key));
            speak(who, *msg);
        } else if (const auto* mode = std::get_if<fx::channel_mode>(&e)) {
            change_modes(who, *mode);
        } else if (const auto* kick = std::get_if<fx::kick>(&e)) {
            check(kick->reason.size() <= settings_.topic_len && !kick->reason.empty());
            this->kick(who, *kick);
        } else if (const auto* invite = std::get_if<fx::invite>(&e)) {
            this->invite(who, *invite);
        } else if (const auto* oper = std::get_if<fx::oper>(&e)) {
            // Every answer in turn, so the fuzzer reaches the operator commands.
            const auto result = static_cast<session_protocol::oper_result>(opers_asked_++ % 3);
            run(who, p.oper_answered(*oper, result));
        } else if (const auto* kill = std::get_if<fx::kill>(&e)) {
            check(p.server_operator());
            check_wire(":x!y@z QUIT :" + kill->reason + "\r\n", settings_.max_line + 200);
            run(who, p.kill_answered(*kill, find_registered(kill->nick) != nullptr));
        } else if (const auto* wall = std::get_if<fx::wallops>(&e)) {
            check(p.server_operator());
            check_wire(wall->line, max_line);
        } else if (const auto* kline = std::get_if<fx::kline>(&e)) {
            check(p.server_operator() && kline->duration_seconds >= 0 && !kline->reason.empty());
            const auto what = static_cast<session_protocol::kline_outcome::kind>(opers_asked_++ % 5);
            run(who, p.kline_answered(kline->mask, {what, 3}));
        } else if (const auto* cs = std::get_if<fx::chanserv>(&e)) {
            check(sala::irc::valid_channel(cs->channel, settings_.channel_len));
            const auto what = static_cast<session_protocol::chanserv_outcome::kind>(opers_asked_++ % 6);
            run(who, p.chanserv_answered(*cs, {what, std::string(30, 'f'), -1}));
        } else if (const auto* unkline = std::get_if<fx::unkline>(&e)) {
            check(p.server_operator());
            run(who, p.kline_answered(unkline->mask, {session_protocol::kline_outcome::kind::not_found, 0}));
        } else if (const auto* pm = std::get_if<fx::private_message>(&e)) {
            check_wire(pm->line, max_line);
            std::optional<sala::irc::recipient> to;
            const auto it = nicks_.find(sala::irc::fold(pm->target));
            if (it != nicks_.end() && protocols_[it->second]->registered())
                to = sala::irc::recipient{protocols_[it->second]->nick(), "gone fishing"};
            run(who, p.private_delivered(*pm, to));
        } else if (const auto* renamed = std::get_if<fx::nick_changed>(&e)) {
            check_wire(renamed->line, max_line);
            check(renamed->nick == p.nick());
        } else if (const auto* query = std::get_if<fx::query>(&e)) {
            // The longest facts each reply can be made from: names, topics and
            // key at their limits, so that every line is checked at its worst.
            const auto found = rooms_.find(sala::irc::fold(query->target));
            const room* r = found == rooms_.end() ? nullptr : &found->second;
            const std::string long_topic(settings_.max_line, 't');
            switch (query->kind) {
            case fx::query_kind::list: {
                std::vector<sala::irc::listed_channel> listed;
                for (const auto& [key, each] : rooms_)
                    listed.push_back({each.name, each.members.size(), long_topic});
                run(who, p.list_answered(listed));
                break;
            }
            case fx::query_kind::topic:
                run(who, p.topic_answered(*query, r ? std::optional(sala::irc::channel_topic_facts{r->name,
                                              sala::irc::channel_topic{long_topic, std::string(400, 's'), 1}})
                                                    : std::nullopt));
                break;
            case fx::query_kind::names: {
                std::optional<sala::irc::channel_names> names;
                if (r) {
                    names = sala::irc::channel_names{r->name, r->modes.secret(), {}};
                    for (int i = 0; i < 100; ++i)
                        sala::irc::add_to_nick_lines(names->nick_lines, "@+" + std::string(30, 'n') + "!" + std::string(16, 'u')
                            + "@" + std::string(39, 'h'));
                }
                run(who, p.names_answered(*query, names));
                break;
            }
            case fx::query_kind::channel_mode: {
                std::optional<sala::irc::channel_mode_facts> modes;
                if (r) {
                    const auto current = r->modes.current(true);
                    modes = sala::irc::channel_mode_facts{r->name, current.modes, current.params, 1'700'000'000};
                }
                run(who, p.channel_modes_answered(*query, modes));
                break;
            }
            }
        } else if (const auto* who_asked = std::get_if<fx::who>(&e)) {
            check(who_asked->token.size() <= 3);
            // Every registered connection, with long names, as the worst case for line length.
            std::vector<sala::irc::who_entry> found;
            for (const auto& q : protocols_) {
                if (!q->registered())
                    continue;
                sala::irc::who_entry entry;
                entry.channel = sala::irc::is_channel(who_asked->mask) ? who_asked->mask : "*";
                entry.nick = q->nick();
                entry.user = std::string(16, 'u');
                entry.host = q->host();
                entry.realname = std::string(100, 'r');
                entry.account = std::string(30, 'a');
                entry.away = found.size() % 2 == 1;
                found.push_back(std::move(entry));
            }
            run(who, p.who_answered(*who_asked, found));
        } else if (const auto* whois_asked = std::get_if<fx::whois>(&e)) {
            // Everything set, with long names and many channels, as the worst case for line length.
            std::optional<sala::irc::whois_facts> found;
            if (const auto* q = find_registered(whois_asked->nick)) {
                sala::irc::whois_facts f;
                f.nick = q->nick();
                f.user = std::string(16, 'u');
                f.host = q->host();
                f.realname = std::string(100, 'r');
                for (const auto& [key, r] : rooms_)
                    f.channels.push_back({r.name, {.op = true, .voice = true}});
                f.channels.resize(std::max<std::size_t>(f.channels.size(), 20),
                    {"#" + std::string(49, 'c'), {.op = true, .voice = true}});
                f.away = std::string(390, 'a');
                f.bot = f.secure = true;
                f.account = std::string(30, 'a');
                f.certfp = std::string(64, 'f');
                f.idle_seconds = 1'000'000;
                f.signon = 1'700'000'000;
                found = std::move(f);
            }
            run(who, p.whois_answered(*whois_asked, found));
        } else if (const auto* users = std::get_if<fx::find_users>(&e)) {
            check(!users->nicks.empty());
            check(users->kind == fx::user_lookup::ison || users->nicks.size() <= sala::irc::max_userhost_nicks);
            std::vector<sala::irc::user_presence> found;
            for (const auto& nick : users->nicks)
                if (const auto* q = find_registered(nick))
                    found.push_back({q->nick(), std::string(16, 'u'), q->host(), found.size() % 2 == 1});
            run(who, p.users_found(*users, found));
        } else if (const auto* was = std::get_if<fx::whowas>(&e)) {
            check(was->count >= 1 && was->count <= sala::irc::max_whowas_entries);
            check(!was->nick.empty() && was->nick.size() <= settings_.nick_len);
            std::vector<sala::irc::past_user> found;
            for (auto h = history_.rbegin(); h != history_.rend() && found.size() < was->count; ++h)
                if (sala::irc::mask_match(was->nick, h->nick))
                    found.push_back(*h);
            run(who, p.whowas_answered(*was, found));
        } else if (const auto* mon = std::get_if<fx::monitor>(&e)) {
            run(who, p.monitor_answered(*mon, monitor(who, *mon)));
            check(monitoring_[who].size() <= settings_.monitor_limit);
        } else if (const auto* realname = std::get_if<fx::set_realname>(&e)) {
            check_wire(realname->line, max_line);
            check(!realname->realname.empty() && realname->realname.size() <= settings_.realname_len);
        } else if (const auto* asked = std::get_if<fx::server_query>(&e)) {
            check(p.registered());
            check(asked->topic != fx::server_topic::stats || asked->stats_letter == 'u' || asked->stats_letter == 'm');
            run(who, p.server_facts_answered(*asked, server_facts()));
        } else if (const auto* history_asked = std::get_if<fx::history>(&e)) {
            check(p.registered());
            check(history_asked->query.limit >= 1 && history_asked->query.limit <= sala::irc::max_history_limit);
            check(history_asked->query.target == sala::irc::fold(history_asked->target_name));
            check(history_asked->query.events == p.has(sala::irc::cap::event_playback));
            auto answer = history_answer(who, *history_asked);
            check_batches(answer);
            run(who, std::move(answer));
        } else if (const auto* targets_asked = std::get_if<fx::history_targets>(&e)) {
            check(p.registered());
            check(targets_asked->query.limit >= 1 && targets_asked->query.limit <= sala::irc::max_history_limit);
            std::vector<sala::core::history_target_activity> found;
            for (const auto& [key, r] : rooms_)
                if (r.members.contains(who))
                    found.push_back({key, std::int64_t{253402300799999} - static_cast<std::int64_t>(found.size())});
            found.push_back({"bob", -1});
            found.push_back({":bad target", 0});  // a store's garbage must not break the line
            auto answer = p.history_targets_answered(*targets_asked, found);
            check_batches(answer);
            run(who, std::move(answer));
        } else if (const auto* account_asked = std::get_if<fx::account_request>(&e)) {
            run(who, p.account_answered(*account_asked, account_answer(*account_asked)));
        }
        // line_dropped, set_away, modes_changed and query touch only
        // counters and shared state that this world does not model.
    }

    // The account service's answer, every outcome in turn; SCRAM keys for a
    // known password, so a fuzzed client-final can get as far as the proof.
    sala::irc::account_outcome account_answer(const fx::account_request& asked)
    {
        static const auto keys = sala::core::auth::make_scram_credentials("password", "fuzz-salt");
        sala::irc::account_outcome o;
        o.status = static_cast<sala::irc::account_status>(accounts_asked_++ % 7);
        o.account = asked.account.empty() ? std::string(30, 'a') : asked.account;
        o.certfps = {std::string(64, 'f'), std::string(64, '0')};
        if (asked.action == fx::account_action::scram_credentials) {
            o.scram = keys;
            o.server_nonce = "fuzz-nonce";
        }
        return o;
    }

    // The store's answer as the server would feed it back: nothing for a room
    // the client is not in, now and then a failure, otherwise entries of
    // every kind with the longest lines and tags a store can hold.
    session_protocol::effects history_answer(std::size_t who, const fx::history& asked)
    {
        auto& p = *protocols_[who];
        if (!is_member(who, asked.query.target))
            return p.history_answered(asked, std::nullopt);
        if (++history_asked_ % 5 == 0)
            return p.history_answered(asked, std::nullopt, true);
        const auto& name = rooms_.at(asked.query.target).name;
        std::vector<sala::core::history_entry> found;
        const std::size_t count = std::min<std::size_t>(asked.query.limit, 10);
        for (std::size_t i = 0; i < count; ++i) {
            sala::core::history_entry e;
            e.target = asked.query.target;
            e.kind = static_cast<sala::core::history_kind>(i % 9);
            e.msgid = std::string(40, 'm') + std::to_string(i);
            e.time_ms = i % 2 == 0 ? std::int64_t{1'700'000'000'000} + static_cast<std::int64_t>(i) : -1;
            const std::string prefix = ":" + std::string(30, 'n') + "!" + std::string(16, 'u') + "@host ";
            std::string line = prefix + "PRIVMSG " + name + " :";
            line += std::string(settings_.max_line - 2 - line.size(), 'x');
            e.line = line + "\r\n";
            e.client_tags = "+draft/reply=" + std::string(i % 3 == 0 ? 4094 - 13 : 10, 'r');
            found.push_back(std::move(e));
        }
        return p.history_answered(asked, found);
    }

    // Every batch a reply opens, it closes.
    static void check_batches(const session_protocol::effects& effects)
    {
        for (const auto& e : effects) {
            const auto* send = std::get_if<fx::send>(&e);
            check(send != nullptr);
            std::size_t opened = 0;
            std::size_t closed = 0;
            for (std::size_t at = 0; (at = send->text.find(" BATCH +", at)) != std::string::npos; ++at)
                ++opened;
            for (std::size_t at = 0; (at = send->text.find(" BATCH -", at)) != std::string::npos; ++at)
                ++closed;
            check(opened == closed && opened <= 1);
        }
    }

    [[nodiscard]] const session_protocol* find_registered(const std::string& nick) const
    {
        const auto it = nicks_.find(sala::irc::fold(nick));
        if (it == nicks_.end() || !protocols_[it->second]->registered())
            return nullptr;
        return protocols_[it->second].get();
    }

    // MONITOR as the hub keeps it: each client's list of folded nicks, bounded.
    sala::irc::monitor_facts monitor(std::size_t who, const fx::monitor& asked)
    {
        sala::irc::monitor_facts facts;
        auto& mine = monitoring_[who];
        auto status_of = [&](const std::string& target) {
            if (const auto* q = find_registered(target))
                facts.online.push_back(q->prefix());
            else
                facts.offline.push_back(target);
        };
        using action = fx::monitor_action;
        for (const auto& t : asked.targets)
            check(sala::irc::valid_nick(t, settings_.nick_len));
        switch (asked.action) {
        case action::add:
            for (const auto& t : asked.targets) {
                const auto key = sala::irc::fold(t);
                if (std::find(mine.begin(), mine.end(), key) == mine.end()) {
                    if (mine.size() == settings_.monitor_limit) {
                        facts.refused.push_back(t);
                        continue;
                    }
                    mine.push_back(key);
                }
                status_of(t);
            }
            break;
        case action::remove:
            for (const auto& t : asked.targets)
                std::erase(mine, sala::irc::fold(t));
            break;
        case action::clear:
            mine.clear();
            break;
        case action::list:
            facts.listed = mine;
            break;
        case action::status:
            for (const auto& t : mine)
                status_of(t);
            break;
        }
        return facts;
    }

    // A registered client let `nick` go: WHOWAS remembers it (worst-case long
    // facts), its watchers are told.
    void nick_gone(std::size_t who, const std::string& nick)
    {
        history_.push_back({nick, std::string(16, 'u'), protocols_[who]->host(), std::string(100, 'r'), 1234567890});
        if (history_.size() > 8)
            history_.erase(history_.begin());
        tell_monitors(nick, {false, nick});
    }

    void tell_monitors(const std::string& nick, const sala::irc::monitor_change& change)
    {
        const auto key = sala::irc::fold(nick);
        for (std::size_t w = 0; w < clients; ++w) {
            if (closed_[w] || std::find(monitoring_[w].begin(), monitoring_[w].end(), key) == monitoring_[w].end())
                continue;
            const auto line = protocols_[w]->monitor_notice(change);
            check(protocols_[w]->registered() && !line.empty());
            check_wire(line, settings_.max_line);
        }
    }

    // What the hub and the shards would report: this world's own counts, made
    // as wide as real ones can get, since the line length is what is checked.
    [[nodiscard]] sala::irc::server_facts server_facts() const
    {
        constexpr std::size_t wide = std::size_t{1} << 62;
        sala::irc::server_facts f;
        for (const auto& q : protocols_)
            if (q->registered())
                ++f.counts.users;
        f.counts.users += wide;
        f.counts.invisible = wide / 3;
        f.counts.unknown = clients - (f.counts.users - wide) + wide;
        f.counts.channels = rooms_.size() + wide;
        f.counts.max_users = f.counts.users + 1;
        f.started_at = 1'700'000'000;
        f.now = f.started_at + 86'400 * 9'999 + 86'399;  // decades of uptime, to the day's last second
        f.command_uses.assign(session_protocol::command_count(), 0);
        for (std::size_t row = 0; row < f.command_uses.size(); row += 2)
            f.command_uses[row] = ~std::uint64_t{0} - row;
        return f;
    }

    // ---- a room's rules, as the server's rooms apply them ---------------------
    void speak(std::size_t who, const fx::channel_message& msg)
    {
        auto& p = *protocols_[who];
        const auto it = rooms_.find(msg.key);
        if (it == rooms_.end()) {
            check(!msg.joined);
            if (!msg.notice)
                run(who, p.room_answered(sala::irc::room_fact::no_such_channel{msg.name, true}));
            return;
        }
        const auto member = it->second.members.find(who);
        const bool in = member != it->second.members.end();
        const auto verdict = sala::core::may_speak(it->second.modes,
            {p.prefix(), p.account(), in, in ? member->second : sala::core::member_status{}});
        if (verdict != sala::core::speak_verdict::ok)
            run(who, p.room_answered(sala::irc::room_fact::message_refused{it->second.name, verdict, msg.notice}));
    }

    // The member of `r` holding `nick`, as the room's roster finds it.
    std::optional<std::size_t> member_named(const room& r, std::string_view nick) const
    {
        for (const auto& [m, status] : r.members)
            if (sala::irc::same_name(protocols_[m]->nick(), nick))
                return m;
        return std::nullopt;
    }

    void change_modes(std::size_t who, const fx::channel_mode& asked)
    {
        auto& p = *protocols_[who];
        check(!asked.params.empty());
        const auto it = rooms_.find(asked.key);
        if (it == rooms_.end()) {
            run(who, p.room_answered(sala::irc::room_fact::no_such_channel{asked.name}));
            return;
        }
        auto& r = it->second;
        const auto request = sala::core::parse_mode_request(asked.params);
        check(request.changes.size() <= asked.params.front().size());
        const auto mine = r.members.find(who);
        const sala::core::mode_actor actor{mine != r.members.end() && mine->second.op, false};
        const auto lookup = [&](std::string_view nick) -> std::optional<sala::core::channel_member> {
            const auto m = member_named(r, nick);
            if (!m)
                return std::nullopt;
            return sala::core::channel_member{protocols_[*m]->nick(), r.members.at(*m)};
        };
        auto outcome = r.modes.apply(request, actor, lookup, p.prefix(), 1'700'000'000);
        check(outcome.applied.empty() || actor.is_op);
        for (const auto& change : outcome.applied) {
            if (sala::core::kind_of(change.letter) != sala::core::mode_kind::member_status)
                continue;
            const auto m = member_named(r, change.param);
            check(m.has_value());
            (change.letter == 'o' ? r.members.at(*m).op : r.members.at(*m).voice) = change.adding;
        }
        for (const auto list : {sala::core::mode_list::ban, sala::core::mode_list::ban_exception,
                 sala::core::mode_list::invite_exception})
            check(r.modes.entries(list).size() <= sala::core::max_list_entries);
        if (!outcome.applied.empty()) {
            const auto text = sala::core::render_mode_changes(outcome.applied);
            check_wire(sala::irc::mode_change_line(p.prefix(), r.name, text.modes, text.params), settings_.max_line);
        }
        sala::irc::room_fact::mode_answered answered{r.name, std::move(outcome.problems), {}};
        for (const auto list : outcome.queries)
            answered.lists.emplace_back(list, r.modes.entries(list));
        run(who, p.room_answered(answered));
    }

    void kick(std::size_t who, const fx::kick& asked)
    {
        using sala::irc::room_fact::refusal;
        auto& p = *protocols_[who];
        check(is_member(who, asked.key));
        auto& r = rooms_.at(asked.key);
        const auto target = member_named(r, asked.target);
        if (!r.members.at(who).op || !target) {
            run(who, p.room_answered(sala::irc::room_fact::kick_refused{r.name, asked.target,
                         target ? refusal::need_op : refusal::target_not_on_channel}));
            return;
        }
        check_wire(sala::irc::relay(p.prefix(), "KICK", {r.name, protocols_[*target]->nick()}, asked.reason),
            settings_.max_line);
        const auto key = asked.key;  // `asked` may go with the room
        run(*target, protocols_[*target]->room_answered(sala::irc::room_fact::removed{key}));
        leave(*target, key);
    }

    void invite(std::size_t who, const fx::invite& asked)
    {
        using sala::irc::room_fact::refusal;
        auto& p = *protocols_[who];
        check(is_member(who, asked.key));
        auto& r = rooms_.at(asked.key);
        sala::irc::room_fact::invite_answered answered{r.name, asked.target, false, refusal::need_op};
        const auto* invitee = find_registered(asked.target);
        if (r.modes.invite_only() && !r.members.at(who).op)
            answered.why = refusal::need_op;
        else if (invitee == nullptr)
            answered.why = refusal::no_such_nick;
        else if (member_named(r, asked.target))
            answered.why = refusal::target_on_channel;
        else {
            answered.invited = true;
            answered.target = invitee->nick();
            check_wire(sala::irc::relay(p.prefix(), "INVITE", {invitee->nick(), r.name}), settings_.max_line);
        }
        run(who, p.room_answered(answered));
    }
    // ---------------------------------------------------------------------------

    [[nodiscard]] bool is_member(std::size_t who, const std::string& key) const
    {
        const auto it = rooms_.find(key);
        return it != rooms_.end() && it->second.members.contains(who);
    }

    void leave(std::size_t who, const std::string& key)
    {
        const auto it = rooms_.find(key);
        check(it != rooms_.end() && it->second.members.erase(who) == 1);
        if (it->second.members.empty())
            rooms_.erase(it);
    }

    void leave_all(std::size_t who)
    {
        for (auto it = rooms_.begin(); it != rooms_.end();) {
            it->second.members.erase(who);
            it = it->second.members.empty() ? rooms_.erase(it) : std::next(it);
        }
        std::erase_if(nicks_, [&](const auto& n) { return n.second == who; });
    }

    sala::irc::protocol_settings settings_ = fuzz_settings();
    std::vector<std::unique_ptr<session_protocol>> protocols_;
    std::vector<bool> closed_;
    std::vector<std::vector<std::string>> monitoring_;  // per client: folded nicks
    std::vector<sala::irc::past_user> history_;        // WHOWAS, oldest first
    std::size_t history_asked_ = 0;
    std::size_t accounts_asked_ = 0;
    std::size_t opers_asked_ = 0;                    // CHATHISTORY requests answered
    std::map<std::string, std::size_t> nicks_;  // folded nick -> client
    std::map<std::string, room> rooms_;         // folded name -> room
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    world w;
    while (!input.empty()) {
        const auto end = input.find('\n');
        auto line = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        if (line.empty())
            continue;
        const auto who = static_cast<unsigned char>(line.front()) % clients;
        line.remove_prefix(1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);  // the framer strips CR LF
        // The framer cuts what exceeds its buffer and reports it as overlong.
        if (line.size() > 512 + 8191)
            w.overlong(who);
        else
            w.line(who, line);
    }
    return 0;
}
