// Channel modes and lists (src/core/channel_modes.hpp and its neighbours):
// parsing MODE, applying it with permissions, and the join and speak rules.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/channel_access.hpp"
#include "core/channel_mask.hpp"
#include "core/channel_modes.hpp"
#include "core/member_status.hpp"
#include "core/mode_changes.hpp"
#include "irc/names.hpp"
#include "support/catch.hpp"

using namespace sala::core;

namespace {

mode_request parse(std::vector<std::string> params, std::size_t max_with_param = max_param_changes)
{
    return parse_mode_request(params, max_with_param);
}

const mode_actor op{.is_op = true};
const mode_actor plain_member{};
const mode_actor server_operator{.is_server_operator = true};

// alice (op) and bob are on the channel.
struct fake_channel {
    std::map<std::string, channel_member> members{
        {"alice", {"Alice", {true, false}}},
        {"bob", {"Bob", {}}},
    };
    member_lookup lookup() const
    {
        return [this](std::string_view nick) -> std::optional<channel_member> {
            const auto it = members.find(sala::irc::fold(nick));
            if (it == members.end())
                return std::nullopt;
            return it->second;
        };
    }
};

mode_outcome apply(channel_modes& modes, std::vector<std::string> params, const mode_actor& actor = op,
                   std::int64_t now = 1000)
{
    const fake_channel channel;
    return modes.apply(parse(std::move(params)), actor, channel.lookup(), "Alice!a@host", now);
}

mode_text echo(const mode_outcome& outcome)
{
    return render_mode_changes(outcome.applied);
}

std::vector<std::string> masks(const channel_modes& modes, mode_list list)
{
    std::vector<std::string> out;
    for (const auto& e : modes.entries(list))
        out.push_back(e.mask);
    return out;
}

}  // namespace

TEST_CASE("modes: parsing consumes parameters per letter", "[modes]")
{
    const auto request = parse({"+ov-b+kl-kl", "alice", "bob", "*!*@bad", "secret", "10", "oldkey"});
    CHECK(request.unknown_letters.empty());
    CHECK(request.changes
          == std::vector<mode_change>{{true, 'o', "alice"},
                                      {true, 'v', "bob"},
                                      {false, 'b', "*!*@bad"},
                                      {true, 'k', "secret"},
                                      {true, 'l', "10"},
                                      {false, 'k', "oldkey"},
                                      {false, 'l', ""}});

    SECTION("no sign at the start means adding; flags take nothing")
    {
        CHECK(parse({"mt-i", "extra"}).changes
              == std::vector<mode_change>{{true, 'm', ""}, {true, 't', ""}, {false, 'i', ""}});
    }
    SECTION("-k alone unsets; o, v, +k and +l without a parameter are dropped")
    {
        CHECK(parse({"-k"}).changes == std::vector<mode_change>{{false, 'k', ""}});
        CHECK(parse({"+ovkl"}).changes.empty());
    }
    SECTION("list letters without a mask are queries, once per list")
    {
        const auto queries = parse({"+bbeI-b"});
        CHECK(queries.changes
              == std::vector<mode_change>{{true, 'b', ""}, {true, 'e', ""}, {true, 'I', ""}});
        for (const auto& change : queries.changes)
            CHECK(is_list_query(change));
        CHECK_FALSE(is_list_query({true, 'b', "x"}));
        CHECK_FALSE(is_list_query({true, 'k', ""}));
    }
    SECTION("unknown letters are reported once each and take no parameter")
    {
        const auto request2 = parse({"+xoyx", "alice"});
        CHECK(request2.unknown_letters == "xy");
        CHECK(request2.changes == std::vector<mode_change>{{true, 'o', "alice"}});
    }
    SECTION("no parameters at all")
    {
        CHECK(parse({}).changes.empty());
    }
}

TEST_CASE("modes: at most MODES changes with a parameter per command", "[modes]")
{
    const auto request = parse({"+vvvvvvvn", "a", "b", "c", "d", "e", "f", "g"});
    REQUIRE(request.changes.size() == 7);
    CHECK(request.changes[5] == mode_change{true, 'v', "f"});
    CHECK(request.changes[6] == mode_change{true, 'n', ""});  // flags still count for nothing

    const auto two = parse({"+bkl", "m!*@*", "key", "5"}, 2);
    CHECK(two.changes == std::vector<mode_change>{{true, 'b', "m!*@*"}, {true, 'k', "key"}});
}

