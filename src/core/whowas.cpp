#include "core/whowas.hpp"

#include <algorithm>
#include <cassert>

#include "irc/mask.hpp"
#include "irc/names.hpp"

namespace sala::core {

whowas_history::whowas_history(std::size_t max_total, std::size_t max_per_nick)
    : max_total_(std::max<std::size_t>(max_total, 1)), max_per_nick_(std::max<std::size_t>(max_per_nick, 1))
{
}

void whowas_history::record(irc::past_user facts)
{
    auto key = irc::fold(facts.nick);
    entries_.push_back({std::move(facts), key});
    auto& mine = by_nick_[std::move(key)];
    mine.push_back(std::prev(entries_.end()));
    if (mine.size() > max_per_nick_) {
        entries_.erase(mine.front());
        mine.erase(mine.begin());
    }
    while (entries_.size() > max_total_)
        drop_oldest();
}

void whowas_history::drop_oldest()
{
    // The oldest entry overall is also the oldest of its nick.
    const auto it = by_nick_.find(entries_.front().key);
    assert(it != by_nick_.end() && it->second.front() == entries_.begin());
    it->second.erase(it->second.begin());
    if (it->second.empty())
        by_nick_.erase(it);
    entries_.pop_front();
}

std::vector<irc::past_user> whowas_history::find(std::string_view nick_or_mask, std::size_t max) const
{
    std::vector<irc::past_user> found;
    if (!irc::is_mask(nick_or_mask)) {
        const auto it = by_nick_.find(irc::fold(nick_or_mask));
        if (it == by_nick_.end())
            return found;
        for (auto e = it->second.rbegin(); e != it->second.rend() && found.size() < max; ++e)
            found.push_back((*e)->facts);
        return found;
    }
    // A mask walks the whole history, which its bound keeps cheap.
    for (auto e = entries_.rbegin(); e != entries_.rend() && found.size() < max; ++e)
        if (irc::mask_match(nick_or_mask, e->facts.nick))
            found.push_back(e->facts);
    return found;
}

}  // namespace sala::core
