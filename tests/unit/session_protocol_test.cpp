// The server's per-connection IRC state machine (src/irc/session_protocol.hpp),
// driven without sockets: lines in, effects out, answers fed back by hand.

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "irc/replies.hpp"
#include "irc/session_protocol.hpp"
#include "support/catch.hpp"
#include "support/effects.hpp"

using sala::irc::protocol_settings;
using sala::irc::session_protocol;
namespace fx = sala::irc::effect;
using sala::test::all_of;
using sala::test::sent;

namespace {

protocol_settings test_settings()
{
    protocol_settings s;
    s.server_name = "test.server";
    s.created_text = "today";
    s.autojoin = {"#lobby"};
    s.max_channels = 3;
    return s;
}

// Registers `p` as `nick`, answering its requests as a server with no one else would.
session_protocol::effects register_as(session_protocol& p, const std::string& nick)
{
    auto out = p.on_line("NICK " + nick);
    REQUIRE(all_of<fx::claim_nick>(out).size() == 1);
    auto answered = p.nick_claimed(true);
    REQUIRE(answered.empty());  // USER still missing
    out = p.on_line("USER u 0 * :Real Name");
    for (const auto& j : all_of<fx::join>(out))
        p.joined(j.key, j.name);
    REQUIRE(p.registered());
    return out;
}

}  // namespace

TEST_CASE("registration waits for NICK and USER, then welcomes and auto-joins", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    CHECK(sent(p.on_line("PRIVMSG #lobby :early")).find(" 451 * :You have not registered") != std::string::npos);
    const auto out = register_as(p, "Alice");
    const auto reg = all_of<fx::registered>(out);
    REQUIRE(reg.size() == 1);
    CHECK(reg[0].prefix == "Alice!u@10.0.0.1");
    const auto text = sent(out);
    CHECK(text.starts_with(":test.server 001 Alice :Welcome to the sala IRC Network Alice!u@10.0.0.1\r\n"));
    CHECK(text.find(" 005 Alice ") != std::string::npos);
    CHECK(text.find(" 422 Alice :MOTD File is missing") != std::string::npos);
    const auto joins = all_of<fx::join>(out);
    REQUIRE(joins.size() == 1);
    CHECK(joins[0].key == "#lobby");
}

TEST_CASE("a nick in use gets 433 and registration waits for another", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("USER u 0 * :R");
    (void)p.on_line("NICK taken");
    CHECK(sent(p.nick_claimed(false)).find(" 433 * taken :Nickname is already in use") != std::string::npos);
    CHECK_FALSE(p.registered());
    (void)p.on_line("NICK free");
    const auto out = p.nick_claimed(true);
    CHECK(p.registered());
    CHECK(all_of<fx::registered>(out).size() == 1);
}

TEST_CASE("with TLS configured, CAP LS 302 carries the sts upgrade or policy, and sts cannot be requested", "[irc][protocol]")
{
    auto settings = test_settings();
    settings.sts_port = 6697;
    settings.sts_duration = 86400;
    const auto ls_words = [](const std::string& line) {
        std::vector<std::string> words;
        const auto colon = line.find(" :");
        std::string rest = line.substr(colon + 2, line.size() - colon - 4);  // without CR LF
        for (std::size_t at = 0; at <= rest.size();) {
            const auto space = std::min(rest.find(' ', at), rest.size());
            words.push_back(rest.substr(at, space - at));
            at = space + 1;
        }
        return words;
    };
    const auto has = [](const std::vector<std::string>& words, std::string_view w) {
        return std::find(words.begin(), words.end(), w) != words.end();
    };
    session_protocol plain(settings, "10.0.0.1");
    CHECK(has(ls_words(sent(plain.on_line("CAP LS 302"))), "sts=port=6697,duration=86400"));
    session_protocol secure(settings, "10.0.0.2");
    secure.set_secure();
    CHECK(has(ls_words(sent(secure.on_line("CAP LS 302"))), "sts=duration=86400"));
    // Without 302 a client cannot read the value, so it is not offered at all.
    session_protocol old(settings, "10.0.0.3");
    CHECK(sent(old.on_line("CAP LS")).find("sts") == std::string::npos);
    CHECK(sent(plain.on_line("CAP REQ :sts")) == ":test.server CAP * NAK :sts\r\n");
    // No TLS port, no policy.
    const auto without_tls = test_settings();  // the protocol keeps a reference: not a temporary
    session_protocol untold(without_tls, "10.0.0.4");
    CHECK(sent(untold.on_line("CAP LS 302")).find("sts") == std::string::npos);
}

