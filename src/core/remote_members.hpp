#pragma once
// Who is in each room on the other nodes of a cluster, as their JOIN, PART,
// KICK, QUIT and NICK lines in the room stream tell it: what NAMES adds to
// a room's own members, and who quits when a node is lost. Kept for every
// room the stream carries, also those with no member on this node, so a
// room that starts here knows who is already in it elsewhere. Plain data;
// no I/O.

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/history.hpp"

namespace sala::core {

struct remote_member {
    std::string nick;
    std::string prefix;  // nick!user@host
    std::string node;
};

// A user of a lost node: the rooms (folded) it was in here.
struct lost_user {
    std::string prefix;
    std::vector<std::string> rooms;
};

class remote_members {
public:
    // Applies one line of room `e.target` relayed by `node`; true when its
    // members changed.
    bool apply(const history_entry& e, const std::string& node);
    // By folded nick; empty when nobody elsewhere is in `room` (folded).
    [[nodiscard]] const std::map<std::string, remote_member>& of(const std::string& room) const;
    [[nodiscard]] std::size_t rooms() const { return rooms_.size(); }
    [[nodiscard]] const std::unordered_map<std::string, std::map<std::string, remote_member>>& all() const
    {
        return rooms_;
    }
    // Forgets every member of `node`, which is gone; returns them.
    std::vector<lost_user> forget_node(const std::string& node);

private:
    std::unordered_map<std::string, std::map<std::string, remote_member>> rooms_;
};

}  // namespace sala::core
