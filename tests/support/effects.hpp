#pragma once
// Reading irc::session_protocol's effects in unit tests.

#include <string>
#include <variant>
#include <vector>

#include "irc/session_protocol.hpp"

namespace sala::test {

// Everything the client would read from the `send` effects, concatenated.
inline std::string sent(const irc::session_protocol::effects& effects)
{
    std::string text;
    for (const auto& e : effects)
        if (const auto* s = std::get_if<irc::effect::send>(&e))
            text += s->text;
    return text;
}

// The effects of type Effect, in order.
template <typename Effect>
std::vector<Effect> all_of(const irc::session_protocol::effects& effects)
{
    std::vector<Effect> found;
    for (const auto& e : effects)
        if (const auto* x = std::get_if<Effect>(&e))
            found.push_back(*x);
    return found;
}

}  // namespace sala::test