TEST_CASE("CAP negotiation holds registration until CAP END", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    CHECK(sent(p.on_line("CAP LS 302")) == ":test.server CAP * LS :server-time message-tags echo-message batch away-notify multi-prefix userhost-in-names standard-replies labeled-response cap-notify chghost setname extended-monitor draft/chathistory draft/event-playback sasl=PLAIN,SCRAM-SHA-256 account-notify account-tag extended-join draft/account-registration=before-connect invite-notify\r\n");
    (void)p.on_line("NICK a");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :R");
    CHECK_FALSE(p.registered());
    CHECK(sent(p.on_line("CAP REQ :echo-message bogus")) == ":test.server CAP a NAK :echo-message bogus\r\n");
    CHECK_FALSE(p.echo_message());
    CHECK(sent(p.on_line("CAP REQ :echo-message server-time")) == ":test.server CAP a ACK :echo-message server-time\r\n");
    CHECK(p.echo_message());
    CHECK(p.server_time());
    CHECK(all_of<fx::registered>(p.on_line("CAP END")).size() == 1);
}

TEST_CASE("a wrong password is refused and the link closed", "[irc][protocol]")
{
    auto settings = test_settings();
    settings.password = "secret";
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("PASS wrong");
    (void)p.on_line("NICK a");
    (void)p.on_line("USER u 0 * :R");
    const auto out = p.nick_claimed(true);
    CHECK(sent(out).find(" 464 a :Password incorrect") != std::string::npos);
    const auto closes = all_of<fx::close>(out);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].why == fx::close_reason::bad_password);
    CHECK_FALSE(p.registered());
}

TEST_CASE("bad lines get an error reply and are counted as dropped", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto overlong = p.on_line("PRIVMSG #lobby :" + std::string(600, 'x'));
    CHECK(all_of<fx::line_dropped>(overlong).size() == 1);
    CHECK(sent(overlong) == ":test.server 417 a :Input line was too long\r\n");
    CHECK(all_of<fx::channel_message>(overlong).empty());
    const auto not_utf8 = p.on_line("privmsg #lobby :\xff\xfe");
    CHECK(all_of<fx::line_dropped>(not_utf8).size() == 1);
    CHECK(sent(not_utf8).starts_with(":test.server FAIL PRIVMSG INVALID_UTF8 :"));
    CHECK(sent(p.on_line("FROB x")) == ":test.server 421 a FROB :Unknown command\r\n");
    CHECK(sent(p.on_line(":only-a-prefix")) == ":test.server 421 a * :Malformed line\r\n");
}

TEST_CASE("replies that echo a long parameter still fit 512 bytes", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    for (const auto& line : {"FOO" + std::string(490, 'Q'), "NICK " + std::string(490, 'n'),
             "PING :" + std::string(490, 'p'), "JOIN #" + std::string(490, 'c')}) {
        const auto text = sent(p.on_line(line));
        INFO(line.substr(0, 10));
        REQUIRE(text.size() <= sala::irc::wire_line_max);
        CHECK(text.ends_with("\r\n"));
    }
}

TEST_CASE("channel messages carry the sender, controls stripped, cut to the line limit", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    auto msgs = all_of<fx::channel_message>(p.on_line("PRIVMSG #LOBBY :hi \x1b[31mthere"));
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].key == "#lobby");
    CHECK(msgs[0].line == ":a!u@10.0.0.1 PRIVMSG #lobby :hi [31mthere\r\n");
    msgs = all_of<fx::channel_message>(p.on_line("PRIVMSG #lobby :" + std::string(490, 'x')));
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].line.size() == settings.max_line);
    CHECK(msgs[0].line.ends_with("xxx\r\n"));
}

