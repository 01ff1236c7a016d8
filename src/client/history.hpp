#pragma once
// Channel history in the client, with no I/O: which CHATHISTORY requests to
// send, which received lines are history, and that each line shows once and
// in order.
//
//  - With draft/chathistory (and batch): a first join asks for the LATEST
//    lines; a join after a reconnect asks for what came AFTER the last line
//    seen there, page after page while full pages come back (bounded), so a
//    dropped connection or a restarted server loses nothing on screen. While
//    that answer is on its way, live lines of the channel are held back and
//    shown after it, so the history comes first. PageUp at the top asks for
//    the page BEFORE the oldest line, once per page.
//  - Without it: a chathistory batch the server sends on its own (replay on
//    join) is shown as history.
//  - Either way a line whose key (msgid, else server time, source and text)
//    was shown already in that channel is dropped: a replay after a
//    reconnect, or a line that came both live and in an answer.
//
// client_state feeds it what it receives (our joins and parts, batches,
// channel chat lines, FAIL CHATHISTORY) and drains take_events() and
// take_requests() after each call. Everything a server can make it keep is
// bounded (history_limits). Errors: nothing throws except std::bad_alloc;
// batches and FAILs it did not ask for are ignored. Not thread-safe: one
// owner (the client's event-loop thread).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "client/event.hpp"

namespace sala::client {

struct history_limits {
    std::size_t join_lines = 50;   // LATEST on a first join
    std::size_t gap_page = 100;    // AFTER, per page, after a reconnect
    std::size_t gap_pages = 10;    // pages at most to fill one gap
    std::size_t older_page = 50;   // BEFORE, for PageUp at the top
    std::size_t remembered = 2000; // keys of lines shown, per channel (as many as a window's scrollback)
    std::size_t held_lines = 1000; // live lines held back per channel while its history loads
    std::size_t held_bytes = std::size_t{1} << 20;  // ... and their text in all channels
    std::size_t open_batches = 16; // history batches open at once
    // Live lines wait at most this long for the history before them: a
    // server that never answers must not hide the conversation.
    std::chrono::milliseconds hold_for{10'000};
};

// One chat line (PRIVMSG, NOTICE, action) of a channel.
struct channel_line {
    std::string msgid;                      // the msgid tag; empty when there was none
    std::optional<clock_time> server_time;  // the time tag
    std::uint64_t key = 0;                  // line_key(); 0: never taken for a repeat
    event shown;                            // what to show; its windows name the channel
};

// A line's identity for spotting repeats: its msgid when it has one, else
// its server time, source and text (a replay from a server without msgids);
// 0 when it has neither msgid nor time.
[[nodiscard]] std::uint64_t line_key(std::string_view msgid, std::string_view time_tag, std::string_view source,
                                     std::string_view command, std::string_view target, std::string_view text);

// What became of a line given to history_tracker::line().
enum class line_fate { shown, held, repeat };

class history_tracker {
public:
    explicit history_tracker(history_limits limits = {});

    // --- connection ---
    // Registered on a new connection; CHATHISTORY is asked for when `enabled`
    // (the server acknowledged draft/chathistory and batch).
    void registered(bool enabled);
    // ISUPPORT CHATHISTORY=n: the most lines the server gives per request
    // (0: it names no limit).
    void server_limit(std::size_t n);
    // The connection ended: held lines are shown, requests forgotten. What
    // was seen in each channel is kept for the gap after the reconnect.
    void disconnected();

    // --- channels ---
    // We joined `channel` (our own JOIN came back): asks for its history.
    // `now` is the local clock, for tick().
    void joined(std::string_view channel, clock_time now);
    // We left it, or its window closed: forgotten, so the next join is a first join.
    void left(std::string_view channel);

    // --- received lines ---
    // BATCH +ref type target: true when it is a chathistory batch for a
    // channel we joined; its lines are then history (in_history_batch).
    bool batch_opened(std::string_view ref, std::string_view type, std::string_view target);
    // BATCH -ref: may ask for the next page, and shows the live lines held back.
    void batch_closed(std::string_view ref, clock_time now);
    [[nodiscard]] bool in_history_batch(std::string_view ref) const;
    // A chat line of `channel`; `batch` is the history batch it came in
    // (empty: a live line). A repeat is dropped, a live line may be held.
    line_fate line(std::string_view channel, channel_line l, std::string_view batch = {});
    // FAIL CHATHISTORY <code> [<context>...] :text (all parameters): ends the
    // request it answers, the one naming its channel or else the oldest.
    void failed(const std::vector<std::string>& params, clock_time now);

