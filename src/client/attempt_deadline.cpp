#include "client/attempt_deadline.hpp"

namespace sala::client {

namespace {

// "30 s", "2.5 s", "0.25 s": whole seconds without a fraction, else as few
// decimals as the milliseconds need.
std::string seconds_text(std::chrono::milliseconds limit)
{
    const auto ms = limit.count();
    std::string text = std::to_string(ms / 1000);
    if (auto frac = ms % 1000; frac != 0) {
        std::string digits = std::to_string(1000 + frac).substr(1);
        while (digits.back() == '0')
            digits.pop_back();
        text += "." + digits;
    }
    return text + " s";
}

}  // namespace

std::string attempt_deadline::reason() const
{
    const auto after = " timed out after " + seconds_text(limit_);
    switch (stage_) {
    case attempt_stage::connecting: return "connect" + after;
    case attempt_stage::tls_handshake: return "TLS handshake" + after;
    case attempt_stage::registering: return "registration" + after + " (no welcome from the server)";
    case attempt_stage::idle: break;
    }
    return "timed out";
}

}  // namespace sala::client
