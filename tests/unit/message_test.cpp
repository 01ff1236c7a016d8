// Parser, serializer and tag escaping of IRC messages (src/irc/message.hpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "irc/line_reader.hpp"
#include "irc/message.hpp"
#include "printable.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::irc::message;
using sala::irc::parse;
using sala::irc::parse_error;
using sala::irc::parse_result;
using sala::irc::serialize;
using sala::irc::tag;
using sala::test::printable;

namespace {

message make(std::vector<tag> tags, std::string prefix, std::string command, std::vector<std::string> params)
{
    message m;
    m.tags = std::move(tags);
    m.prefix = std::move(prefix);
    m.command = std::move(command);
    m.params = std::move(params);
    return m;
}

message make(std::string command, std::vector<std::string> params)
{
    return make({}, {}, std::move(command), std::move(params));
}

// An unambiguous one-line rendering, so that a failed CHECK shows every field.
std::string describe(const message& m)
{
    std::string out = "tags{";
    for (const auto& t : m.tags)
        out += printable(t.key) + "=" + printable(t.value) + " ";
    out += "} prefix=" + printable(m.prefix) + " command=" + printable(m.command) + " params{";
    for (const auto& p : m.params)
        out += printable(p) + " ";
    return out + "}";
}

std::string describe(parse_error e)
{
    switch (e) {
    case parse_error::empty: return "error empty";
    case parse_error::no_command: return "error no_command";
    case parse_error::bad_tags: return "error bad_tags";
    case parse_error::bad_command: return "error bad_command";
    }
    return "error ?";
}

std::string describe(const parse_result& r)
{
    if (r.msg && r.error)
        return "both a message and an error";
    if (r.error)
        return describe(*r.error);
    if (r.msg)
        return describe(*r.msg);
    return "neither a message nor an error";
}

// "parse(<input>) -> <result>"; compared in CHECKs so failures name the input.
std::string parsed(std::string_view input, const std::string& result)
{
    return "parse(" + printable(input) + ") -> " + result;
}

std::string without_crlf(std::string line)
{
    REQUIRE(line.size() >= 2);
    REQUIRE(line.substr(line.size() - 2) == "\r\n");
    line.resize(line.size() - 2);
    return line;
}

// The whole wire line (printable) if CR, LF or NUL occur anywhere but in the
// final CR LF, otherwise "".
std::string stray_line_breaks(std::string_view wire)
{
    const auto body = wire.substr(0, wire.size() < 2 ? 0 : wire.size() - 2);
    return body.find_first_of("\r\n\0"sv) == std::string_view::npos ? "" : printable(wire);
}

struct parse_case {
    std::string_view input;
    message expected;
};

struct error_case {
    std::string_view input;
    parse_error expected;
};

}  // namespace

