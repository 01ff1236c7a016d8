#include "client/line_editor.hpp"
#include "client/utf8.hpp"

#include "support/catch.hpp"

using sala::client::line_editor;

TEST_CASE("editor inserts and moves over UTF-8 clusters", "[editor]")
{
    line_editor ed;
    ed.insert("héllo");
    CHECK(ed.text() == "héllo");
    CHECK(ed.cursor() == 6);
    ed.home();
    ed.right();
    ed.right();  // over the two-byte é
    CHECK(ed.cursor() == 3);
    ed.left();
    CHECK(ed.cursor() == 1);
    ed.erase();
    CHECK(ed.text() == "hllo");
    ed.end();
    ed.backspace();
    CHECK(ed.text() == "hll");
}

TEST_CASE("editor treats a base and combining marks as one", "[editor]")
{
    line_editor ed;
    ed.insert("ae\xCC\x81" "b");  // a, e + combining acute, b
    ed.left();
    ed.left();
    CHECK(ed.cursor() == 1);
    ed.erase();
    CHECK(ed.text() == "ab");
    ed.insert("日本");
    CHECK(ed.text() == "a日本b");
    ed.backspace();
    CHECK(ed.text() == "a日b");
    CHECK(sala::client::text_width(ed.text()) == 4);
}

TEST_CASE("editor kill keys", "[editor]")
{
    line_editor ed;
    ed.insert("one two  three");
    ed.kill_word();
    CHECK(ed.text() == "one two  ");
    ed.kill_word();
    CHECK(ed.text() == "one ");
    ed.insert("x y");
    ed.left();
    ed.left();
    ed.kill_to_end();
    CHECK(ed.text() == "one x");
    ed.left();
    ed.kill_to_start();
    CHECK(ed.text() == "x");
    CHECK(ed.cursor() == 0);
}

TEST_CASE("editor drops control bytes from pasted text", "[editor]")
{
    line_editor ed;
    ed.insert("a\x1b[2Jb\x07\xC2\x9B" "c");
    CHECK(ed.text() == "a[2Jbc");
}

TEST_CASE("editor history keeps the draft", "[editor]")
{
    line_editor ed;
    ed.insert("first");
    CHECK(ed.submit() == "first");
    ed.insert("second");
    CHECK(ed.submit() == "second");
    ed.insert("draft");
    ed.history_prev();
    CHECK(ed.text() == "second");
    ed.history_prev();
    CHECK(ed.text() == "first");
    ed.history_prev();
    CHECK(ed.text() == "first");
    ed.history_next();
    ed.history_next();
    CHECK(ed.text() == "draft");
    CHECK(ed.cursor() == 5);
}

TEST_CASE("editor history skips a line submitted as secret", "[editor]")
{
    line_editor ed;
    ed.insert("hello");
    (void)ed.submit();
    ed.insert("/register hunter2");
    CHECK(ed.submit(false) == "/register hunter2");
    ed.history_prev();
    CHECK(ed.text() == "hello");
    ed.history_prev();
    CHECK(ed.text() == "hello");
}

TEST_CASE("editor completes nicks and commands", "[editor]")
{
    const std::vector<std::string> nicks = {"alice", "Albert", "bob"};
    const std::vector<std::string> commands = {"/join", "/quit", "/quote"};
    line_editor ed;
    ed.insert("al");
    ed.complete(nicks, commands);
    CHECK(ed.text() == "Albert: ");
    ed.complete(nicks, commands);
    CHECK(ed.text() == "alice: ");
    ed.complete(nicks, commands);
    CHECK(ed.text() == "Albert: ");

    line_editor mid;
    mid.insert("hi B");
    mid.complete(nicks, commands);
    CHECK(mid.text() == "hi bob ");

    line_editor cmd;
    cmd.insert("/qu");
    cmd.complete(nicks, commands);
    CHECK(cmd.text() == "/quit ");
    cmd.complete(nicks, commands);
    CHECK(cmd.text() == "/quote ");

    line_editor none;
    none.insert("zz");
    none.complete(nicks, commands);
    CHECK(none.text() == "zz");
}

TEST_CASE("editor visible slice keeps the cursor on screen", "[editor]")
{
    line_editor ed;
    ed.insert("0123456789");
    auto v = ed.visible(5);
    CHECK(v.cursor_column == 4);
    CHECK(v.last == 10);
    CHECK(v.first == 6);
    ed.home();
    v = ed.visible(5);
    CHECK(v.first == 0);
    CHECK(v.last == 5);
    CHECK(v.cursor_column == 0);

    line_editor wide;
    wide.insert("日本語");
    v = wide.visible(4);
    CHECK(v.cursor_column == 2);
    CHECK(v.first == 6);
}
