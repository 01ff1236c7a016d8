#pragma once
// Server limits with the defaults of DESIGN.md; every one is a chat-server option.

#include <chrono>
#include <cstddef>

namespace sala::core {

struct limits {
    std::size_t max_line = 512;               // bytes without tags, CR LF included
    std::size_t max_tags = 8191;              // bytes of "@tags " a client may send
    std::size_t sendq_bytes = 1024 * 1024;    // queued output before "SendQ exceeded"
    // The kernel's send buffer per client (SO_SNDBUF; 0 leaves it to autotuning,
    // which lets a client that never reads pin up to tcp_wmem's maximum, 4 MiB).
    std::size_t send_buffer_bytes = 64 * 1024;
    std::size_t recvq_bytes = 8192;           // unprocessed input of a throttled client before "Excess Flood"
    double line_burst = 20;                   // lines a client may send at once...
    double line_rate = 10;                    // ...then lines per second; 0 turns limiting off
    std::size_t max_per_ip = 64;              // concurrent connections from one address
    std::chrono::milliseconds registration_timeout{30'000};
    std::chrono::milliseconds ping_interval{90'000};
    std::chrono::milliseconds ping_timeout{180'000};
    std::size_t nick_len = 30;
    std::size_t channel_len = 50;
    std::size_t topic_len = 390;
    std::size_t max_channels_per_user = 100;
};

}  // namespace sala::core
