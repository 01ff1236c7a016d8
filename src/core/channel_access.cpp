#include "core/channel_access.hpp"

#include <algorithm>

#include "core/channel_mask.hpp"

namespace sala::core {

namespace {

bool listed(const channel_modes& modes, mode_list list, std::string_view user_mask, std::string_view account)
{
    const auto& entries = modes.entries(list);
    return std::any_of(entries.begin(), entries.end(),
                       [&](const list_entry& e) { return list_mask_matches(e.mask, user_mask, account); });
}

bool banned(const channel_modes& modes, std::string_view user_mask, std::string_view account)
{
    return listed(modes, mode_list::ban, user_mask, account)
        && !listed(modes, mode_list::ban_exception, user_mask, account);
}

}  // namespace

join_verdict may_join(const channel_modes& modes, const join_attempt& who)
{
    if (banned(modes, who.user_mask, who.account))
        return join_verdict::banned;
    if (modes.invite_only() && !who.invited && !listed(modes, mode_list::invite_exception, who.user_mask, who.account))
        return join_verdict::invite_only;
    if (!modes.key().empty() && who.key != modes.key())
        return join_verdict::bad_key;
    // An invitation lets one more in (Modern: INVITE lifts the limit for
    // the invitee), as it lets them past +i; never past a ban or the key.
    if (modes.limit() && who.member_count >= *modes.limit() && !who.invited)
        return join_verdict::full;
    return join_verdict::ok;
}

speak_verdict may_speak(const channel_modes& modes, const speaker& who)
{
    if (!who.is_member && modes.no_external_messages())
        return speak_verdict::not_member;
    if (who.is_member && (who.status.op || who.status.voice))
        return speak_verdict::ok;
    if (modes.moderated())
        return speak_verdict::moderated;
    if (banned(modes, who.user_mask, who.account))
        return speak_verdict::banned;
    return speak_verdict::ok;
}

}  // namespace sala::core
