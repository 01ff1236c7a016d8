// Server information: LUSERS, MOTD, VERSION, TIME, INFO, ADMIN, LINKS, HELP
// and STATS. What needs shared state or the clock (LUSERS, TIME, STATS u/m)
// is asked of the server as a server_query; the rest is answered here from
// the settings.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "irc/help_text.hpp"
#include "irc/mask.hpp"
#include "irc/names.hpp"
#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

// A client's word echoed as a middle parameter: one that came as the
// trailing parameter may hold spaces or start with ':', and would change
// the shape of the reply.
std::string_view as_middle(std::string_view s)
{
    if (s.empty() || s.front() == ':' || s.find(' ') != std::string_view::npos)
        return "*";
    return s;
}

// "2024-05-01 12:00:00 UTC": the same form as RPL_CREATED's date.
std::string utc_text(std::int64_t unix_seconds)
{
    using namespace std::chrono;
    const sys_seconds t{seconds{unix_seconds}};
    const auto day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss clock{t - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld UTC", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<long long>(clock.hours().count()), static_cast<long long>(clock.minutes().count()),
        static_cast<long long>(clock.seconds().count()));
    return buf;
}

std::string uptime_text(std::int64_t seconds)
{
    seconds = std::max<std::int64_t>(seconds, 0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "Server Up %lld days %lld:%02lld:%02lld", static_cast<long long>(seconds / 86400),
        static_cast<long long>(seconds / 3600 % 24), static_cast<long long>(seconds / 60 % 60),
        static_cast<long long>(seconds % 60));
    return buf;
}

// STATS letters are ASCII letters; anything else is echoed as '*', so a
// stray byte never becomes half a UTF-8 character in the reply.
std::string stats_letter(char c)
{
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return letter ? std::string(1, c) : std::string("*");
}

}  // namespace

bool session_protocol::asks_this_server(effects& out, const message& msg, std::size_t index) const
{
    if (msg.params.size() <= index || msg.params[index].empty())
        return true;
    const auto& target = msg.params[index];
    // Every user is on this server, but whether a nick exists is the
    // directory's to say; one's own nick needs no asking.
    if (mask_match(target, settings_.server_name) || same_name(target, nick_))
        return true;
    reply(out, numeric::nosuchserver, {as_middle(target)}, "No such server");
    return false;
}

void session_protocol::on_lusers(effects& out, const message& msg)
{
    // LUSERS [<mask> [<target>]] (RFC 2812): one server, so the mask changes nothing.
    if (asks_this_server(out, msg, 1))
        out.emplace_back(effect::server_query{effect::server_topic::lusers});
}

void session_protocol::send_lusers(effects& out, const user_counts& counts) const
{
    const auto users = counts.users;
    const auto invisible = std::min(counts.invisible, users);
    const auto max_users = std::max(counts.max_users, users);
    const auto n = [](std::size_t v) { return std::to_string(v); };
    reply(out, numeric::luserclient, {},
        "There are " + n(users - invisible) + " users and " + n(invisible) + " invisible on 1 servers");
    reply(out, numeric::luserop, {n(counts.operators)}, "operator(s) online");
    reply(out, numeric::luserunknown, {n(counts.unknown)}, "unknown connection(s)");
    reply(out, numeric::luserchannels, {n(counts.channels)}, "channels formed");
    reply(out, numeric::luserme, {}, "I have " + n(users) + " clients and 0 servers");
    reply(out, numeric::localusers, {n(users), n(max_users)},
        "Current local users " + n(users) + ", max " + n(max_users));
    reply(out, numeric::globalusers, {n(users), n(max_users)},
        "Current global users " + n(users) + ", max " + n(max_users));
}

void session_protocol::on_motd(effects& out, const message& msg)
{
    if (asks_this_server(out, msg, 0))
        send_motd(out);
}

void session_protocol::on_version(effects& out, const message& msg)
{
    if (!asks_this_server(out, msg, 0))
        return;
    reply(out, numeric::version, {settings_.version, settings_.server_name}, settings_.description);
    send_isupport(out);
}

void session_protocol::on_time(effects& out, const message& msg)
{
    if (asks_this_server(out, msg, 0))
        out.emplace_back(effect::server_query{effect::server_topic::time});
}

void session_protocol::on_info(effects& out, const message& msg)
{
    if (!asks_this_server(out, msg, 0))
        return;
    const auto& s = settings_;
    reply(out, numeric::info, {}, s.version + ": a chat server for the terminal that speaks IRC");
    reply(out, numeric::info, {}, "Written in C++20 on Boost.Asio coroutines, one thread per core");
    reply(out, numeric::info, {}, "Server " + s.server_name + " of the " + s.network + " network");
    reply(out, numeric::info, {}, "Running since " + s.created_text);
    reply(out, numeric::endofinfo, {}, "End of /INFO list.");
}

