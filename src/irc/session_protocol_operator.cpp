// Server operators: OPER checks a name and password against the operator
// blocks of the configuration (on the server's password threads), and an
// operator may KILL, WALLOPS, KLINE/UNKLINE and REHASH.
#include <algorithm>
#include <charconv>

#include "irc/numerics.hpp"
#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "irc/text.hpp"

namespace sala::irc {

namespace {

// KLINE durations are minutes, as on ircd-ratbox, Solanum and InspIRCd's
// KLINE; a K-line lasts at most a year, so one typo cannot ban forever.
constexpr std::int64_t max_kline_minutes = 366 * 24 * 60;

std::optional<std::int64_t> minutes(std::string_view text)
{
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return std::min(value, max_kline_minutes);
}

}  // namespace

bool session_protocol::operator_only(effects& out) const
{
    if (server_operator_)
        return true;
    reply(out, numeric::noprivileges, {}, "Permission Denied- You're not an IRC operator");
    return false;
}

void session_protocol::on_oper(effects& out, const message& msg)
{
    out.emplace_back(effect::oper{msg.params[0], msg.params[1]});
}

session_protocol::effects session_protocol::oper_answered(const effect::oper& asked, oper_result result)
{
    effects out;
    (void)asked;
    switch (result) {
    case oper_result::no_operators:
        reply(out, numeric::nooperhost, {}, "No O-lines for your host");
        return out;
    case oper_result::wrong_password:
        reply(out, numeric::passwdmismatch, {}, "Password incorrect");
        return out;
    case oper_result::ok:
        break;
    }
    reply(out, numeric::youreoper, {}, "You are now an IRC operator");
    if (!server_operator_) {
        server_operator_ = true;
        out.emplace_back(effect::send{relay(prefix_, "MODE", {nick_}, "+o")});
        out.emplace_back(effect::modes_changed{user_modes()});
    }
    return out;
}

void session_protocol::on_kill(effects& out, const message& msg)
{
    if (!operator_only(out))
        return;
    const auto reason = msg.params.size() > 1 && !msg.params[1].empty() ? std::string_view(msg.params[1])
                                                                         : std::string_view("No reason");
    out.emplace_back(effect::kill{msg.params[0],
        "Killed (" + nick_ + " (" + std::string(truncate_utf8(reason, settings_.topic_len)) + "))"});
}

session_protocol::effects session_protocol::kill_answered(const effect::kill& asked, bool killed) const
{
    effects out;
    if (!killed)
        reply(out, numeric::nosuchnick, {asked.nick}, "No such nick/channel");
    return out;
}

void session_protocol::on_wallops(effects& out, const message& msg)
{
    if (!operator_only(out))
        return;
    out.emplace_back(effect::wallops{relay(prefix_, "WALLOPS", {}, msg.params[0], settings_.max_line)});
}

void session_protocol::on_kline(effects& out, const message& msg)
{
    if (!operator_only(out))
        return;
    // KLINE [minutes] mask [:reason]
    std::size_t at = 0;
    std::int64_t duration = 0;
    if (const auto given = minutes(msg.params[0]); given && msg.params.size() > 1) {
        duration = *given * 60;
        at = 1;
    }
    const auto reason = msg.params.size() > at + 1 && !msg.params[at + 1].empty()
        ? std::string(truncate_utf8(msg.params[at + 1], settings_.topic_len))
        : std::string("No reason");
    out.emplace_back(effect::kline{msg.params[at], duration, reason});
}

void session_protocol::on_unkline(effects& out, const message& msg)
{
    if (operator_only(out))
        out.emplace_back(effect::unkline{msg.params[0]});
}

session_protocol::effects session_protocol::kline_answered(std::string_view mask, kline_outcome outcome) const
{
    effects out;
    const std::string shown(truncate_utf8(mask, 100));
    std::string text;
    switch (outcome.what) {
    case kline_outcome::kind::added:
        text = "Added K-line for " + shown + " (" + std::to_string(outcome.disconnected) + " disconnected)";
        break;
    case kline_outcome::kind::removed:
        text = "Removed K-line for " + shown;
        break;
    case kline_outcome::kind::not_found:
        text = "No K-line for " + shown;
        break;
    case kline_outcome::kind::bad_mask:
        text = shown + " is neither a nick!user@host mask nor an address or CIDR block";
        break;
    case kline_outcome::kind::failed:
        text = "K-line for " + shown + " not changed: the database failed";
        break;
    }
    out.emplace_back(effect::send{relay(settings_.server_name, "NOTICE", {nick_}, text)});
    return out;
}

void session_protocol::on_rehash(effects& out, const message& msg)
{
    (void)msg;
    if (!operator_only(out))
        return;
    reply(out, numeric::rehashing, {"sala.conf"}, "Rehashing");
    out.emplace_back(effect::rehash{});
}

}  // namespace sala::irc
