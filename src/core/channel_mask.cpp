#include "core/channel_mask.hpp"

#include <algorithm>

#include "irc/mask.hpp"

namespace sala::core {

namespace {

constexpr std::string_view account_extban = "$a";

bool storable(std::string_view text)
{
    // A space or comma would split the mask when MODE or 367 carry it; a
    // control character has no business in a mask.
    return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte == ' ' || byte == ',' || byte < 0x20 || byte == 0x7f;
    });
}

std::string or_any(std::string_view part)
{
    return part.empty() ? std::string("*") : std::string(part);
}

std::optional<std::string> normalize_extban(std::string_view text)
{
    if (text == account_extban)
        return std::string(text);
    const auto with_account = std::string(account_extban) + ':';
    if (text.size() > with_account.size() && text.starts_with(with_account))
        return std::string(text);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> normalize_list_mask(std::string_view text)
{
    if (!storable(text))
        return std::nullopt;
    if (text.front() == '$')
        return normalize_extban(text);

    std::string_view nick, user, host;
    if (const auto bang = text.find('!'); bang != std::string_view::npos) {
        nick = text.substr(0, bang);
        const auto rest = text.substr(bang + 1);
        const auto at = rest.find('@');
        user = rest.substr(0, at);
        if (at != std::string_view::npos)
            host = rest.substr(at + 1);
    } else if (const auto at = text.find('@'); at != std::string_view::npos) {
        user = text.substr(0, at);
        host = text.substr(at + 1);
    } else if (text.find_first_of(".:") != std::string_view::npos) {
        host = text;
    } else {
        nick = text;
    }
    auto mask = or_any(nick) + '!' + or_any(user) + '@' + or_any(host);
    // A parameter starting with ':' would be read as the trailing one when
    // the mask is echoed in MODE.
    if (mask.front() == ':')
        return std::nullopt;
    return mask;
}

bool list_mask_matches(std::string_view mask, std::string_view user_mask, std::string_view account)
{
    if (mask == account_extban)
        return !account.empty();
    if (mask.starts_with(account_extban) && mask.size() > account_extban.size() && mask[account_extban.size()] == ':')
        return !account.empty() && irc::mask_match(mask.substr(account_extban.size() + 1), account);
    return irc::mask_match(mask, user_mask);
}

}  // namespace sala::core