TEST_CASE("modes: a new channel is +nt", "[modes]")
{
    const channel_modes modes;
    CHECK(modes.no_external_messages());
    CHECK(modes.topic_ops_only());
    CHECK_FALSE(modes.invite_only());
    CHECK_FALSE(modes.moderated());
    CHECK_FALSE(modes.secret());
    CHECK(modes.key().empty());
    CHECK_FALSE(modes.limit());
    CHECK(modes.current(true) == mode_text{"+nt", {}});
}

TEST_CASE("modes: only ops change modes; anyone may query lists", "[modes]")
{
    channel_modes modes;
    const auto refused = apply(modes, {"+mi-t+b", "x!*@*"}, plain_member);
    CHECK(refused.applied.empty());
    CHECK(refused.problems == std::vector<mode_problem>{{mode_error::need_op, 'm', ""}});
    CHECK(modes.current(true) == mode_text{"+nt", {}});

    const auto query = apply(modes, {"+beI"}, plain_member);
    CHECK(query.problems.empty());
    CHECK(query.queries
          == std::vector<mode_list>{mode_list::ban, mode_list::ban_exception, mode_list::invite_exception});

    const auto mixed = apply(modes, {"b+m"}, plain_member);
    CHECK(mixed.queries == std::vector<mode_list>{mode_list::ban});
    CHECK(mixed.problems.size() == 1);

    CHECK(echo(apply(modes, {"+mi-t"}, op)) == mode_text{"+mi-t", {}});
    CHECK(echo(apply(modes, {"+s"}, server_operator)) == mode_text{"+s", {}});
    CHECK(modes.current(true) == mode_text{"+imns", {}});
}

TEST_CASE("modes: unknown letters are reported to ops and others alike", "[modes]")
{
    channel_modes modes;
    const auto outcome = apply(modes, {"+zm"}, plain_member);
    CHECK(outcome.problems
          == std::vector<mode_problem>{{mode_error::unknown_mode, 'z', "z"}, {mode_error::need_op, 'm', ""}});
}

TEST_CASE("modes: o and v need members, echo their own spelling, skip no-ops", "[modes]")
{
    channel_modes modes;
    const auto outcome = apply(modes, {"+ov-o+o", "BOB", "bob", "carol", "ALICE"});
    CHECK(echo(outcome) == mode_text{"+ov", {"Bob", "Bob"}});
    CHECK(outcome.problems == std::vector<mode_problem>{{mode_error::not_on_channel, 'o', "carol"}});

    SECTION("later changes in one command see the earlier ones")
    {
        CHECK(echo(apply(modes, {"+o-o+o", "bob", "bob", "bob"})) == mode_text{"+o-o+o", {"Bob", "Bob", "Bob"}});
        CHECK(echo(apply(modes, {"-o-o", "alice", "alice"})) == mode_text{"-o", {"Alice"}});
    }
    SECTION("no lookup at all means no members")
    {
        const auto none = modes.apply(parse({"+v", "bob"}), op, member_lookup{}, "x", 0);
        CHECK(none.problems == std::vector<mode_problem>{{mode_error::not_on_channel, 'v', "bob"}});
    }
}

TEST_CASE("modes: the key", "[modes]")
{
    channel_modes modes;
    CHECK(echo(apply(modes, {"+k", "secret"})) == mode_text{"+k", {"secret"}});
    CHECK(modes.key() == "secret");
    CHECK(modes.current(true) == mode_text{"+ntk", {"secret"}});
    CHECK(modes.current(false) == mode_text{"+ntk", {"*"}});

    SECTION("a new key replaces the old; the same key changes nothing")
    {
        CHECK(echo(apply(modes, {"+k", "other"})) == mode_text{"+k", {"other"}});
        CHECK(apply(modes, {"+k", "other"}).applied.empty());
        CHECK(modes.key() == "other");
    }
    SECTION("unset with any parameter or none; echoed as *")
    {
        CHECK(echo(apply(modes, {"-k", "whatever"})) == mode_text{"-k", {"*"}});
        CHECK(modes.key().empty());
        CHECK(apply(modes, {"-k"}).applied.empty());
        apply(modes, {"+k", "again"});
        CHECK(echo(apply(modes, {"-k"})) == mode_text{"-k", {"*"}});
    }
    SECTION("keys that JOIN could not carry are refused")
    {
        const std::vector<std::string> unusable{"a,b", "a b", ":x", std::string(max_key_length + 1, 'k'), "a\x01"};
        for (const auto& bad : unusable) {
            CAPTURE(bad);
            const auto outcome = apply(modes, {"+k", bad});
            CHECK(outcome.applied.empty());
            CHECK(outcome.problems == std::vector<mode_problem>{{mode_error::bad_param, 'k', bad}});
        }
        CHECK(modes.key() == "secret");
    }
}