TEST_CASE("messages to channels one is not in go to the room, whose modes decide", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto msgs = all_of<fx::channel_message>(p.on_line("PRIVMSG #Other,bob :hi"));
    REQUIRE(msgs.size() == 1);
    CHECK_FALSE(msgs[0].joined);
    CHECK(msgs[0].key == "#other");
    CHECK(msgs[0].name == "#Other");
    CHECK(msgs[0].line == ":a!u@10.0.0.1 PRIVMSG #Other :hi\r\n");
    // The room's answers: a channel that is not there, and one whose +n refuses.
    CHECK(sent(p.room_answered(sala::irc::room_fact::no_such_channel{"#Other", true}))
          == ":test.server 401 a #Other :No such nick/channel\r\n");
    CHECK(sent(p.room_answered(sala::irc::room_fact::message_refused{"#other", sala::core::speak_verdict::not_member, false}))
          .starts_with(":test.server 404 a #other :Cannot send to channel"));
    CHECK(p.room_answered(sala::irc::room_fact::message_refused{"#other", sala::core::speak_verdict::moderated, true}).empty());
    const auto parts = all_of<fx::check_channel>(p.on_line("PART #other"));
    REQUIRE(parts.size() == 1);
    CHECK(sent(p.channel_checked(parts[0], true)) == ":test.server 442 a #other :You're not on that channel\r\n");
    CHECK(sent(p.channel_checked(parts[0], false)) == ":test.server 403 a #other :No such channel\r\n");
}

TEST_CASE("private messages report missing and away recipients", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto pms = all_of<fx::private_message>(p.on_line("PRIVMSG Bob :hello"));
    REQUIRE(pms.size() == 1);
    CHECK(pms[0].line == ":a!u@10.0.0.1 PRIVMSG Bob :hello\r\n");
    CHECK(sent(p.private_delivered(pms[0], std::nullopt)) == ":test.server 401 a Bob :No such nick/channel\r\n");
    CHECK(sent(p.private_delivered(pms[0], sala::irc::recipient{"bob", ""})).empty());
    CHECK(sent(p.private_delivered(pms[0], sala::irc::recipient{"bob", "lunch"})) == ":test.server 301 a bob :lunch\r\n");
}

TEST_CASE("joins respect the channel limit and JOIN 0 parts them all", "[irc][protocol]")
{
    const auto settings = test_settings();  // max 3 channels, #lobby already joined
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto out = p.on_line("JOIN #b,#B,#c,#d,bad");
    const auto joins = all_of<fx::join>(out);
    REQUIRE(joins.size() == 2);  // #B is #b again
    CHECK(sent(out) == ":test.server 405 a #d :You have joined too many channels\r\n"
                       ":test.server 403 a bad :No such channel\r\n");
    p.joined("#b", "#b");
    p.joined("#c", "#c");
    const auto parts = all_of<fx::part>(p.on_line("JOIN 0"));
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].line == ":a!u@10.0.0.1 PART #lobby :Left all channels\r\n");
    CHECK(p.channels().empty());
}

TEST_CASE("a nick change is announced with the old prefix", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "old");
    (void)p.on_line("NICK new");
    const auto changes = all_of<fx::nick_changed>(p.nick_claimed(true));
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].line == ":old!u@10.0.0.1 NICK :new\r\n");
    CHECK(p.prefix() == "new!u@10.0.0.1");
}

