#include "core/login_throttle.hpp"

#include "support/catch.hpp"

using sala::core::login_throttle;
using namespace std::chrono_literals;

TEST_CASE("a key is refused after its limit within a window, and allowed again once it ends", "[throttle]")
{
    login_throttle t(3, 60s);
    const auto start = login_throttle::clock::time_point{} + 1000s;
    for (int i = 0; i < 3; ++i) {
        CHECK(t.allowed("10.0.0.1", start + 1s * i));
        t.record("10.0.0.1", start + 1s * i);
    }
    CHECK_FALSE(t.allowed("10.0.0.1", start + 10s));
    CHECK(t.allowed("10.0.0.2", start + 10s));  // others are not affected
    CHECK(t.allowed("10.0.0.1", start + 60s));
    t.record("10.0.0.1", start + 60s);
    CHECK(t.allowed("10.0.0.1", start + 61s));
}

TEST_CASE("the throttle keeps at most its key budget, dropping expired keys first", "[throttle]")
{
    login_throttle t(1, 60s, 3);
    const auto start = login_throttle::clock::time_point{} + 1000s;
    t.record("a", start);
    t.record("b", start + 100s);
    t.record("c", start + 101s);
    t.record("d", start + 102s);  // "a" has expired: it goes
    CHECK(t.keys() == 3);
    CHECK_FALSE(t.allowed("b", start + 103s));
    t.record("e", start + 103s);  // all fresh: the oldest ("b") goes
    CHECK(t.keys() == 3);
    CHECK(t.allowed("b", start + 103s));
    CHECK_FALSE(t.allowed("e", start + 103s));
}
