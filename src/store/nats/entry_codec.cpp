#include "store/nats/entry_codec.hpp"

#include <cstdint>

#include "store/varint.hpp"

namespace sala::store::nats {

namespace {

constexpr char format_version = 1;

// Reads what put_* wrote; any shortfall sets failed() and yields zeros.
class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] std::size_t left() const { return in_.size(); }

    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64 && !in_.empty(); shift += 7) {
            const auto byte = static_cast<std::uint8_t>(in_.front());
            in_.remove_prefix(1);
            v |= std::uint64_t{byte & 0x7fu} << shift;
            if ((byte & 0x80) == 0)
                return v;
        }
        failed_ = true;
        return 0;
    }

    std::string text()
    {
        const auto n = varint();
        if (failed_ || n > in_.size()) {
            failed_ = true;
            return {};
        }
        std::string out(in_.substr(0, n));
        in_.remove_prefix(n);
        return out;
    }

    char byte()
    {
        if (in_.empty()) {
            failed_ = true;
            return 0;
        }
        const char c = in_.front();
        in_.remove_prefix(1);
        return c;
    }

private:
    std::string_view in_;
    bool failed_ = false;
};

// The fewest bytes an entry takes: kind, two numbers and five empty texts.
constexpr std::size_t min_entry_bytes = 8;

}  // namespace

std::string encode_entries(const std::vector<core::history_entry>& entries)
{
    std::string out;
    out.push_back(format_version);
    put_varint(out, entries.size());
    for (const auto& e : entries) {
        out.push_back(static_cast<char>(e.kind));
        put_varint(out, static_cast<std::uint64_t>(e.time_ms));
        put_varint(out, static_cast<std::uint64_t>(e.sequence));
        put_text(out, e.target);
        put_text(out, e.msgid);
        put_text(out, e.line);
        put_text(out, e.client_tags);
        put_text(out, e.account);
    }
    return out;
}

std::optional<std::vector<core::history_entry>> decode_entries(std::string_view bytes)
{
    reader in(bytes);
    if (in.byte() != format_version)
        return std::nullopt;
    const auto count = in.varint();
    if (in.failed() || count > in.left() / min_entry_bytes)
        return std::nullopt;
    std::vector<core::history_entry> out(count);
    for (auto& e : out) {
        const auto kind = static_cast<std::uint8_t>(in.byte());
        if (kind > static_cast<std::uint8_t>(core::last_history_kind))
            return std::nullopt;
        e.kind = static_cast<core::history_kind>(kind);
        e.time_ms = static_cast<std::int64_t>(in.varint());
        e.sequence = static_cast<std::int64_t>(in.varint());
        e.target = in.text();
        e.msgid = in.text();
        e.line = in.text();
        e.client_tags = in.text();
        e.account = in.text();
        if (in.failed())
            return std::nullopt;
    }
    if (in.left() != 0)
        return std::nullopt;
    return out;
}

std::string subject_token(std::string_view target)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(target.size() * 2);
    for (const auto c : target) {
        const auto b = static_cast<std::uint8_t>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

}  // namespace sala::store::nats
