#include "core/channel_modes.hpp"

#include <algorithm>
#include <charconv>

#include "core/channel_mask.hpp"
#include "irc/names.hpp"

namespace sala::core {

namespace {

bool valid_key(std::string_view key)
{
    // JOIN takes keys as a comma-separated middle parameter, so a key with a
    // space or comma, or starting with ':', could never be given.
    return !key.empty() && key.size() <= max_key_length && key.front() != ':'
        && std::none_of(key.begin(), key.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte == ' ' || byte == ',' || byte < 0x20 || byte == 0x7f;
           });
}

std::optional<std::size_t> positive_number(std::string_view text)
{
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0)
        return std::nullopt;
    return value;
}

bool same_mask(std::string_view a, std::string_view b)
{
    return irc::same_name(a, b);
}

}  // namespace

std::optional<mode_list> list_of(char letter)
{
    switch (letter) {
    case 'b':
        return mode_list::ban;
    case 'e':
        return mode_list::ban_exception;
    case 'I':
        return mode_list::invite_exception;
    default:
        return std::nullopt;
    }
}

channel_modes::channel_modes()
{
    set_flag('n', true);
    set_flag('t', true);
}

bool channel_modes::set_flag(char letter, bool on)
{
    auto& current = flags_[flag_letters.find(letter)];
    if (current == on)
        return false;
    current = on;
    return true;
}

channel_modes::list_edit channel_modes::add(mode_list list, std::string_view mask, std::string set_by,
                                            std::int64_t set_at)
{
    auto normalized = normalize_list_mask(mask);
    if (!normalized)
        return list_edit::bad_mask;
    auto& entries = lists_[static_cast<std::size_t>(list)];
    if (std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return same_mask(e.mask, *normalized); }))
        return list_edit::duplicate;
    if (entries.size() >= max_list_entries)
        return list_edit::full;
    entries.push_back({std::move(*normalized), std::move(set_by), set_at});
    return list_edit::added;
}

channel_modes::list_edit channel_modes::remove(mode_list list, std::string_view mask)
{
    const auto normalized = normalize_list_mask(mask);
    if (!normalized)
        return list_edit::bad_mask;
    auto& entries = lists_[static_cast<std::size_t>(list)];
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const auto& e) { return same_mask(e.mask, *normalized); });
    if (it == entries.end())
        return list_edit::not_listed;
    entries.erase(it);
    return list_edit::removed;
}

mode_outcome channel_modes::apply(const mode_request& request, const mode_actor& actor, const member_lookup& members,
                                  std::string_view set_by, std::int64_t now)
{
    mode_outcome outcome;
    for (const char letter : request.unknown_letters)
        outcome.problems.push_back({mode_error::unknown_mode, letter, std::string(1, letter)});

    const bool may_change = actor.is_op || actor.is_server_operator;
    bool refused = false;
    // Statuses changed earlier in this command, so "+o-o alice alice" sees
    // its own first half; the owner stores them only afterwards.
    std::vector<channel_member> touched;
    for (const auto& change : request.changes) {
        if (is_list_query(change)) {
            const auto list = *list_of(change.letter);
            if (std::find(outcome.queries.begin(), outcome.queries.end(), list) == outcome.queries.end())
                outcome.queries.push_back(list);
            continue;
        }
        if (!may_change) {
            if (!refused)
                outcome.problems.push_back({mode_error::need_op, change.letter, {}});
            refused = true;
            continue;
        }
        if (auto applied = apply_one(change, members, touched, set_by, now, outcome.problems))
            outcome.applied.push_back(std::move(*applied));
    }
    return outcome;
}

