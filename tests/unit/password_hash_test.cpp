// argon2id password storage (src/core/auth/password_hash.hpp). Each hash
// costs ~19 MiB and tens of milliseconds (more under ASan), so one sample
// hash is made once and shared.

#include <string>

#include "core/auth/password_hash.hpp"
#include "support/catch.hpp"

using sala::core::auth::hash_password;
using sala::core::auth::verify_password;

namespace {

const std::string& sample_hash()
{
    static const std::string hash = hash_password("correct horse battery staple");
    return hash;
}

}  // namespace

TEST_CASE("password hash: libsodium's argon2id string at our cost", "[auth][argon2]")
{
    CHECK(sample_hash().rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
}

TEST_CASE("password hash: the right password verifies, a wrong one does not", "[auth][argon2]")
{
    CHECK(verify_password(sample_hash(), "correct horse battery staple"));
    CHECK_FALSE(verify_password(sample_hash(), "correct horse battery stapler"));
}

TEST_CASE("password hash: a damaged stored hash never verifies", "[auth][argon2]")
{
    const std::string& hash = sample_hash();
    CHECK_FALSE(verify_password(hash.substr(0, hash.size() - 5), "correct horse battery staple"));
    CHECK_FALSE(verify_password(hash.substr(0, 20), "correct horse battery staple"));
    CHECK_FALSE(verify_password("", "correct horse battery staple"));
    CHECK_FALSE(verify_password("", ""));
    CHECK_FALSE(verify_password("not a hash at all", "correct horse battery staple"));
    CHECK_FALSE(verify_password(std::string(1000, '$'), "correct horse battery staple"));
    CHECK_FALSE(verify_password(hash + std::string(1, '\0'), "correct horse battery staple"));
}

TEST_CASE("password hash: a fresh salt makes each hash different", "[auth][argon2]")
{
    const std::string again = hash_password("correct horse battery staple");
    CHECK(again != sample_hash());
    CHECK(verify_password(again, "correct horse battery staple"));
}
