#include "irc/line_reader.hpp"

namespace sala::irc {

std::optional<line_reader::line> line_reader::next()
{
    if (consumed_ > 0 && consumed_ == buffer_.size()) {
        buffer_.clear();
        consumed_ = 0;
        buffer_.shrink_to_fit();  // nothing pending: an idle connection keeps no buffer
    }
    const std::string_view rest = std::string_view(buffer_).substr(consumed_);
    const auto eol = rest.find('\n');
    if (eol == std::string_view::npos) {
        // A line of max bytes may be waiting for the LF after its CR.
        const bool awaiting_lf = rest.size() == max_line_ + 1 && rest.back() == '\r';
        if (rest.size() > max_line_ && !awaiting_lf) {
            // Keep memory bounded: drop what we have and skip the rest of this line.
            buffer_.clear();
            consumed_ = 0;
            if (!discarding_) {
                discarding_ = true;
                return line{{}, true};
            }
        } else if (consumed_ > 0) {
            buffer_.erase(0, consumed_);  // compact so the buffer never creeps
            consumed_ = 0;
        }
        return std::nullopt;
    }
    consumed_ += eol + 1;
    if (discarding_) {
        discarding_ = false;
        return next();
    }
    std::string_view text = rest.substr(0, eol);
    if (!text.empty() && text.back() == '\r')
        text.remove_suffix(1);
    if (text.size() > max_line_)
        return line{{}, true};
    return line{text, false};
}

}  // namespace sala::irc
