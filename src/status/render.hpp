#pragma once
// Renders a snapshot as /status JSON, /metrics Prometheus text and the / page.
// Pure functions; they do not fail except by throwing std::bad_alloc.

#include <string>

#include "status/snapshot.hpp"

namespace sala::status {

[[nodiscard]] std::string to_json(const snapshot& s);
[[nodiscard]] std::string to_prometheus(const snapshot& s);
// The page is static: its script fetches /status and draws it.
[[nodiscard]] const std::string& status_page();

}  // namespace sala::status
