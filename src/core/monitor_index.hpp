#pragma once
// MONITOR (IRCv3): which clients watch which nicks, indexed both ways, so a
// nick that comes or goes costs O(its watchers) and a watcher that leaves
// O(its own list), never O(users). Each watcher's list holds at most `limit`
// targets, and nothing stays behind for a watcher or nick once its last entry
// is gone: what clients send cannot grow the index past watchers × limit.
// Watcher is an opaque hashable handle (a user record on the server, an int
// in tests); targets are folded nicks.
// Not thread-safe: the directory owns one and touches it only on the hub.

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sala::core {

template <class Watcher>
class monitor_index {
public:
    struct target {
        std::string key;    // folded nick
        std::string shown;  // as the client spelled it when adding it
    };

    enum class add_result { added, already, full };

    explicit monitor_index(std::size_t limit) : limit_(limit) {}

    [[nodiscard]] std::size_t limit() const { return limit_; }

    add_result add(const Watcher& w, const std::string& key, std::string shown)
    {
        auto& list = by_watcher_[w];
        if (std::any_of(list.begin(), list.end(), [&](const target& t) { return t.key == key; }))
            return add_result::already;
        if (list.size() >= limit_) {
            if (list.empty())
                by_watcher_.erase(w);
            return add_result::full;
        }
        list.push_back({key, std::move(shown)});
        by_target_[key].insert(w);
        return add_result::added;
    }

    // False when `w` did not watch `key`.
    bool remove(const Watcher& w, const std::string& key)
    {
        const auto it = by_watcher_.find(w);
        if (it == by_watcher_.end())
            return false;
        auto& list = it->second;
        const auto t = std::find_if(list.begin(), list.end(), [&](const target& x) { return x.key == key; });
        if (t == list.end())
            return false;
        list.erase(t);
        if (list.empty())
            by_watcher_.erase(it);
        unlink(w, key);
        return true;
    }

    // Empties `w`'s list: MONITOR C, and a watcher that leaves.
    void clear(const Watcher& w)
    {
        const auto it = by_watcher_.find(w);
        if (it == by_watcher_.end())
            return;
        for (const auto& t : it->second)
            unlink(w, t.key);
        by_watcher_.erase(it);
    }

    // `w`'s targets in the order added.
    [[nodiscard]] const std::vector<target>& list(const Watcher& w) const
    {
        static const std::vector<target> none;
        const auto it = by_watcher_.find(w);
        return it == by_watcher_.end() ? none : it->second;
    }

    // Calls f(watcher) for each watcher of `key`; f must not change the index.
    template <class F>
    void for_each_watcher(const std::string& key, F&& f) const
    {
        const auto it = by_target_.find(key);
        if (it == by_target_.end())
            return;
        for (const auto& w : it->second)
            f(w);
    }

    [[nodiscard]] std::size_t watchers_of(const std::string& key) const
    {
        const auto it = by_target_.find(key);
        return it == by_target_.end() ? 0 : it->second.size();
    }

    // Nicks watched by anyone, and clients watching anything.
    [[nodiscard]] std::size_t watched_nicks() const { return by_target_.size(); }
    [[nodiscard]] std::size_t watchers() const { return by_watcher_.size(); }

private:
    void unlink(const Watcher& w, const std::string& key)
    {
        const auto it = by_target_.find(key);
        if (it == by_target_.end())
            return;
        it->second.erase(w);
        if (it->second.empty())
            by_target_.erase(it);
    }

    std::size_t limit_;
    // Lists are at most limit_ long (100): a vector scans faster than a set hashes.
    std::unordered_map<Watcher, std::vector<target>> by_watcher_;
    // A popular nick may have thousands of watchers, who leave in any order.
    std::unordered_map<std::string, std::unordered_set<Watcher>> by_target_;
};

}  // namespace sala::core