TEST_CASE("modes: the limit", "[modes]")
{
    channel_modes modes;
    CHECK(echo(apply(modes, {"+l", "010"})) == mode_text{"+l", {"10"}});
    CHECK(modes.limit() == 10u);
    CHECK(apply(modes, {"+l", "10"}).applied.empty());
    CHECK(modes.current(false) == mode_text{"+ntl", {"10"}});

    const std::vector<std::string> unusable{"0", "-5", "abc", "10x", "", "99999999999999999999999"};
    for (const auto& bad : unusable) {
        CAPTURE(bad);
        CHECK(apply(modes, {"+l", bad}).problems == std::vector<mode_problem>{{mode_error::bad_param, 'l', bad}});
    }
    CHECK(modes.limit() == 10u);

    // -l takes no parameter: "bob" goes to +v.
    CHECK(echo(apply(modes, {"-l+v", "bob"})) == mode_text{"-l+v", {"Bob"}});
    CHECK_FALSE(modes.limit());
    CHECK(apply(modes, {"-l"}).applied.empty());
}

TEST_CASE("modes: rendering the current state puts flags, then k, then l", "[modes]")
{
    channel_modes modes;
    apply(modes, {"-nt"});
    CHECK(modes.current(true) == mode_text{"+", {}});
    apply(modes, {"+lsk", "5", "pw"});
    CHECK(modes.current(true) == mode_text{"+skl", {"pw", "5"}});
    CHECK(modes.current(false) == mode_text{"+skl", {"*", "5"}});
}

TEST_CASE("modes: list masks are normalized", "[modes]")
{
    CHECK(normalize_list_mask("bob") == "bob!*@*");
    CHECK(normalize_list_mask("user@host") == "*!user@host");
    CHECK(normalize_list_mask("bad.example") == "*!*@bad.example");
    CHECK(normalize_list_mask("2001:db8::1") == "*!*@2001:db8::1");
    CHECK(normalize_list_mask("nick!user") == "nick!user@*");
    CHECK(normalize_list_mask("!@") == "*!*@*");
    CHECK(normalize_list_mask("Nick!*@*.Example") == "Nick!*@*.Example");
    CHECK(normalize_list_mask("$a") == "$a");
    CHECK(normalize_list_mask("$a:Alice*") == "$a:Alice*");
    CHECK_FALSE(normalize_list_mask(""));
    CHECK_FALSE(normalize_list_mask("a b"));
    CHECK_FALSE(normalize_list_mask("a,b"));
    CHECK_FALSE(normalize_list_mask("a\rb"));
    CHECK_FALSE(normalize_list_mask("$a:"));
    CHECK_FALSE(normalize_list_mask("$x:y"));
    CHECK_FALSE(normalize_list_mask(":n!u@h"));
}

TEST_CASE("modes: list masks match nick!user@host, or the account", "[modes]")
{
    CHECK(list_mask_matches("*!*@*.example", "Bob!b@host.EXAMPLE", ""));
    CHECK(list_mask_matches("b?b!*@*", "BOB!x@y", ""));
    CHECK_FALSE(list_mask_matches("bob!*@*", "bobby!x@y", ""));
    CHECK(list_mask_matches("$a", "n!u@h", "acct"));
    CHECK_FALSE(list_mask_matches("$a", "n!u@h", ""));
    CHECK(list_mask_matches("$a:ALI*", "n!u@h", "alice"));
    CHECK_FALSE(list_mask_matches("$a:ali*", "n!u@h", "bob"));
    CHECK_FALSE(list_mask_matches("$a:*", "$a:x!u@h", ""));
}