TEST_CASE("topic changes need membership and are cut to the topic length", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    CHECK(sent(p.on_line("TOPIC #elsewhere :x")) == ":test.server 442 a #elsewhere :You're not on that channel\r\n");
    const auto topics = all_of<fx::set_topic>(p.on_line("TOPIC #lobby :" + std::string(450, 't')));
    REQUIRE(topics.size() == 1);
    CHECK(topics[0].text.size() == settings.topic_len);
    CHECK(topics[0].line.size() <= sala::irc::wire_line_max);
    const auto queries = all_of<fx::query>(p.on_line("TOPIC #lobby"));
    REQUIRE(queries.size() == 1);
    CHECK(queries[0].kind == fx::query_kind::topic);
}

TEST_CASE("QUIT closes with the client's reason", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto closes = all_of<fx::close>(p.on_line("QUIT :bye now"));
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].text == "Closing Link: 10.0.0.1 (Quit: bye now)");
    CHECK(closes[0].why == fx::close_reason::quit);
}

TEST_CASE("NAMES answers at most MAXTARGETS channels per line", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "a");
    const auto queries = all_of<fx::query>(p.on_line("NAMES #a,#a,#a,#a,#a,#a,#a,#a"));
    CHECK(queries.size() == sala::irc::max_targets);
}

TEST_CASE("answers that come back through a room hold back the replies to later lines", "[irc][protocol][order]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");

    // One pipelined read: each effect says whether the session must wait
    // for the room before it acts on the next one.
    std::vector<std::pair<std::string, bool>> waits;
    for (const char* line : {"JOIN #new", "TOPIC #new :hello", "NAMES #new", "PRIVMSG #new :hi", "PING :tok",
             "PART #new"}) {
        for (const auto& e : p.on_line(line)) {
            if (const auto* j = std::get_if<fx::join>(&e))
                p.joined(j->key, j->name);
            waits.emplace_back(line, sala::irc::answered_through_room(e));
        }
    }
    const std::vector<std::pair<std::string, bool>> expected = {
        {"JOIN #new", true},          // its JOIN, topic and names come from the room
        {"TOPIC #new :hello", true},  // its TOPIC line is the room's broadcast
        {"NAMES #new", false},        // a directory query, awaited in place
        {"PRIVMSG #new :hi", false},  // no echo-message: nothing comes back
        {"PING :tok", false},         // the barrier: waits for the rooms told something, if any
        {"PING :tok", false},         // then answered in place
        {"PART #new", true},          // its PART line is the room's broadcast
    };
    CHECK(waits == expected);
}

TEST_CASE("PING asks for a barrier before its PONG, so the PONG follows what earlier lines did to others",
    "[irc][protocol][order]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto out = p.on_line("PING :tok");
    REQUIRE(out.size() == 2);
    CHECK(std::holds_alternative<fx::barrier>(out[0]));
    CHECK(sala::test::sent(out) == ":" + settings.server_name + " PONG " + settings.server_name + " :tok\r\n");
}

TEST_CASE("with echo-message a channel message waits for its echo; private messages never do",
    "[irc][protocol][order]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("CAP LS 302");
    (void)p.on_line("CAP REQ :echo-message message-tags");
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real Name");
    for (const auto& j : all_of<fx::join>(p.on_line("CAP END")))
        p.joined(j.key, j.name);
    REQUIRE(p.registered());

    const auto to_room = p.on_line("PRIVMSG #lobby :hi");
    REQUIRE(to_room.size() == 1);
    CHECK(std::get<fx::channel_message>(to_room[0]).echo);
    CHECK(sala::irc::answered_through_room(to_room[0]));
    const auto tagged = p.on_line("@+typing=active TAGMSG #lobby");
    REQUIRE(tagged.size() == 1);
    CHECK(sala::irc::answered_through_room(tagged[0]));
    // A private message's echo is queued by the session itself after the
    // directory answers, so it is in order already.
    const auto to_bob = p.on_line("PRIVMSG bob :hi");
    REQUIRE(to_bob.size() == 1);
    CHECK_FALSE(sala::irc::answered_through_room(to_bob[0]));
}

