// The text rule: stripping leaves no control byte, keeps valid UTF-8 valid, is
// idempotent, and truncation never splits a character; framing stays bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "irc/line_reader.hpp"
#include "irc/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace sala::irc;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const bool valid = valid_utf8(in);
    const auto stripped = strip_controls(in);
    if (has_controls(in) != (stripped != in))
        std::abort();
    if (valid) {
        if (!valid_utf8(stripped) || has_controls(stripped) || strip_controls(stripped) != stripped)
            std::abort();
        if (stripped.find_first_of("\x1b\x7f") != std::string::npos)
            std::abort();
        for (std::size_t n : {std::size_t{0}, size / 2, size})
            if (!valid_utf8(truncate_utf8(in, n)) || truncate_utf8(in, n).size() > n)
                std::abort();
    }
    line_reader reader(64);
    for (std::size_t i = 0; i < size; i += 7) {
        reader.append(in.substr(i, 7));
        while (auto l = reader.next())
            if (l->text.size() > 64 || l->text.find('\n') != std::string_view::npos)
                std::abort();
        if (reader.pending() > 64 + 7 + 1)
            std::abort();  // memory stays bounded whatever arrives
    }
    return 0;
}
