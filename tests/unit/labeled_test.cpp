// labeled-response: ACK, one labeled line, or a labeled batch.
#include <string>

#include "irc/labeled.hpp"
#include "support/catch.hpp"

using sala::irc::labeled;

TEST_CASE("labeled: no answer is an ACK, one line carries the label", "[irc][labeled]")
{
    CHECK(labeled("srv", "abc", "", true, "b1") == "@label=abc :srv ACK\r\n");
    CHECK(labeled("srv", "abc", ":srv PONG srv :x\r\n", true, "b1") == "@label=abc :srv PONG srv :x\r\n");
    // A line with tags of its own gets the label added to them.
    CHECK(labeled("srv", "abc", "@time=t :a!u@h PRIVMSG #c :hi\r\n", false, "b1")
        == "@label=abc;time=t :a!u@h PRIVMSG #c :hi\r\n");
    // Label values are escaped as tag values.
    CHECK(labeled("srv", "a b;c", "", true, "b1") == "@label=a\\sb\\:c :srv ACK\r\n");
}

TEST_CASE("labeled: several lines form a labeled-response batch", "[irc][labeled]")
{
    const std::string answer = ":a!u@h JOIN #c\r\n:srv 353 a = #c :a\r\n@time=t :srv 366 a #c :End\r\n";
    CHECK(labeled("srv", "x1", answer, true, "lr7")
        == "@label=x1 :srv BATCH +lr7 labeled-response\r\n"
           "@batch=lr7 :a!u@h JOIN #c\r\n"
           "@batch=lr7 :srv 353 a = #c :a\r\n"
           "@batch=lr7;time=t :srv 366 a #c :End\r\n"
           ":srv BATCH -lr7\r\n");
    // Without batch there is no way to label them all: they go out as they are.
    CHECK(labeled("srv", "x1", answer, false, "lr7") == answer);
}

TEST_CASE("labeled: a batch in the answer nests inside the labeled-response batch", "[irc][labeled]")
{
    const std::string answer = ":srv BATCH +h1 chathistory #c\r\n"
                               "@batch=h1;time=t :a!u@h PRIVMSG #c :hi\r\n"
                               "@time=t;batch=h1 :a!u@h PRIVMSG #c :again\r\n"
                               ":srv BATCH -h1\r\n"
                               "@batchy=1 :srv NOTE X Y :z\r\n";
    CHECK(labeled("srv", "x1", answer, true, "lr7")
        == "@label=x1 :srv BATCH +lr7 labeled-response\r\n"
           "@batch=lr7 :srv BATCH +h1 chathistory #c\r\n"
           "@batch=h1;time=t :a!u@h PRIVMSG #c :hi\r\n"
           "@time=t;batch=h1 :a!u@h PRIVMSG #c :again\r\n"
           "@batch=lr7 :srv BATCH -h1\r\n"
           "@batch=lr7;batchy=1 :srv NOTE X Y :z\r\n"
           ":srv BATCH -lr7\r\n");
}
