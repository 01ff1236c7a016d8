#include "irc/list_filter.hpp"

#include <charconv>

#include "irc/mask.hpp"
#include "irc/tokens.hpp"

namespace sala::irc {

namespace {

std::optional<std::size_t> number(std::string_view s)
{
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return n;
}

}  // namespace

list_filter::list_filter(std::string_view spec)
{
    for (const auto& item : split_list(spec, ',')) {
        if (item.empty())
            continue;
        const std::string_view rest = std::string_view(item).substr(1);
        if (item.front() == '!')
            unwanted_.emplace_back(rest);
        else if (item.front() == '>' && number(rest))
            more_than_ = number(rest);
        else if (item.front() == '<' && number(rest))
            fewer_than_ = number(rest);
        else
            wanted_.push_back(item);
    }
}

bool list_filter::admits(std::string_view channel, std::size_t members) const
{
    if (more_than_ && members <= *more_than_)
        return false;
    if (fewer_than_ && members >= *fewer_than_)
        return false;
    for (const auto& m : unwanted_)
        if (mask_match(m, channel))
            return false;
    if (wanted_.empty())
        return true;
    for (const auto& m : wanted_)
        if (mask_match(m, channel))  // a plain name is a mask without wildcards
            return true;
    return false;
}

}  // namespace sala::irc
