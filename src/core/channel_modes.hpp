#pragma once
// One channel's modes: the flags i m n s t, the key (k), the user limit (l)
// and the ban (b), ban exception (e) and invite exception (I) lists; and MODE
// applied to them with the permission checks. Member status (o v) lives with
// the members, outside: apply() reads it through a lookup and reports the
// o/v changes for the owner to store. No I/O, no clock, no IRC lines: the
// caller stamps list entries and src/irc turns results into replies.
// Not thread-safe: owned by its room.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/member_status.hpp"
#include "core/mode_changes.hpp"

namespace sala::core {

// Entries in each of the b, e and I lists (ISUPPORT MAXLIST=b:100,e:100,I:100):
// bounds a channel's memory and the 367/348/346 replies one query sends.
inline constexpr std::size_t max_list_entries = 100;
// Longest key accepted; longer is refused rather than cut, so the key that
// works is the one the op typed.
inline constexpr std::size_t max_key_length = 23;

enum class mode_list { ban, ban_exception, invite_exception };
[[nodiscard]] std::optional<mode_list> list_of(char letter);  // b e I

struct list_entry {
    std::string mask;  // normalized (channel_mask.hpp)
    std::string set_by;
    std::int64_t set_at = 0;  // unix seconds
};

// Who sends MODE. A server operator may change any channel's modes, as on
// most networks, so that abandoned or hijacked channels can be repaired.
// Membership itself grants nothing here (only op does), so it is not asked.
struct mode_actor {
    bool is_op = false;
    bool is_server_operator = false;
};

// A member found by nick: the nick as the member spells it, for the echo.
struct channel_member {
    std::string nick;
    member_status status;
};
// Finds a member of this channel by nick (under the ascii case mapping);
// nullopt for anyone not on it.
using member_lookup = std::function<std::optional<channel_member>(std::string_view nick)>;

// Values are the numerics the protocol answers with.
enum class mode_error {
    need_op = 482,         // ERR_CHANOPRIVSNEEDED, once per command
    not_on_channel = 441,  // ERR_USERNOTINCHANNEL, the nick in param
    unknown_mode = 472,    // ERR_UNKNOWNMODE, the letter in param
    list_full = 478,       // ERR_BANLISTFULL, the mask in param
    bad_param = 696,       // ERR_INVALIDMODEPARAM, the parameter in param
    no_such_nick = 401,    // ERR_NOSUCHNICK: not_on_channel, where no one holds the nick at all (the room tells)
};

struct mode_problem {
    mode_error error;
    char letter = 0;
    std::string param;

    friend bool operator==(const mode_problem&, const mode_problem&) = default;
};

struct mode_outcome {
    // What changed, in the order requested, with the parameters to echo:
    // masks and nicks as stored, "*" for an unset key. Requests that change
    // nothing (+n on a +n channel, -b of a mask not listed) are left out.
    std::vector<mode_change> applied;
    std::vector<mode_problem> problems;
    std::vector<mode_list> queries;  // lists to send (367/368, 348/349, 346/347)
};

class channel_modes {
public:
    // A new channel is +nt: most servers create channels so and users expect
    // it: no messages from outside, and the topic is the ops' to set.
    channel_modes();

    // Carries out `request` from `actor`: queries are answered for anyone;
    // any change needs op (or server operator), otherwise the changes are
    // refused with one need_op. Each change is checked and applied in turn;
    // one that fails is reported and the rest go on. New list entries are
    // stamped with `set_by` and `now` (unix seconds).
    mode_outcome apply(const mode_request& request, const mode_actor& actor, const member_lookup& members,
                       std::string_view set_by, std::int64_t now);

    [[nodiscard]] bool invite_only() const { return flag('i'); }
    [[nodiscard]] bool moderated() const { return flag('m'); }
    [[nodiscard]] bool no_external_messages() const { return flag('n'); }
    [[nodiscard]] bool secret() const { return flag('s'); }
    [[nodiscard]] bool topic_ops_only() const { return flag('t'); }
    [[nodiscard]] const std::string& key() const { return key_; }  // "" for none
    [[nodiscard]] std::optional<std::size_t> limit() const { return limit_; }
    [[nodiscard]] const std::vector<list_entry>& entries(mode_list list) const
    {
        return lists_[static_cast<std::size_t>(list)];
    }

    // Direct list edits, for restoring a registered channel and for apply().
    enum class list_edit { added, duplicate, full, bad_mask, removed, not_listed };
    list_edit add(mode_list list, std::string_view mask, std::string set_by, std::int64_t set_at);
    list_edit remove(mode_list list, std::string_view mask);

    // The flag letters set, e.g. "nt"; and all of them, the key and the
    // limit at once, as a registered channel brings them back. Letters
    // other than i m n s t, a key that MODE would refuse and a limit of 0
    // are left out.
    [[nodiscard]] std::string flags() const;
    void restore(std::string_view flags, std::string_view key, std::size_t limit);

    // The current modes for RPL_CHANNELMODEIS (324), e.g. "+klnt" {"secret",
    // "10"}: flags then k then l. The key is shown to members only; others
    // see "*" in its place, so the parameters still line up with the letters.
    [[nodiscard]] mode_text current(bool show_key) const;

private:
    static constexpr std::string_view flag_letters = "imnst";
    [[nodiscard]] bool flag(char letter) const { return flags_[flag_letters.find(letter)]; }
    bool set_flag(char letter, bool on);

    std::optional<mode_change> apply_one(const mode_change& change, const member_lookup& members,
                                         std::vector<channel_member>& touched, std::string_view set_by,
                                         std::int64_t now, std::vector<mode_problem>& problems);

    std::array<bool, flag_letters.size()> flags_{};
    std::string key_;
    std::optional<std::size_t> limit_;
    std::array<std::vector<list_entry>, 3> lists_;
};

// The ISUPPORT (005) tokens that describe these modes, e.g. "PREFIX=(ov)@+",
// "CHANMODES=beI,k,l,imnst", for the protocol to list with its own. Inline:
// src/irc reads it and does not link this library.
[[nodiscard]] inline std::vector<std::string> channel_mode_isupport()
{
    return {
        "PREFIX=(ov)@+",
        "CHANMODES=beI,k,l,imnst",
        "MODES=" + std::to_string(max_param_changes),
        "EXCEPTS=e",
        "INVEX=I",
        "STATUSMSG=@+",
        // Each list has its own bound; "beI:100" would claim 100 for all three together.
        "MAXLIST=b:" + std::to_string(max_list_entries) + ",e:" + std::to_string(max_list_entries)
            + ",I:" + std::to_string(max_list_entries),
        "KEYLEN=" + std::to_string(max_key_length),
    };
}

}  // namespace sala::core
