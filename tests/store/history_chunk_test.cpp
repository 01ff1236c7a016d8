// Chunks: a room's lines packed into one row, and read back exactly.
#include <string>
#include <vector>

#include "core/msgid.hpp"
#include "store/sqlite/history_chunk.hpp"
#include "store/store_error.hpp"
#include "support/catch.hpp"

namespace {

using namespace sala;
using core::history_entry;
using core::history_kind;
using core::msgid_source;
using store::sqlite::chunk_builder;
using store::sqlite::chunk_max_lines;
using store::sqlite::chunk_max_span_ms;
using store::sqlite::decode_chunk;

history_entry line_at(const std::string& target, std::int64_t time_ms, std::int64_t count = 0)
{
    const auto sequence = msgid_source::first_of(time_ms) + count;
    return {target, "id" + std::to_string(sequence), time_ms, history_kind::privmsg,
        ":a!a@h PRIVMSG " + target + " :at " + std::to_string(time_ms) + "\r\n", "", "", sequence};
}

}  // namespace

TEST_CASE("history chunk: lines come back exactly as they went in, in order", "[store]")
{
    std::vector<history_entry> in = {
        line_at("#room", 1'764'000'000'000),
        {"#room", "", 1'764'000'000'000, history_kind::join, ":b!b@h JOIN #room\r\n", "", "acct",
            msgid_source::first_of(1'764'000'000'000) + 1},
        {"#room", "zzzzzzzzzzzzzzzzzzzz", 1'764'000'000'500, history_kind::notice,
            std::string(":c!c@h NOTICE #room :\x01 nul \0 and ünïcode\r\n", 43), "+draft/reply=x;+typing=active", "c",
            msgid_source::first_of(1'764'000'000'500) + 65'535},
        {"#room", "k", 1'764'000'030'000, history_kind::kick, std::string(600, 'x'), std::string(300, 'y'), "",
            msgid_source::first_of(1'764'000'030'000)},
    };
    chunk_builder b;
    for (const auto& e : in) {
        REQUIRE(b.fits(e));
        b.add(e);
    }
    const auto c = b.take();
    CHECK(b.empty());
    CHECK(c.target == "#room");
    CHECK(c.first_id == in.front().sequence);
    CHECK(c.last_id == in.back().sequence);
    CHECK(c.lines == 4);
    const auto out = decode_chunk(c.target, c.first_id, c.body);
    REQUIRE(out.size() == in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        INFO("line " << i);
        CHECK(out[i].target == in[i].target);
        CHECK(out[i].msgid == in[i].msgid);
        CHECK(out[i].time_ms == in[i].time_ms);
        CHECK(out[i].kind == in[i].kind);
        CHECK(out[i].line == in[i].line);
        CHECK(out[i].client_tags == in[i].client_tags);
        CHECK(out[i].account == in[i].account);
        CHECK(out[i].sequence == in[i].sequence);
    }
}

TEST_CASE("history chunk: one room, ids rising, and bounded in lines and time", "[store]")
{
    constexpr std::int64_t t0 = 1'764'000'000'000;
    chunk_builder b;
    b.add(line_at("#room", t0));
    CHECK_FALSE(b.fits(line_at("#other", t0, 1)));
    CHECK_FALSE(b.fits(line_at("#room", t0)));  // the same id again
    CHECK(b.fits(line_at("#room", t0 + chunk_max_span_ms)));
    CHECK_FALSE(b.fits(line_at("#room", t0 + chunk_max_span_ms + 1)));
    for (std::int64_t i = 1; i < chunk_max_lines; ++i) {
        REQUIRE(b.fits(line_at("#room", t0, i)));
        b.add(line_at("#room", t0, i));
    }
    CHECK_FALSE(b.fits(line_at("#room", t0, chunk_max_lines)));
    CHECK(b.take().lines == chunk_max_lines);
    CHECK(b.fits(line_at("#other", t0)));  // a fresh builder takes anything
}

TEST_CASE("history chunk: a damaged body is refused, never read past its end", "[store]")
{
    chunk_builder b;
    b.add(line_at("#room", 1'764'000'000'000));
    b.add(line_at("#room", 1'764'000'000'001));
    const auto c = b.take();
    chunk_builder first_alone;
    first_alone.add(line_at("#room", 1'764'000'000'000));
    const auto first_line_bytes = first_alone.take().body.size();
    // Every cut but the one between the two lines leaves part of a line.
    for (std::size_t cut = 1; cut < c.body.size(); ++cut) {
        INFO("cut at " << cut);
        const std::string_view part(c.body.data(), cut);
        try {
            const auto lines = decode_chunk(c.target, c.first_id, part);
            CHECK(lines.size() == 1);  // the cut fell between the lines
            CHECK(cut == first_line_bytes);
        } catch (const store::store_error&) {
            SUCCEED();
        }
    }
    std::string bad_kind = c.body;
    bad_kind[1] = 100;
    CHECK_THROWS_AS(decode_chunk(c.target, c.first_id, bad_kind), store::store_error);
}
