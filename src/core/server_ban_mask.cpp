#include "core/server_ban_mask.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>

#include "core/channel_mask.hpp"

namespace sala::core {

namespace {

struct address_block {
    int family = AF_INET;
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix = 0;

    [[nodiscard]] unsigned bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<address_block> parse_address(std::string_view text)
{
    if (text.empty() || text.size() > 45)
        return std::nullopt;
    const std::string zero_terminated(text);
    address_block b;
    if (inet_pton(AF_INET, zero_terminated.c_str(), b.bytes.data()) == 1)
        b.family = AF_INET;
    else if (inet_pton(AF_INET6, zero_terminated.c_str(), b.bytes.data()) == 1)
        b.family = AF_INET6;
    else
        return std::nullopt;
    b.prefix = b.bits();
    return b;
}

std::optional<address_block> parse_block(std::string_view text)
{
    const auto slash = text.find('/');
    auto block = parse_address(text.substr(0, slash));
    if (!block || slash == std::string_view::npos)
        return block;
    const auto digits = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix > block->bits())
        return std::nullopt;
    block->prefix = prefix;
    return block;
}

bool in_block(const address_block& block, const std::array<std::uint8_t, 16>& address)
{
    const unsigned whole = block.prefix / 8;
    for (unsigned i = 0; i < whole; ++i)
        if (block.bytes[i] != address[i])
            return false;
    const unsigned rest = block.prefix % 8;
    if (rest == 0)
        return true;
    const auto keep = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (block.bytes[whole] & keep) == (address[whole] & keep);
}

std::string to_text(const address_block& block)
{
    std::array<char, INET6_ADDRSTRLEN> text{};
    inet_ntop(block.family, block.bytes.data(), text.data(), text.size());
    return std::string(text.data()) + "/" + std::to_string(block.prefix);
}

}  // namespace

std::optional<std::string> normalize_server_ban_mask(std::string_view text)
{
    if (const auto block = parse_block(text)) {
        // Host bits set: a typo more often than a wish for the whole block.
        address_block zeroed = *block;
        for (unsigned bit = block->prefix; bit < block->bits(); ++bit)
            zeroed.bytes[bit / 8] = static_cast<std::uint8_t>(zeroed.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
        if (zeroed.bytes != block->bytes)
            return std::nullopt;
        return to_text(*block);
    }
    // "10.0.0.1/8"-like text that is not a valid block is no user mask either.
    if (text.find('/') != std::string_view::npos && text.find_first_of("!@$") == std::string_view::npos)
        return std::nullopt;
    return normalize_list_mask(text);
}

bool server_ban_matches(std::string_view mask, std::string_view user_mask, std::string_view ip,
    std::string_view account)
{
    if (const auto block = parse_block(mask)) {
        const auto address = parse_address(ip);
        return address && address->family == block->family && in_block(*block, address->bytes);
    }
    return list_mask_matches(mask, user_mask, account);
}

}  // namespace sala::core
