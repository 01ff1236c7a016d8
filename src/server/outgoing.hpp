#pragma once
// One message on its way to many clients, serialized once and shared read-only
// by every recipient's send queue (Beast chat-multi's shared_ptr<const string>).
// Immutable after construction, so any thread may read it.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "irc/caps.hpp"

namespace sala::server {

// Which optional tag prefix a recipient wants, from its negotiated capabilities.
enum tag_variant : std::uint8_t {
    plain = 0,
    with_time = 1,         // server-time
    with_client_tags = 2,  // message-tags
    with_account = 4,      // account-tag
    extended = 8,          // extended-join: JOIN names the account and real name
};

struct outgoing {
    std::string line;  // ":prefix COMMAND params\r\n", never tags
    // "@...  " prefixes indexed by tag_variant bits; empty when there is no tag to add.
    // A run of lines (make_run) keeps each variant's whole text here, line empty.
    std::array<std::string, 4> tag_prefix;
    // Messages whose recipients differ in more than server-time and
    // message-tags (a logged-in sender's account-tag, an extended JOIN) keep
    // each variant's whole text here instead, indexed by variant & mask;
    // `line` stays the plain line (history keeps it) but is not written.
    // Most messages do without: the vector stays empty.
    std::vector<std::string> whole;
    std::uint8_t mask = 3;
    // Capabilities a recipient must have to get this at all (TAGMSG needs
    // message-tags, an AWAY broadcast away-notify).
    irc::cap_set requires_caps = 0;
    bool is_chat = false;             // PRIVMSG/NOTICE, counted in the delivery totals

    // What a recipient with tag variant `variant` is sent: this, then body_for().
    [[nodiscard]] const std::string& prefix_for(unsigned variant) const
    {
        return whole.empty() ? tag_prefix[variant & 3u] : whole[variant & mask];
    }
    [[nodiscard]] std::string_view body_for() const { return whole.empty() ? std::string_view(line) : std::string_view(); }
};

using outgoing_ptr = std::shared_ptr<const outgoing>;

// A reply or notice with no tags.
[[nodiscard]] outgoing_ptr make_plain(std::string line);

// A message stamped with server-time `time_tag` ("time=...Z") and carrying the
// sender's client-only tags `client_tags` ("+a=b;+c", may be empty) and its
// `msgid` (may be empty) for recipients with message-tags.
// `account` (may be empty): the sender's, for recipients with account-tag.
[[nodiscard]] outgoing_ptr make_tagged(std::string line, const std::string& time_tag,
    const std::string& client_tags, bool is_chat, bool needs_message_tags = false, const std::string& msgid = {},
    const std::string& account = {});

// A JOIN: `extended_line` (":prefix JOIN #chan account :realname") for
// recipients with extended-join, and the account tag as for make_tagged.
[[nodiscard]] outgoing_ptr make_join(std::string line, std::string extended_line, const std::string& time_tag,
    const std::string& msgid, const std::string& account);

// Several messages as one buffer per variant, so a recipient of all of them
// queues and writes one entry instead of one each. The parts must agree on
// is_chat and requires_caps (the first one's are taken).
// A line only recipients with capability `c` get, stamped with the time.
[[nodiscard]] outgoing_ptr make_for_cap(std::string line, const std::string& time_tag, irc::cap c);

[[nodiscard]] outgoing_ptr make_run(const std::vector<outgoing_ptr>& parts, std::size_t first = 0);

// The current time as an IRCv3 server-time tag: "time=2026-11-24T20:16:00.123Z".
[[nodiscard]] std::string server_time_tag();
// The same for a time in milliseconds since the Unix epoch.
[[nodiscard]] std::string server_time_tag(std::int64_t unix_ms);
[[nodiscard]] std::int64_t unix_millis_now();

}  // namespace sala::server
