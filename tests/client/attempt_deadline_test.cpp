#include "client/attempt_deadline.hpp"

#include "support/catch.hpp"

using namespace std::chrono_literals;
using sala::client::attempt_deadline;
using sala::client::attempt_stage;

namespace {
const attempt_deadline::clock::time_point t0{std::chrono::hours(1)};
}

TEST_CASE("an attempt that is not under way never expires", "[reconnect]")
{
    attempt_deadline d(30s);
    CHECK(d.stage() == attempt_stage::idle);
    CHECK_FALSE(d.expired(t0 + 24h));
}

TEST_CASE("a silent server after connect: registration expires at the limit", "[reconnect]")
{
    // The flaky history test: TCP connected, the server never says 001.
    attempt_deadline d(30s);
    d.enter(attempt_stage::connecting, t0);
    d.enter(attempt_stage::registering, t0 + 2s);
    CHECK(d.deadline() == t0 + 32s);
    CHECK_FALSE(d.expired(t0 + 31999ms));
    CHECK(d.expired(t0 + 32s));
    CHECK(d.reason() == "registration timed out after 30 s (no welcome from the server)");
}

TEST_CASE("each stage gets the whole limit from when it begins", "[reconnect]")
{
    attempt_deadline d(10s);
    d.enter(attempt_stage::connecting, t0);
    CHECK_FALSE(d.expired(t0 + 9s));
    CHECK(d.expired(t0 + 10s));
    CHECK(d.reason() == "connect timed out after 10 s");
    d.enter(attempt_stage::tls_handshake, t0 + 9s);  // connected just in time
    CHECK_FALSE(d.expired(t0 + 18s));
    CHECK(d.expired(t0 + 19s));
    CHECK(d.reason() == "TLS handshake timed out after 10 s");
}

TEST_CASE("registered: the attempt is no longer timed", "[reconnect]")
{
    attempt_deadline d(2500ms);
    d.enter(attempt_stage::registering, t0);
    CHECK(d.reason() == "registration timed out after 2.5 s (no welcome from the server)");
    d.clear();
    CHECK_FALSE(d.expired(t0 + 1h));
    // The next attempt starts the clock again.
    d.enter(attempt_stage::connecting, t0 + 2h);
    CHECK(d.expired(t0 + 2h + 2500ms));
}

TEST_CASE("short limits read as fractions of a second", "[reconnect]")
{
    attempt_deadline d(250ms);
    d.enter(attempt_stage::connecting, t0);
    CHECK(d.reason() == "connect timed out after 0.25 s");
}
