#include "irc/help_text.hpp"

#include <algorithm>
#include <iterator>

namespace sala::irc {

namespace {

// Kept to a few words a line: clients show 705 lines as they come, and a
// reader on a narrow terminal should not see them wrap.
constexpr help_topic topics[] = {
    {"ADMIN", "ADMIN [<server>]", "Who runs this server, and how to reach them."},
    {"AUTHENTICATE", "AUTHENTICATE <mechanism> | AUTHENTICATE <base64> | AUTHENTICATE *",
        "Logs in to an account with SASL: PLAIN, SCRAM-SHA-256, or EXTERNAL (a TLS\n"
        "client certificate). Clients do this for you when told your password."},
    {"AWAY", "AWAY [:<message>]",
        "Marks you away with <message>, or back when there is none.\n"
        "Others see it in WHOIS and WHO, and when they message you."},
    {"CAP", "CAP LS [302] | CAP LIST | CAP REQ :<capabilities> | CAP END",
        "Negotiates IRCv3 capabilities such as server-time and echo-message.\n"
        "Once CAP LS or CAP REQ is sent, registration waits for CAP END."},
    {"CHANSERV", "CHANSERV <command> [<#channel>]",
        "ChanServ: REGISTER a channel you run to your account, INFO, DROP. /msg ChanServ HELP lists them."},
    {"CHATHISTORY", "CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN <target> <ref> [<ref>] <limit>",
        "Fetches earlier messages of a channel you are in, at most 100 at a time.\n"
        "<ref> is msgid=<id>, timestamp=<time>, or * (LATEST only).\n"
        "CHATHISTORY TARGETS <time> <time> <limit> lists where there was talk."},
    {"CS", "CS <command> [<#channel>]", "Short for CHANSERV."},
    {"HELP", "HELP [<command>]", "Lists the commands, or explains one of them."},
    {"HELPOP", "HELPOP [<command>]", "The same as HELP, for clients that ask this way."},
    {"INFO", "INFO [<server>]", "What software runs this server, and since when."},
    {"INVITE", "INVITE <nick> <channel>",
        "Invites someone to a channel you are on; on an invite-only (+i) channel only operators may."},
    {"ISON", "ISON <nick>{ <nick>}", "Which of these nicks are online now, in one 303 line."},
    {"JOIN", "JOIN <channel>{,<channel>} [<key>{,<key>}] | JOIN 0",
        "Joins channels; one that does not exist yet is created, with you as its operator.\n"
        "JOIN 0 leaves every channel you are in."},
    {"KICK", "KICK <channel> <nick>{,<nick>} [:<reason>]",
        "Removes someone from a channel: for its operators (@)."},
    {"KILL", "KILL <nick> [:<reason>]", "Disconnects someone from the server: for server operators."},
    {"KLINE", "KLINE [<minutes>] <nick!user@host | address | address/bits> [:<reason>]",
        "Bans matching users from the server, now and when they come back, for the minutes given or until UNKLINE:\n"
        "for server operators. Kept across restarts."},
    {"LINKS", "LINKS [<mask>]", "Lists the servers of the network: this server alone."},
    {"LIST", "LIST", "Lists the channels with their member counts and topics."},
    {"LUSERS", "LUSERS", "Counts the users, invisible users, unknown connections and channels."},
    {"MODE", "MODE <nick> [(+|-)<modes>] | MODE <channel> [(+|-)<modes> [<parameters>]]",
        "Shows or sets your own modes: +i hides you from WHO masks, +B marks you a bot, +w shows WALLOPS,\n"
        "-o gives up being a server operator.\n"
        "On a channel, shows or (for its operators) changes its modes: o v (operator, voice),\n"
        "b e I (bans, ban exceptions, invite exceptions; alone they list), k (key), l (limit),\n"
        "i (invite only), m (moderated), n (no outside messages), s (secret), t (topic by operators)."},
    {"MONITOR", "MONITOR + <nick>{,<nick>} | MONITOR - <nick>{,<nick>} | MONITOR C | L | S",
        "Tells you when the nicks you follow come online (730) or leave (731).\n"
        "+ adds, - removes, C clears the list, L lists it, S asks for each one's state."},
    {"MOTD", "MOTD [<server>]", "Shows the message of the day."},
    {"NAMES", "NAMES [<channel>{,<channel>}]", "Lists who is in each channel."},
    {"NICK", "NICK <nick>", "Sets your nick, or changes it; nicks are compared without case."},
    {"NICKSERV", "NICKSERV <command> [<arguments>]",
        "Talks to NickServ, which keeps accounts, without a PRIVMSG.\n"
        "NICKSERV HELP lists what it does."},
    {"NOTICE", "NOTICE <target>{,<target>} :<text>",
        "Like PRIVMSG, but nothing automatic may ever answer a notice."},
    {"NS", "NS <command> [<arguments>]", "The same as NICKSERV."},
    {"OPER", "OPER <name> <password>", "Makes you a server operator (+o) with a name and password from the configuration."},
    {"PART", "PART <channel>{,<channel>} [:<reason>]", "Leaves channels; the members see <reason>."},
    {"PASS", "PASS <password>", "The server's connection password, sent before NICK and USER."},
    {"PING", "PING <token>",
        "The server answers PONG <token>. Answers come in the order of your lines,\n"
        "so the PONG tells you every earlier answer has arrived."},
    {"PONG", "PONG <token>", "Answers the server's PING, so it knows you are still there."},
    {"PRIVMSG", "PRIVMSG <target>{,<target>} :<text>", "Sends <text> to channels or nicks."},
    {"QUIT", "QUIT [:<reason>]", "Disconnects; the channels you were in see <reason>."},
    {"REGISTER", "REGISTER * * <password>",
        "Registers your current nick as an account and logs you in (IRCv3\n"
        "account-registration). The same as /msg NickServ REGISTER <password>."},
    {"REHASH", "REHASH", "Reloads the MOTD and the TLS certificate, as SIGHUP does: for server operators."},
    {"SETNAME", "SETNAME :<real name>", "Changes your real name; channel mates with the setname capability see it."},
    {"STATS", "STATS <letter> [<server>]", "Server statistics: u for uptime, m for how often each command was used."},
    {"TAGMSG", "TAGMSG <target>",
        "Sends message tags without text, such as typing notifications.\n"
        "Needs the message-tags capability."},
    {"TIME", "TIME [<server>]", "Shows the server's clock."},
    {"TOPIC", "TOPIC <channel> [:<topic>]", "Shows a channel's topic, or sets it for everyone in the channel."},
    {"UNKLINE", "UNKLINE <mask>", "Lifts a K-line: for server operators."},
    {"USER", "USER <username> 0 * :<real name>", "Sent once with NICK to register: your username and real name."},
    {"USERHOST", "USERHOST <nick>{ <nick>}", "Up to five nicks' user@host, and whether each is away."},
    {"VERIFY", "VERIFY <account> <code>", "Completes a registration that needs a code; sala never asks for one."},
    {"VERSION", "VERSION [<server>]", "Shows the server's version and the features it supports (005)."},
    {"WALLOPS", "WALLOPS :<text>", "A message to every user with mode +w: for server operators."},
    {"WHO", "WHO <channel|nick|mask> [%<fields>[,<token>]]",
        "Lists the members of a channel, or the users a mask matches.\n"
        "%<fields> asks for WHOX replies with just those fields."},
    {"WHOIS", "WHOIS <nick>", "Shows a user's name, channels, away message, idle and sign-on time."},
    {"WHOWAS", "WHOWAS <nick> [<count>]", "Who last used a nick that is gone now, and when they left."},
};

static_assert(std::is_sorted(std::begin(topics), std::end(topics),
    [](const help_topic& a, const help_topic& b) { return a.name < b.name; }));

}  // namespace

std::span<const help_topic> help_topics()
{
    return topics;
}

const help_topic* find_help(std::string_view name)
{
    const auto* it = std::lower_bound(std::begin(topics), std::end(topics), name,
        [](const help_topic& t, std::string_view n) { return t.name < n; });
    return it != std::end(topics) && it->name == name ? it : nullptr;
}

}  // namespace sala::irc
