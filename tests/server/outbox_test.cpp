// The session's output queue without a socket: whatever sizes the kernel's
// writes come in, the client gets exactly the queued bytes, in order; the
// send-queue limit holds; and written messages cost nothing afterwards.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/outbox.hpp"
#include "support/catch.hpp"

using sala::server::outbox;
using sala::server::outgoing;
using sala::server::outgoing_ptr;

namespace {

constexpr std::size_t no_limit = static_cast<std::size_t>(-1);

outgoing_ptr message(std::string line, std::string time_prefix = {}, std::string all_tags_prefix = {})
{
    auto m = std::make_shared<outgoing>();
    m->line = std::move(line);
    m->tag_prefix[sala::server::with_time] = std::move(time_prefix);
    m->tag_prefix[sala::server::with_time | sala::server::with_client_tags] = std::move(all_tags_prefix);
    return m;
}

std::string concat(const outbox::gather_list& pieces, std::size_t count)
{
    std::string s;
    for (std::size_t i = 0; i < count; ++i)
        s += pieces[i];
    return s;
}

// Plays a kernel that takes `n` bytes, however many writes that needs:
// returns what it took and commits it, checking the count left after each write.
std::string write_bytes(outbox& q, std::size_t n)
{
    std::string taken;
    outbox::gather_list pieces;
    while (taken.size() < n) {
        const auto offered = concat(pieces, q.prepare(pieces));
        REQUIRE(!offered.empty());
        const auto now = std::min(offered.size(), n - taken.size());
        taken.append(offered, 0, now);
        const auto before = q.queued_bytes();
        q.commit(now);
        REQUIRE(q.queued_bytes() == before - now);
    }
    return taken;
}

struct queued_stream {
    std::vector<std::pair<outgoing_ptr, std::uint8_t>> pushes;
    std::string bytes;  // what the client must receive

    void fill(outbox& q) const
    {
        for (const auto& [m, variant] : pushes)
            REQUIRE(q.push(m, variant, no_limit));
        REQUIRE(q.queued_bytes() == bytes.size());
    }
};

// Messages as a session queues them: with and without tag prefixes, a run
// whose text lives in the prefix alone, and one with nothing to send.
queued_stream mixed_messages()
{
    using namespace sala::server;
    const auto reply = message(":srv 001 alice :Welcome\r\n");
    const auto chat = message(":bob!b@h PRIVMSG #room :hi\r\n", "@time=2026-01-01T00:00:00.000Z ",
        "@time=2026-01-01T00:00:00.000Z;msgid=42 ");
    const auto run = message("", {}, "@msgid=7 :bob!b@h PRIVMSG #room :one\r\n@msgid=8 :bob!b@h PRIVMSG #room :two\r\n");
    const auto nothing = message("");
    const auto tiny = message("\n");
    queued_stream s;
    s.pushes = {{reply, plain}, {chat, with_time}, {nothing, plain}, {chat, plain}, {run, with_time | with_client_tags},
        {tiny, plain}, {chat, with_time | with_client_tags}, {reply, with_time}};
    for (const auto& [m, variant] : s.pushes)
        s.bytes += m->prefix_for(variant) + std::string(m->body_for());
    return s;
}

}  // namespace

TEST_CASE("a queue written in two parts split at any byte delivers exactly its messages, in order", "[outbox]")
{
    const auto stream = mixed_messages();
    const auto total = stream.bytes.size();
    for (std::size_t k = 0; k <= total; ++k) {
        INFO("first write takes " << k << " of " << total << " bytes");
        outbox q;
        stream.fill(q);
        const auto first = write_bytes(q, k);
        REQUIRE(q.queued_bytes() == total - k);
        const auto rest = write_bytes(q, total - k);
        REQUIRE(first + rest == stream.bytes);
        REQUIRE(q.empty());
        REQUIRE(q.queued_bytes() == 0);
    }
}

TEST_CASE("a queue written in three parts split at any two bytes delivers exactly its messages", "[outbox]")
{
    const auto stream = mixed_messages();
    const auto total = stream.bytes.size();
    for (std::size_t j = 0; j <= total; ++j)
        for (std::size_t k = j; k <= total; ++k) {
            outbox q;
            stream.fill(q);
            auto got = write_bytes(q, j);
            got += write_bytes(q, k - j);
            got += write_bytes(q, total - k);
            if (got != stream.bytes) {
                INFO("writes of " << j << ", " << k - j << " and " << total - k << " bytes");
                REQUIRE(got == stream.bytes);
            }
        }
}

