#pragma once
// MONITOR (IRCv3) on the hub: the index of who watches which nick, and the
// notices when a watched nick comes online or goes offline. A notice is a
// fact posted to the watcher's shard, where its session has the protocol
// format the 730/731 line.
// Thread-safety: hub executor only, like the directory that owns it.

#include <cstddef>
#include <memory>
#include <string>

#include "core/monitor_index.hpp"
#include "irc/effects.hpp"
#include "irc/user_facts.hpp"
#include "server/context.hpp"

namespace sala::server {

struct user_record;
using user_ptr = std::shared_ptr<user_record>;
class directory;

class monitors {
public:
    // Each watcher's list holds at most `limit` nicks (ISUPPORT MONITOR).
    monitors(server_context& ctx, std::size_t limit);

    // MONITOR +, -, C, L or S from `watcher`; who is online comes from `dir`.
    irc::monitor_facts handle(const user_ptr& watcher, const irc::effect::monitor& asked, const directory& dir);

    // `u` holds its nick as a registered user now.
    void came_online(const user_record& u) const;
    // `nick` was let go by a registered user.
    void went_offline(const std::string& nick) const;
    // extended-monitor: shows `m` (an AWAY line, say) to the watchers of
    // `nick` that asked for extended-monitor, once even if they share a
    // channel with it too (the room sends the same buffer; see others_once).
    void relay(const std::string& nick, const std::shared_ptr<const struct outgoing>& m) const;
    // A watcher that leaves takes its list along.
    void forget(const user_ptr& watcher) { index_.clear(watcher); }

    [[nodiscard]] const core::monitor_index<user_ptr>& index() const { return index_; }

private:
    void notify(const std::string& nick, irc::monitor_change change) const;

    server_context& ctx_;
    core::monitor_index<user_ptr> index_;
};

}  // namespace sala::server
