#include "runner.hpp"

#include <boost/asio/executor_work_guard.hpp>


#include <random>

namespace sala::bench {

runner::runner(unsigned threads)
{
    for (unsigned i = 0; i < threads; ++i)
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
}

runner::~runner()
{
    stop();
}

void runner::start()
{
    for (auto& ctx : contexts_) {
        auto* c = ctx.get();
        threads_.emplace_back([c] {
            auto guard = boost::asio::make_work_guard(*c);
            c->run();
        });
    }
}

void runner::stop()
{
    for (auto& ctx : contexts_)
        ctx->stop();
    for (auto& t : threads_)
        t.join();
    threads_.clear();
}

std::chrono::steady_clock::time_point after_seconds(double s)
{
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

boost::asio::ip::tcp::endpoint server_endpoint(const common_options& o)
{
    return {boost::asio::ip::make_address_v4(o.host), o.port};
}

boost::asio::ip::address_v4 source_address(const common_options& o, std::size_t index)
{
    std::size_t n = index / o.per_source;
    if (o.sources > 0)
        n %= o.sources;
    // 127.0.0.1 .. 127.0.0.250, then 127.0.1.1 ...: always loopback.
    const auto low = static_cast<std::uint32_t>(n % 250 + 1);
    const auto mid = static_cast<std::uint32_t>((n / 250) % 250);
    return boost::asio::ip::address_v4((127u << 24) | (mid << 8) | low);
}

std::string nick_prefix(const common_options& o, char mode_letter)
{
    if (!o.nick_prefix.empty())
        return o.nick_prefix;
    static constexpr char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string p(1, mode_letter);
    p += digits[rd() % 26];
    p += digits[rd() % 36];
    return p;
}

std::string make_nick(const std::string& prefix, std::size_t index)
{
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string tail;
    do {
        tail.insert(tail.begin(), digits[index % 36]);
        index /= 36;
    } while (index > 0);
    return prefix + tail;
}


}  // namespace sala::bench
