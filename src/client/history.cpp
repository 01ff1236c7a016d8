#include "client/history.hpp"

#include <algorithm>
#include <utility>

#include "irc/names.hpp"
#include "irc/server_time.hpp"

namespace sala::client {

namespace {

constexpr std::uint64_t fnv_offset = 14695981039346656037ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

void mix(std::uint64_t& h, std::string_view s)
{
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= fnv_prime;
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    h ^= 0xffu;
    h *= fnv_prime;
}

std::string timestamp_ref(clock_time t)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    return "timestamp=" + irc::format_server_time(ms);
}

bool is_history_type(std::string_view type) { return type == "chathistory" || type == "draft/chathistory"; }

// What a held line counts against history_limits::held_bytes.
std::size_t cost(const channel_line& l)
{
    return sizeof l + l.msgid.size() + l.shown.nick.size() + l.shown.text.size();
}

}  // namespace

std::uint64_t line_key(std::string_view msgid, std::string_view time_tag, std::string_view source,
                       std::string_view command, std::string_view target, std::string_view text)
{
    std::uint64_t h = fnv_offset;
    if (!msgid.empty()) {
        mix(h, "msgid");
        mix(h, msgid);
    } else if (!time_tag.empty()) {
        mix(h, "time");
        mix(h, time_tag);
        mix(h, source);
        mix(h, command);
        mix(h, irc::fold(target));
        mix(h, text);
    } else {
        return 0;
    }
    return h == 0 ? 1 : h;  // 0 means "no key"
}

history_tracker::history_tracker(history_limits limits) : limits_(limits) {}

history_tracker::fetch history_tracker::new_fetch(fetch_kind kind, std::size_t limit, std::size_t pages)
{
    fetch f;
    f.kind = kind;
    f.limit = limit;
    f.pages = pages;
    return f;
}

history_tracker::channel_history* history_tracker::find(std::string_view channel)
{
    const auto it = channels_.find(irc::fold(channel));
    return it == channels_.end() ? nullptr : &it->second;
}

const history_tracker::channel_history* history_tracker::find(std::string_view channel) const
{
    const auto it = channels_.find(irc::fold(channel));
    return it == channels_.end() ? nullptr : &it->second;
}

std::size_t history_tracker::page(std::size_t wanted) const
{
    return server_limit_ > 0 ? std::min(wanted, server_limit_) : wanted;
}

void history_tracker::registered(bool enabled)
{
    enabled_ = enabled;
    server_limit_ = 0;
    batches_.clear();
    asked_.clear();
    for (auto& [key, c] : channels_) {
        c.pending.reset();
        release(c);
    }
}

void history_tracker::server_limit(std::size_t n) { server_limit_ = n; }

void history_tracker::disconnected()
{
    batches_.clear();
    asked_.clear();
    for (auto& [key, c] : channels_) {
        c.pending.reset();
        release(c);
    }
}

void history_tracker::joined(std::string_view channel, clock_time now)
{
    auto [it, fresh] = channels_.try_emplace(irc::fold(channel));
    auto& c = it->second;
    c.name = std::string(channel);
    if (!enabled_ || c.pending)
        return;
    // Seen lines here before: we were in and come back (a reconnect). Fill
    // the gap from the last of them.
    if (!fresh && (!c.last_msgid.empty() || c.last_time)) {
        ask_after(c, new_fetch(fetch_kind::gap, page(limits_.gap_page)), c.last_msgid, c.last_time, now);
        return;
    }
    const auto n = page(limits_.join_lines);
    ask(c, new_fetch(fetch_kind::latest, n), {"LATEST", c.name, "*", std::to_string(n)}, now);
}

void history_tracker::left(std::string_view channel)
{
    const auto key = irc::fold(channel);
    const auto it = channels_.find(key);
    if (it == channels_.end())
        return;
    // Held lines go with the window: there is nowhere left to show them.
    for (const auto& l : it->second.held)
        held_bytes_ -= cost(l);
    channels_.erase(it);
    std::erase(asked_, key);
    std::erase_if(batches_, [&](const auto& entry) { return entry.second.channel == key; });
}

void history_tracker::ask(channel_history& c, fetch f, std::vector<std::string> params, clock_time now)
{
    f.asked_at = now;
    // LATEST and a gap are what comes before the live lines: hold those.
    if (f.kind != fetch_kind::older)
        c.holding = true;
    c.pending = std::move(f);
    asked_.push_back(irc::fold(c.name));
    requests_.push_back(std::move(params));
}

