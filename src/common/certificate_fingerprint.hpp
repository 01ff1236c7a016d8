#pragma once
// A certificate's SHA-256 in lowercase hex (CertFP), as IRC servers show it
// and as chat-client --tls-fingerprint takes it; empty without a certificate.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <string>

namespace sala {

inline std::string certificate_fingerprint(X509* cert)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (cert == nullptr || X509_digest(cert, EVP_sha256(), digest.data(), &length) != 1)
        return {};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

}  // namespace sala
