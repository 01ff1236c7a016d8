#include "client/curses_view.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <ncurses.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <csignal>

#include "client/sanitize.hpp"
#include "client/utf8.hpp"
#include "irc/names.hpp"

namespace sala::client {

namespace {

constexpr short nick_palette[] = {COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
constexpr std::size_t palette_size = sizeof nick_palette / sizeof nick_palette[0];
constexpr short mention_pair = 20;
constexpr short status_pair = 21;

// One character cluster ready to draw: its UTF-8, cells and attributes.
struct cell {
    std::string text;
    int width;
    attr_t attr;
    short pair;
};

void append_cells(std::vector<cell>& out, std::string_view clean, attr_t attr, short pair)
{
    for (std::size_t i = 0; i < clean.size();) {
        const auto next = next_cluster(clean, i);
        const auto piece = clean.substr(i, next - i);
        out.push_back({std::string(piece), static_cast<int>(text_width(piece)), attr, pair});
        i = next;
    }
}

attr_t attributes(const text_style& s)
{
    attr_t a = A_NORMAL;
    if (s.bold)
        a |= A_BOLD;
    if (s.underline)
        a |= A_UNDERLINE;
    if (s.reverse)
        a |= A_REVERSE;
    if (s.italic)
        a |= A_ITALIC;
    return a;
}

// Draws one cluster (already sanitized) at the cursor.
void put_cluster(const cell& c)
{
    attr_set(c.attr, c.pair, nullptr);
    std::wstring w;
    for (std::size_t i = 0; i < c.text.size();) {
        const auto d = decode_at(c.text, i);
        w.push_back(static_cast<wchar_t>(d.cp));
        i += d.size;
    }
    addnwstr(w.c_str(), static_cast<int>(w.size()));
}

// Draws sanitized text, at most `cells` columns, in one style.
int put_text(std::string_view clean, int cells, attr_t attr = A_NORMAL, short pair = 0)
{
    std::vector<cell> cs;
    append_cells(cs, clean, attr, pair);
    int used = 0;
    for (const auto& c : cs) {
        if (used + c.width > cells)
            break;
        put_cluster(c);
        used += c.width;
    }
    return used;
}

}  // namespace

curses_view::curses_view(asio::io_context& ctx)
    : ctx_(ctx), input_(ctx, ::dup(STDIN_FILENO)), winch_(ctx, SIGWINCH)
{
    std::setlocale(LC_ALL, "");
    initscr();
    raw();  // Ctrl-C arrives as a key: quit cleanly, not by signal
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    if (has_colors()) {
        start_color();
        use_default_colors();
        for (std::size_t i = 0; i < palette_size; ++i)
            init_pair(static_cast<short>(i + 1), nick_palette[i], -1);
        init_pair(mention_pair, COLOR_YELLOW, -1);
        init_pair(status_pair, COLOR_WHITE, COLOR_BLUE);
    }
}

curses_view::~curses_view() { endwin(); }

void curses_view::start(client_app& app)
{
    app_ = &app;
    state_ = &app.state();
    asio::co_spawn(ctx_, key_loop(this), asio::detached);
    asio::co_spawn(ctx_, resize_loop(this), asio::detached);
    redraw();
}

asio::awaitable<void> curses_view::key_loop(curses_view* self)
{
    for (;;) {
        auto [ec] = co_await self->input_.async_wait(asio::posix::descriptor_base::wait_read, use_nothrow);
        if (ec)
            co_return;
        wint_t key = 0;
        for (int rc = get_wch(&key); rc != ERR; rc = get_wch(&key))
            self->handle_key(rc, key);
        self->redraw();
    }
}

asio::awaitable<void> curses_view::resize_loop(curses_view* self)
{
    for (;;) {
        auto [ec, sig] = co_await self->winch_.async_wait(use_nothrow);
        (void)sig;
        if (ec)
            co_return;
        // Leaving and re-entering curses makes it read the new size.
        endwin();
        refresh();
        clear();
        self->redraw();
    }
}

void curses_view::update(const client_state& state, const std::vector<event>& events)
{
    state_ = &state;
    const auto now = std::chrono::system_clock::now();
    for (const auto& e : events) {
        if (e.mention && !e.history)
            beep();
        scrollback_.add(state, e, now);
    }
    scrollback_.prune(state);
    redraw();
}

void curses_view::handle_key(int rc, wint_t key)
{
    if (!app_)
        return;
    auto& ed = editor_;
    if (rc == KEY_CODE_YES) {
        switch (key) {
        case KEY_LEFT: ed.left(); break;
        case KEY_RIGHT: ed.right(); break;
        case KEY_HOME: ed.home(); break;
        case KEY_END: ed.end(); break;
        case KEY_BACKSPACE: ed.backspace(); break;
        case KEY_DC: ed.erase(); break;
        case KEY_UP: ed.history_prev(); break;
        case KEY_DOWN: ed.history_next(); break;
        case KEY_PPAGE:
            // At the top already: the page before comes from the server's
            // history, when it keeps one and the scrollback has room. The
            // state machine asks once per page, however often this is hit.
            if (at_top_) {
                const auto* cur = state_->current();
                if (cur && scrollback_.has_room(cur->name))
                    app_->request_older_history();
            }
            scroll_ += std::max(1, LINES - 4);
            break;
        case KEY_NPAGE: scroll_ = std::max(0, scroll_ - std::max(1, LINES - 4)); break;
        case KEY_ENTER: submit_line(); break;
        case KEY_RESIZE: clear(); break;
        default: break;
        }
        return;
    }
    switch (key) {
    case 1: ed.home(); return;   // Ctrl-A
    case 5: ed.end(); return;    // Ctrl-E
    case 21: ed.kill_to_start(); return;  // Ctrl-U
    case 23: ed.kill_word(); return;      // Ctrl-W
    case 11: ed.kill_to_end(); return;    // Ctrl-K
    case 2: ed.left(); return;   // Ctrl-B
    case 6: ed.right(); return;  // Ctrl-F
    case 4: ed.erase(); return;  // Ctrl-D
    case 12: clear(); return;    // Ctrl-L
    case 3: app_->request_quit(""); return;  // Ctrl-C
    case 9: ed.complete(state_->completion_nicks(), client_state::command_names()); return;
    case 10:
    case 13: submit_line(); return;
    case 8:
    case 127: ed.backspace(); return;
    case 14:  // Ctrl-N / Ctrl-P: next / previous window
    case 16: {
        const auto n = state_->windows().size();
        if (n > 0)
            app_->switch_window((state_->current_index() + (key == 14 ? 1 : n - 1)) % n);
        return;
    }
    case 27: {  // Alt-digit arrives as ESC then the digit
        wint_t next = 0;
        if (get_wch(&next) == OK && next >= '1' && next <= '9')
            app_->switch_window(static_cast<std::size_t>(next - '1'));
        return;
    }
    default: break;
    }
    if (key >= 32 && key != 127) {
        std::string utf8;
        append_utf8(utf8, static_cast<char32_t>(key));
        ed.insert(utf8);
    }
}

void curses_view::redraw()
{
    if (!state_)
        return;
    if (state_->current_index() != last_window_) {
        last_window_ = state_->current_index();
        scroll_ = 0;
    }
    erase();
    const int rows = std::max(1, LINES - 2);
    const int member_width = COLS >= 60 ? std::min(20, COLS / 5) : 0;
    const int chat_width = std::max(1, COLS - member_width - (member_width > 0 ? 1 : 0));
    draw_scrollback(rows, chat_width);
    if (member_width > 0)
        draw_members(rows, chat_width, member_width);
    draw_status(LINES - 2);
    draw_input(LINES - 1);
    refresh();
}

void curses_view::draw_scrollback(int rows, int width)
{
    const auto* cur = state_->current();
    const auto& log = scrollback_.lines(cur ? cur->name : std::string());
    // Build wrapped rows from the newest entry back until the screen (plus
    // what is scrolled away) is full.
    std::vector<std::vector<cell>> lines;
    const auto needed = static_cast<std::size_t>(rows + scroll_);
    auto it = log.rbegin();
    for (; it != log.rend() && lines.size() < needed; ++it) {
        std::vector<cell> cs;
        append_cells(cs, it->stamp + " ", A_DIM, 0);
        if (!it->label.empty())
            append_cells(cs, sanitize_text(it->label) + " ", it->history ? A_DIM : A_BOLD, 0);
        // History is dimmed whole, so it reads as the past next to live lines.
        const attr_t sys = it->parts.system || it->history ? A_DIM : A_NORMAL;
        const attr_t bold = it->history ? A_NORMAL : A_BOLD;
        short nick_pair = 0;
        if (!it->parts.system && !it->nick.empty() && has_colors())
            nick_pair = static_cast<short>(nick_colour(it->nick, palette_size) + 1);
        append_cells(cs, sanitize_text(it->parts.nick_part) + " ", sys | (it->self ? bold : A_NORMAL), nick_pair);
        for (const auto& run : render_irc_text(it->parts.body)) {
            attr_t a = sys | attributes(run.style);
            short pair = 0;
            if (it->mention) {
                a |= bold;
                pair = has_colors() ? mention_pair : 0;
            }
            append_cells(cs, run.text, a, pair);
        }
        // Wrap at `width` cells.
        std::vector<std::vector<cell>> wrapped(1);
        int used = 0;
        for (auto& c : cs) {
            if (used + c.width > width && used > 0) {
                wrapped.emplace_back();
                used = 0;
            }
            used += c.width;
            wrapped.back().push_back(std::move(c));
        }
        for (auto w = wrapped.rbegin(); w != wrapped.rend(); ++w)
            lines.push_back(std::move(*w));
    }
    scroll_ = std::min(scroll_, std::max(0, static_cast<int>(lines.size()) - rows));
    // The oldest line is built and its first row is on screen.
    at_top_ = it == log.rend() && static_cast<int>(lines.size()) <= rows + scroll_;
    // lines[0] is the bottom row.
    for (int r = 0; r < rows; ++r) {
        const auto index = static_cast<std::size_t>(scroll_ + (rows - 1 - r));
        if (index >= lines.size())
            continue;
        move(r, 0);
        for (const auto& c : lines[index])
            put_cluster(c);
    }
    attr_set(A_NORMAL, 0, nullptr);
}

void curses_view::draw_members(int rows, int left, int width)
{
    attr_set(A_DIM, 0, nullptr);
    mvvline(0, left, ACS_VLINE, rows);
    const auto* cur = state_->current();
    if (!cur)
        return;
    int r = 0;
    for (const auto* m : members_by_rank(*cur, state_->mode_rules().prefix_symbols, static_cast<std::size_t>(std::max(rows, 0)))) {
        move(r++, left + 1);
        const short pair = has_colors() ? static_cast<short>(nick_colour(m->nick, palette_size) + 1) : 0;
        put_text(sanitize_text(m->shown()), width, A_NORMAL, pair);
    }
    attr_set(A_NORMAL, 0, nullptr);
}

void curses_view::submit_line()
{
    // A line with a password in it must not come back with Up.
    const bool secret = client_state::holds_secret(editor_.text());
    app_->submit(editor_.submit(!secret));
}

void curses_view::draw_status(int row)
{
    const attr_t base = A_REVERSE;
    const short pair = has_colors() ? status_pair : 0;
    move(row, 0);
    attr_set(base, pair, nullptr);
    hline(' ', COLS);
    const auto* cur = state_->current();
    std::string text = " " + state_->server_name() + " ";
    if (cur)
        text += cur->name + (irc::is_channel(cur->name) ? " (" + std::to_string(cur->members.size()) + ")" : "") + " ";
    switch (state_->state()) {
    case connection_state::disconnected:
        text += "| disconnected";
        if (!state_->disconnect_reason().empty())
            text += ": " + sanitize_text(state_->disconnect_reason());
        text += " ";
        break;
    case connection_state::registering: text += "| connecting "; break;
    case connection_state::registered: text += "| " + state_->nick() + " "; break;
    }
    if (!state_->account().empty())
        text += "| account " + state_->account() + " ";
    if (cur && state_->history_loading(cur->name))
        text += "| loading history ";
    if (const auto lag = state_->lag())
        text += "| lag " + std::to_string(lag->count()) + " ms ";
    text += "|";
    // Windows: number, name, '*' unread, '!' mention; the current one in brackets.
    const auto& wins = state_->windows();
    for (std::size_t i = 0; i < wins.size(); ++i) {
        std::string w = std::to_string(i + 1) + ":" + wins[i].name;
        if (wins[i].mention)
            w += "!";
        else if (wins[i].unread)
            w += "*";
        text += i == state_->current_index() ? " [" + w + "]" : " " + w;
    }
    if (scroll_ > 0)
        text += " | -- more --";
    move(row, 0);
    put_text(sanitize_text(text), COLS, base, pair);
    attr_set(A_NORMAL, 0, nullptr);
}

void curses_view::draw_input(int row)
{
    const auto* cur = state_->current();
    const std::string prompt = sanitize_text("[" + (cur ? cur->name : std::string()) + "] ");
    move(row, 0);
    const int prompt_cells = put_text(prompt, COLS / 2, A_BOLD);
    const auto space = static_cast<std::size_t>(std::max(1, COLS - prompt_cells));
    const auto v = editor_.visible(space);
    const std::string_view text = editor_.text();
    put_text(text.substr(v.first, v.last - v.first), static_cast<int>(space));
    move(row, prompt_cells + static_cast<int>(v.cursor_column));
}

}  // namespace sala::client
