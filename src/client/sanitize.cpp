#include "client/sanitize.hpp"

#include "client/utf8.hpp"

namespace sala::client {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Reads up to two digits at s[i]; returns -1 when there are none.
int read_colour(std::string_view s, std::size_t& i)
{
    if (i >= s.size() || !is_digit(s[i]))
        return -1;
    int v = s[i++] - '0';
    if (i < s.size() && is_digit(s[i]))
        v = v * 10 + (s[i++] - '0');
    return v;
}

class builder {
public:
    void put(std::string_view bytes)
    {
        if (runs_.empty() || runs_.back().style != style_)
            runs_.push_back({std::string{}, style_});
        runs_.back().text.append(bytes);
    }
    text_style& style() { return style_; }
    std::vector<styled_run> take() { return std::move(runs_); }

private:
    std::vector<styled_run> runs_;
    text_style style_;
};

}  // namespace

std::vector<styled_run> render_irc_text(std::string_view s)
{
    builder out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        auto& st = out.style();
        if (c < 0x20 || c == 0x7F) {
            ++i;
            switch (c) {
            case 0x02: st.bold = !st.bold; break;
            case 0x1D: st.italic = !st.italic; break;
            case 0x1F: st.underline = !st.underline; break;
            case 0x16: st.reverse = !st.reverse; break;
            case 0x1E: st.strike = !st.strike; break;
            case 0x0F: st = text_style{}; break;
            case 0x03: {
                const int fg = read_colour(s, i);
                if (fg < 0) {
                    st.fg = st.bg = -1;
                    break;
                }
                st.fg = fg;
                if (i + 1 < s.size() && s[i] == ',' && is_digit(s[i + 1])) {
                    ++i;
                    st.bg = read_colour(s, i);
                }
                break;
            }
            case 0x04:  // hex colour: shown as the default colour, digits swallowed
                for (int k = 0; k < 6 && i < s.size() && is_hex(s[i]); ++k)
                    ++i;
                break;
            case 0x09: out.put(" "); break;  // a tab would move the cursor
            default: break;                  // ESC, BEL, CR, ...: dropped
            }
            continue;
        }
        if (c < 0x80) {
            out.put(s.substr(i, 1));
            ++i;
            continue;
        }
        const auto d = decode_at(s, i);
        i += d.size;
        if (d.valid && d.cp >= 0x80 && d.cp <= 0x9F)
            continue;  // C1: some terminals read U+009B as CSI
        if (!d.valid) {
            out.put("\xEF\xBF\xBD");
            continue;
        }
        out.put(s.substr(i - d.size, d.size));
    }
    return out.take();
}

std::string sanitize_text(std::string_view raw)
{
    std::string out;
    for (const auto& run : render_irc_text(raw))
        out += run.text;
    return out;
}

}  // namespace sala::client