TEST_CASE("a queue written one byte at a time delivers exactly its messages", "[outbox]")
{
    const auto stream = mixed_messages();
    outbox q;
    stream.fill(q);
    std::string got;
    while (!q.empty()) {
        got += write_bytes(q, 1);
        REQUIRE(q.queued_bytes() == stream.bytes.size() - got.size());
    }
    REQUIRE(got == stream.bytes);
}

TEST_CASE("a message with nothing to send for its recipient takes no room and no write", "[outbox]")
{
    outbox q;
    REQUIRE(q.push(message(""), sala::server::plain, no_limit));
    q.push_unbounded(message("", "@time=x "), sala::server::plain);
    REQUIRE(q.empty());
    REQUIRE(q.queued_bytes() == 0);
    REQUIRE(q.capacity() == 0);
    outbox::gather_list pieces;
    REQUIRE(q.prepare(pieces) == 0);
}

TEST_CASE("one write gathers at most max_gather messages and the next continues where it stopped", "[outbox]")
{
    // With tag prefixes a full gather fills the whole list; without, the
    // list has room to spare and only the message count stops it.
    const bool tagged = GENERATE(true, false);
    INFO((tagged ? "messages with tag prefixes" : "messages without tag prefixes"));
    const auto variant = tagged ? sala::server::with_time : sala::server::plain;
    outbox q;
    std::string expected;
    const std::size_t count = 2 * outbox::max_gather + 5;
    for (std::size_t i = 0; i < count; ++i) {
        const auto m = message("line " + std::to_string(i) + "\r\n", "@time=" + std::to_string(i) + " ");
        REQUIRE(q.push(m, variant, no_limit));
        expected += m->prefix_for(variant) + std::string(m->body_for());
    }
    std::string got;
    std::vector<std::size_t> messages_per_write;
    outbox::gather_list pieces;
    while (!q.empty()) {
        const auto offered = concat(pieces, q.prepare(pieces));
        std::size_t lines = 0;
        for (auto at = offered.find("\r\n"); at != std::string::npos; at = offered.find("\r\n", at + 2))
            ++lines;
        messages_per_write.push_back(lines);
        got += offered;
        q.commit(offered.size());
    }
    REQUIRE(got == expected);
    REQUIRE(messages_per_write == std::vector<std::size_t>{outbox::max_gather, outbox::max_gather, 5});
}

TEST_CASE("a gather list shorter than the queue is filled and the rest follows", "[outbox]")
{
    const auto stream = mixed_messages();
    outbox q;
    stream.fill(q);
    std::string got;
    // Two pieces: some writes end between a message's tag prefix and its line.
    std::vector<std::string_view> small(2);
    while (!q.empty()) {
        const auto n = q.prepare(small);
        REQUIRE(n >= 1);
        REQUIRE(n <= small.size());
        std::string offered;
        for (std::size_t i = 0; i < n; ++i)
            offered += small[i];
        got += offered;
        q.commit(offered.size());
    }
    REQUIRE(got == stream.bytes);
}

TEST_CASE("a message that would pass the send-queue limit is refused and changes nothing", "[outbox]")
{
    const auto ten = message("012345678\n");
    const auto one = message("\n");
    outbox q;
    REQUIRE(q.push(ten, sala::server::plain, 20));
    REQUIRE(q.push(ten, sala::server::plain, 20));  // exactly at the limit still fits
    REQUIRE(q.queued_bytes() == 20);
    const auto uses = one.use_count();

    REQUIRE_FALSE(q.push(one, sala::server::plain, 20));
    REQUIRE(q.queued_bytes() == 20);
    REQUIRE(one.use_count() == uses);
    outbox::gather_list pieces;
    REQUIRE(concat(pieces, q.prepare(pieces)) == "012345678\n012345678\n");

    // What was written no longer counts against the limit.
    q.commit(1);
    REQUIRE(q.push(one, sala::server::plain, 20));
    REQUIRE(q.queued_bytes() == 20);
    REQUIRE_FALSE(q.push(one, sala::server::plain, 20));
    REQUIRE(write_bytes(q, 20) == "12345678\n012345678\n\n");
}