TEST_CASE("modes: list add, duplicates, removal and bounds", "[modes]")
{
    channel_modes modes;
    const auto added = apply(modes, {"+bbe", "bob", "BOB!*@*", "user@host"}, op, 1234);
    CHECK(echo(added) == mode_text{"+be", {"bob!*@*", "*!user@host"}});
    REQUIRE(modes.entries(mode_list::ban).size() == 1);
    CHECK(modes.entries(mode_list::ban).front().set_by == "Alice!a@host");
    CHECK(modes.entries(mode_list::ban).front().set_at == 1234);
    CHECK(masks(modes, mode_list::ban_exception) == std::vector<std::string>{"*!user@host"});

    SECTION("removal by the mask in any case and spelling, echoed as stored")
    {
        CHECK(echo(apply(modes, {"-b", "Bob"})) == mode_text{"-b", {"bob!*@*"}});
        CHECK(modes.entries(mode_list::ban).empty());
        CHECK(apply(modes, {"-b", "bob"}).applied.empty());
        CHECK(modes.remove(mode_list::invite_exception, "x") == channel_modes::list_edit::not_listed);
    }
    SECTION("a bad mask is refused")
    {
        CHECK(apply(modes, {"+I", "$q:x"}).problems
              == std::vector<mode_problem>{{mode_error::bad_param, 'I', "$q:x"}});
    }
    SECTION("each list holds at most max_list_entries")
    {
        for (std::size_t i = modes.entries(mode_list::ban).size(); i < max_list_entries; ++i)
            CHECK(modes.add(mode_list::ban, "n" + std::to_string(i), "op", 0) == channel_modes::list_edit::added);
        CHECK(modes.add(mode_list::ban, "one-more", "op", 0) == channel_modes::list_edit::full);
        CHECK(modes.add(mode_list::ban, "n1", "op", 0) == channel_modes::list_edit::duplicate);
        const auto outcome = apply(modes, {"+b-b+I", "late", "n1", "ok"});
        CHECK(outcome.problems == std::vector<mode_problem>{{mode_error::list_full, 'b', "late"}});
        CHECK(echo(outcome) == mode_text{"-b+I", {"n1!*@*", "ok!*@*"}});
    }
}

TEST_CASE("modes: applied changes keep the requested order, signs collapsed", "[modes]")
{
    channel_modes modes;
    const auto outcome = apply(modes, {"+o-t+vb-n+m", "bob", "bob", "x"});
    CHECK(outcome.applied
          == std::vector<mode_change>{{true, 'o', "Bob"},
                                      {false, 't', ""},
                                      {true, 'v', "Bob"},
                                      {true, 'b', "x!*@*"},
                                      {false, 'n', ""},
                                      {true, 'm', ""}});
    CHECK(echo(outcome) == mode_text{"+o-t+vb-n+m", {"Bob", "Bob", "x!*@*"}});
    CHECK(render_mode_changes({}) == mode_text{});
}

TEST_CASE("modes: who may join", "[modes]")
{
    channel_modes modes;
    const std::string mask = "bob!b@home.example";
    join_attempt bob{mask, "", false, "", 3};
    CHECK(may_join(modes, bob) == join_verdict::ok);

    SECTION("bans, lifted by an exception by mask or account")
    {
        modes.add(mode_list::ban, "*!*@*.example", "op", 0);
        CHECK(may_join(modes, bob) == join_verdict::banned);
        bob.invited = true;
        CHECK(may_join(modes, bob) == join_verdict::banned);
        modes.add(mode_list::ban_exception, "$a:bob", "op", 0);
        CHECK(may_join(modes, bob) == join_verdict::banned);
        bob.account = "Bob";
        CHECK(may_join(modes, bob) == join_verdict::ok);
    }
    SECTION("an account ban")
    {
        modes.add(mode_list::ban, "$a:troll", "op", 0);
        CHECK(may_join(modes, bob) == join_verdict::ok);
        bob.account = "troll";
        CHECK(may_join(modes, bob) == join_verdict::banned);
    }
    SECTION("invite only: an invitation or an invite exception lets in")
    {
        apply(modes, {"+i"});
        CHECK(may_join(modes, bob) == join_verdict::invite_only);
        bob.invited = true;
        CHECK(may_join(modes, bob) == join_verdict::ok);
        bob.invited = false;
        modes.add(mode_list::invite_exception, "*!b@*", "op", 0);
        CHECK(may_join(modes, bob) == join_verdict::ok);
    }
    SECTION("the key, compared exactly; an invitation does not replace it")
    {
        apply(modes, {"+k", "Secret"});
        CHECK(may_join(modes, bob) == join_verdict::bad_key);
        bob.key = "secret";
        CHECK(may_join(modes, bob) == join_verdict::bad_key);
        bob.invited = true;
        CHECK(may_join(modes, bob) == join_verdict::bad_key);
        bob.key = "Secret";
        CHECK(may_join(modes, bob) == join_verdict::ok);
    }
    SECTION("the limit counts members before the join; an invitation lets one past it")
    {
        apply(modes, {"+l", "4"});
        CHECK(may_join(modes, bob) == join_verdict::ok);
        bob.member_count = 4;
        CHECK(may_join(modes, bob) == join_verdict::full);
        bob.invited = true;
        CHECK(may_join(modes, bob) == join_verdict::ok);
    }
    SECTION("a ban is reported before invite-only, the key and the limit")
    {
        apply(modes, {"+iklb", "k", "1", "bob"});
        bob.member_count = 9;
        CHECK(may_join(modes, bob) == join_verdict::banned);
        modes.remove(mode_list::ban, "bob");
        CHECK(may_join(modes, bob) == join_verdict::invite_only);
        bob.invited = true;
        CHECK(may_join(modes, bob) == join_verdict::bad_key);
        bob.key = "k";
        CHECK(may_join(modes, bob) == join_verdict::ok);  // invited past the limit
        bob.invited = false;
        modes.add(mode_list::invite_exception, "*!*@*", "op", 0);
        CHECK(may_join(modes, bob) == join_verdict::full);  // +I lets past +i only
    }
}

