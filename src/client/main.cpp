// chat-client: parse options, pick the view, run the event loop until quit.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <optional>

#include "client/client_app.hpp"
#include "client/options.hpp"
#include "client/curses_view.hpp"
#include "client/plain_view.hpp"
#include "client/tls.hpp"

namespace {

namespace asio = boost::asio;
using namespace sala::client;

int run(const client_options& options)
{
    // Checked before the screen is taken over, so the reason stays readable.
    std::optional<asio::ssl::context> tls;
    try {
        tls.emplace(make_tls_context(options));
    } catch (const std::exception& e) {
        std::cerr << "chat-client: " << e.what() << "\n";
        return 2;
    }
    asio::io_context ctx{1};
    const bool plain = options.plain || !::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO);
    plain_view plain_out;
    std::unique_ptr<curses_view> screen;
    if (!plain)
        screen = std::make_unique<curses_view>(ctx);
    view& active = plain ? static_cast<view&>(plain_out) : *screen;
    client_app app(ctx, options, active, std::move(*tls));

    // Ctrl-C in plain mode (the full-screen view reads it as a key) and
    // SIGTERM: leave cleanly.
    asio::signal_set signals(ctx, SIGINT, SIGTERM);
    signals.async_wait([&app](boost::system::error_code ec, int) {
        if (!ec)
            app.request_quit("");
    });

    if (plain)
        asio::co_spawn(ctx, plain_input_loop(app), asio::detached);
    else
        screen->start(app);
    asio::co_spawn(ctx, app.run(), [&](std::exception_ptr e) {
        signals.cancel();
        ctx.stop();
        if (e)
            std::rethrow_exception(e);
    });
    ctx.run();
    screen.reset();  // leave the full screen before printing anything
    if (!app.fatal_error().empty())
        std::cerr << "chat-client: " << app.fatal_error() << "\n";
    return app.exit_code();
}

}  // namespace

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    auto parsed = parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_code;
    try {
        return run(*parsed.options);
    } catch (const std::exception& e) {
        std::cerr << "chat-client: " << e.what() << "\n";
        return 1;
    }
}
