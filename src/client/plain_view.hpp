#pragma once
// --plain: one line per event on stdout, typed lines from stdin. For scripts,
// pipes and tests. stdout is written synchronously (a stalled reader of our
// stdout stalls the client, as with any filter program).

#include <boost/asio/awaitable.hpp>

#include "client/client_app.hpp"
#include "client/view.hpp"

namespace sala::client {

class plain_view : public view {
public:
    void update(const client_state& state, const std::vector<event>& events) override;
};

// Reads stdin line by line into app.submit(); at its end, app.end_of_input().
// Works for pipes and terminals (asynchronously) and for regular files and
// /dev/null, which cannot be polled (read directly: they never block).
asio::awaitable<void> plain_input_loop(client_app& app);

}  // namespace sala::client