std::optional<mode_change> channel_modes::apply_one(const mode_change& change, const member_lookup& members,
                                                    std::vector<channel_member>& touched, std::string_view set_by,
                                                    std::int64_t now, std::vector<mode_problem>& problems)
{
    const auto refuse = [&](mode_error error) -> std::optional<mode_change> {
        problems.push_back({error, change.letter, change.param});
        return std::nullopt;
    };
    switch (kind_of(change.letter)) {
    case mode_kind::flag:
        if (!set_flag(change.letter, change.adding))
            return std::nullopt;
        return mode_change{change.adding, change.letter, {}};

    case mode_kind::key:
        if (!change.adding) {
            if (key_.empty())
                return std::nullopt;
            key_.clear();
            // k always takes a parameter in CHANMODES, so the echo needs one;
            // "*" rather than the old key, which it would only repeat.
            return mode_change{false, 'k', "*"};
        }
        if (!valid_key(change.param))
            return refuse(mode_error::bad_param);
        // A new key replaces the old one, as modern servers do, rather than
        // ERR_KEYSET (467): an op changing the key should not have to unset it.
        if (change.param == key_)
            return std::nullopt;
        key_ = change.param;
        return change;

    case mode_kind::limit: {
        if (!change.adding) {
            if (!limit_)
                return std::nullopt;
            limit_.reset();
            return mode_change{false, 'l', {}};
        }
        const auto limit = positive_number(change.param);
        if (!limit)
            return refuse(mode_error::bad_param);
        if (limit_ == limit)
            return std::nullopt;
        limit_ = limit;
        return mode_change{true, 'l', std::to_string(*limit)};
    }

    case mode_kind::list: {
        const auto list = *list_of(change.letter);
        if (change.adding) {
            switch (add(list, change.param, std::string(set_by), now)) {
            case list_edit::added:
                return mode_change{true, change.letter, entries(list).back().mask};
            case list_edit::full:
                return refuse(mode_error::list_full);
            case list_edit::bad_mask:
                return refuse(mode_error::bad_param);
            case list_edit::duplicate:
            case list_edit::removed:
            case list_edit::not_listed:
                return std::nullopt;
            }
        }
        const auto normalized = normalize_list_mask(change.param);
        if (!normalized)
            return std::nullopt;
        const auto& listed = entries(list);
        const auto it = std::find_if(listed.begin(), listed.end(),
                                     [&](const auto& e) { return same_mask(e.mask, *normalized); });
        if (it == listed.end())
            return std::nullopt;
        auto removed = mode_change{false, change.letter, it->mask};
        remove(list, it->mask);
        return removed;
    }

    case mode_kind::member_status: {
        auto member = std::find_if(touched.begin(), touched.end(),
                                   [&](const auto& m) { return irc::same_name(m.nick, change.param); });
        if (member == touched.end()) {
            auto found = members ? members(change.param) : std::nullopt;
            if (!found)
                return refuse(mode_error::not_on_channel);
            touched.push_back(std::move(*found));
            member = std::prev(touched.end());
        }
        auto& holds = change.letter == 'o' ? member->status.op : member->status.voice;
        if (holds == change.adding)
            return std::nullopt;
        holds = change.adding;
        return mode_change{change.adding, change.letter, member->nick};
    }

    case mode_kind::unknown:
        break;
    }
    return std::nullopt;
}

std::string channel_modes::flags() const
{
    std::string letters;
    for (const char letter : flag_letters)
        if (flag(letter))
            letters += letter;
    return letters;
}

void channel_modes::restore(std::string_view flags, std::string_view key, std::size_t limit)
{
    for (const char letter : flag_letters)
        set_flag(letter, flags.find(letter) != std::string_view::npos);
    key_ = valid_key(key) ? std::string(key) : std::string();
    if (limit > 0)
        limit_ = limit;
    else
        limit_.reset();
}

mode_text channel_modes::current(bool show_key) const
{
    mode_text text{"+", {}};
    for (const char letter : flag_letters)
        if (flag(letter))
            text.modes += letter;
    if (!key_.empty()) {
        text.modes += 'k';
        text.params.push_back(show_key ? key_ : "*");
    }
    if (limit_) {
        text.modes += 'l';
        text.params.push_back(std::to_string(*limit_));
    }
    return text;
}

}  // namespace sala::core
