#pragma once
// Masks in a channel's ban (b), ban exception (e) and invite exception (I)
// lists: normalized when set, matched when someone joins or speaks. Pure
// functions.
//
// A mask is either nick!user@host with * and ? wildcards, compared under the
// ascii case mapping, or the account extban: "$a" (anyone logged in) or
// "$a:<account mask>" (whose account the mask matches).

#include <optional>
#include <string>
#include <string_view>

namespace sala::core {

// The form stored in a list, as common servers store it, so that "-b bob"
// removes what "+b bob" added and two spellings of one mask are one entry:
// a bare nick "bob" becomes "bob!*@*", a bare host "bad.example" (nicks cannot
// hold '.' or ':') becomes "*!*@bad.example", "user@host" becomes
// "*!user@host", and an empty part becomes "*". Case is kept for display.
// nullopt when the text cannot be a mask: empty, or holding a space, comma or
// control character, or "$" followed by an extban sala does not know.
[[nodiscard]] std::optional<std::string> normalize_list_mask(std::string_view text);

// Whether the normalized `mask` covers the user `user_mask` (nick!user@host)
// logged in as `account` ("" when not logged in).
[[nodiscard]] bool list_mask_matches(std::string_view mask, std::string_view user_mask, std::string_view account);

}  // namespace sala::core
