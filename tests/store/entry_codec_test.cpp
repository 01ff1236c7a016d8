// The cluster stream's message body: what one node encodes, every node
// decodes to the same entries, and bytes that are not such a body are
// refused rather than read past their end.
#include <string>
#include <vector>

#include "store/nats/entry_codec.hpp"
#include "support/catch.hpp"

using sala::core::history_entry;
using sala::core::history_kind;
using sala::store::nats::decode_entries;
using sala::store::nats::encode_entries;
using sala::store::nats::subject_token;

namespace {

std::vector<history_entry> sample()
{
    return {
        {"#lobby", "aaaaaaaabbbbbbbbcccc", 1'764'000'000'123, history_kind::privmsg,
            ":alice!a@host PRIVMSG #lobby :héllo wörld\r\n", "+draft/reply=x;+typing=active", "alice", 123456789},
        {"#lobby", "aaaaaaaabbbbbbbbcccd", 1'764'000'000'124, history_kind::join, ":bob!b@h JOIN #lobby\r\n", "", "",
            123456790},
        {"#lobby", "", 0, history_kind::mode, std::string("x\0y", 3), "", "", 0},
    };
}

}  // namespace

TEST_CASE("entry codec: a batch comes back field for field", "[store][nats]")
{
    const auto entries = sample();
    const auto decoded = decode_entries(encode_entries(entries));
    REQUIRE(decoded);
    REQUIRE(decoded->size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& a = entries[i];
        const auto& b = (*decoded)[i];
        CHECK(a.target == b.target);
        CHECK(a.msgid == b.msgid);
        CHECK(a.time_ms == b.time_ms);
        CHECK(a.kind == b.kind);
        CHECK(a.line == b.line);
        CHECK(a.client_tags == b.client_tags);
        CHECK(a.account == b.account);
        CHECK(a.sequence == b.sequence);
    }
    const auto none = decode_entries(encode_entries({}));
    REQUIRE(none);
    CHECK(none->empty());
}

TEST_CASE("entry codec: every truncation and a trailing byte are refused", "[store][nats]")
{
    const auto bytes = encode_entries(sample());
    for (std::size_t cut = 0; cut < bytes.size(); ++cut)
        CHECK_FALSE(decode_entries(bytes.substr(0, cut)));
    CHECK_FALSE(decode_entries(bytes + "x"));
}

TEST_CASE("entry codec: an unknown version, kind or impossible count is refused", "[store][nats]")
{
    auto bytes = encode_entries(sample());
    auto other_version = bytes;
    other_version[0] = 2;
    CHECK_FALSE(decode_entries(other_version));
    auto bad_kind = bytes;
    bad_kind[2] = 99;  // version, count, then the first entry's kind
    CHECK_FALSE(decode_entries(bad_kind));
    // A count of a billion entries in a few bytes allocates nothing.
    CHECK_FALSE(decode_entries(std::string("\x01\x80\x94\xeb\xdc\x03", 6)));
}

TEST_CASE("entry codec: a room's subject token is hex, whatever the name holds", "[store][nats]")
{
    CHECK(subject_token("#a.b") == "23612e62");
    CHECK(subject_token("#*>") == "232a3e");
    CHECK(subject_token("#é") == "23c3a9");
}
