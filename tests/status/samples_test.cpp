// The status page's sampler, fed by hand: rates, wrap-around, restarts, gaps.
#include "status/samples.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "status/render.hpp"
#include "support/catch.hpp"

using namespace sala::status;
using namespace std::chrono_literals;
using points = std::vector<std::optional<double>>;

namespace {

sample_counters traffic(std::uint64_t received, std::uint64_t delivered, std::uint64_t connections)
{
    sample_counters c;
    c.messages_received = received;
    c.messages_delivered = delivered;
    c.connections = connections;
    return c;
}

const chart_series* chart(const sample_series& s, std::string_view name)
{
    const auto it = std::find_if(s.charts.begin(), s.charts.end(), [&](const auto& c) { return c.name == name; });
    return it == s.charts.end() ? nullptr : &*it;
}

points points_of(const sample_series& s, std::string_view name)
{
    const auto* c = chart(s, name);
    REQUIRE(c != nullptr);
    REQUIRE(c->points.size() == s.seconds_ago.size());
    return c->points;
}

}  // namespace

TEST_CASE("status samples: rates come from counter differences per second", "[unit][status]")
{
    sampler s(5s, 10min);
    CHECK(s.capacity() == 121);
    REQUIRE(s.add(1000ms, traffic(0, 0, 3)));
    REQUIRE(s.add(6000ms, traffic(10, 20, 4)));
    REQUIRE(s.add(11000ms, traffic(10, 20, 2)));
    REQUIRE(s.add(16000ms, traffic(35, 95, 2)));

    const auto series = s.series();
    CHECK(series.seconds_ago == std::vector<double>{15, 10, 5, 0});
    CHECK(points_of(series, "messages_per_second") == points{std::nullopt, 2.0, 0.0, 5.0});
    CHECK(points_of(series, "deliveries_per_second") == points{std::nullopt, 4.0, 0.0, 15.0});
    CHECK(points_of(series, "connections") == points{3.0, 4.0, 2.0, 2.0});
    CHECK(series.window == 10min);
}

TEST_CASE("status samples: an empty sampler has the three charts and no points", "[unit][status]")
{
    const sampler s(5s, 10min);
    const auto series = s.series();
    CHECK(series.seconds_ago.empty());
    REQUIRE(series.charts.size() == 3);
    CHECK(points_of(series, "connections").empty());
}

TEST_CASE("status samples: the ring keeps the newest samples once it wraps around", "[unit][status]")
{
    sampler s(1s, 3s);
    REQUIRE(s.capacity() == 4);
    for (std::uint64_t i = 0; i < 10; ++i)
        REQUIRE(s.add(std::chrono::milliseconds(static_cast<std::int64_t>(i) * 1000), traffic(i * i, 0, i)));
    CHECK(s.size() == 4);
    const auto series = s.series();
    CHECK(series.seconds_ago == std::vector<double>{3, 2, 1, 0});
    CHECK(points_of(series, "connections") == points{6.0, 7.0, 8.0, 9.0});
    // The oldest sample kept has lost the one before it, so its rate is unknown.
    CHECK(points_of(series, "messages_per_second") == points{std::nullopt, 13.0, 15.0, 17.0});
}

TEST_CASE("status samples: a counter that goes backwards has no rate at that sample", "[unit][status]")
{
    sampler s(5s, 10min);
    REQUIRE(s.add(0ms, traffic(100, 200, 1)));
    REQUIRE(s.add(5000ms, traffic(110, 220, 1)));
    REQUIRE(s.add(10000ms, traffic(5, 10, 1)));  // counting started again from zero
    REQUIRE(s.add(15000ms, traffic(15, 30, 1)));
    const auto series = s.series();
    CHECK(points_of(series, "messages_per_second") == points{std::nullopt, 2.0, std::nullopt, 2.0});
    CHECK(points_of(series, "deliveries_per_second") == points{std::nullopt, 4.0, std::nullopt, 4.0});
}

TEST_CASE("status samples: a late sample gives the average over the time that passed", "[unit][status]")
{
    sampler s(5s, 10min);
    REQUIRE(s.add(0ms, traffic(0, 0, 1)));
    REQUIRE(s.add(5000ms, traffic(10, 0, 1)));
    REQUIRE(s.add(35000ms, traffic(310, 0, 1)));  // 30 s late, not 5
    const auto series = s.series();
    CHECK(series.seconds_ago == std::vector<double>{35, 30, 0});
    CHECK(points_of(series, "messages_per_second") == points{std::nullopt, 2.0, 10.0});
}

