#include "core/auth/detail/scram_attributes.hpp"

namespace sala::core::auth::detail {

namespace {

bool is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::optional<scram_attribute> parse_attribute(std::string_view part)
{
    if (part.size() < 3 || !is_ascii_letter(part[0]) || part[1] != '=')
        return std::nullopt;
    const std::string_view value = part.substr(2);
    if (value.find('\0') != std::string_view::npos)
        return std::nullopt;
    return scram_attribute{part[0], value};
}

}  // namespace

std::optional<std::vector<scram_attribute>> split_attributes(std::string_view message)
{
    std::vector<scram_attribute> attributes;
    for (;;) {
        const auto comma = message.find(',');
        const auto attribute = parse_attribute(message.substr(0, comma));
        if (!attribute)
            return std::nullopt;
        attributes.push_back(*attribute);
        if (comma == std::string_view::npos)
            return attributes;
        message.remove_prefix(comma + 1);
    }
}

std::optional<std::string> decode_saslname(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    std::string name;
    name.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ',' || text[i] == '\0')
            return std::nullopt;
        if (text[i] != '=') {
            name.push_back(text[i]);
            continue;
        }
        const std::string_view escape = text.substr(i + 1, 2);
        if (escape == "2C")
            name.push_back(',');
        else if (escape == "3D")
            name.push_back('=');
        else
            return std::nullopt;
        i += 2;
    }
    return name;
}

std::string encode_saslname(std::string_view name)
{
    std::string text;
    text.reserve(name.size());
    for (const char c : name) {
        if (c == ',')
            text += "=2C";
        else if (c == '=')
            text += "=3D";
        else
            text.push_back(c);
    }
    return text;
}

bool is_valid_nonce(std::string_view nonce)
{
    if (nonce.empty())
        return false;
    for (const char c : nonce) {
        if (c < 0x21 || c > 0x7e || c == ',')
            return false;
    }
    return true;
}

}  // namespace sala::core::auth::detail
