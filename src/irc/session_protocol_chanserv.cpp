// ChanServ: a channel's operator who is logged in registers it to their
// account, and it keeps its topic, modes and lists across restarts, with
// its founder given op on joining. The commands are checked for form here;
// the server asks the room and the store.
#include <array>
#include <chrono>
#include <ctime>

#include "irc/names.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/text.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

constexpr std::string_view chanserv_prefix = "ChanServ!ChanServ@services.";

constexpr std::array<std::string_view, 5> chanserv_help = {
    "ChanServ keeps registered channels: their topic, modes and lists survive restarts,",
    "and their founder gets op on joining. Commands:",
    "REGISTER <#channel>  register a channel you are an operator of to your account",
    "INFO <#channel>      who founded a channel, and when",
    "DROP <#channel>      give up a channel you founded",
};

std::string utc_text(std::int64_t unix_ms)
{
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    std::array<char, 32> text{};
    const auto n = std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &parts);
    return std::string(text.data(), n);
}

}  // namespace

void session_protocol::chanserv_reply(effects& out, std::string_view text) const
{
    out.emplace_back(effect::send{relay(chanserv_prefix, "NOTICE", {nick_or_star()}, text)});
}

void session_protocol::on_chanserv_command(effects& out, const message& msg)
{
    std::string text;
    for (const auto& p : msg.params)
        text += (text.empty() ? "" : " ") + p;
    chanserv(out, text);
}

void session_protocol::chanserv(effects& out, std::string_view text)
{
    using action = effect::chanserv_action;
    const auto words = split_list(text, ' ');
    const std::string verb = words.empty() ? std::string("HELP") : to_upper(words[0]);
    if (verb == "HELP") {
        for (const auto line : chanserv_help)
            chanserv_reply(out, line);
        return;
    }
    const auto known = verb == "REGISTER" ? std::optional(action::register_channel)
        : verb == "INFO"                  ? std::optional(action::info)
        : verb == "DROP"                  ? std::optional(action::drop)
                                          : std::nullopt;
    if (!known) {
        chanserv_reply(out, "Unknown command " + std::string(truncate_utf8(verb, 30)) + ". Try HELP.");
        return;
    }
    if (words.size() < 2 || !valid_channel(words[1], settings_.channel_len)) {
        chanserv_reply(out, "Usage: " + verb + " <#channel>");
        return;
    }
    const auto& channel = words[1];
    if (*known != action::info && account_.empty()) {
        chanserv_reply(out, "You are not logged in: log in to an account first (/msg NickServ HELP).");
        return;
    }
    if (*known == action::register_channel && joined_name(fold(channel)) == nullptr) {
        chanserv_reply(out, "You are not on " + channel + ".");
        return;
    }
    out.emplace_back(effect::chanserv{*known, channel});
}

session_protocol::effects session_protocol::chanserv_answered(const effect::chanserv& asked,
    const chanserv_outcome& outcome) const
{
    using kind = chanserv_outcome::kind;
    effects out;
    const auto& channel = asked.channel;
    switch (outcome.what) {
    case kind::done:
        switch (asked.action) {
        case effect::chanserv_action::register_channel:
            chanserv_reply(out, channel + " is now registered to " + account_ + ".");
            break;
        case effect::chanserv_action::info:
            chanserv_reply(out, channel + " was registered by " + outcome.founder + " on "
                + utc_text(outcome.registered_ms) + ".");
            break;
        case effect::chanserv_action::drop:
            chanserv_reply(out, channel + " is no longer registered.");
            break;
        }
        break;
    case kind::not_registered:
        chanserv_reply(out, channel + " is not registered.");
        break;
    case kind::already_registered:
        chanserv_reply(out, channel + " is already registered.");
        break;
    case kind::not_op:
        chanserv_reply(out, "You must be an operator of " + channel + " to register it.");
        break;
    case kind::not_founder:
        chanserv_reply(out, channel + " was not registered by you.");
        break;
    case kind::failed:
        chanserv_reply(out, "ChanServ cannot reach its records right now; try again later.");
        break;
    }
    return out;
}

}  // namespace sala::irc
