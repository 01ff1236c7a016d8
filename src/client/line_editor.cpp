#include "client/line_editor.hpp"

#include <algorithm>

#include "client/utf8.hpp"
#include "irc/names.hpp"

namespace sala::client {

void line_editor::insert(std::string_view utf8)
{
    std::string clean;
    clean.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        const auto d = decode_at(utf8, i);
        i += d.size;
        if (d.cp < 0x20 || d.cp == 0x7F || (d.cp >= 0x80 && d.cp <= 0x9F))
            continue;
        append_utf8(clean, d.cp);
    }
    text_.insert(cursor_, clean);
    cursor_ += clean.size();
    edited();
}

void line_editor::left()
{
    cursor_ = prev_cluster(text_, cursor_);
    edited();
}

void line_editor::right()
{
    cursor_ = next_cluster(text_, cursor_);
    edited();
}

void line_editor::home()
{
    cursor_ = 0;
    edited();
}

void line_editor::end()
{
    cursor_ = text_.size();
    edited();
}

void line_editor::backspace()
{
    const auto start = prev_cluster(text_, cursor_);
    text_.erase(start, cursor_ - start);
    cursor_ = start;
    edited();
}

void line_editor::erase()
{
    const auto stop = next_cluster(text_, cursor_);
    text_.erase(cursor_, stop - cursor_);
    edited();
}

void line_editor::kill_to_start()
{
    text_.erase(0, cursor_);
    cursor_ = 0;
    edited();
}

void line_editor::kill_to_end()
{
    text_.erase(cursor_);
    edited();
}

void line_editor::kill_word()
{
    std::size_t start = cursor_;
    while (start > 0 && text_[start - 1] == ' ')
        --start;
    while (start > 0 && text_[start - 1] != ' ')
        --start;
    text_.erase(start, cursor_ - start);
    cursor_ = start;
    edited();
}

void line_editor::history_prev()
{
    if (history_pos_ == 0)
        return;
    if (history_pos_ == history_.size())
        draft_ = text_;
    --history_pos_;
    text_ = history_[history_pos_];
    cursor_ = text_.size();
    edited();
}

void line_editor::history_next()
{
    if (history_pos_ >= history_.size())
        return;
    ++history_pos_;
    text_ = history_pos_ == history_.size() ? draft_ : history_[history_pos_];
    cursor_ = text_.size();
    edited();
}

std::string line_editor::submit(bool remember)
{
    std::string line = std::move(text_);
    text_.clear();
    cursor_ = 0;
    draft_.clear();
    if (remember && !line.empty() && (history_.empty() || history_.back() != line)) {
        history_.push_back(line);
        if (history_.size() > history_limit_)
            history_.erase(history_.begin());
    }
    history_pos_ = history_.size();
    edited();
    return line;
}

void line_editor::complete(const std::vector<std::string>& nicks, const std::vector<std::string>& commands)
{
    if (completing_ && !matches_.empty()) {
        // Replace the previous match with the next one.
        const auto old_len = matches_[match_index_].size() + suffix_.size();
        text_.erase(word_start_, old_len);
        match_index_ = (match_index_ + 1) % matches_.size();
    } else {
        std::size_t start = cursor_;
        while (start > 0 && text_[start - 1] != ' ')
            --start;
        const std::string prefix = irc::fold(std::string_view(text_).substr(start, cursor_ - start));
        if (prefix.empty())
            return;
        const bool command = start == 0 && prefix.front() == '/';
        const auto& pool = command ? commands : nicks;
        std::vector<std::string> found;
        for (const auto& candidate : pool)
            if (irc::fold(candidate).starts_with(prefix))
                found.push_back(candidate);
        if (found.empty())
            return;
        std::sort(found.begin(), found.end(),
                  [](const std::string& a, const std::string& b) { return irc::fold(a) < irc::fold(b); });
        text_.erase(start, cursor_ - start);
        matches_ = std::move(found);
        match_index_ = 0;
        word_start_ = start;
        suffix_ = command ? " " : (start == 0 ? ": " : " ");
    }
    const std::string insertion = matches_[match_index_] + suffix_;
    text_.insert(word_start_, insertion);
    cursor_ = word_start_ + insertion.size();
    completing_ = true;
}

line_editor::view line_editor::visible(std::size_t width) const
{
    if (width == 0)
        return {cursor_, cursor_, 0};
    // Start far enough left that the cursor fits, keeping a cell for it.
    std::size_t first = 0;
    while (text_width(std::string_view(text_).substr(first, cursor_ - first)) + 1 > width && first < cursor_)
        first = next_cluster(text_, first);
    const std::size_t column = text_width(std::string_view(text_).substr(first, cursor_ - first));
    std::size_t last = first;
    std::size_t used = 0;
    while (last < text_.size()) {
        const auto next = next_cluster(text_, last);
        const auto w = text_width(std::string_view(text_).substr(last, next - last));
        if (used + w > width)
            break;
        used += w;
        last = next;
    }
    return {first, last, column};
}

}  // namespace sala::client
