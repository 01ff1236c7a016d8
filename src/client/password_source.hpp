#pragma once
// Where the --sasl password comes from. Never the command line, which every
// user of the machine can read (ps, /proc): a file, else the SALA_PASSWORD
// environment variable, else a prompt on the terminal with echo off.
//
// Errors are values: `error` says what went wrong, for the user. Nothing
// throws except std::bad_alloc. Touches the terminal (the prompt) and the
// process's signal disposition while prompting: call before any view starts.

#include <optional>
#include <string>
#include <string_view>

namespace sala::client {

struct password_result {
    std::optional<std::string> password;
    std::string error;  // when there is no password
};

// `file`: --password-file, or empty. `account` names the prompt.
[[nodiscard]] password_result find_password(const std::string& file, std::string_view account);

// The first line of `path`, its line ending stripped; an error for a file
// that cannot be read or whose first line is empty.
[[nodiscard]] password_result read_password_file(const std::string& path);

// Reads a line from standard input with echo off, after writing `prompt` to
// standard error. nullopt when stdin is not a terminal, at end of input, or
// on Ctrl-C.
[[nodiscard]] std::optional<std::string> prompt_password(std::string_view prompt);

}  // namespace sala::client
