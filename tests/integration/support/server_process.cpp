#include "support/server_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/catch.hpp"

#ifndef SALA_SERVER_BINARY
#error "SALA_SERVER_BINARY must name the chat-server executable"
#endif

namespace sala::test {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often the log and the child's status are polled.
constexpr milliseconds poll_step{2};

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

int decode_status(int raw)
{
    if (WIFEXITED(raw))
        return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw))
        return 128 + WTERMSIG(raw);
    return -1;
}

// The port in "listening on 127.0.0.1:PORT", or 0 if that line is not there (yet).
std::uint16_t find_port(const std::string& log)
{
    static constexpr std::string_view marker = "listening on 127.0.0.1:";
    const auto at = log.find(marker);
    if (at == std::string::npos)
        return 0;
    unsigned long value = 0;
    std::size_t digits = 0;
    for (auto i = at + marker.size(); i < log.size() && log[i] >= '0' && log[i] <= '9' && digits < 6; ++i, ++digits)
        value = value * 10 + static_cast<unsigned long>(log[i] - '0');
    if (digits == 0 || value == 0 || value > 65535)
        return 0;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

server_process::server_process(std::vector<std::string> extra_args, milliseconds startup_timeout)
    : server_process(launch_options{std::move(extra_args), std::nullopt, startup_timeout})
{
}

server_process::server_process(launch_options options)
{
    auto& extra_args = options.args;
    char name[] = "/tmp/sala-integ-XXXXXX.log";
    const int log_fd = mkostemps(name, 4, O_CLOEXEC);
    if (log_fd < 0)
        throw std::runtime_error(std::string("cannot create a server log file: ") + std::strerror(errno));
    log_path_ = name;

    std::vector<std::string> args = {SALA_SERVER_BINARY, "--bind", "127.0.0.1", "--port", "0"};
    // Tests run in parallel: the status endpoint's and the web port's fixed
    // default ports would collide, so they are off unless a test asks for them.
    if (std::find(extra_args.begin(), extra_args.end(), "--status-port") == extra_args.end())
        args.insert(args.end(), {"--status-port", "0"});
    if (std::find(extra_args.begin(), extra_args.end(), "--web-port") == extra_args.end())
        args.insert(args.end(), {"--web-port", "0"});
    // Nor may they share the default database file in the working directory.
    if (std::find(extra_args.begin(), extra_args.end(), "--db") == extra_args.end())
        args.insert(args.end(), {"--db", ":memory:"});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = getpid();
    rlimit file_size{};
    if (options.file_size_limit) {
        getrlimit(RLIMIT_FSIZE, &file_size);
        file_size.rlim_cur = std::min<rlim_t>(static_cast<rlim_t>(*options.file_size_limit), file_size.rlim_max);
    }

    pid_ = fork();
    if (pid_ == 0) {
        // Only async-signal-safe calls from here to exec.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (null_fd >= 0)
            dup2(null_fd, STDIN_FILENO);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        // Only the soft limit: the test raises it again to end the "full disk".
        if (options.file_size_limit && setrlimit(RLIMIT_FSIZE, &file_size) != 0)
            _exit(126);
        execv(argv[0], argv.data());
        static constexpr char msg[] = "exec of chat-server failed\n";
        [[maybe_unused]] auto ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(127);
    }
    const int fork_errno = errno;
    close(log_fd);
    if (null_fd >= 0)
        close(null_fd);
    if (pid_ < 0) {
        std::remove(log_path_.c_str());
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(fork_errno));
    }

    const auto deadline = clock::now() + options.startup_timeout;
    for (;;) {
        port_ = find_port(log_text());
        if (port_ != 0)
            return;
        if (wait_exit(milliseconds(0))) {
            const auto log = log_text();
            std::remove(log_path_.c_str());
            throw std::runtime_error(
                "chat-server exited with status " + std::to_string(*status_) + " before listening:\n" + log);
        }
        if (clock::now() >= deadline) {
            terminate(milliseconds(1000));
            const auto log = log_text();
            std::remove(log_path_.c_str());
            throw std::runtime_error("chat-server did not report its port in time:\n" + log);
        }
        std::this_thread::sleep_for(poll_step);
    }
}

server_process::~server_process()
{
    if (running())
        terminate();
    if (std::getenv("SALA_KEEP_LOGS") == nullptr)
        std::remove(log_path_.c_str());
}

std::string server_process::log_text() const { return read_file(log_path_); }

bool server_process::wait_for_log(std::string_view needle, milliseconds timeout) const
{
    const auto deadline = clock::now() + timeout;
    for (;;) {
        if (log_text().find(needle) != std::string::npos)
            return true;
        if (clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(poll_step);
    }
}

void server_process::send_signal(int signo) const
{
    if (running())
        kill(pid_, signo);
}

int server_process::kill_hard()
{
    if (status_)
        return *status_;
    kill(pid_, SIGKILL);
    int raw = 0;
    while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    status_ = decode_status(raw);
    return *status_;
}

bool server_process::set_file_size_limit(std::optional<std::uint64_t> bytes) const
{
    if (!running())
        return false;
    rlimit limit{};
    if (prlimit(pid_, RLIMIT_FSIZE, nullptr, &limit) != 0)
        return false;
    limit.rlim_cur = bytes ? std::min<rlim_t>(static_cast<rlim_t>(*bytes), limit.rlim_max) : limit.rlim_max;
    return prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) == 0;
}

std::optional<int> server_process::wait_exit(milliseconds timeout)
{
    if (status_)
        return status_;
    const auto deadline = clock::now() + timeout;
    for (;;) {
        int raw = 0;
        const pid_t r = waitpid(pid_, &raw, WNOHANG);
        if (r == pid_) {
            status_ = decode_status(raw);
            return status_;
        }
        if (r < 0 && errno != EINTR) {
            status_ = -1;  // not our child any more: nothing left to wait for
            return status_;
        }
        if (clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(poll_step);
    }
}

int server_process::terminate(milliseconds grace)
{
    if (status_)
        return *status_;
    kill(pid_, SIGTERM);
    if (auto status = wait_exit(grace))
        return *status;
    kill(pid_, SIGKILL);
    int raw = 0;
    while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    status_ = decode_status(raw);
    return *status_;
}

void require_clean_exit(server_process& server)
{
    const int status = server.terminate();
    const auto log = server.log_text();
    INFO("chat-server log (" << server.log_path() << "):\n" << log);
    CHECK(status == 0);
    CHECK(log.find("Sanitizer") == std::string::npos);
    CHECK(log.find("[error]") == std::string::npos);
    CHECK(log.find("[critical]") == std::string::npos);
}

temp_dir::temp_dir()
{
    char name[] = "/tmp/sala-integ-XXXXXX";
    if (mkdtemp(name) == nullptr)
        throw std::runtime_error(std::string("cannot create a temp directory: ") + std::strerror(errno));
    path_ = name;
}

temp_dir::~temp_dir()
{
    if (std::getenv("SALA_KEEP_LOGS") != nullptr)
        return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

temp_file::temp_file(std::string_view content, std::string_view suffix)
{
    std::string name = "/tmp/sala-integ-XXXXXX" + std::string(suffix);
    const int fd = mkostemps(name.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(std::string("cannot create a temp file: ") + std::strerror(errno));
    path_ = name;
    std::size_t done = 0;
    while (done < content.size()) {
        const auto n = write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            throw std::runtime_error("cannot write " + path_);
        }
        done += static_cast<std::size_t>(n);
    }
    close(fd);
}

temp_file::~temp_file() { std::remove(path_.c_str()); }

}  // namespace sala::test
