#include "client/reconnect.hpp"

#include "support/catch.hpp"

using namespace std::chrono_literals;
using sala::client::reconnect_schedule;

TEST_CASE("reconnect delays double up to the cap with jitter", "[reconnect]")
{
    reconnect_schedule s(1000ms, 8000ms);
    CHECK(s.next(0.0) == 500ms);
    CHECK(s.next(0.0) == 1000ms);
    CHECK(s.next(1.0) == 4000ms);
    CHECK(s.next(0.5) == 6000ms);
    CHECK(s.next(0.999) <= 8000ms);
    CHECK(s.next(0.0) == 4000ms);  // capped: half fixed, half random
    for (int i = 0; i < 100; ++i)
        CHECK(s.next(0.25) == 5000ms);  // no overflow after many attempts
    s.reset();
    CHECK(s.next(1.0) == 1000ms);
    CHECK(s.next(-3.0) == 1000ms);  // out-of-range randomness is clamped
}
