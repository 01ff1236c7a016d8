#include "irc/names.hpp"

namespace sala::irc {

namespace {

constexpr bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_nick_special(char c)
{
    return c == '[' || c == ']' || c == '\\' || c == '`' || c == '_' || c == '^' || c == '{' || c == '|'
        || c == '}';
}

}  // namespace

std::string fold(std::string_view name)
{
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool same_name(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool valid_nick(std::string_view nick, std::size_t max_len)
{
    if (nick.empty() || nick.size() > max_len)
        return false;
    if (!is_letter(nick.front()) && !is_nick_special(nick.front()))
        return false;
    for (char c : nick)
        if (!is_letter(c) && !is_digit(c) && !is_nick_special(c) && c != '-')
            return false;
    return true;
}

bool valid_channel(std::string_view name, std::size_t max_len)
{
    if (name.size() < 2 || name.size() > max_len || name.front() != '#')
        return false;
    for (char c : name.substr(1)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == ' ' || c == ',' || c == ':')
            return false;
    }
    return true;
}

}  // namespace sala::irc