    // --- the user ---
    // PageUp at the top of `channel`: asks for the page before its oldest
    // line, unless a request is on its way, that page was asked for already,
    // or the start of the history was reached. True when it asked.
    bool want_older(std::string_view channel, clock_time now);

    // --- time ---
    // Call now and then (every second): live lines held longer than
    // history_limits::hold_for are shown; the answer, when it comes, is
    // still shown as history.
    void tick(clock_time now);

    // --- outputs ---
    [[nodiscard]] std::vector<event> take_events();
    // Each the parameters of one CHATHISTORY command.
    [[nodiscard]] std::vector<std::vector<std::string>> take_requests();

    // --- state ---
    [[nodiscard]] bool enabled() const { return enabled_; }
    // A request for `channel` is on its way.
    [[nodiscard]] bool loading(std::string_view channel) const;
    [[nodiscard]] std::size_t channel_count() const { return channels_.size(); }
    [[nodiscard]] std::size_t held_lines() const;
    [[nodiscard]] std::size_t held_bytes() const { return held_bytes_; }
    [[nodiscard]] std::size_t remembered_keys() const;
    [[nodiscard]] std::size_t open_batches() const { return batches_.size(); }

private:
    enum class fetch_kind { latest, gap, older };
    // A request on its way, and what its answer showed so far.
    struct fetch {
        fetch_kind kind = fetch_kind::latest;
        std::size_t limit = 0;      // lines asked for
        clock_time asked_at{};      // local clock
        std::size_t pages = 1;      // pages of this gap asked for so far
        bool by_time = false;       // the gap is asked for by timestamp
        bool answering = false;     // its batch is open
        std::size_t lines = 0;      // lines in its batch
        std::string first_msgid;    // of its batch
        std::string last_msgid;
        std::optional<clock_time> first_time;
        std::optional<clock_time> last_time;
    };
    struct channel_history {
        std::string name;                     // as we joined it
        std::string last_msgid;               // the newest line seen
        std::optional<clock_time> last_time;
        std::string oldest_msgid;             // the oldest line seen
        std::optional<clock_time> oldest_time;
        std::string older_asked;              // the reference of the last BEFORE
        bool start_reached = false;           // BEFORE found nothing more
        std::optional<fetch> pending;
        bool holding = false;                 // live lines wait for `pending`
        std::deque<channel_line> held;
        std::unordered_set<std::uint64_t> seen;
        std::deque<std::uint64_t> seen_order;  // oldest first, to forget by
    };
    struct open_batch {
        std::string channel;  // folded
        bool answer = false;  // answers the channel's pending fetch
        std::size_t lines = 0;
    };

    static fetch new_fetch(fetch_kind kind, std::size_t limit, std::size_t pages = 1);
    channel_history* find(std::string_view channel);
    [[nodiscard]] const channel_history* find(std::string_view channel) const;
    [[nodiscard]] std::size_t page(std::size_t wanted) const;
    void ask(channel_history& c, fetch f, std::vector<std::string> params, clock_time now);
    void ask_after(channel_history& c, fetch f, const std::string& msgid, std::optional<clock_time> time,
                   clock_time now);
    // Shows `l` unless it is a repeat; `history` marks it as such.
    line_fate show(channel_history& c, channel_line l, bool history, bool newest);
    void remember(channel_history& c, std::uint64_t key);
    // Shows the live lines held back, and holds no more.
    void release(channel_history& c);
    void note(const channel_history& c, std::string text, clock_time now);

    history_limits limits_;
    bool enabled_ = false;
    std::size_t server_limit_ = 0;
    std::map<std::string, channel_history, std::less<>> channels_;  // by folded name
    std::map<std::string, open_batch, std::less<>> batches_;        // by reference
    std::deque<std::string> asked_;  // folded channels, in the order their requests went out
    std::size_t held_bytes_ = 0;
    std::vector<event> events_;
    std::vector<std::vector<std::string>> requests_;
};

}  // namespace sala::client
