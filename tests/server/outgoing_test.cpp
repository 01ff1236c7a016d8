// What each kind of recipient is sent of one message: the tag variants of
// server-time, message-tags, account-tag and extended-join.
#include <string>

#include "server/outgoing.hpp"
#include "support/catch.hpp"

using namespace sala::server;

namespace {

std::string sent_to(const outgoing_ptr& m, unsigned variant)
{
    return m->prefix_for(variant) + std::string(m->body_for());
}

const std::string line = ":alice!a@h PRIVMSG #c :hi\r\n";
const std::string time_tag = "time=2026-12-02T10:00:00.000Z";

}  // namespace

TEST_CASE("a logged-in sender's message carries its account to account-tag recipients only", "[server][outgoing]")
{
    const auto m = make_tagged(line, time_tag, "+x=1", true, false, "id1", "alice");
    CHECK(sent_to(m, plain) == line);
    CHECK(sent_to(m, with_time) == "@" + time_tag + " " + line);
    CHECK(sent_to(m, with_client_tags) == "@msgid=id1;+x=1 " + line);
    CHECK(sent_to(m, with_account) == "@account=alice " + line);
    CHECK(sent_to(m, with_time | with_client_tags | with_account) == "@" + time_tag + ";msgid=id1;+x=1;account=alice " + line);
    // extended-join means nothing for a PRIVMSG.
    CHECK(sent_to(m, with_time | extended) == "@" + time_tag + " " + line);
    CHECK(m->line == line);  // history keeps the plain line

    const auto anonymous = make_tagged(line, time_tag, "", true, false, "id2", "");
    CHECK(sent_to(anonymous, with_account | with_time) == "@" + time_tag + " " + line);
    CHECK(anonymous->whole.empty());
}

TEST_CASE("a JOIN names the account and real name to extended-join recipients", "[server][outgoing]")
{
    const std::string join = ":bob!b@h JOIN #c\r\n";
    const std::string extended_join = ":bob!b@h JOIN #c bob :Bob B\r\n";
    const auto m = make_join(join, extended_join, time_tag, "id3", "bob");
    CHECK(sent_to(m, plain) == join);
    CHECK(sent_to(m, extended) == extended_join);
    CHECK(sent_to(m, extended | with_account | with_time) == "@" + time_tag + ";account=bob " + extended_join);
    CHECK(m->line == join);

    SECTION("a run of JOINs keeps each part's variant")
    {
        const auto other = make_tagged(":carol!c@h JOIN #c\r\n", time_tag, "", false, false, "id4", "");
        const auto run = make_run({m, other});
        CHECK(sent_to(run, extended) == extended_join + ":carol!c@h JOIN #c\r\n");
        CHECK(sent_to(run, plain) == join + ":carol!c@h JOIN #c\r\n");
        CHECK(sent_to(run, with_account) == "@account=bob " + join + ":carol!c@h JOIN #c\r\n");
    }
}