void session_protocol::on_admin(effects& out, const message& msg)
{
    if (!asks_this_server(out, msg, 0))
        return;
    const auto& s = settings_;
    reply(out, numeric::adminme, {s.server_name}, "Administrative info");
    reply(out, numeric::adminloc1, {}, s.admin_location.empty() ? s.server_name + " of the " + s.network + " network" : s.admin_location);
    reply(out, numeric::adminloc2, {}, s.description);
    reply(out, numeric::adminemail, {}, s.admin_email.empty() ? "No administrator address configured" : s.admin_email);
}

void session_protocol::on_links(effects& out, const message& msg)
{
    // LINKS [[<remote server>] <server mask>]
    if (msg.params.size() > 1 && !asks_this_server(out, msg, 0))
        return;
    const std::string_view mask =
        msg.params.empty() || msg.params.back().empty() ? std::string_view("*") : std::string_view(msg.params.back());
    if (mask_match(mask, settings_.server_name))
        reply(out, numeric::links, {settings_.server_name, settings_.server_name}, "0 " + settings_.description);
    reply(out, numeric::endoflinks, {as_middle(mask)}, "End of /LINKS list.");
}

void session_protocol::on_help(effects& out, const message& msg)
{
    const std::string_view asked = msg.params.empty() ? std::string_view{} : msg.params[0];
    if (asked.empty()) {
        reply(out, numeric::helpstart, {"*"}, "** sala help **");
        reply(out, numeric::helptxt, {"*"}, "");
        reply(out, numeric::helptxt, {"*"}, "Commands:");
        std::string names;
        for (const auto& t : help_topics()) {
            if (!names.empty() && names.size() + t.name.size() >= 60) {
                reply(out, numeric::helptxt, {"*"}, names);
                names.clear();
            }
            names += names.empty() ? "  " : " ";
            names += t.name;
        }
        reply(out, numeric::helptxt, {"*"}, names);
        reply(out, numeric::helptxt, {"*"}, "");
        reply(out, numeric::helptxt, {"*"}, "HELP <command> explains one of them.");
        reply(out, numeric::endofhelp, {"*"}, "End of /HELP.");
        return;
    }
    const auto* topic = find_help(to_upper(asked));
    if (topic == nullptr) {
        reply(out, numeric::helpnotfound, {as_middle(asked)}, "No help available on this topic");
        return;
    }
    const auto name = topic->name;
    reply(out, numeric::helpstart, {name}, "** " + std::string(name) + " **");
    reply(out, numeric::helptxt, {name}, "");
    reply(out, numeric::helptxt, {name}, "Usage: " + std::string(topic->syntax));
    for (std::string_view rest = topic->text; !rest.empty();) {
        const auto end = rest.find('\n');
        reply(out, numeric::helptxt, {name}, rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    reply(out, numeric::endofhelp, {name}, "End of /HELP.");
}

void session_protocol::on_stats(effects& out, const message& msg)
{
    if (!asks_this_server(out, msg, 1))
        return;
    const char letter = msg.params[0].empty() ? '\0' : msg.params[0][0];
    if (letter == 'u' || letter == 'm') {
        out.emplace_back(effect::server_query{effect::server_topic::stats, letter});
        return;
    }
    // Other queries list configuration (lines, classes, operators) sala
    // does not have: the end line alone says there is nothing to show.
    reply(out, numeric::endofstats, {stats_letter(letter)}, "End of /STATS report");
}

session_protocol::effects session_protocol::server_facts_answered(
    const effect::server_query& asked, const server_facts& facts) const
{
    effects out;
    switch (asked.topic) {
    case effect::server_topic::lusers:
        send_lusers(out, facts.counts);
        break;
    case effect::server_topic::time:
        // The timestamp and a zero offset before the text, as ircu does: a
        // client may read the time without parsing the text.
        reply(out, numeric::time, {settings_.server_name, std::to_string(facts.now), "0"}, utc_text(facts.now));
        break;
    case effect::server_topic::stats:
        if (asked.stats_letter == 'u') {
            reply(out, numeric::statsuptime, {}, uptime_text(facts.now - facts.started_at));
        } else if (asked.stats_letter == 'm') {
            const auto rows = std::min(facts.command_uses.size(), command_count());
            for (std::size_t row = 0; row < rows; ++row)
                if (facts.command_uses[row] != 0)
                    reply(out, numeric::statscommands, {command_name(row), std::to_string(facts.command_uses[row])});
        }
        reply(out, numeric::endofstats, {stats_letter(asked.stats_letter)}, "End of /STATS report");
        break;
    }
    return out;
}

}  // namespace sala::irc