void history_tracker::ask_after(channel_history& c, fetch f, const std::string& msgid, std::optional<clock_time> time,
                                clock_time now)
{
    std::string ref;
    if (!msgid.empty()) {
        ref = "msgid=" + msgid;
    } else if (time) {
        // A millisecond early: what was said in the same millisecond as the
        // last line seen comes too, and what was shown already is dropped.
        ref = timestamp_ref(*time - std::chrono::milliseconds(1));
        f.by_time = true;
    } else {
        return;
    }
    const auto n = std::to_string(f.limit);
    ask(c, std::move(f), {"AFTER", c.name, std::move(ref), n}, now);
}

bool history_tracker::batch_opened(std::string_view ref, std::string_view type, std::string_view target)
{
    if (!is_history_type(type) || ref.empty())
        return false;
    if (batches_.contains(ref))
        return true;
    auto* c = find(target);
    if (!c || batches_.size() >= limits_.open_batches)
        return false;
    open_batch b{irc::fold(target), false, 0};
    // Answers come in the order of the requests; one for a channel with a
    // request on its way is its answer. Anything else is the server's own
    // replay on join.
    if (c->pending && !c->pending->answering) {
        b.answer = true;
        c->pending->answering = true;
        const auto it = std::find(asked_.begin(), asked_.end(), b.channel);
        if (it != asked_.end())
            asked_.erase(it);
    }
    batches_.emplace(std::string(ref), std::move(b));
    return true;
}

bool history_tracker::in_history_batch(std::string_view ref) const { return batches_.contains(ref); }

line_fate history_tracker::line(std::string_view channel, channel_line l, std::string_view batch)
{
    auto* c = find(channel);
    const auto b = batch.empty() ? batches_.end() : batches_.find(batch);
    if (!c) {
        // Not a channel we joined: nothing to fetch or hold for it.
        l.shown.history = b != batches_.end();
        events_.push_back(std::move(l.shown));
        return line_fate::shown;
    }
    if (b != batches_.end()) {
        // History of another channel inside this one's batch: shown, but it
        // says nothing about where this channel's history stands.
        if (b->second.channel != irc::fold(channel))
            return show(*c, std::move(l), true, false);
        ++b->second.lines;
        // The server's own replay: older than what we saw, if we saw anything.
        bool newest = c->last_msgid.empty() && !c->last_time;
        if (b->second.answer && c->pending) {
            auto& f = *c->pending;
            if (f.lines++ == 0) {
                f.first_msgid = l.msgid;
                f.first_time = l.server_time;
            }
            f.last_msgid = l.msgid;
            f.last_time = l.server_time;
            newest = f.kind != fetch_kind::older;
        }
        return show(*c, std::move(l), true, newest);
    }
    if (l.key != 0 && c->seen.contains(l.key))
        return line_fate::repeat;
    if (c->holding) {
        const auto bytes = cost(l);
        if (c->held.size() < limits_.held_lines && held_bytes_ + bytes <= limits_.held_bytes) {
            held_bytes_ += bytes;
            c->held.push_back(std::move(l));
            return line_fate::held;
        }
        // Too much to hold: show what waits, in order, and stop holding.
        release(*c);
    }
    return show(*c, std::move(l), false, true);
}

line_fate history_tracker::show(channel_history& c, channel_line l, bool history, bool newest)
{
    if (l.key != 0 && c.seen.contains(l.key))
        return line_fate::repeat;
    remember(c, l.key);
    if (newest) {
        c.last_msgid = l.msgid;
        if (l.server_time)
            c.last_time = l.server_time;
    }
    if (c.oldest_msgid.empty() && !c.oldest_time) {
        c.oldest_msgid = l.msgid;
        c.oldest_time = l.server_time;
    }
    l.shown.history = history;
    events_.push_back(std::move(l.shown));
    return line_fate::shown;
}

void history_tracker::remember(channel_history& c, std::uint64_t key)
{
    if (key == 0 || !c.seen.insert(key).second)
        return;
    c.seen_order.push_back(key);
    while (c.seen_order.size() > limits_.remembered) {
        c.seen.erase(c.seen_order.front());
        c.seen_order.pop_front();
    }
}

void history_tracker::release(channel_history& c)
{
    c.holding = false;
    auto held = std::exchange(c.held, {});
    for (auto& l : held) {
        held_bytes_ -= cost(l);
        (void)show(c, std::move(l), false, true);
    }
}

