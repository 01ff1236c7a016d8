#pragma once
// Renders a snapshot as /status JSON, /metrics Prometheus text and the / page.
// Pure functions; they do not fail except by throwing std::bad_alloc.

#include <string>

#include "status/samples.hpp"
#include "status/snapshot.hpp"

namespace sala::status {

[[nodiscard]] std::string to_json(const snapshot& s);
[[nodiscard]] std::string to_prometheus(const snapshot& s);
// /status/samples: the charts' series; an unknown point is null.
[[nodiscard]] std::string to_json(const sample_series& s);
// The page: the user and room tables filled in from `s`, and a script that
// refreshes them from /status every two seconds and draws the charts from
// /status/samples.
[[nodiscard]] std::string status_page(const snapshot& s);

// Escapes & < > " ' for HTML text and attribute values.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace sala::status
