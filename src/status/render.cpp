#include "status/render.hpp"

#include <boost/json.hpp>

#include <sstream>

namespace sala::status {

namespace json = boost::json;

std::string to_json(const snapshot& s)
{
    json::array users;
    for (const auto& u : s.users) {
        json::array chans;
        for (const auto& c : u.channels)
            chans.emplace_back(c);
        users.emplace_back(json::object{{"nick", u.nick}, {"channels", std::move(chans)},
            {"connected_seconds", u.connected_seconds}, {"idle_seconds", u.idle_seconds},
            {"away", u.away.empty() ? json::value(nullptr) : json::value(u.away)},
            {"account", u.account.empty() ? json::value(nullptr) : json::value(u.account)}});
    }
    json::array channels;
    for (const auto& c : s.channels)
        channels.emplace_back(json::object{
            {"name", c.name}, {"members", c.members}, {"topic", c.topic}, {"messages", c.messages}});
    json::object disconnects;
    for (auto r : all_disconnect_reasons)
        disconnects[name_of(r)] = count_of(s.disconnects, r);
    json::object root{
        {"server", json::object{{"name", s.server_name}, {"version", s.version}, {"started_at", s.started_at},
                       {"uptime_seconds", s.uptime_seconds}, {"threads", s.threads}}},
        {"connections", json::object{{"total", s.connections}, {"registered", s.registered}}},
        {"users", std::move(users)},
        {"users_truncated", s.users_truncated},
        {"channels", std::move(channels)},
        {"messages", json::object{{"received", s.messages_received}, {"delivered", s.messages_delivered},
                         {"dropped", s.messages_dropped}}},
        {"disconnects", std::move(disconnects)},
        {"output", json::object{{"queued_bytes", s.output_queued_bytes},
                       {"kernel_queued_bytes", s.output_kernel_queued_bytes},
                       {"send_buffer_bytes", s.send_buffer_bytes}, {"aborted_closes", s.aborted_closes}}},
        {"history", json::object{{"enabled", s.history.enabled}, {"stored", s.history.stored},
                        {"batches_written", s.history.batches_written}, {"write_errors", s.history.write_errors},
                        {"queue_depth", s.history.queue_depth}, {"commit_p50_us", s.history.commit_p50_us},
                        {"commit_p99_us", s.history.commit_p99_us}, {"database_bytes", s.history.database_bytes},
                        {"pruned", s.history.pruned}, {"queries", s.history.queries}}},
        {"tls", json::object{{"enabled", s.tls.enabled}, {"port", s.tls.port},
                    {"certificate_sha256", s.tls.certificate_sha256}, {"connections", s.tls.connections},
                    {"handshakes", s.tls.handshakes}, {"handshake_failures", s.tls.handshake_failures},
                    {"reloads", s.tls.reloads}, {"reload_failures", s.tls.reload_failures}}},
        {"web", json::object{{"enabled", s.web.enabled}, {"port", s.web.port}, {"websockets", s.web.websockets},
                    {"websockets_opened", s.web.websockets_opened}}},
    };
    return json::serialize(root) + "\n";
}

std::string to_prometheus(const snapshot& s)
{
    std::ostringstream out;
    auto metric = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
            << name << ' ' << value << '\n';
    };
    metric("sala_up", "gauge", "1 while the server is running.", 1);
    metric("sala_uptime_seconds", "gauge", "Seconds since the server started.", s.uptime_seconds);
    metric("sala_threads", "gauge", "Shards (one thread each).", s.threads);
    metric("sala_connections", "gauge", "Open client connections.", s.connections);
    metric("sala_users_registered", "gauge", "Registered users.", s.registered);
    metric("sala_channels", "gauge", "Channels with at least one member.", s.channels.size());
    metric("sala_messages_received_total", "counter", "PRIVMSG and NOTICE lines accepted from clients.",
        s.messages_received);
    metric("sala_messages_delivered_total", "counter", "PRIVMSG and NOTICE copies queued to clients.",
        s.messages_delivered);
    metric("sala_output_queued_bytes", "gauge", "Output bytes waiting in the sessions' send queues.",
        s.output_queued_bytes);
    metric("sala_output_kernel_queued_bytes", "gauge", "Output bytes in the kernel's send buffers, not yet acknowledged.",
        s.output_kernel_queued_bytes);
    metric("sala_aborted_closes_total", "counter", "Connections reset because their last words were not taken in time.",
        s.aborted_closes);
    metric("sala_messages_dropped_total", "counter", "Lines dropped by limits (length, UTF-8, flood, SendQ).",
        s.messages_dropped);
    metric("sala_history_stored_total", "counter", "History lines written to the store.", s.history.stored);
    metric("sala_history_batches_total", "counter", "History transactions committed.", s.history.batches_written);
    metric("sala_history_write_errors_total", "counter", "History appends that could not be written.",
        s.history.write_errors);
    metric("sala_history_queue_depth", "gauge", "History appends waiting for the writer.", s.history.queue_depth);
    metric("sala_history_commit_p50_seconds", "gauge", "Median of recent history commit times.",
        static_cast<double>(s.history.commit_p50_us) / 1e6);
    metric("sala_history_commit_p99_seconds", "gauge", "99th percentile of recent history commit times.",
        static_cast<double>(s.history.commit_p99_us) / 1e6);
    metric("sala_history_database_bytes", "gauge", "Size of the history database and its log.",
        s.history.database_bytes);
    metric("sala_tls_connections", "gauge", "Open TLS connections.", s.tls.connections);
    metric("sala_websocket_connections", "gauge", "Open IRC-over-WebSocket connections.", s.web.websockets);
    metric("sala_websockets_opened_total", "counter", "WebSocket upgrades on the web port.", s.web.websockets_opened);
    metric("sala_tls_handshakes_total", "counter", "TLS handshakes completed.", s.tls.handshakes);
    metric("sala_tls_handshake_failures_total", "counter", "TLS handshakes that failed or timed out.",
        s.tls.handshake_failures);
    metric("sala_tls_reload_failures_total", "counter", "SIGHUPs whose certificate or key could not be used.",
        s.tls.reload_failures);
    out << "# HELP sala_disconnects_total Client disconnections by reason.\n"
        << "# TYPE sala_disconnects_total counter\n";
    for (auto r : all_disconnect_reasons)
        out << "sala_disconnects_total{reason=\"" << name_of(r) << "\"} " << count_of(s.disconnects, r) << '\n';
    return out.str();
}

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

