#pragma once
// A room's membership and ordering rules, without I/O: who is in, in join order,
// under which nick, the topic, and the sequence number each message gets.
// Member is an opaque hashable handle (a pointer in the server, an int in tests).
// Join, leave, rename and contains are O(1), so filling a room of n members
// costs O(n), not O(n^2).
// Not thread-safe: a room owns one and touches it only from its own executor.

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/member_status.hpp"
#include "irc/names.hpp"

namespace sala::core {

struct topic_info {
    std::string text;
    std::string set_by;
    std::chrono::system_clock::time_point set_at;
};

template <class Member>
class roster {
public:
    struct entry {
        Member member;
        std::string nick;
        member_status status;
    };

    // False (and no change) when the member is already in.
    bool join(Member m, std::string nick, member_status status = {})
    {
        if (contains(m))
            return false;
        entries_.push_back({m, std::move(nick), status});
        index_.emplace(std::move(m), std::prev(entries_.end()));
        return true;
    }

    // False when the member was not in. Join order of the others is kept.
    bool leave(const Member& m)
    {
        auto it = index_.find(m);
        if (it == index_.end())
            return false;
        entries_.erase(it->second);
        index_.erase(it);
        return true;
    }

    bool rename(const Member& m, std::string new_nick)
    {
        auto it = index_.find(m);
        if (it == index_.end())
            return false;
        it->second->nick = std::move(new_nick);
        return true;
    }

    bool set_status(const Member& m, member_status status)
    {
        auto it = index_.find(m);
        if (it == index_.end())
            return false;
        it->second->status = status;
        return true;
    }

    [[nodiscard]] bool contains(const Member& m) const { return index_.contains(m); }

    // nullopt for someone not in.
    [[nodiscard]] std::optional<member_status> status_of(const Member& m) const
    {
        auto it = index_.find(m);
        if (it == index_.end())
            return std::nullopt;
        return it->second->status;
    }

    [[nodiscard]] const entry* find_nick(std::string_view nick) const
    {
        for (const auto& e : entries_)
            if (irc::same_name(e.nick, nick))
                return &e;
        return nullptr;
    }

    // Members in the order they joined (NAMES and WHO list them this way).
    [[nodiscard]] const std::list<entry>& members() const { return entries_; }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }

    // Every message gets the next number; numbers never repeat or go back,
    // so members can tell the order messages were accepted in.
    std::uint64_t next_sequence() { return ++sequence_; }
    [[nodiscard]] std::uint64_t last_sequence() const { return sequence_; }

    void set_topic(topic_info t) { topic_ = std::move(t); }
    [[nodiscard]] const std::optional<topic_info>& topic() const { return topic_; }

private:
    std::list<entry> entries_;
    std::unordered_map<Member, typename std::list<entry>::iterator> index_;
    std::uint64_t sequence_ = 0;
    std::optional<topic_info> topic_;
};

}  // namespace sala::core