void history_tracker::batch_closed(std::string_view ref, clock_time now)
{
    const auto it = batches_.find(ref);
    if (it == batches_.end())
        return;
    const open_batch b = std::move(it->second);
    batches_.erase(it);
    auto* c = find(b.channel);
    if (!c || !b.answer || !c->pending)
        return;
    const fetch f = std::move(*c->pending);
    c->pending.reset();
    switch (f.kind) {
    case fetch_kind::latest:
        if (f.lines > 0) {
            c->oldest_msgid = f.first_msgid;
            c->oldest_time = f.first_time;
        }
        break;
    case fetch_kind::older:
        if (f.lines > 0) {
            c->oldest_msgid = f.first_msgid;
            c->oldest_time = f.first_time;
        }
        c->start_reached = f.lines < f.limit;
        break;
    case fetch_kind::gap:
        if (f.lines == 0 && !f.by_time && f.pages == 1 && c->last_time) {
            // Nothing after our last msgid: the server may not know it (a
            // server that lost its history, or another one). Ask by time.
            ask_after(*c, new_fetch(fetch_kind::gap, f.limit, f.pages), {}, c->last_time, now);
            return;
        }
        if (f.lines >= f.limit) {
            if (f.pages < limits_.gap_pages) {
                ask_after(*c, new_fetch(fetch_kind::gap, f.limit, f.pages + 1), f.last_msgid, f.last_time, now);
                return;
            }
            note(*c, "more was said in " + c->name + " while we were away than is loaded here", now);
        }
        break;
    }
    release(*c);
}

void history_tracker::failed(const std::vector<std::string>& params, clock_time now)
{
    // FAIL CHATHISTORY code [context...] :text
    if (params.size() < 2)
        return;
    std::string key;
    for (std::size_t i = 2; i + 1 < params.size() && key.empty(); ++i) {
        const auto folded = irc::fold(params[i]);
        if (std::find(asked_.begin(), asked_.end(), folded) != asked_.end())
            key = folded;
    }
    if (key.empty() && !asked_.empty())
        key = asked_.front();
    auto* c = key.empty() ? nullptr : find(key);
    if (!c || !c->pending || c->pending->answering)
        return;
    const auto it = std::find(asked_.begin(), asked_.end(), key);
    if (it != asked_.end())
        asked_.erase(it);
    c->pending.reset();
    note(*c, "history of " + c->name + " not loaded: " + params.back(), now);
    release(*c);
}

bool history_tracker::want_older(std::string_view channel, clock_time now)
{
    auto* c = find(channel);
    if (!enabled_ || !c || c->pending || c->start_reached)
        return false;
    std::string ref;
    if (!c->oldest_msgid.empty())
        ref = "msgid=" + c->oldest_msgid;
    else if (c->oldest_time)
        ref = timestamp_ref(*c->oldest_time);
    else
        return false;
    // The same reference again would bring the same page again.
    if (ref == c->older_asked)
        return false;
    c->older_asked = ref;
    const auto n = page(limits_.older_page);
    ask(*c, new_fetch(fetch_kind::older, n), {"BEFORE", c->name, std::move(ref), std::to_string(n)}, now);
    return true;
}

void history_tracker::tick(clock_time now)
{
    for (auto& [key, c] : channels_)
        if (c.holding && c.pending && now - c.pending->asked_at >= limits_.hold_for)
            release(c);
}

void history_tracker::note(const channel_history& c, std::string text, clock_time now)
{
    event e;
    e.kind = event_kind::info;
    e.time = now;
    e.windows = {c.name};
    e.text = std::move(text);
    events_.push_back(std::move(e));
}

bool history_tracker::loading(std::string_view channel) const
{
    const auto* c = find(channel);
    return c && c->pending;
}

std::size_t history_tracker::held_lines() const
{
    std::size_t n = 0;
    for (const auto& [key, c] : channels_)
        n += c.held.size();
    return n;
}

std::size_t history_tracker::remembered_keys() const
{
    std::size_t n = 0;
    for (const auto& [key, c] : channels_)
        n += c.seen.size();
    return n;
}

std::vector<event> history_tracker::take_events() { return std::exchange(events_, {}); }

std::vector<std::vector<std::string>> history_tracker::take_requests() { return std::exchange(requests_, {}); }

}  // namespace sala::client
