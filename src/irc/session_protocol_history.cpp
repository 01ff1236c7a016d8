// CHATHISTORY (IRCv3 draft/chathistory): the request checked and turned into
// a history query here, run by the server against its store, and the answer
// formatted for this client's capabilities.
#include <algorithm>
#include <array>
#include <charconv>

#include "irc/history_lines.hpp"
#include "irc/names.hpp"
#include "irc/replies.hpp"
#include "irc/server_time.hpp"
#include "irc/session_protocol.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

using core::history_direction;
using core::history_ref;

struct subcommand {
    std::string_view name;
    history_direction direction;
    std::size_t refs;  // message references between the target and the limit
};

constexpr std::array<subcommand, 5> subcommands = {{
    {"LATEST", history_direction::latest, 1},
    {"BEFORE", history_direction::before, 1},
    {"AFTER", history_direction::after, 1},
    {"AROUND", history_direction::around, 1},
    {"BETWEEN", history_direction::between, 2},
}};

// The spec's wording, shared by INVALID_TARGET and MESSAGE_ERROR.
constexpr std::string_view not_retrieved = "Messages could not be retrieved";

// A parameter echoed in a FAIL line must stay one middle parameter.
std::string_view safe_param(std::string_view p)
{
    if (p.empty() || p.front() == ':' || p.find(' ') != std::string_view::npos)
        return "*";
    return p;
}

// "timestamp=..." or, unless `timestamps_only`, "msgid=..." (or "*" where
// `star_allowed`). nullopt when it is none of them.
std::optional<history_ref> parse_ref(std::string_view text, bool star_allowed, bool timestamps_only = false)
{
    history_ref ref;
    if (text == "*" && star_allowed)
        return ref;
    constexpr std::string_view timestamp = "timestamp=";
    constexpr std::string_view msgid = "msgid=";
    if (text.starts_with(timestamp)) {
        const auto ms = parse_server_time(text.substr(timestamp.size()));
        if (!ms)
            return std::nullopt;
        ref.what = history_ref::kind::timestamp;
        ref.time_ms = *ms;
        return ref;
    }
    if (!timestamps_only && text.starts_with(msgid) && text.size() > msgid.size()) {
        ref.what = history_ref::kind::msgid;
        ref.msgid = std::string(text.substr(msgid.size()));
        return ref;
    }
    return std::nullopt;
}

// A positive decimal count, cut to max_history_limit; nullopt for 0, signs
// and anything not a number.
std::optional<std::size_t> parse_limit(std::string_view text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        return max_history_limit;  // digits only, so merely huge
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0)
        return std::nullopt;
    return std::min(value, max_history_limit);
}

// "ref" lines inside a batch, or the lines as they are.
std::string batch_tag_prefix(std::string_view ref)
{
    return ref.empty() ? std::string() : "@batch=" + std::string(ref) + " ";
}

}  // namespace

void session_protocol::history_fail(effects& out, std::string_view code,
    std::initializer_list<std::string_view> params, std::string_view text) const
{
    std::string line = ":" + settings_.server_name + " FAIL CHATHISTORY " + std::string(code);
    for (auto p : params) {
        line += ' ';
        line += safe_param(p);
    }
    line += " :";
    line += text;
    line += "\r\n";
    fit_line(line);
    out.emplace_back(effect::send{std::move(line)});
}

std::string session_protocol::new_batch_ref()
{
    // Distinct from the session's labeled-response references ("lr1"...).
    return "hist" + std::to_string(++batches_);
}

