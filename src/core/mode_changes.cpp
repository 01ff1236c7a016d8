#include "core/mode_changes.hpp"

#include <optional>

namespace sala::core {

mode_kind kind_of(char letter)
{
    switch (letter) {
    case 'i':
    case 'm':
    case 'n':
    case 's':
    case 't':
        return mode_kind::flag;
    case 'o':
    case 'v':
        return mode_kind::member_status;
    case 'b':
    case 'e':
    case 'I':
        return mode_kind::list;
    case 'k':
        return mode_kind::key;
    case 'l':
        return mode_kind::limit;
    default:
        return mode_kind::unknown;
    }
}

bool is_list_query(const mode_change& change)
{
    return kind_of(change.letter) == mode_kind::list && change.param.empty();
}

mode_request parse_mode_request(std::span<const std::string> params, std::size_t max_with_param)
{
    mode_request request;
    if (params.empty())
        return request;
    auto next_param = params.begin() + 1;
    std::size_t with_param = 0;
    std::string queried;

    bool adding = true;
    for (const char letter : params.front()) {
        if (letter == '+' || letter == '-') {
            adding = letter == '+';
            continue;
        }
        const auto kind = kind_of(letter);
        if (kind == mode_kind::unknown) {
            if (request.unknown_letters.find(letter) == std::string::npos)
                request.unknown_letters += letter;
            continue;
        }
        const bool consumes = kind == mode_kind::member_status || kind == mode_kind::list
            || kind == mode_kind::key || (kind == mode_kind::limit && adding);
        if (!consumes || next_param == params.end()) {
            // Without its parameter a list letter is a query, "-k" alone still
            // unsets (clients send it as often as "-k key"); o, v, +k and +l
            // mean nothing.
            const bool meaningful = kind == mode_kind::flag || (kind == mode_kind::limit && !adding)
                || (kind == mode_kind::key && !adding)
                || (kind == mode_kind::list && queried.find(letter) == std::string::npos);
            if (meaningful)
                request.changes.push_back({adding, letter, {}});
            if (kind == mode_kind::list)
                queried += letter;
            continue;
        }
        const auto& param = *next_param++;
        if (with_param == max_with_param)
            continue;
        ++with_param;
        request.changes.push_back({adding, letter, param});
    }
    return request;
}

mode_text render_mode_changes(std::span<const mode_change> changes)
{
    mode_text text;
    std::optional<bool> sign;
    for (const auto& change : changes) {
        if (sign != change.adding) {
            text.modes += change.adding ? '+' : '-';
            sign = change.adding;
        }
        text.modes += change.letter;
        if (!change.param.empty())
            text.params.push_back(change.param);
    }
    return text;
}

}  // namespace sala::core
