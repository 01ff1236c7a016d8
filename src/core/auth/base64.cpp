#include "core/auth/base64.hpp"

#include <climits>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>

namespace sala::core::auth {

namespace {

const unsigned char* as_uchars(std::string_view text)
{
    return reinterpret_cast<const unsigned char*>(text.data());
}

// How many '=' end `text`: the decoded block carries that many zero bytes
// that were never part of the data.
std::size_t padding_of(std::string_view text)
{
    std::size_t count = 0;
    while (count < text.size() && text[text.size() - 1 - count] == '=')
        ++count;
    return count;
}

}  // namespace

std::string base64_encode(std::string_view bytes)
{
    if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3))
        throw std::length_error("base64_encode: input too long");
    // EVP_EncodeBlock writes a terminating NUL after the 4-per-3 output.
    std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
    const int written = EVP_EncodeBlock(out.data(), as_uchars(bytes), static_cast<int>(bytes.size()));
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(written));
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0 || text.size() > INT_MAX)
        return std::nullopt;
    const std::size_t padding = padding_of(text);
    if (padding > 2)
        return std::nullopt;
    std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
    const int written = EVP_DecodeBlock(out.data(), as_uchars(text), static_cast<int>(text.size()));
    if (written < 0 || static_cast<std::size_t>(written) < padding)
        return std::nullopt;
    std::string decoded(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(written) - padding);
    // EVP_DecodeBlock forgives surrounding whitespace and non-zero bits under
    // the padding; canonical base64 is exactly what encoding the result gives
    // back, so one comparison rejects every other spelling.
    if (base64_encode(decoded) != text)
        return std::nullopt;
    return decoded;
}

}  // namespace sala::core::auth
