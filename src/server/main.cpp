// chat-server: parse options, set up logging, run until a signal.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "server/config.hpp"
#include "server/server.hpp"

int main(int argc, char** argv)
{
    auto options = sala::server::parse_options(argc, argv);
    if (!options.config)
        return options.exit_code;
    // Logs go to stderr so stdout stays free for whatever wraps the server.
    auto logger = spdlog::stderr_color_mt("chat-server");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(options.config->log_level));
    spdlog::flush_on(spdlog::level::info);
    // A file-size limit reached while writing history is an error the store
    // logs and counts, like a full disk, not a reason to die.
    std::signal(SIGXFSZ, SIG_IGN);
    return sala::server::run_server(std::move(*options.config));
}
