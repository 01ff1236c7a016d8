#pragma once
// Splits a byte stream into IRC lines (CR LF or bare LF), bounding memory.
// Pure; one instance per connection, not thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sala::irc {

class line_reader {
public:
    // `max_line` bounds one line including tags; longer input is reported as
    // overlong once and discarded up to the next line end.
    explicit line_reader(std::size_t max_line) : max_line_(max_line) {}

    struct line {
        std::string_view text;  // without CR LF; valid until the next call
        bool overlong = false;  // true: text is empty, the line was dropped
    };

    void append(std::string_view bytes) { buffer_.append(bytes); }

    // The next complete line, or nothing until more bytes arrive.
    [[nodiscard]] std::optional<line> next();

    // Bytes received but not yet returned as lines.
    [[nodiscard]] std::size_t pending() const { return buffer_.size() - consumed_; }

private:
    std::string buffer_;
    std::size_t consumed_ = 0;
    std::size_t max_line_;
    bool discarding_ = false;  // inside an overlong line, skipping to its end
};

}  // namespace sala::irc
