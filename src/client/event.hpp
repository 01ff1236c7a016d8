#pragma once
// What the client state machine tells a view. Plain data; text fields hold
// what the server sent (not yet sanitized: each view sanitizes for its output).

#include <chrono>
#include <string>
#include <vector>

namespace sala::client {

using clock_time = std::chrono::system_clock::time_point;

enum class event_kind {
    message,       // <nick> text
    action,        // * nick text (CTCP ACTION, /me)
    notice,        // -nick- text
    join,          // nick joined window
    part,          // nick left window (text: reason)
    quit,          // nick quit (text: reason); windows: where they were
    nick_change,   // nick is now known as text; windows: where they were
    topic,         // nick changed the topic to text (nick empty: topic on join)
    mode,          // nick set modes text ("+o-v alice bob") on subject (a room, or a nick for user modes)
    kick,          // nick kicked subject from window (text: reason)
    kicked,        // nick kicked us from window (text: reason); the window is closed
    invite,        // nick invited subject to window (invite-notify, or our /invite)
    invited,       // nick invited us to window
    info,          // server or client information (MOTD, /names, /help, ...)
    error,         // an error reply or a bad command
    connecting,    // text: "host:port"
    connected,     // registered with the server (text: server name)
    disconnected,  // the connection ended (text: reason)
};

struct event {
    event_kind kind = event_kind::info;
    clock_time time{};
    // The windows this event belongs to: one channel or query for most kinds,
    // several for quit and nick_change, none for "whatever window is current".
    // A name with no open window (a private message past the window limit, a
    // topic of a room we are not in) is shown in the current window; a message
    // there is labelled with the name.
    std::vector<std::string> windows;
    std::string nick;  // who did it
    std::string text;
    bool self = false;     // we did it
    bool mention = false;  // someone else's message that names us, or a kick or invite of us
    // A line from the channel's history (replayed on join, or fetched with
    // CHATHISTORY), not said just now: `time` is when it was said. Views show
    // it set apart (dimmed, or marked) and do not beep for it.
    bool history = false;
    std::string subject{};  // whom or what it was done to (mode, kick, invite)
};

}  // namespace sala::client