TEST_CASE("USER with an empty realname or username gets 461", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    CHECK(sent(p.on_line("USER u 0 * :")) == ":test.server 461 * USER :Not enough parameters\r\n");
    CHECK(sent(p.on_line("USER u 0 *")) == ":test.server 461 * USER :Not enough parameters\r\n");
    CHECK(sent(p.on_line("USER :")).find(" 461 * USER ") != std::string::npos);
    // A proper USER still works afterwards.
    register_as(p, "alice");
    CHECK(sent(p.on_line("USER u 0 * :again")) == ":test.server 462 alice :You may not reregister\r\n");
}

TEST_CASE("channel MODE goes to the room with its parameters, and its answers become numerics", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto outside = all_of<fx::channel_mode>(p.on_line("MODE #Nowhere +b-o mask bob"));
    REQUIRE(outside.size() == 1);
    CHECK_FALSE(outside[0].joined);
    CHECK(outside[0].key == "#nowhere");
    CHECK(outside[0].params == std::vector<std::string>{"+b-o", "mask", "bob"});
    CHECK(all_of<fx::query>(p.on_line("MODE #nowhere")).size() == 1);
    const auto inside = all_of<fx::channel_mode>(p.on_line("MODE #LOBBY b"));
    REQUIRE(inside.size() == 1);
    CHECK(inside[0].joined);
    CHECK(inside[0].name == "#lobby");  // as the client holds it

    using sala::core::mode_error;
    sala::irc::room_fact::mode_answered answered{"#lobby",
        {{mode_error::need_op, 'o', {}}, {mode_error::not_on_channel, 'o', "zed"}, {mode_error::unknown_mode, 'Z', "Z"},
            {mode_error::list_full, 'b', "x!*@*"}, {mode_error::bad_param, 'l', "many"}},
        {{sala::core::mode_list::ban, {{"x!*@*", "op!u@h", 1700000000}}}, {sala::core::mode_list::invite_exception, {}}}};
    CHECK(sent(p.room_answered(answered))
          == ":test.server 482 alice #lobby :You're not channel operator\r\n"
             ":test.server 441 alice zed #lobby :They aren't on that channel\r\n"
             ":test.server 472 alice Z :is unknown mode char to me\r\n"
             ":test.server 478 alice #lobby x!*@* :Channel list is full\r\n"
             ":test.server 696 alice #lobby l many :Invalid mode parameter\r\n"
             ":test.server 367 alice #lobby x!*@* op!u@h 1700000000\r\n"
             ":test.server 368 alice #lobby :End of channel ban list\r\n"
             ":test.server 347 alice #lobby :End of channel invite list\r\n");
}

TEST_CASE("KICK and INVITE: checked for form here, decided by the room", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto kicks = all_of<fx::kick>(p.on_line("KICK #lobby bob,carol"));
    REQUIRE(kicks.size() == 2);
    CHECK(kicks[0].target == "bob");
    CHECK(kicks[1].target == "carol");
    CHECK(kicks[0].reason == "alice");  // no reason given: the kicker's nick, as common servers do
    const auto long_kick = all_of<fx::kick>(p.on_line("KICK #lobby bob :" + std::string(450, 'r')));
    REQUIRE(long_kick.size() == 1);
    CHECK(long_kick[0].reason.size() == settings.topic_len);
    const auto elsewhere = all_of<fx::check_channel>(p.on_line("KICK #other bob"));
    REQUIRE(elsewhere.size() == 1);
    CHECK(sent(p.channel_checked(elsewhere[0], true)).find(" 442 alice #other ") != std::string::npos);
    CHECK(sent(p.on_line("KICK #lobby")).find(" 461 alice KICK ") != std::string::npos);

    const auto invites = all_of<fx::invite>(p.on_line("INVITE bob #Lobby"));
    REQUIRE(invites.size() == 1);
    CHECK(invites[0].key == "#lobby");
    CHECK(invites[0].target == "bob");
    CHECK(all_of<fx::check_channel>(p.on_line("INVITE bob #other")).size() == 1);
    using sala::irc::room_fact::refusal;
    CHECK(sent(p.room_answered(sala::irc::room_fact::invite_answered{"#lobby", "Bob", true, refusal::need_op}))
          == ":test.server 341 alice Bob #lobby\r\n");
    CHECK(sent(p.room_answered(sala::irc::room_fact::invite_answered{"#lobby", "bob", false, refusal::target_on_channel}))
          .find(" 443 alice bob #lobby ") != std::string::npos);
    CHECK(sent(p.room_answered(sala::irc::room_fact::invite_answered{"#lobby", "zed", false, refusal::no_such_nick}))
          .find(" 401 alice zed ") != std::string::npos);
    CHECK(sent(p.room_answered(sala::irc::room_fact::kick_refused{"#lobby", "zed", refusal::target_not_on_channel}))
          .find(" 441 alice zed #lobby ") != std::string::npos);
}

