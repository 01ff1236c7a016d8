#include "client/sasl.hpp"

#include <algorithm>
#include <utility>

#include "core/auth/base64.hpp"
#include "core/auth/sasl_plain.hpp"
#include "irc/tokens.hpp"

namespace sala::client {

namespace {

namespace auth = core::auth;

// IRCv3 SASL: AUTHENTICATE carries at most this much base64 per line.
constexpr std::size_t chunk_bytes = 400;
// SCRAM's server messages are about 100 bytes; this bounds what a server can
// make us gather before the login is given up.
constexpr std::size_t max_challenge_bytes = 8192;

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
    case sasl_mechanism::scram_sha_256: return "SCRAM-SHA-256";
    case sasl_mechanism::none: break;
    }
    return {};
}

std::optional<sasl_mechanism> parse_mechanism(std::string_view name)
{
    for (const auto m : {sasl_mechanism::plain, sasl_mechanism::external, sasl_mechanism::scram_sha_256})
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

std::vector<std::string> authenticate_chunks(std::string_view response)
{
    const std::string encoded = auth::base64_encode(response);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < encoded.size(); i += chunk_bytes)
        out.push_back(encoded.substr(i, chunk_bytes));
    if (encoded.size() % chunk_bytes == 0)
        out.emplace_back("+");
    return out;
}

sasl_conversation::sasl_conversation(const sasl_settings& settings) : mechanism_(settings.mechanism)
{
    if (mechanism_ == sasl_mechanism::plain)
        plain_ = auth::make_plain(settings.account, settings.password);
    else if (mechanism_ == sasl_mechanism::scram_sha_256)
        scram_.emplace(settings.account, settings.password,
                       settings.scram_nonce.empty() ? auth::make_nonce() : settings.scram_nonce);
}

bool sasl_conversation::finished() const { return challenges_ >= (scram_ ? 3 : 1); }

sasl_conversation::reply sasl_conversation::abort(std::string why) { return reply{{"*"}, std::move(why)}; }

sasl_conversation::reply sasl_conversation::on_challenge(std::string_view param)
{
    if (param != "+")
        gathered_ += param;
    if (gathered_.size() > max_challenge_bytes)
        return abort("the server's SASL challenge is too long");
    if (param.size() == chunk_bytes)
        return {};
    const auto challenge = auth::base64_decode(std::exchange(gathered_, {}));
    if (!challenge)
        return abort("the server's SASL challenge is not base64");
    return answer(*challenge);
}

sasl_conversation::reply sasl_conversation::answer(std::string_view challenge)
{
    const int step = challenges_++;
    // Every mechanism here starts with the client: the first challenge is empty.
    if (step == 0 && !challenge.empty())
        return abort("the server started " + std::string(mechanism_name(mechanism_)) + " with a challenge");
    switch (mechanism_) {
    case sasl_mechanism::plain:
    case sasl_mechanism::external:
        if (step == 0)
            return {authenticate_chunks(plain_), {}};
        break;
    case sasl_mechanism::scram_sha_256:
        if (step == 0)
            return {authenticate_chunks(scram_->client_first()), {}};
        if (step == 1) {
            const auto final_message = scram_->client_final(challenge);
            if (!final_message)
                return abort("the server's SCRAM message is malformed or too weak");
            return {authenticate_chunks(*final_message), {}};
        }
        if (step == 2) {
            // Success only once the server proves it knew the password's keys.
            if (!scram_->verify_server_final(challenge))
                return abort("the server could not prove it knows your password (SCRAM signature)");
            return {{"+"}, {}};
        }
        break;
    case sasl_mechanism::none:
        break;
    }
    return abort("the server sent more SASL challenges than " + std::string(mechanism_name(mechanism_)) + " has");
}

}  // namespace sala::client
