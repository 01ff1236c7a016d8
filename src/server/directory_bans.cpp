// Server bans (K-lines) as the hub keeps them: a short list, checked when a
// client registers and applied at once to those already connected.
#include <boost/asio/post.hpp>

#include <algorithm>

#include "core/server_ban_mask.hpp"
#include "irc/names.hpp"
#include "server/directory.hpp"
#include "server/session.hpp"

namespace sala::server {

namespace {

bool expired(const core::server_ban& ban, std::int64_t now_ms)
{
    return ban.expires_at_ms != 0 && ban.expires_at_ms <= now_ms;
}

bool covers(const core::server_ban& ban, const user_record& u)
{
    return core::server_ban_matches(ban.mask, u.prefix(), u.host, u.account);
}

}  // namespace

void directory::set_server_bans(std::vector<core::server_ban> bans)
{
    server_bans_ = std::move(bans);
}

std::size_t directory::add_server_ban(core::server_ban ban)
{
    std::erase_if(server_bans_, [&](const auto& b) { return irc::same_name(b.mask, ban.mask); });
    server_bans_.push_back(std::move(ban));
    const auto& added = server_bans_.back();
    // Operators are spared, so that a mask too wide cannot lock out the
    // people who would lift it.
    std::size_t cut_off = 0;
    for (const auto& [key, u] : users_) {
        if (!u->registered || !u->owner || u->is_server_operator() || !covers(added, *u))
            continue;
        asio::post(ctx_.shards[u->shard]->ctx,
            [owner = u->owner, reason = "K-lined: " + added.reason] { owner->disconnect(reason); });
        ++cut_off;
    }
    return cut_off;
}

bool directory::remove_server_ban(std::string_view mask)
{
    return std::erase_if(server_bans_, [&](const auto& b) { return irc::same_name(b.mask, mask); }) > 0;
}

std::optional<core::server_ban> directory::server_ban_for(const user_record& u, std::int64_t now_ms)
{
    std::erase_if(server_bans_, [&](const auto& b) { return expired(b, now_ms); });
    const auto found = std::find_if(server_bans_.begin(), server_bans_.end(), [&](const auto& b) { return covers(b, u); });
    if (found == server_bans_.end())
        return std::nullopt;
    return *found;
}

}  // namespace sala::server
