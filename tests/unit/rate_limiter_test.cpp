// Token bucket for input lines (src/core/rate_limiter.hpp). Time is passed in.

#include <chrono>
#include <vector>

#include "core/limits.hpp"
#include "core/rate_limiter.hpp"
#include "support/catch.hpp"

#if defined(SALA_CATCH2_V3)
using Catch::Approx;
#endif

using namespace std::chrono_literals;
using sala::core::rate_limiter;

namespace {

const rate_limiter::clock::time_point t0 = rate_limiter::clock::time_point{} + 1h;

// take() `n` times at `now`; the waits it returned, in milliseconds.
std::vector<long long> waits(rate_limiter& limiter, int n, rate_limiter::clock::time_point now)
{
    std::vector<long long> out;
    for (int i = 0; i < n; ++i)
        out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(limiter.take(now)).count());
    return out;
}

}  // namespace

TEST_CASE("burst lines pass at once, the next one waits 1/rate", "[core][rate_limiter]")
{
    rate_limiter limiter(5, 2, t0);  // 5 at once, then 2 per second
    CHECK(limiter.enabled());
    CHECK(waits(limiter, 5, t0) == std::vector<long long>{0, 0, 0, 0, 0});
    CHECK(limiter.take(t0) == 500ms);
}

TEST_CASE("a client that keeps sending is told to wait longer and longer", "[core][rate_limiter]")
{
    rate_limiter limiter(3, 4, t0);
    CHECK(waits(limiter, 8, t0) == std::vector<long long>{0, 0, 0, 250, 500, 750, 1000, 1250});
}

TEST_CASE("a client sending exactly at the rate waits the same each time", "[core][rate_limiter]")
{
    rate_limiter limiter(1, 4, t0);
    CHECK(limiter.take(t0) == 0ms);
    std::vector<long long> got;
    for (int i = 0; i < 5; ++i)
        got.push_back(waits(limiter, 1, t0 + i * 250ms).front());
    CHECK(got == std::vector<long long>{250, 250, 250, 250, 250});
}

TEST_CASE("tokens refill with time", "[core][rate_limiter]")
{
    rate_limiter limiter(5, 2, t0);
    REQUIRE(waits(limiter, 5, t0) == std::vector<long long>{0, 0, 0, 0, 0});

    SECTION("a partial refill shortens the wait")
    {
        CHECK(limiter.take(t0 + 250ms) == 250ms);  // half a token back, half missing
    }
    SECTION("one second at 2/s gives two lines back")
    {
        CHECK(waits(limiter, 3, t0 + 1s) == std::vector<long long>{0, 0, 500});
    }
    SECTION("debt is paid off by waiting")
    {
        REQUIRE(waits(limiter, 2, t0) == std::vector<long long>{500, 1000});
        CHECK(limiter.take(t0 + 1s) == 500ms);  // 2 tokens owed, 2 regained, 1 spent now
    }
}

TEST_CASE("tokens never refill beyond the burst", "[core][rate_limiter]")
{
    rate_limiter limiter(5, 2, t0);
    REQUIRE(waits(limiter, 2, t0) == std::vector<long long>{0, 0});

    const auto later = t0 + 24h;
    CHECK(waits(limiter, 6, later) == std::vector<long long>{0, 0, 0, 0, 0, 500});
}

TEST_CASE("a clock going backwards does not refill", "[core][rate_limiter]")
{
    rate_limiter limiter(1, 2, t0);
    REQUIRE(limiter.take(t0) == 0ms);
    CHECK(limiter.take(t0 - 10s) == 500ms);
    CHECK(limiter.take(t0) == 1000ms);
}

TEST_CASE("the default limits: 20 at once, then one every 100 ms", "[core][rate_limiter]")
{
    const sala::core::limits lim;
    rate_limiter limiter(lim.line_burst, lim.line_rate, t0);
    for (int i = 0; i < 20; ++i)
        REQUIRE(limiter.take(t0) == 0ms);
    const std::chrono::duration<double> wait = limiter.take(t0);
    CHECK(wait.count() == Approx(0.1));
    const std::chrono::duration<double> next_wait = limiter.take(t0);
    CHECK(next_wait.count() == Approx(0.2));
}

TEST_CASE("a rate of zero or less disables limiting", "[core][rate_limiter]")
{
    const double rate = GENERATE(0.0, -1.0);
    rate_limiter limiter(1, rate, t0);
    CHECK_FALSE(limiter.enabled());

    long long total = 0;
    for (const auto w : waits(limiter, 1000, t0))
        total += w;
    CHECK(total == 0);
    CHECK(limiter.take(t0 - 1s) == 0ms);
}

TEST_CASE("a burst of zero makes even the first line wait", "[core][rate_limiter]")
{
    rate_limiter limiter(0, 2, t0);
    CHECK(limiter.enabled());
    CHECK(limiter.take(t0) == 500ms);
}
