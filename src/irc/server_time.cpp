#include "irc/server_time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace sala::irc {

namespace {

namespace chrono = std::chrono;

constexpr std::int64_t ms_per_day = 86'400'000;

// The first and last millisecond of the years the format can write.
constexpr std::int64_t earliest_ms =
    chrono::sys_days{chrono::year{0} / chrono::January / 1}.time_since_epoch().count() * ms_per_day;
constexpr std::int64_t latest_ms =
    (chrono::sys_days{chrono::year{9999} / chrono::December / 31}.time_since_epoch().count() + 1) * ms_per_day - 1;

// `count` decimal digits at `pos`, or nullopt.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count)
{
    if (pos + count > s.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

}  // namespace

std::string format_server_time(std::int64_t ms)
{
    ms = std::clamp(ms, earliest_ms, latest_ms);
    // Floor division: times before 1970 still fall on the right day.
    auto days = ms / ms_per_day;
    auto of_day = ms % ms_per_day;
    if (of_day < 0) {
        of_day += ms_per_day;
        --days;
    }
    const chrono::year_month_day date{chrono::sys_days{chrono::days{days}}};
    const auto seconds = of_day / 1000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), static_cast<int>(seconds / 3600),
        static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60), static_cast<int>(of_day % 1000));
    return buf;
}

std::optional<std::int64_t> parse_server_time(std::string_view s)
{
    // "YYYY-MM-DDThh:mm:ss" is 19 bytes, then an optional fraction, then 'Z'.
    constexpr std::size_t date_time_size = 19;
    if (s.size() < date_time_size + 1 || s.back() != 'Z')
        return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    const auto year = digits(s, 0, 4);
    const auto month = digits(s, 5, 2);
    const auto day = digits(s, 8, 2);
    const auto hour = digits(s, 11, 2);
    const auto minute = digits(s, 14, 2);
    const auto second = digits(s, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    const chrono::year_month_day date{chrono::year{*year}, chrono::month{static_cast<unsigned>(*month)},
        chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok())
        return std::nullopt;
    int millis = 0;
    const auto fraction = s.substr(date_time_size, s.size() - date_time_size - 1);
    if (!fraction.empty()) {
        // Nanoseconds at most; any more digits are no timestamp a server wrote.
        if (fraction.size() < 2 || fraction.size() > 10 || fraction.front() != '.')
            return std::nullopt;
        for (std::size_t i = 1; i < fraction.size(); ++i) {
            if (fraction[i] < '0' || fraction[i] > '9')
                return std::nullopt;
            if (i <= 3)
                millis += (fraction[i] - '0') * (i == 1 ? 100 : i == 2 ? 10 : 1);
        }
    }
    const std::int64_t days = chrono::sys_days{date}.time_since_epoch().count();
    return days * ms_per_day + ((*hour * 60 + *minute) * 60 + *second) * std::int64_t{1000} + millis;
}

}  // namespace sala::irc
