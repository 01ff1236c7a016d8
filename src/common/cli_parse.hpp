#pragma once
// The one way sala's programs parse their command line with CLI11: help and
// version print and exit 0; any other problem prints a clear message and
// exits 2 (the project's rule for bad options).

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string_view>

namespace sala {

// nullopt: parsed, go on. Otherwise the status the program should exit with.
[[nodiscard]] inline std::optional<int> parse_command_line(
    CLI::App& app, int argc, const char* const* argv, std::string_view program)
{
    try {
        app.parse(argc, argv);
        return std::nullopt;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << program << ": " << e.what() << "\nRun with --help for the options.\n";
        return 2;
    }
}

}  // namespace sala
