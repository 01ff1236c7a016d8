#pragma once
// The full-screen view (ncursesw): scrollback per window with time stamps and
// coloured nicks, a member list on the right, a status line and an input
// line. Everything received is drawn through the sanitizer, so no byte from
// the network reaches the terminal raw. Keys are read from stdin when Asio
// says it is readable, so nothing blocks the event loop.
//
// One instance per process (ncurses has one screen); construction takes over
// the terminal, destruction gives it back. Not thread-safe.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include <string>

#include "client/client_app.hpp"
#include "client/line_editor.hpp"
#include "client/presentation.hpp"
#include "client/scrollback.hpp"
#include "client/view.hpp"

namespace sala::client {

class curses_view : public view {
public:
    explicit curses_view(asio::io_context& ctx);
    ~curses_view() override;
    curses_view(const curses_view&) = delete;
    curses_view& operator=(const curses_view&) = delete;

    // Starts reading keys and watching for resizes; keys go to `app`.
    void start(client_app& app);

    void update(const client_state& state, const std::vector<event>& events) override;

private:
    void handle_key(int rc, wint_t key);
    void submit_line();
    void redraw();
    void draw_scrollback(int rows, int width);
    void draw_members(int rows, int left, int width);
    void draw_status(int row);
    void draw_input(int row);

    static asio::awaitable<void> key_loop(curses_view* self);
    static asio::awaitable<void> resize_loop(curses_view* self);

    asio::io_context& ctx_;
    asio::posix::stream_descriptor input_;
    asio::signal_set winch_;
    client_app* app_ = nullptr;
    const client_state* state_ = nullptr;
    line_editor editor_;
    scrollback scrollback_;
    int scroll_ = 0;  // rows scrolled back from the bottom of the current window
    bool at_top_ = false;  // the last drawing showed the current window's oldest line
    std::size_t last_window_ = 0;
};

}  // namespace sala::client
