#pragma once
// A real chat-server process for one test: started with fork/exec on
// 127.0.0.1 and an ephemeral port, its stdout and stderr sent to a private temp
// log file, its port read back from the "listening on" log line.
//
// Failure: the constructor throws std::runtime_error (with the log) if the
// binary cannot be started or does not report its port within the start-up
// timeout. Other members do not throw. Not thread-safe: use from one thread.
// The child gets SIGKILL if the test process dies, so no server outlives a run.
// A server restarted on the same --db is simply a new server_process (on a
// new port).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sala::test {

// Sanitizer builds are slow: default waits are generous, and a passing test
// never waits for them to expire.
inline constexpr std::chrono::milliseconds default_timeout{5000};

// How a server_process is started.
struct launch_options {
    // After "--bind 127.0.0.1 --port 0" (and "--status-port 0 --web-port 0 --db :memory:"
    // unless these name their own).
    std::vector<std::string> args;
    // RLIMIT_FSIZE (soft limit, in bytes) for the server: a write past it
    // fails with EFBIG, as on a full disk (chat-server ignores SIGXFSZ). It
    // bounds every file the server writes, its log included.
    std::optional<std::uint64_t> file_size_limit;
    std::chrono::milliseconds startup_timeout{10000};
};

class server_process {
public:
    // Starts SALA_SERVER_BINARY with "--bind 127.0.0.1 --port 0" and `extra_args`.
    explicit server_process(std::vector<std::string> extra_args = {},
        std::chrono::milliseconds startup_timeout = std::chrono::milliseconds(10000));
    explicit server_process(launch_options options);
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& log_path() const { return log_path_; }

    // Everything the server has written so far.
    [[nodiscard]] std::string log_text() const;

    // Polls the log until it contains `needle`; false on timeout.
    bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout = default_timeout) const;

    void send_signal(int signo) const;

    // SIGKILL (no chance to flush or close anything), then waits for the
    // process to be gone; returns its status (128 + SIGKILL).
    int kill_hard();

    // Sets the running server's RLIMIT_FSIZE soft limit (nullopt: as high as
    // the hard limit allows), as if its disk filled up or was freed. False if
    // prlimit failed.
    bool set_file_size_limit(std::optional<std::uint64_t> bytes) const;

    // Waits for the process to end; its status (exit code, or 128 + signal), or
    // nullopt if it is still running after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);

    // SIGTERM, then a bounded wait (SIGKILL after `grace`); the exit status as
    // in wait_exit. Calling it again returns the first status.
    int terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));

    [[nodiscard]] bool running() const { return !status_.has_value(); }

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string log_path_;
    std::optional<int> status_;
};

// Terminates `server` and checks that it exited with status 0 (a sanitizer
// report makes it exit non-zero); on failure the test output shows the log.
void require_clean_exit(server_process& server);

// A private temp directory, removed with everything in it when this object is
// destroyed (unless SALA_KEEP_LOGS is set, for a look after a failure). The
// constructor throws std::runtime_error if it cannot be created.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }
    // The path of `name` inside the directory.
    [[nodiscard]] std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

// A temp file with `content` that is removed when this object is destroyed.
class temp_file {
public:
    explicit temp_file(std::string_view content, std::string_view suffix = ".txt");
    ~temp_file();
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace sala::test
