#pragma once
// The input line: a UTF-8 string and a cursor (a byte offset that always sits
// on a character-cluster boundary), editing keys, history and Tab completion.
// Pure: no terminal, no I/O. Not thread-safe. Nothing throws except
// std::bad_alloc.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sala::client {

class line_editor {
public:
    explicit line_editor(std::size_t history_limit = 500) : history_limit_(history_limit) {}

    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] std::size_t cursor() const { return cursor_; }

    // Inserts UTF-8 text at the cursor; control bytes are dropped so a paste
    // cannot smuggle them into a sent line.
    void insert(std::string_view utf8);
    void left();
    void right();
    void home();
    void end();
    void backspace();   // removes the cluster before the cursor
    void erase();       // Delete: removes the cluster at the cursor
    void kill_to_start();  // Ctrl-U
    void kill_to_end();    // Ctrl-K
    void kill_word();      // Ctrl-W: the word (and spaces) before the cursor
    void history_prev();   // Up
    void history_next();   // Down

    // Enter: returns the line, adds it to the history unless `remember` is
    // false (a line with a password in it), clears the editor.
    std::string submit(bool remember = true);

    // Tab: completes the word before the cursor from `nicks`, or, for a word
    // starting with '/' at the beginning of the line, from `commands`.
    // Repeated Tabs cycle through the matches. A nick completed at the start of
    // the line gets ": " after it. No match: nothing changes.
    void complete(const std::vector<std::string>& nicks, const std::vector<std::string>& commands);

    // The slice of the line to draw in `width` cells so that the cursor is
    // visible: byte range [first, last) and the cursor's column in it.
    struct view {
        std::size_t first;
        std::size_t last;
        std::size_t cursor_column;
    };
    [[nodiscard]] view visible(std::size_t width) const;

private:
    void edited() { completing_ = false; }

    std::string text_;
    std::size_t cursor_ = 0;

    std::vector<std::string> history_;
    std::size_t history_pos_ = 0;  // == history_.size(): editing a new line
    std::string draft_;            // the new line, kept while browsing history
    std::size_t history_limit_;

    // Tab cycling state: valid while completing_ is true.
    bool completing_ = false;
    std::size_t word_start_ = 0;
    std::vector<std::string> matches_;
    std::size_t match_index_ = 0;
    std::string suffix_;  // what the completion appended after the word
};

}  // namespace sala::client
