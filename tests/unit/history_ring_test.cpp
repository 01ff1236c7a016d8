#include "core/history_ring.hpp"

#include "support/catch.hpp"

namespace {

sala::core::history_entry at(std::int64_t ms) { return {"#r", std::to_string(ms), ms, {}, {}, {}, {}, 0}; }

std::vector<std::int64_t> times(const std::vector<sala::core::history_entry>& v)
{
    std::vector<std::int64_t> out;
    for (const auto& e : v)
        out.push_back(e.time_ms);
    return out;
}

}  // namespace

TEST_CASE("history ring: keeps the newest lines up to its capacity", "[unit][history]")
{
    sala::core::history_ring ring(3);
    for (std::int64_t t = 1; t <= 5; ++t)
        ring.push(at(t));
    CHECK(ring.size() == 3);
    CHECK(times(ring.recent(10, 0)) == std::vector<std::int64_t>{3, 4, 5});
    CHECK(times(ring.recent(2, 0)) == std::vector<std::int64_t>{4, 5});
}

TEST_CASE("history ring: replay stops at the age limit", "[unit][history]")
{
    sala::core::history_ring ring(10);
    for (std::int64_t t = 1; t <= 5; ++t)
        ring.push(at(t * 100));
    CHECK(times(ring.recent(10, 300)) == std::vector<std::int64_t>{300, 400, 500});
    CHECK(ring.recent(10, 501).empty());
}

TEST_CASE("history ring: capacity zero keeps nothing", "[unit][history]")
{
    sala::core::history_ring ring(0);
    ring.push(at(1));
    CHECK(ring.recent(5, 0).empty());
}
