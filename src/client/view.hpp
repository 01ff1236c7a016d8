#pragma once
// What the network side needs from a view (plain or full-screen). Called on
// the event-loop thread only.

#include <vector>

#include "client/client_state.hpp"

namespace sala::client {

class view {
public:
    virtual ~view() = default;
    // New events, and the state after them (for status lines, member lists).
    virtual void update(const client_state& state, const std::vector<event>& events) = 0;
};

}  // namespace sala::client
