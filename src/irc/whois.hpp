#pragma once
// WHOIS: what the directory knows of one registered user, which the protocol
// layer formats into the 311 to 318 lines. Plain data; the directory answers
// with std::nullopt for a nick nobody registered holds.

#include <cstdint>
#include <string>
#include <vector>

#include "core/member_status.hpp"

namespace sala::irc {

// One channel the user is in, as the asker may see it.
struct whois_channel {
    std::string name;
    core::member_status status;
};

struct whois_facts {
    std::string nick;
    std::string user;
    std::string host;
    std::string realname;
    // In join order, only those the asker may see: secret channels (+s) and
    // the channels of an invisible user (+i) only when the asker shares them.
    std::vector<whois_channel> channels;
    std::string away;                   // empty: not away
    bool bot = false;                   // user mode +B
    bool server_operator = false;       // user mode +o (OPER)
    bool secure = false;                // connected over TLS
    std::string account;                // logged in to; empty: none
    // SHA-256 of the TLS client certificate; empty: none. It follows its
    // holder across nicks, so the formatter shows it to that user only.
    std::string certfp;
    std::int64_t idle_seconds = 0;  // since the user last sent PRIVMSG or NOTICE (or connected)
    std::int64_t signon = 0;        // when the user connected, in Unix seconds
};

}  // namespace sala::irc