TEST_CASE("last words are queued whatever the limit and counted like the rest", "[outbox]")
{
    outbox q;
    REQUIRE(q.push(message("0123456789\r\n"), sala::server::plain, 12));
    q.push_unbounded(message("ERROR :SendQ exceeded\r\n"), sala::server::plain);
    REQUIRE(q.queued_bytes() == 12 + 23);
    REQUIRE_FALSE(q.push(message("x\n"), sala::server::plain, 12));  // still over it
    REQUIRE(write_bytes(q, 35) == "0123456789\r\nERROR :SendQ exceeded\r\n");
    REQUIRE(q.empty());
}

TEST_CASE("a message is let go as soon as its last byte is written, not later", "[outbox]")
{
    // One broadcast shared by many queues, as a room's fan-out does.
    const auto shared = message("hello\r\n", "@time=x ");
    const auto other = message("bye\r\n");
    outbox q;
    REQUIRE(q.push(shared, sala::server::with_time, no_limit));  // 15 bytes
    REQUIRE(q.push(shared, sala::server::plain, no_limit));      // 7 bytes
    REQUIRE(q.push(other, sala::server::plain, no_limit));
    REQUIRE(shared.use_count() == 3);

    q.commit(14);
    REQUIRE(shared.use_count() == 3);
    q.commit(1);
    REQUIRE(shared.use_count() == 2);
    q.commit(7);
    REQUIRE(shared.use_count() == 1);
    REQUIRE(other.use_count() == 2);
    REQUIRE(q.capacity() > 0);
    q.commit(5);
    REQUIRE(other.use_count() == 1);
}

TEST_CASE("a queue written out holds no memory, however much it held", "[outbox]")
{
    const auto m = message("some line\r\n");
    outbox q;
    REQUIRE(q.capacity() == 0);
    for (std::size_t i = 0; i < 3 * outbox::max_gather; ++i)
        REQUIRE(q.push(m, sala::server::plain, no_limit));
    write_bytes(q, q.queued_bytes());
    REQUIRE(q.empty());
    REQUIRE(q.capacity() == 0);
    REQUIRE(m.use_count() == 1);

    // And again after a partial write left it half done.
    REQUIRE(q.push(m, sala::server::plain, no_limit));
    q.commit(4);
    REQUIRE(q.push(m, sala::server::plain, no_limit));
    q.commit(q.queued_bytes());
    REQUIRE(q.capacity() == 0);
}

TEST_CASE("a long backlog written in parts does not keep the written messages' slots", "[outbox]")
{
    const auto m = message("x\n");
    outbox q;
    const std::size_t count = 4 * outbox::max_gather;
    for (std::size_t i = 0; i < count; ++i)
        REQUIRE(q.push(m, sala::server::plain, no_limit));
    const auto full = q.capacity();
    // Written a gather at a time while new messages keep coming, as on a busy
    // connection: the queue must not keep growing with everything ever queued.
    for (std::size_t round = 0; round < 50; ++round) {
        write_bytes(q, 2 * outbox::max_gather);
        for (std::size_t i = 0; i < outbox::max_gather; ++i)
            REQUIRE(q.push(m, sala::server::plain, no_limit));
    }
    REQUIRE(q.queued_bytes() == 2 * count);
    REQUIRE(q.capacity() <= full);
}

TEST_CASE("clearing a queue lets go of its messages and its memory", "[outbox]")
{
    const auto m = message("hello\r\n");
    outbox q;
    REQUIRE(q.push(m, sala::server::plain, no_limit));
    REQUIRE(q.push(m, sala::server::plain, no_limit));
    q.commit(3);
    q.clear();
    REQUIRE(q.empty());
    REQUIRE(q.queued_bytes() == 0);
    REQUIRE(q.capacity() == 0);
    REQUIRE(m.use_count() == 1);
    outbox::gather_list pieces;
    REQUIRE(q.prepare(pieces) == 0);
    // Nothing of the half-written message is left to skip.
    REQUIRE(q.push(m, sala::server::plain, no_limit));
    REQUIRE(concat(pieces, q.prepare(pieces)) == "hello\r\n");
}

TEST_CASE("committing more than was queued is refused as a bug and changes nothing", "[outbox]")
{
    outbox q;
    REQUIRE(q.push(message("abc\n"), sala::server::plain, no_limit));
    REQUIRE_THROWS_AS(q.commit(5), std::logic_error);
    REQUIRE(q.queued_bytes() == 4);
    REQUIRE(write_bytes(q, 4) == "abc\n");
}
