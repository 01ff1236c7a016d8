#include "client/password_source.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace sala::client {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) { interrupted = 1; }

void strip_line_end(std::string& line)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
}

// Restores the terminal and the SIGINT handler however the prompt ends: a
// Ctrl-C must not leave the user's shell with echo off.
class quiet_terminal {
public:
    quiet_terminal()
    {
        if (::tcgetattr(STDIN_FILENO, &saved_) != 0)
            return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ok_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        // Without SA_RESTART, so Ctrl-C ends the read with EINTR.
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        interrupted = 0;
        ::sigaction(SIGINT, &sa, &old_int_);
    }
    ~quiet_terminal()
    {
        if (ok_)
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
        ::sigaction(SIGINT, &old_int_, nullptr);
    }
    quiet_terminal(const quiet_terminal&) = delete;
    quiet_terminal& operator=(const quiet_terminal&) = delete;

    [[nodiscard]] bool ok() const { return ok_; }

private:
    termios saved_{};
    struct sigaction old_int_ {};
    bool ok_ = false;
};

}  // namespace

password_result read_password_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {std::nullopt, "cannot read --password-file " + path + ": " + std::strerror(errno)};
    std::string line;
    std::getline(in, line);
    strip_line_end(line);
    if (line.empty())
        return {std::nullopt, "--password-file " + path + " has no password on its first line"};
    return {std::move(line), {}};
}

std::optional<std::string> prompt_password(std::string_view prompt)
{
    if (!::isatty(STDIN_FILENO))
        return std::nullopt;
    std::string line;
    {
        const quiet_terminal quiet;
        if (!quiet.ok())
            return std::nullopt;
        (void)!::write(STDERR_FILENO, prompt.data(), prompt.size());
        // Byte by byte, so nothing typed after the line is buffered away
        // from the view that reads stdin next.
        for (;;) {
            char c = 0;
            const auto n = ::read(STDIN_FILENO, &c, 1);
            if (n <= 0 || interrupted)
                return std::nullopt;
            if (c == '\n')
                break;
            line += c;
        }
    }
    strip_line_end(line);
    return line;
}

password_result find_password(const std::string& file, std::string_view account)
{
    if (!file.empty())
        return read_password_file(file);
    if (const char* env = std::getenv("SALA_PASSWORD"); env && *env)
        return {std::string(env), {}};
    if (!::isatty(STDIN_FILENO))
        return {std::nullopt,
                "--sasl needs a password: give --password-file FILE or set SALA_PASSWORD (standard input is not a "
                "terminal to ask on)"};
    auto typed = prompt_password("Password for " + std::string(account) + ": ");
    if (!typed || typed->empty())
        return {std::nullopt, "no password given"};
    return {std::move(typed), {}};
}

}  // namespace sala::client
