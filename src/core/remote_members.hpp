#pragma once
// Who is in each room on the other nodes of a cluster, as their JOIN, PART,
// KICK, QUIT and NICK lines in the room stream tell it: what NAMES adds to
// a room's own members. Kept for every room the stream carries, also those
// with no member on this node, so a room that starts here knows who is
// already in it elsewhere. Plain data; no I/O.

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/history.hpp"

namespace sala::core {

class remote_members {
public:
    // Applies one line of room `e.target`; true when its members changed.
    bool apply(const history_entry& e);
    // Nicks by folded nick; empty when nobody elsewhere is in `room` (folded).
    [[nodiscard]] const std::map<std::string, std::string>& of(const std::string& room) const;
    [[nodiscard]] std::size_t rooms() const { return rooms_.size(); }

private:
    std::unordered_map<std::string, std::map<std::string, std::string>> rooms_;
};

}  // namespace sala::core
