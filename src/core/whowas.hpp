#pragma once
// WHOWAS: who recently held which nick, as a bounded history. A registered
// user's nick is recorded when they quit or change it. The oldest entries go
// first, overall and per nick, so a client that churns through nicks can push
// out old entries but never grow the history. No I/O, no clock: the caller
// stamps each entry.
// Not thread-safe: the directory owns one and touches it only on the hub.

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "irc/user_facts.hpp"

namespace sala::core {

class whowas_history {
public:
    // Keeps at most `max_total` entries, and at most `max_per_nick` for one
    // nick (compared under the ascii case mapping). Both must be at least 1.
    explicit whowas_history(std::size_t max_total = 1000, std::size_t max_per_nick = 4);

    void record(irc::past_user entry);

    // Entries for the nick `nick_or_mask`, or for every nick the mask (with *
    // and ?) matches, newest first, at most `max`.
    [[nodiscard]] std::vector<irc::past_user> find(std::string_view nick_or_mask, std::size_t max) const;

    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    // Distinct nicks in the history.
    [[nodiscard]] std::size_t nicks() const { return by_nick_.size(); }

private:
    struct entry {
        irc::past_user facts;
        std::string key;  // folded nick
    };
    using entry_list = std::list<entry>;

    void drop_oldest();

    std::size_t max_total_;
    std::size_t max_per_nick_;
    entry_list entries_;  // oldest first
    // Each nick's entries, oldest first: a handful each, so a vector.
    std::unordered_map<std::string, std::vector<entry_list::iterator>> by_nick_;
};

}  // namespace sala::core