namespace {

std::string duration_text(std::int64_t s)
{
    if (s < 60)
        return std::to_string(s) + " s";
    if (s < 3600)
        return std::to_string(s / 60) + " min";
    return std::to_string(s / 3600) + " h";
}

std::string row(std::initializer_list<std::string> cells)
{
    std::string out = "<tr>";
    for (const auto& c : cells)
        out += "<td>" + html_escape(c) + "</td>";
    return out + "</tr>\n";
}

std::string user_rows(const snapshot& s)
{
    std::string out;
    for (const auto& u : s.users) {
        std::string chans;
        for (const auto& c : u.channels)
            chans += chans.empty() ? c : " " + c;
        out += row({u.nick, u.account, chans, duration_text(u.connected_seconds), duration_text(u.idle_seconds), u.away});
    }
    return out;
}

std::string channel_rows(const snapshot& s)
{
    std::string out;
    for (const auto& c : s.channels)
        out += row({c.name, std::to_string(c.members), std::to_string(c.messages), c.topic});
    return out;
}

void replace(std::string& page, std::string_view marker, const std::string& with)
{
    const auto at = page.find(marker);
    if (at != std::string::npos)
        page.replace(at, marker.size(), with);
}

// The page's skeleton; the <!--...--> markers are filled per request.
const std::string page_template = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sala status</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; background: #fafafa; }
  h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
  .figures { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
  .figure { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
  .figure b { display: block; font-size: 1.5rem; }
  table { border-collapse: collapse; background: #fff; margin-bottom: 1.5rem; min-width: 30rem; }
  th, td { border: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
  th { background: #f0f0f0; }
  #error { color: #b00; }
</style>
</head>
<body>
<h1 id="title"><!--name--> status</h1>
<div id="meta"></div>
<div id="error"></div>
<div class="figures" id="figures"></div>
<h2>Users</h2>
<table><thead><tr><th>nick</th><th>account</th><th>channels</th><th>connected</th><th>idle</th><th>away</th></tr></thead>
<tbody id="users"><!--users--></tbody></table>
<div id="truncated"></div>
<h2>Rooms</h2>
<table><thead><tr><th>name</th><th>members</th><th>messages</th><th>topic</th></tr></thead>
<tbody id="channels"><!--channels--></tbody></table>
<script>
"use strict";
function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); }
function duration(s) { return s < 60 ? s + " s" : s < 3600 ? Math.floor(s / 60) + " min" : Math.floor(s / 3600) + " h"; }
function figure(label, value) {
  const div = document.createElement("div"); div.className = "figure";
  const b = document.createElement("b"); b.textContent = value; div.appendChild(b);
  div.appendChild(document.createTextNode(label)); return div;
}
async function refresh() {
  try {
    const s = await (await fetch("/status", {cache: "no-store"})).json();
    document.getElementById("error").textContent = "";
    document.getElementById("title").textContent = s.server.name + " status";
    document.getElementById("meta").textContent = "sala " + s.server.version + ", up " +
      duration(s.server.uptime_seconds) + ", " + s.server.threads + " threads";
    const figures = document.getElementById("figures"); figures.replaceChildren(
      figure("connections", s.connections.total), figure("registered", s.connections.registered),
      figure("rooms", s.channels.length), figure("messages received", s.messages.received),
      figure("messages delivered", s.messages.delivered), figure("dropped by limits", s.messages.dropped));
    const users = document.getElementById("users"); users.replaceChildren();
    for (const u of s.users) {
      const row = document.createElement("tr");
      cell(row, u.nick); cell(row, u.account === null ? "" : u.account); cell(row, u.channels.join(" ")); cell(row, duration(u.connected_seconds));
      cell(row, duration(u.idle_seconds)); cell(row, u.away === null ? "" : u.away); users.appendChild(row);
    }
    document.getElementById("truncated").textContent = s.users_truncated ? "(more users not shown)" : "";
    const channels = document.getElementById("channels"); channels.replaceChildren();
    for (const c of s.channels) {
      const row = document.createElement("tr");
      cell(row, c.name); cell(row, c.members); cell(row, c.messages); cell(row, c.topic); channels.appendChild(row);
    }
  } catch (e) {
    document.getElementById("error").textContent = "cannot reach the server: " + e;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)html";

}  // namespace

std::string status_page(const snapshot& s)
{
    std::string page = page_template;
    replace(page, "<!--name-->", html_escape(s.server_name));
    replace(page, "<!--users-->", user_rows(s));
    replace(page, "<!--channels-->", channel_rows(s));
    return page;
}

}  // namespace sala::status
