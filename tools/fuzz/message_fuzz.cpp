// Parser + serializer: any line parses without crashing, and whatever parses
// serializes to exactly one line that parses back to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "irc/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return 0;  // the framer never hands such bytes to the parser
    const auto first = sala::irc::parse(line);
    if (!first.msg)
        return 0;
    const auto wire = sala::irc::serialize(*first.msg);
    const auto body = std::string_view(wire).substr(0, wire.size() - 2);
    if (wire.size() < 2 || wire.substr(wire.size() - 2) != "\r\n"
        || body.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        std::abort();  // serialize must always produce one line
    const auto second = sala::irc::parse(body);
    if (!second.msg)
        std::abort();
    // A second round trip is stable (the first may normalise, e.g. drop bad tags).
    if (sala::irc::serialize(*second.msg) != wire)
        std::abort();
    return 0;
}