TEST_CASE("status samples: samples older than the window leave the series after a gap", "[unit][status]")
{
    sampler s(5s, 10min);
    for (std::int64_t i = 0; i < 5; ++i)
        REQUIRE(s.add(std::chrono::milliseconds(i * 5000), traffic(static_cast<std::uint64_t>(i), 0, 1)));
    // Nothing for 15 minutes, then sampling resumes.
    REQUIRE(s.add(20000ms + 15min, traffic(1804, 0, 2)));
    REQUIRE(s.add(25000ms + 15min, traffic(1814, 0, 2)));
    CHECK(s.size() == 7);  // still in the ring, but out of the window
    const auto series = s.series();
    CHECK(series.seconds_ago == std::vector<double>{5, 0});
    CHECK(points_of(series, "connections") == points{2.0, 2.0});
    // The first point's rate spans the gap from the sample before it: 1800 in 900 s.
    CHECK(points_of(series, "messages_per_second") == points{2.0, 2.0});
}

TEST_CASE("status samples: a time not after the newest sample is refused", "[unit][status]")
{
    sampler s(5s, 10min);
    REQUIRE(s.add(5000ms, traffic(1, 1, 1)));
    CHECK_FALSE(s.add(5000ms, traffic(2, 2, 2)));
    CHECK_FALSE(s.add(4000ms, traffic(2, 2, 2)));
    CHECK(s.size() == 1);
    CHECK(points_of(s.series(), "connections") == points{1.0});
}

TEST_CASE("status samples: memory stays bounded whatever the interval", "[unit][status]")
{
    sampler s(1ms, 24h);
    CHECK(s.capacity() == sampler::max_capacity);
    for (std::int64_t i = 1; i <= 5000; ++i)
        REQUIRE(s.add(std::chrono::milliseconds(i), traffic(static_cast<std::uint64_t>(i), 0, 0)));
    CHECK(s.size() == sampler::max_capacity);
    const auto series = s.series();
    CHECK(series.seconds_ago.size() == sampler::max_capacity);
    CHECK(series.window == std::chrono::milliseconds(static_cast<std::int64_t>(sampler::max_capacity) - 1));
    CHECK(points_of(series, "messages_per_second").back() == 1000.0);

    sampler tiny(10min, 1s);  // a window shorter than one interval still keeps two samples
    CHECK(tiny.capacity() == 2);
}

TEST_CASE("status samples: store and TLS charts appear only when the server has them", "[unit][status]")
{
    snapshot snap;
    snap.messages_received = 7;
    snap.connections = 2;
    sampler s(5s, 10min);
    REQUIRE(s.add(0ms, counters_of(snap)));
    CHECK(s.series().charts.size() == 3);
    CHECK(chart(s.series(), "store_queue_depth") == nullptr);
    CHECK(chart(s.series(), "tls_connections") == nullptr);

    snap.history.enabled = true;
    snap.history.batches_written = 50;
    snap.history.queue_depth = 4;
    snap.history.commit_p99_us = 2500;
    snap.tls.enabled = true;
    snap.tls.connections = 1;
    snap.tls.handshakes = 10;
    REQUIRE(s.add(5000ms, counters_of(snap)));
    snap.history.batches_written = 60;
    snap.tls.handshakes = 20;
    REQUIRE(s.add(10000ms, counters_of(snap)));

    const auto series = s.series();
    CHECK(series.charts.size() == 8);
    CHECK(points_of(series, "store_commits_per_second") == points{std::nullopt, std::nullopt, 2.0});
    CHECK(points_of(series, "store_queue_depth") == points{std::nullopt, 4.0, 4.0});
    CHECK(points_of(series, "store_commit_p99_ms") == points{std::nullopt, 2.5, 2.5});
    CHECK(points_of(series, "tls_connections") == points{std::nullopt, 1.0, 1.0});
    CHECK(points_of(series, "tls_handshakes_per_second") == points{std::nullopt, std::nullopt, 2.0});
}

TEST_CASE("status samples: the JSON has the ages and a null for each unknown point", "[unit][status]")
{
    sampler s(5s, 10min);
    REQUIRE(s.add(0ms, traffic(0, 0, 1)));
    REQUIRE(s.add(5000ms, traffic(5, 10, 1)));
    const auto doc = boost::json::parse(to_json(s.series())).as_object();
    CHECK(doc.at("interval_seconds").to_number<double>() == 5.0);
    CHECK(doc.at("window_seconds").to_number<double>() == 600.0);
    // Whole numbers are written as integers, for people reading the JSON.
    CHECK(doc.at("seconds_ago").as_array() == boost::json::array{5, 0});
    const auto& charts = doc.at("charts").as_array();
    REQUIRE(charts.size() == 3);
    const auto& messages = charts.at(0).as_object();
    CHECK(messages.at("name").as_string() == "messages_per_second");
    CHECK(messages.at("title").as_string() == "messages/s");
    CHECK(messages.at("points").as_array() == boost::json::array{nullptr, 1});
    CHECK(to_json(s.series()).find("\"points\":[null,1]") != std::string::npos);

    REQUIRE(s.add(7000ms, traffic(6, 10, 1)));
    CHECK(boost::json::parse(to_json(s.series())).at("charts").at(0).at("points").at(2).to_number<double>() == 0.5);
}