TEST_CASE("modes: who may speak", "[modes]")
{
    channel_modes modes;
    const std::string mask = "bob!b@home.example";
    speaker outsider{mask, "", false, {}};
    speaker member{mask, "", true, {}};
    speaker voiced{mask, "", true, {false, true}};
    speaker chanop{mask, "", true, {true, false}};

    CHECK(may_speak(modes, outsider) == speak_verdict::not_member);
    CHECK(may_speak(modes, member) == speak_verdict::ok);
    apply(modes, {"-n"});
    CHECK(may_speak(modes, outsider) == speak_verdict::ok);

    SECTION("moderated: voice or op needed")
    {
        apply(modes, {"+m"});
        CHECK(may_speak(modes, outsider) == speak_verdict::moderated);
        CHECK(may_speak(modes, member) == speak_verdict::moderated);
        CHECK(may_speak(modes, voiced) == speak_verdict::ok);
        CHECK(may_speak(modes, chanop) == speak_verdict::ok);
    }
    SECTION("banned members are silent unless excepted, voiced or op")
    {
        modes.add(mode_list::ban, "bob", "op", 0);
        CHECK(may_speak(modes, member) == speak_verdict::banned);
        CHECK(may_speak(modes, outsider) == speak_verdict::banned);
        CHECK(may_speak(modes, voiced) == speak_verdict::ok);
        CHECK(may_speak(modes, chanop) == speak_verdict::ok);
        modes.add(mode_list::ban_exception, "*!*@home.example", "op", 0);
        CHECK(may_speak(modes, member) == speak_verdict::ok);
    }
    SECTION("a status held outside the channel counts for nothing")
    {
        apply(modes, {"+nm"});
        speaker ghost{mask, "", false, {true, true}};
        CHECK(may_speak(modes, ghost) == speak_verdict::not_member);
    }
}

TEST_CASE("modes: topic needs op under +t", "[modes]")
{
    channel_modes modes;
    CHECK(may_set_topic(modes, {true, false}));
    CHECK_FALSE(may_set_topic(modes, {false, true}));
    apply(modes, {"-t"});
    CHECK(may_set_topic(modes, {}));
}

TEST_CASE("modes: status prefixes", "[modes]")
{
    CHECK(status_prefixes({}, false).empty());
    CHECK(status_prefixes({}, true).empty());
    CHECK(status_prefixes({true, false}, false) == "@");
    CHECK(status_prefixes({false, true}, false) == "+");
    CHECK(status_prefixes({true, true}, false) == "@");
    CHECK(status_prefixes({true, true}, true) == "@+");
}

TEST_CASE("modes: ISUPPORT tokens", "[modes]")
{
    CHECK(channel_mode_isupport()
          == std::vector<std::string>{"PREFIX=(ov)@+", "CHANMODES=beI,k,l,imnst", "MODES=6", "EXCEPTS=e", "INVEX=I",
                                      "STATUSMSG=@+", "MAXLIST=b:100,e:100,I:100", "KEYLEN=23"});
}

TEST_CASE("modes: a registered channel's flags, key and limit come back as they were", "[modes]")
{
    channel_modes modes;
    CHECK(modes.flags() == "nt");
    modes.restore("imt", "sesame", 12);
    CHECK(modes.flags() == "imt");
    CHECK(modes.key() == "sesame");
    CHECK(modes.limit() == std::optional<std::size_t>(12));
    CHECK(modes.current(true) == mode_text{"+imtkl", {"sesame", "12"}});
    // What MODE would refuse stays out, whatever the database held.
    modes.restore("zn", "has space", 0);
    CHECK(modes.flags() == "n");
    CHECK(modes.key().empty());
    CHECK_FALSE(modes.limit());
}