void session_protocol::on_chathistory(effects& out, const message& msg)
{
    const std::string name = to_upper(msg.params[0]);
    if (name == "TARGETS") {
        on_history_targets(out, msg);
        return;
    }
    const auto* sub = std::find_if(subcommands.begin(), subcommands.end(), [&](const auto& s) { return s.name == name; });
    if (sub == subcommands.end()) {
        history_fail(out, "UNKNOWN_COMMAND", {msg.params[0]}, "Unknown command");
        return;
    }
    // subcommand, target, references, limit
    const std::size_t wanted = 2 + sub->refs + 1;
    if (msg.params.size() < wanted) {
        history_fail(out, "NEED_MORE_PARAMS", {name}, "Insufficient parameters");
        return;
    }
    if (msg.params.size() > wanted) {
        history_fail(out, "INVALID_PARAMS", {name}, "Too many parameters");
        return;
    }
    const std::string& target = msg.params[1];
    const bool channel = is_channel(target);
    if (channel ? !valid_channel(target, settings_.channel_len) : !valid_nick(target, settings_.nick_len)) {
        history_fail(out, "INVALID_TARGET", {name, target}, not_retrieved);
        return;
    }
    effect::history asked;
    asked.query.direction = sub->direction;
    asked.query.target = fold(target);
    asked.query.events = has(cap::event_playback);
    for (std::size_t i = 0; i < sub->refs; ++i) {
        const std::string& given = msg.params[2 + i];
        auto ref = parse_ref(given, sub->direction == history_direction::latest);
        if (!ref) {
            const bool timestamp = given.starts_with("timestamp=");
            history_fail(out, "INVALID_PARAMS", {name, given}, timestamp ? "Invalid timestamp" : "Invalid message reference");
            return;
        }
        (i == 0 ? asked.query.from : asked.query.to) = std::move(*ref);
    }
    const std::string& limit_text = msg.params[wanted - 1];
    const auto limit = parse_limit(limit_text);
    if (!limit) {
        history_fail(out, "INVALID_PARAMS", {name, limit_text}, "Invalid limit");
        return;
    }
    asked.query.limit = *limit;
    asked.target_name = target;
    asked.subcommand = name;
    out.emplace_back(std::move(asked));
}

void session_protocol::on_history_targets(effects& out, const message& msg)
{
    // TARGETS, two timestamps, limit
    constexpr std::size_t wanted = 4;
    if (msg.params.size() < wanted) {
        history_fail(out, "NEED_MORE_PARAMS", {"TARGETS"}, "Insufficient parameters");
        return;
    }
    if (msg.params.size() > wanted) {
        history_fail(out, "INVALID_PARAMS", {"TARGETS"}, "Too many parameters");
        return;
    }
    effect::history_targets asked;
    for (std::size_t i = 1; i <= 2; ++i) {
        const auto ref = parse_ref(msg.params[i], false, true);
        if (!ref) {
            history_fail(out, "INVALID_PARAMS", {"TARGETS", msg.params[i]}, "Invalid timestamp");
            return;
        }
        (i == 1 ? asked.query.from_ms : asked.query.to_ms) = ref->time_ms;
    }
    const auto limit = parse_limit(msg.params[3]);
    if (!limit) {
        history_fail(out, "INVALID_PARAMS", {"TARGETS", msg.params[3]}, "Invalid limit");
        return;
    }
    asked.query.limit = *limit;
    out.emplace_back(std::move(asked));
}

session_protocol::effects session_protocol::history_answered(const effect::history& asked,
    const std::optional<std::vector<core::history_entry>>& found, bool store_failed)
{
    effects out;
    if (store_failed) {
        history_fail(out, "MESSAGE_ERROR", {asked.subcommand, asked.target_name}, not_retrieved);
        return out;
    }
    if (!found) {
        history_fail(out, "INVALID_TARGET", {asked.subcommand, asked.target_name}, not_retrieved);
        return out;
    }
    std::string text;
    const auto ref = has(cap::batch) ? new_batch_ref() : std::string();
    append_history_lines(text, *found, caps_, asked.query.events,
        history_batch{settings_.server_name, "chathistory", asked.target_name, ref});
    if (!text.empty())
        out.emplace_back(effect::send{std::move(text)});
    return out;
}

session_protocol::effects session_protocol::history_targets_answered(const effect::history_targets& asked,
    const std::vector<core::history_target_activity>& found)
{
    effects out;
    const auto ref = has(cap::batch) ? new_batch_ref() : std::string();
    const auto& server = settings_.server_name;
    std::string text;
    if (!ref.empty())
        text += ":" + server + " BATCH +" + ref + " draft/chathistory-targets\r\n";
    const auto tag = batch_tag_prefix(ref);
    std::size_t listed = 0;
    for (const auto& t : found) {
        if (listed == asked.query.limit)
            break;
        // The room's own spelling where the client is in it; the store knows folded names only.
        const auto* joined = joined_name(t.target);
        const std::string_view shown = joined != nullptr ? std::string_view(*joined) : std::string_view(t.target);
        if (safe_param(shown) != shown)
            continue;
        auto line = relay(server, "CHATHISTORY", {"TARGETS", shown, format_server_time(t.latest_ms)});
        text += tag + line;
        ++listed;
    }
    if (!ref.empty())
        text += ":" + server + " BATCH -" + ref + "\r\n";
    if (!text.empty())
        out.emplace_back(effect::send{std::move(text)});
    return out;
}

}  // namespace sala::irc
