// Line framing of the input byte stream (src/irc/line_reader.hpp).

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "irc/line_reader.hpp"
#include "printable.hpp"
#include "support/catch.hpp"

using namespace std::string_view_literals;
using sala::irc::line_reader;

namespace {

// Everything next() returns until it returns nothing: "[text]" per line,
// "[overlong]" per dropped line, so a whole sequence compares in one CHECK.
std::string drain(line_reader& reader)
{
    std::string out;
    while (const auto l = reader.next()) {
        if (l->overlong)
            out += l->text.empty() ? "[overlong]" : "[overlong with text!]";
        else
            out += "[" + sala::test::printable(l->text) + "]";
    }
    return out;
}

std::string lines(std::vector<std::string_view> texts)
{
    std::string out;
    for (const auto t : texts)
        out += "[" + sala::test::printable(t) + "]";
    return out;
}

}  // namespace

TEST_CASE("lines end with CR LF or a bare LF", "[irc][line_reader]")
{
    line_reader reader(512);
    reader.append("NICK alice\r\nUSER a 0 * :A\nPING x\r\n");
    CHECK(drain(reader) == lines({"NICK alice", "USER a 0 * :A", "PING x"}));
    CHECK(reader.pending() == 0);
}

TEST_CASE("only the CR right before LF is removed", "[irc][line_reader]")
{
    line_reader reader(512);
    reader.append("a\rb\r\n\rc\n");
    CHECK(drain(reader) == lines({"a\rb", "\rc"}));
}

TEST_CASE("a partial line is held until its end arrives", "[irc][line_reader]")
{
    line_reader reader(512);
    reader.append("PRIV");
    CHECK_FALSE(reader.next().has_value());
    CHECK(reader.pending() == 4);

    reader.append("MSG #c :hi");
    CHECK_FALSE(reader.next().has_value());
    reader.append("\r");
    CHECK_FALSE(reader.next().has_value());
    CHECK(reader.pending() == 15);

    reader.append("\nPING");
    CHECK(drain(reader) == lines({"PRIVMSG #c :hi"}));
    CHECK(reader.pending() == 4);  // "PING" is still waiting for its end

    reader.append("\n");
    CHECK(drain(reader) == lines({"PING"}));
    CHECK(reader.pending() == 0);
}

TEST_CASE("pending counts the bytes not yet returned as lines", "[irc][line_reader]")
{
    line_reader reader(512);
    reader.append("A\r\nBB\nCCC");
    CHECK(reader.pending() == 9);
    REQUIRE(reader.next().has_value());
    CHECK(reader.pending() == 6);
    REQUIRE(reader.next().has_value());
    CHECK(reader.pending() == 3);
    CHECK_FALSE(reader.next().has_value());
    CHECK(reader.pending() == 3);
}

TEST_CASE("empty lines come out as empty text, not as overlong", "[irc][line_reader]")
{
    line_reader reader(512);
    reader.append("\r\n\nX\n\r\n");
    CHECK(drain(reader) == lines({"", "", "X", ""}));
}

TEST_CASE("an overlong line is reported once, then the next line is returned", "[irc][line_reader]")
{
    constexpr std::size_t max = 16;
    line_reader reader(max);

    SECTION("arriving in pieces without a line end")
    {
        reader.append(std::string(max + 1, 'x'));
        CHECK(drain(reader) == "[overlong]");

        // The rest of the same line is skipped silently, however long it is.
        for (int i = 0; i < 10; ++i) {
            reader.append(std::string(3 * max, 'y'));
            CHECK(drain(reader) == "");
        }
        reader.append("zz\r\nPING good\r\n");
        CHECK(drain(reader) == lines({"PING good"}));
    }

    SECTION("arriving together with its line end")
    {
        reader.append(std::string(max + 1, 'x') + "\r\nPING good\r\n");
        CHECK(drain(reader) == "[overlong]" + lines({"PING good"}));
    }

    SECTION("completed by a later chunk")
    {
        reader.append(std::string(max - 2, 'x'));
        CHECK(drain(reader) == "");
        reader.append("xxx\nPING good\n");
        CHECK(drain(reader) == "[overlong]" + lines({"PING good"}));
    }

    SECTION("two overlong lines in a row are two reports")
    {
        reader.append(std::string(max + 5, 'x'));
        CHECK(drain(reader) == "[overlong]");
        reader.append("\n" + std::string(max + 5, 'y'));
        CHECK(drain(reader) == "[overlong]");
        reader.append("\nok\n");
        CHECK(drain(reader) == lines({"ok"}));
    }
    CHECK(reader.pending() == 0);
}

