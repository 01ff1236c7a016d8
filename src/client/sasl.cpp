#include "client/sasl.hpp"

#include <algorithm>

#include "client/base64.hpp"
#include "irc/tokens.hpp"

namespace sala::client {

namespace {

// IRCv3 SASL: AUTHENTICATE carries at most this much base64 per line.
constexpr std::size_t chunk_bytes = 400;

bool same_ascii_case(std::string_view a, std::string_view b)
{
    auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return upper(x) == upper(y); });
}

}  // namespace

std::string_view mechanism_name(sasl_mechanism m)
{
    switch (m) {
    case sasl_mechanism::plain: return "PLAIN";
    case sasl_mechanism::external: return "EXTERNAL";
    case sasl_mechanism::none: break;
    }
    return {};
}

std::optional<sasl_mechanism> parse_mechanism(std::string_view name)
{
    for (const auto m : {sasl_mechanism::plain, sasl_mechanism::external})
        if (same_ascii_case(name, mechanism_name(m)))
            return m;
    return std::nullopt;
}

bool mechanism_offered(std::string_view cap_value, sasl_mechanism m)
{
    if (cap_value.empty())
        return true;
    for (const auto& offered : irc::split_list(cap_value, ','))
        if (same_ascii_case(offered, mechanism_name(m)))
            return true;
    return false;
}

std::string plain_message(std::string_view account, std::string_view password)
{
    std::string m;
    m.reserve(account.size() + password.size() + 2);
    m += '\0';
    m += account;
    m += '\0';
    m += password;
    return m;
}

std::vector<std::string> authenticate_chunks(std::string_view response)
{
    const std::string encoded = encode_base64(response);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < encoded.size(); i += chunk_bytes)
        out.push_back(encoded.substr(i, chunk_bytes));
    if (encoded.size() % chunk_bytes == 0)
        out.emplace_back("+");
    return out;
}

}  // namespace sala::client
