// sala-bench: load generator for IRC servers on the loopback interface.
// Exit status: 0 the run completed (see "ok" in the JSON line), 1 it could not
// be set up, 2 bad options.

#include <csignal>

#include "irc_conn.hpp"
#include "modes.hpp"
#include "options.hpp"

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);  // a server closing on us is an error code, not a signal
    const auto parsed = sala::bench::parse_options(argc, argv);
    if (!parsed.opts)
        return parsed.exit_code;
    sala::bench::irc_conn::use_tls = parsed.opts->common.tls;
    sala::bench::irc_conn::use_websocket = parsed.opts->common.websocket;
    switch (parsed.opts->which) {
    case sala::bench::mode::fanout:
        return sala::bench::run_fanout(*parsed.opts);
    case sala::bench::mode::idle:
        return sala::bench::run_idle(*parsed.opts);
    case sala::bench::mode::churn:
        return sala::bench::run_churn(*parsed.opts);
    }
    return 2;
}
