#include "store/sqlite/history_chunk.hpp"

#include "core/msgid.hpp"
#include "store/store_error.hpp"
#include "store/varint.hpp"

namespace sala::store::sqlite {

namespace {

class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    [[nodiscard]] bool done() const { return in_.empty(); }

    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const auto byte = static_cast<std::uint8_t>(take(1)[0]);
            v |= std::uint64_t{byte & 0x7fu} << shift;
            if ((byte & 0x80) == 0)
                return v;
        }
        damaged();
    }

    std::string_view take(std::uint64_t n)
    {
        if (n > in_.size())
            damaged();
        const auto out = in_.substr(0, n);
        in_.remove_prefix(n);
        return out;
    }

    std::string text() { return std::string(take(varint())); }

private:
    [[noreturn]] static void damaged() { throw store_error("a stored history chunk is damaged"); }

    std::string_view in_;
};

}  // namespace

bool chunk_builder::fits(const core::history_entry& e) const
{
    if (empty())
        return true;
    return e.target == current_.target && e.sequence > current_.last_id && current_.lines < chunk_max_lines
        && core::msgid_source::time_of(e.sequence) - core::msgid_source::time_of(current_.first_id)
        <= chunk_max_span_ms;
}

void chunk_builder::add(const core::history_entry& e)
{
    if (empty()) {
        current_.target = e.target;
        current_.first_id = e.sequence;
        current_.last_id = e.sequence;
    }
    put_varint(current_.body, static_cast<std::uint64_t>(e.sequence - current_.last_id));
    current_.body.push_back(static_cast<char>(e.kind));
    put_text(current_.body, e.msgid);
    put_text(current_.body, e.line);
    put_text(current_.body, e.client_tags);
    put_text(current_.body, e.account);
    current_.last_id = e.sequence;
    ++current_.lines;
}

chunk chunk_builder::take()
{
    chunk out = std::move(current_);
    current_ = {};
    return out;
}

std::vector<core::history_entry> decode_chunk(std::string_view target, std::int64_t first_id, std::string_view body)
{
    std::vector<core::history_entry> out;
    reader in(body);
    auto id = first_id;
    while (!in.done()) {
        core::history_entry e;
        id += static_cast<std::int64_t>(in.varint());
        e.target = target;
        e.sequence = id;
        e.time_ms = core::msgid_source::time_of(id);
        const auto kind = static_cast<std::uint8_t>(in.take(1)[0]);
        if (kind > static_cast<std::uint8_t>(core::last_history_kind))
            throw store_error("a stored history chunk is damaged");
        e.kind = static_cast<core::history_kind>(kind);
        e.msgid = in.text();
        e.line = in.text();
        e.client_tags = in.text();
        e.account = in.text();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace sala::store::sqlite
