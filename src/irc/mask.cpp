#include "irc/mask.hpp"

#include <cstddef>

namespace sala::irc {

namespace {

char fold_char(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool mask_match(std::string_view mask, std::string_view text)
{
    std::size_t m = 0, t = 0;
    std::size_t star = std::string_view::npos;  // position in mask after the last '*'
    std::size_t resume = 0;                     // where in text that '*' resumes
    while (t < text.size()) {
        if (m < mask.size() && (mask[m] == '?' || (mask[m] != '*' && fold_char(mask[m]) == fold_char(text[t])))) {
            ++m;
            ++t;
        } else if (m < mask.size() && mask[m] == '*') {
            star = ++m;
            resume = t;
        } else if (star != std::string_view::npos) {
            m = star;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (m < mask.size() && mask[m] == '*')
        ++m;
    return m == mask.size();
}

}  // namespace sala::irc
