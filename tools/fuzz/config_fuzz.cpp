// The --config file reader (CLI11's INI/TOML reader, as chat-server uses it):
// arbitrary file contents give options or a clean error, never a crash.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::istringstream file(std::string(reinterpret_cast<const char*>(data), size));
    try {
        CLI::ConfigINI reader;
        const auto items = reader.from_config(file);
        std::size_t total = 0;
        for (const auto& item : items)
            total += item.name.size() + item.inputs.size();
        return total == static_cast<std::size_t>(-1) ? 1 : 0;
    } catch (const CLI::Error&) {
        return 0;
    }
}
