#include "stats.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <iterator>
#include <iostream>
#include <sstream>

namespace sala::bench {

namespace {

constexpr unsigned sub_bits = 7;
constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
constexpr std::size_t bucket_count = (64 - sub_bits + 1) * sub_count;

std::size_t bucket_of(std::uint64_t v)
{
    if (v < sub_count)
        return static_cast<std::size_t>(v);
    const auto exponent = static_cast<unsigned>(std::bit_width(v)) - 1;  // >= sub_bits
    const unsigned shift = exponent - sub_bits;
    const std::uint64_t mantissa = v >> shift;  // in [sub_count, 2 * sub_count)
    return static_cast<std::size_t>((shift + 1) * sub_count + (mantissa - sub_count));
}

// The middle of bucket b.
std::uint64_t value_of(std::size_t b)
{
    if (b < sub_count)
        return b;
    const std::uint64_t shift = b / sub_count - 1;
    const std::uint64_t mantissa = sub_count + b % sub_count;
    const std::uint64_t low = mantissa << shift;
    return low + ((std::uint64_t{1} << shift) >> 1);
}

std::string escape(const std::string& s)
{
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::int64_t now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

histogram::histogram() : counts_(bucket_count, 0) {}

void histogram::record(std::uint64_t value)
{
    ++counts_[bucket_of(value)];
    ++total_;
    max_ = std::max(max_, value);
}

void histogram::merge(const histogram& other)
{
    for (std::size_t i = 0; i < counts_.size(); ++i)
        counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t histogram::percentile(double q) const
{
    if (total_ == 0)
        return 0;
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank)
            return std::min(value_of(i), max_);
    }
    return max_;
}

std::optional<std::uint64_t> resident_bytes(long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            std::uint64_t kib = 0;
            if (fields >> kib)
                return kib * 1024;
        }
    }
    return std::nullopt;
}

std::optional<double> cpu_seconds(long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces; count fields after its ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14)
            utime = std::stoull(field);
        else if (i == 15)
            stime = std::stoull(field);
    }
    if (!fields)
        return std::nullopt;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

json_line& json_line::add(const std::string& key, double value)
{
    std::ostringstream s;
    if (std::isfinite(value))
        s << value;
    else
        s << "null";
    fields_.emplace_back(key, s.str());
    return *this;
}

json_line& json_line::add(const std::string& key, std::uint64_t value)
{
    fields_.emplace_back(key, std::to_string(value));
    return *this;
}

json_line& json_line::add(const std::string& key, std::int64_t value)
{
    fields_.emplace_back(key, std::to_string(value));
    return *this;
}

json_line& json_line::add(const std::string& key, bool value)
{
    fields_.emplace_back(key, value ? "true" : "false");
    return *this;
}

json_line& json_line::add(const std::string& key, const std::string& value)
{
    fields_.emplace_back(key, '"' + escape(value) + '"');
    return *this;
}

std::string json_line::str() const
{
    std::string out = "{";
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0)
            out += ',';
        out += '"' + escape(fields_[i].first) + "\":" + fields_[i].second;
    }
    out += '}';
    return out;
}

void report(const std::string& human, const json_line& json)
{
    std::cerr << human << std::endl;
    std::cout << json.str() << std::endl;
}

double seconds(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

}  // namespace sala::bench
