#pragma once
// Command-line options of sala-bench. parse_options never throws: bad options
// print a message and give exit status 2.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sala::bench {

enum class mode { fanout, idle, churn };

struct common_options {
    std::string host = "127.0.0.1";  // must be in 127.0.0.0/8
    std::uint16_t port = 6667;
    unsigned threads = 1;               // io_contexts, one thread each
    unsigned sources = 0;               // source addresses 127.0.0.1.. (0: as many as needed)
    std::size_t per_source = 20000;     // connections per source address
    std::string label;                  // copied into the JSON line
    std::string channel = "#bench";
    double setup_timeout = 120;         // seconds for connect + register + join
    std::string nick_prefix;            // empty: a letter for the mode plus two random characters
    std::size_t concurrency = 64;       // fanout, idle: connections being set up at once
    unsigned retries = 5;               // fanout, idle: attempts more when a connection fails before 001
    bool tls = false;                   // every connection over TLS (certificates not checked)
    bool websocket = false;             // every connection over WebSocket (--port is the web port)
};

struct fanout_options {
    std::size_t members = 100;
    std::size_t publishers = 1;
    std::uint64_t messages = 1000;  // per publisher
    std::size_t window = 16;        // outstanding messages per publisher at full speed
    double rate = 0;                // total messages/s over all publishers; 0: full speed
    double duration = 30;           // publishing stops after this many seconds
    double drain = 10;              // seconds to wait for the last deliveries
    std::size_t payload = 32;       // padding bytes in each message
    long server_pid = 0;            // 0: no server CPU figure
};

struct idle_options {
    std::size_t connections = 100;
    long server_pid = 0;       // 0: no memory figure
    double hold = 1;           // seconds to hold all connections before measuring
};

struct churn_options {
    double duration = 5;
    std::uint64_t max_cycles = 1'000'000;
    std::size_t concurrency = 16;
};

struct options {
    mode which = mode::fanout;
    common_options common;
    fanout_options fanout;
    idle_options idle;
    churn_options churn;
};

struct options_result {
    std::optional<options> opts;
    int exit_code = 0;  // meaningful when opts is empty: 0 after --help, 2 on errors
};

[[nodiscard]] options_result parse_options(int argc, const char* const* argv);

}  // namespace sala::bench
