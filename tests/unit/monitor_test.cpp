// The MONITOR index (src/core/monitor_index.hpp), with ints as watchers.

#include <algorithm>
#include <string>
#include <vector>

#include "core/monitor_index.hpp"
#include "support/catch.hpp"

using index_type = sala::core::monitor_index<int>;
using added = index_type::add_result;

namespace {

std::vector<int> watchers(const index_type& idx, const std::string& key)
{
    std::vector<int> out;
    idx.for_each_watcher(key, [&](int w) { out.push_back(w); });
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> shown(const index_type& idx, int w)
{
    std::vector<std::string> out;
    for (const auto& t : idx.list(w))
        out.push_back(t.shown);
    return out;
}

}  // namespace

TEST_CASE("monitor: a target is added once and listed as the client spelled it", "[core][monitor]")
{
    index_type idx(100);
    CHECK(idx.add(1, "bob", "Bob") == added::added);
    CHECK(idx.add(1, "bob", "BOB") == added::already);
    CHECK(idx.add(1, "carol", "carol") == added::added);
    CHECK(shown(idx, 1) == std::vector<std::string>{"Bob", "carol"});
    CHECK(watchers(idx, "bob") == std::vector<int>{1});
    CHECK(idx.list(2).empty());
}

TEST_CASE("monitor: each nick knows its watchers", "[core][monitor]")
{
    index_type idx(100);
    idx.add(1, "bob", "bob");
    idx.add(2, "bob", "bob");
    idx.add(3, "carol", "carol");
    CHECK(watchers(idx, "bob") == std::vector<int>{1, 2});
    CHECK(idx.watchers_of("carol") == 1);
    CHECK(idx.watchers_of("dave") == 0);
    CHECK(idx.remove(2, "bob"));
    CHECK_FALSE(idx.remove(2, "bob"));
    CHECK_FALSE(idx.remove(9, "bob"));
    CHECK(watchers(idx, "bob") == std::vector<int>{1});
}

TEST_CASE("monitor: a full list refuses new targets but keeps the old", "[core][monitor]")
{
    index_type idx(3);
    CHECK(idx.add(1, "a", "a") == added::added);
    CHECK(idx.add(1, "b", "b") == added::added);
    CHECK(idx.add(1, "c", "c") == added::added);
    CHECK(idx.add(1, "d", "d") == added::full);
    CHECK(idx.add(1, "a", "A") == added::already);
    CHECK(idx.list(1).size() == 3);
    CHECK(idx.watchers_of("d") == 0);
    idx.remove(1, "b");
    CHECK(idx.add(1, "d", "d") == added::added);
}

TEST_CASE("monitor: clearing a watcher leaves nothing behind", "[core][monitor]")
{
    index_type idx(100);
    for (int t = 0; t < 100; ++t)
        idx.add(1, "n" + std::to_string(t), "n" + std::to_string(t));
    idx.add(2, "n5", "n5");
    CHECK(idx.watched_nicks() == 100);
    idx.clear(1);
    CHECK(idx.list(1).empty());
    CHECK(idx.watchers() == 1);
    CHECK(idx.watched_nicks() == 1);
    CHECK(watchers(idx, "n5") == std::vector<int>{2});
    idx.remove(2, "n5");
    CHECK(idx.watchers() == 0);
    CHECK(idx.watched_nicks() == 0);
    idx.clear(7);  // unknown: nothing to do
}

TEST_CASE("monitor: what clients send cannot grow the index past watchers times the limit", "[core][monitor]")
{
    index_type idx(100);
    for (int w = 0; w < 50; ++w)
        for (int t = 0; t < 1000; ++t)
            idx.add(w, "n" + std::to_string(t + w), "x");
    std::size_t entries = 0;
    for (int w = 0; w < 50; ++w)
        entries += idx.list(w).size();
    CHECK(entries == 50 * 100);
    CHECK(idx.watched_nicks() <= 50 * 100);
    // A zero limit takes nothing and keeps no empty list either.
    index_type none(0);
    CHECK(none.add(1, "a", "a") == added::full);
    CHECK(none.watchers() == 0);
}