TEST_CASE("parse splits tags, prefix, command and parameters", "[irc][message][parse]")
{
    const auto c = GENERATE(values<parse_case>({
        {"PING", make("PING", {})},
        {"PING :irc.example", make("PING", {"irc.example"})},
        {"  PING x", make("PING", {"x"})},
        {":irc.example 001 alice :Welcome to the network",
         make({}, "irc.example", "001", {"alice", "Welcome to the network"})},
        {":alice!a@host PRIVMSG #chat :hello  there ",
         make({}, "alice!a@host", "PRIVMSG", {"#chat", "hello  there "})},
        // Trailing with nothing after the colon is one empty parameter.
        {"TOPIC #chat :", make("TOPIC", {"#chat", ""})},
        // A colon inside a middle parameter is just a character.
        {"MODE a:b c:d :e f", make("MODE", {"a:b", "c:d", "e f"})},
        {"PRIVMSG #c ::-)", make("PRIVMSG", {"#c", ":-)"})},
        // Runs of spaces separate parameters; trailing spaces are not a parameter.
        {"MODE   #c    +o     alice", make("MODE", {"#c", "+o", "alice"})},
        {"JOIN #c   ", make("JOIN", {"#c"})},
        {"USER   u  0 *   :Real  Name", make("USER", {"u", "0", "*", "Real  Name"})},
        // Tags: values are unescaped, a tag without value has an empty one.
        {"@time=2024-01-01T00:00:00.000Z;+draft/reply=abc CMD",
         make({{"time", "2024-01-01T00:00:00.000Z"}, {"+draft/reply", "abc"}}, "", "CMD", {})},
        {R"(@k=semi\:space\sback\\cr\rlf\n CMD)", make({{"k", "semi;space back\\cr\rlf\n"}}, "", "CMD", {})},
        {R"(@a=x\y;b=end\ CMD)", make({{"a", "xy"}, {"b", "end"}}, "", "CMD", {})},
        {"@flag;empty= CMD", make({{"flag", ""}, {"empty", ""}}, "", "CMD", {})},
        {"@a=1;;=nokey;b CMD", make({{"a", "1"}, {"b", ""}}, "", "CMD", {})},
        {"@id=1 :n!u@h PRIVMSG #c :hi there", make({{"id", "1"}}, "n!u@h", "PRIVMSG", {"#c", "hi there"})},
        {"@id=1   :n!u@h   NOTICE x", make({{"id", "1"}}, "n!u@h", "NOTICE", {"x"})},
        // Duplicate keys: the later value wins, the key appears once.
        {"@a=1;b=2;a=3 CMD", make({{"a", "3"}, {"b", "2"}}, "", "CMD", {})},
        {"@a=1;a CMD", make({{"a", ""}}, "", "CMD", {})},
        // At most 15 parameters: the 15th takes the rest of the line.
        {"CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
         make("CMD", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"})},
        {"CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 :17",
         make("CMD", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15 16 :17"})},
        {"CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 16",
         make("CMD", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15 16"})},
    }));

    const auto result = parse(c.input);
    CHECK(parsed(c.input, describe(result)) == parsed(c.input, describe(c.expected)));
}

TEST_CASE("parse reports lines that are not messages", "[irc][message][parse]")
{
    const auto c = GENERATE(values<error_case>({
        {"", parse_error::empty},
        {"   ", parse_error::empty},
        {"@a=b", parse_error::bad_tags},  // tags with nothing after them
        {"@", parse_error::bad_tags},
        {"@ PING", parse_error::bad_tags},  // '@' with no tags
        {"@a=b ", parse_error::no_command},
        {"@a=b   ", parse_error::no_command},
        {":prefix", parse_error::no_command},
        {":prefix   ", parse_error::no_command},
        {":", parse_error::no_command},
        {"@a=b :prefix", parse_error::no_command},
    }));

    const auto result = parse(c.input);
    CHECK(parsed(c.input, describe(result)) == parsed(c.input, describe(c.expected)));
}

TEST_CASE("parse gives exactly one of message or error for any short input", "[irc][message][parse]")
{
    // Every string of up to four bytes over the characters that matter to the grammar.
    constexpr std::string_view alphabet = "@:; =\\aX\r\0"sv;
    std::vector<std::string> inputs{""};
    std::vector<std::string> layer{""};
    for (int len = 1; len <= 4; ++len) {
        std::vector<std::string> longer;
        for (const auto& s : layer)
            for (char c : alphabet)
                longer.push_back(s + c);
        inputs.insert(inputs.end(), longer.begin(), longer.end());
        layer = std::move(longer);
    }
    REQUIRE(inputs.size() == 1 + 10 + 100 + 1000 + 10000);

    std::vector<std::string> wrong;
    for (const auto& in : inputs) {
        const auto r = parse(in);
        const bool exactly_one = r.msg.has_value() != r.error.has_value();
        const bool has_command = !r.msg || !r.msg->command.empty();
        if (!exactly_one || !has_command)
            wrong.push_back(parsed(in, describe(r)));
    }
    CHECK(wrong == std::vector<std::string>{});
}

TEST_CASE("serialize sends the last parameter as trailing only when needed", "[irc][message][serialize]")
{
    struct serialize_case {
        message msg;
        std::string_view wire;
    };
    const auto c = GENERATE(values<serialize_case>({
        {make("PING", {}), "PING\r\n"},
        {make("PRIVMSG", {"#c", "hello"}), "PRIVMSG #c hello\r\n"},
        {make("PRIVMSG", {"#c", "hello world"}), "PRIVMSG #c :hello world\r\n"},
        {make("PRIVMSG", {"#c", ":-)"}), "PRIVMSG #c ::-)\r\n"},
        {make("PRIVMSG", {"#c", "a:b"}), "PRIVMSG #c a:b\r\n"},
        {make("TOPIC", {"#c", ""}), "TOPIC #c :\r\n"},
        {make("MODE", {"#c", "+o", "alice"}), "MODE #c +o alice\r\n"},
        {make({}, "irc.example", "001", {"alice", "Welcome"}), ":irc.example 001 alice Welcome\r\n"},
        {make({{"time", "12:00"}, {"flag", ""}, {"+draft/x", "a b;c\\"}}, "n!u@h", "TAGMSG", {"#c"}),
         "@time=12:00;flag;+draft/x=a\\sb\\:c\\\\ :n!u@h TAGMSG #c\r\n"},
    }));

    CHECK(serialize(c.msg) == c.wire);
}

TEST_CASE("serialize_to appends to what is already in the buffer", "[irc][message][serialize]")
{
    std::string out = "PING a\r\n";
    sala::irc::serialize_to(out, make("PONG", {"b"}));
    CHECK(out == "PING a\r\nPONG b\r\n");
}

TEST_CASE("CR, LF or NUL in a field never produce a second line", "[irc][message][serialize]")
{
    const auto bad = GENERATE("\r"sv, "\n"sv, "\0"sv, "\r\n"sv);
    const auto field = GENERATE(0, 1, 2, 3, 4);
    const std::string evil = "x" + std::string(bad) + "QUIT :gotcha";

    message m = make({{"k", "v"}}, "n!u@h", "PRIVMSG", {"#c", "hello"});
    switch (field) {
    case 0: m.prefix = evil; break;
    case 1: m.command = evil; break;
    case 2: m.params.front() = evil; break;
    case 3: m.params.back() = evil; break;
    default: m.tags.front().value = evil; break;
    }
    const std::string wire = serialize(m);

    CHECK(stray_line_breaks(wire) == "");
    CHECK(wire.substr(wire.size() - 2) == "\r\n");
}

TEST_CASE("CR, LF or NUL in a tag key never produce a second line", "[irc][message][serialize]")
{
    // Only values are escaped, so a key holding CR, LF or NUL must be dropped
    // rather than copied onto the wire.
    const auto bad = GENERATE("\r"sv, "\n"sv, "\0"sv, "\r\n"sv);
    const std::string key = "+x" + std::string(bad) + "QUIT";
    const std::string wire = serialize(make({{key, "v"}}, "n!u@h", "TAGMSG", {"#c"}));

    CHECK(stray_line_breaks(wire) == "");
}

TEST_CASE("a sanitized last parameter stays one parameter", "[irc][message][serialize]")
{
    // CR/LF/NUL become spaces, so the parameter needs the trailing ':' or the
    // receiver would see two parameters ("a", "b") instead of one ("a b").
    const auto bad = GENERATE("\r"sv, "\n"sv, "\0"sv);
    const std::string text = "a" + std::string(bad) + "b";
    const auto wire = serialize(make("PRIVMSG", {"#c", text}));
    const auto result = parse(without_crlf(wire));

    CHECK(parsed(wire, describe(result)) == parsed(wire, describe(make("PRIVMSG", {"#c", "a b"}))));
}

TEST_CASE("tag values escape and unescape per IRCv3", "[irc][message][tags]")
{
    struct escape_case {
        std::string_view raw;
        std::string_view escaped;
    };
    const auto c = GENERATE(values<escape_case>({
        {"", ""},
        {"plain", "plain"},
        {";", "\\:"},
        {" ", "\\s"},
        {"\\", "\\\\"},
        {"\r", "\\r"},
        {"\n", "\\n"},
        {"a; b\\c\r\nd", "a\\:\\sb\\\\c\\r\\nd"},
        {"=,:@", "=,:@"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
    }));

    CHECK(sala::irc::escape_tag_value(c.raw) == c.escaped);
    CHECK(sala::irc::unescape_tag_value(c.escaped) == c.raw);
}

TEST_CASE("unescaping is lenient about invalid escapes", "[irc][message][tags]")
{
    using sala::irc::unescape_tag_value;
    CHECK(unescape_tag_value("\\x") == "x");  // unknown escape: the character itself
    CHECK(unescape_tag_value("a\\b") == "ab");
    CHECK(unescape_tag_value("end\\") == "end");  // lone trailing backslash dropped
    CHECK(unescape_tag_value("\\\\s") == "\\s");
    CHECK(sala::irc::escape_tag_value("a\0b"sv) == "ab");  // NUL cannot be sent at all
}

TEST_CASE("serialize_tags joins tags without '@' or trailing space", "[irc][message][tags]")
{
    CHECK(sala::irc::serialize_tags({}) == "");
    CHECK(sala::irc::serialize_tags({{"a", "1"}}) == "a=1");
    CHECK(sala::irc::serialize_tags({{"a", "1"}, {"b", ""}, {"c", "x y"}}) == "a=1;b;c=x\\sy");
}

TEST_CASE("find_tag looks up a tag by exact key", "[irc][message][tags]")
{
    const auto m = make({{"time", "noon"}, {"flag", ""}}, "", "CMD", {});
    REQUIRE(m.find_tag("time") != nullptr);
    CHECK(*m.find_tag("time") == "noon");
    REQUIRE(m.find_tag("flag") != nullptr);
    CHECK(m.find_tag("flag")->empty());
    CHECK(m.find_tag("TIME") == nullptr);
    CHECK(m.find_tag("tim") == nullptr);
    CHECK(make("CMD", {}).find_tag("time") == nullptr);
}

TEST_CASE("parse(serialize(m)) gives back m", "[irc][message][roundtrip]")
{
    std::vector<std::string> fifteen;
    for (int i = 1; i < 15; ++i)
        fifteen.push_back(std::to_string(i));
    fifteen.push_back("last one: with spaces");

    const std::vector<message> messages{
        make("PING", {}),
        make("PING", {"token"}),
        make("PRIVMSG", {"#chat", "hello"}),
        make("PRIVMSG", {"#chat", "hello world"}),
        make("PRIVMSG", {"#chat", ":starts with colon"}),
        make("PRIVMSG", {"#chat", "  leading and trailing spaces  "}),
        make("TOPIC", {"#chat", ""}),
        make("MODE", {"#chat", "+ov", "alice", "bob"}),
        make({}, "alice!a@example.org", "NICK", {"alice_"}),
        make({}, "irc.example", "353", {"alice", "=", "#chat", "@alice bob carol"}),
        make({{"time", "2024-01-01T00:00:00.000Z"}}, "irc.example", "NOTICE", {"*", "hi"}),
        make({{"+draft/reply", "msg;id with\\odd\r\nbytes"}, {"flag", ""}}, "n!u@h", "TAGMSG", {"#c"}),
        make({{"a", "1"}, {"b", "2"}}, "", "CMD", {"caf\xC3\xA9", "\xE2\x82\xAC 5"}),
        make("CMD", fifteen),
    };

    for (const auto& m : messages) {
        const std::string wire = serialize(m);
        const auto back = parse(without_crlf(wire));
        CHECK(parsed(wire, describe(back)) == parsed(wire, describe(m)));
    }
}

TEST_CASE("every input split at every byte gives the same lines and messages", "[irc][message][line_reader]")
{
    const std::string stream =
        "PING :a\r\n"
        "\r\n"
        "@t=1;+x=a\\sb :n!u@h PRIVMSG #c :hi there\n"
        "QUIT\r\n"
        "NOTDONE";
    const std::vector<std::string> expected_lines{
        "PING :a", "", "@t=1;+x=a\\sb :n!u@h PRIVMSG #c :hi there", "QUIT"};
    const std::string expected = [&] {
        std::string s;
        for (const auto& l : expected_lines)
            s += "[" + l + "]";
        return s;
    }();

    // Splits the stream into three chunks at a <= b and collects what comes out.
    auto feed = [&](std::size_t a, std::size_t b) {
        sala::irc::line_reader reader(512);
        std::string out;
        for (const auto chunk : {std::string_view(stream).substr(0, a), std::string_view(stream).substr(a, b - a),
                                 std::string_view(stream).substr(b)}) {
            reader.append(chunk);
            while (const auto l = reader.next())
                out += l->overlong ? std::string("[overlong]") : "[" + std::string(l->text) + "]";
        }
        out += " pending=" + std::to_string(reader.pending());
        return out;
    };

    const std::string want = expected + " pending=" + std::to_string(std::string_view("NOTDONE").size());
    REQUIRE(feed(0, 0) == want);

    std::vector<std::string> wrong;  // "split at a,b: <what came out>" for every split that differs
    for (std::size_t a = 0; a <= stream.size(); ++a)
        for (std::size_t b = a; b <= stream.size(); ++b)
            if (const auto got = feed(a, b); got != want)
                wrong.push_back("split at " + std::to_string(a) + "," + std::to_string(b) + ": " + got);
    CHECK(wrong == std::vector<std::string>{});

    // The lines that come out are the messages that were sent.
    std::vector<std::string> commands;
    for (const auto& l : expected_lines) {
        const auto r = parse(l);
        commands.push_back(r.msg ? r.msg->command : describe(r));
    }
    CHECK(commands == std::vector<std::string>{"PING", "error empty", "PRIVMSG", "QUIT"});
}

TEST_CASE("a command is letters or a three-digit numeric", "[irc][message]")
{
    // Found by tools/fuzz/message_fuzz: when every tag was invalid and dropped,
    // "@time=..." became the command and was sent on as if it were tags.
    const auto bad = GENERATE("@time=x PRIVMSG #c :hi"sv, "PRIV@MSG #c :hi"sv, "1234 x"sv, "12 x"sv, "PRIVMSG1 x"sv);
    const auto result = sala::irc::parse(std::string("@&bad.key ") + std::string(bad));
    CHECK_FALSE(result.msg.has_value());
    CHECK(result.error == sala::irc::parse_error::bad_command);
    CHECK(sala::irc::parse("001 me :welcome").msg.has_value());
    CHECK(sala::irc::parse("privmsg #c :hi").msg.has_value());
}