TEST_CASE("memory stays bounded while overlong garbage streams in", "[irc][line_reader]")
{
    constexpr std::size_t max = 64;
    line_reader reader(max);
    const std::string chunk(7, 'g');

    std::size_t reports = 0;
    std::size_t most_pending = 0;
    for (int i = 0; i < 1000; ++i) {
        reader.append(chunk);
        while (const auto l = reader.next())
            if (l->overlong)
                ++reports;
        most_pending = std::max(most_pending, reader.pending());
    }
    CHECK(reports == 1);
    CHECK(most_pending <= max);

    reader.append("\r\nQUIT\r\n");
    CHECK(drain(reader) == lines({"QUIT"}));
}

TEST_CASE("a line of exactly max bytes is accepted, max + 1 is overlong", "[irc][line_reader]")
{
    constexpr std::size_t max = 32;
    const auto end = GENERATE("\r\n"sv, "\n"sv);
    const std::string at_max(max, 'a');
    const std::string over(max + 1, 'b');

    line_reader reader(max);
    SECTION("in one chunk")
    {
        reader.append(at_max + std::string(end) + over + std::string(end) + "next" + std::string(end));
        CHECK(drain(reader) == lines({at_max}) + "[overlong]" + lines({"next"}));
    }
    SECTION("the line end arriving separately")
    {
        reader.append(at_max);
        CHECK(drain(reader) == "");
        reader.append(end);
        CHECK(drain(reader) == lines({at_max}));

        reader.append(over);
        CHECK(drain(reader) == "[overlong]");
        reader.append(end);
        CHECK(drain(reader) == "");
    }
}

TEST_CASE("a line of exactly max bytes survives CR and LF arriving apart", "[irc][line_reader]")
{
    // With no LF yet, the CR must not count towards the line length.
    constexpr std::size_t max = 32;
    const std::string at_max(max, 'a');
    line_reader reader(max);

    reader.append(at_max + "\r");
    CHECK(drain(reader) == "");
    reader.append("\nnext\r\n");
    CHECK(drain(reader) == lines({at_max, "next"}));
}

TEST_CASE("any split of the stream gives the same lines", "[irc][line_reader]")
{
    constexpr std::size_t max = 10;
    // Lines below, at and above the limit, with both kinds of line end.
    const std::string stream = "short\r\n0123456789\n" + std::string(max + 1, 'x') + "\r\n\r\nlast\n";
    const std::string want = lines({"short", "0123456789"}) + "[overlong]" + lines({"", "last"});

    std::vector<std::string> wrong;
    for (std::size_t at = 0; at <= stream.size(); ++at) {
        line_reader reader(max);
        reader.append(std::string_view(stream).substr(0, at));
        std::string got = drain(reader);
        reader.append(std::string_view(stream).substr(at));
        got += drain(reader);
        if (got != want)
            wrong.push_back("split at " + std::to_string(at) + ": " + got);
    }
    CHECK(wrong == std::vector<std::string>{});

    line_reader bytewise(max);
    std::string got;
    for (char c : stream) {
        bytewise.append(std::string_view(&c, 1));
        got += drain(bytewise);
    }
    CHECK(got == want);
}