TEST_CASE("a join the room refuses leaves the channel and says why", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    register_as(p, "alice");
    const auto joins = all_of<fx::join>(p.on_line("JOIN #a,#b key-a"));
    REQUIRE(joins.size() == 2);
    CHECK(joins[0].channel_key == "key-a");
    CHECK(joins[1].channel_key.empty());
    CHECK(sent(p.room_answered(sala::irc::room_fact::join_refused{"#b", "#b", sala::core::join_verdict::bad_key}))
          == ":test.server 475 alice #b :Cannot join channel (+k)\r\n");
    // No longer on it: a PART now asks whether it exists, a JOIN goes out again.
    CHECK(all_of<fx::check_channel>(p.on_line("PART #b")).size() == 1);
    CHECK(all_of<fx::join>(p.on_line("JOIN #b")).size() == 1);
    CHECK(all_of<fx::join>(p.on_line("JOIN #a")).empty());
}

TEST_CASE("tag data over 4094 bytes gets 417 and is not relayed", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("CAP REQ :message-tags");
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real Name");
    for (const auto& j : all_of<fx::join>(p.on_line("CAP END")))
        p.joined(j.key, j.name);
    REQUIRE(p.registered());
    const auto tag_of = [](std::size_t data_bytes) { return "@+x=" + std::string(data_bytes - 3, 'v') + " "; };
    const auto fits = p.on_line(tag_of(4094) + "PRIVMSG #lobby :hi");
    REQUIRE(all_of<fx::channel_message>(fits).size() == 1);
    CHECK(all_of<fx::channel_message>(fits)[0].client_tags.size() == 4094);
    const auto over = p.on_line(tag_of(4095) + "PRIVMSG #lobby :hi");
    CHECK(all_of<fx::channel_message>(over).empty());
    CHECK(sent(over) == ":test.server 417 alice :Input line was too long\r\n");
}

TEST_CASE("ISUPPORT describes the channel modes and prefixes", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    const auto text = sent(register_as(p, "alice"));
    for (const auto* token : {" PREFIX=(ov)@+ ", " CHANMODES=beI,k,l,imnst ", " MODES=6 ", " EXCEPTS=e ", " INVEX=I "})
        CHECK(text.find(token) != std::string::npos);
    CHECK(text.find(" 004 alice test.server ") != std::string::npos);
}

TEST_CASE("labeled-response: the label of a line is kept, even when its command is malformed", "[irc][protocol]")
{
    const auto settings = test_settings();
    session_protocol p(settings, "10.0.0.1");
    (void)p.on_line("CAP REQ :labeled-response batch");
    (void)p.on_line("NICK alice");
    (void)p.nick_claimed(true);
    (void)p.on_line("USER u 0 * :Real Name");
    (void)p.on_line("CAP END");
    REQUIRE(p.registered());
    (void)p.on_line("@label=abc PING :x");
    CHECK(p.label() == "abc");
    const auto out = p.on_line("@label=deadbeef NONEXISTENT_COMMAND");
    CHECK(p.label() == "deadbeef");
    CHECK(sent(out).find(" 421 alice ") != std::string::npos);
    (void)p.on_line("PING :unlabeled");
    CHECK(p.label().empty());
}
