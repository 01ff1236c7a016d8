#include "status/render.hpp"

#include <boost/json.hpp>

#include <cmath>
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
    json::array remote_users;
    for (const auto& u : s.cluster.remote_users) {
        json::array chans;
        for (const auto& c : u.channels)
            chans.emplace_back(c);
        remote_users.emplace_back(json::object{{"nick", u.nick}, {"node", u.node}, {"channels", std::move(chans)}});
    }
    json::array nodes;
    for (const auto& n : s.cluster.nodes)
        nodes.emplace_back(n);
    json::object cluster{{"enabled", s.cluster.enabled}, {"node", s.cluster.node}, {"nodes", std::move(nodes)},
        {"remote_users", std::move(remote_users)}};
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
        {"cluster", std::move(cluster)},
    };
    return json::serialize(root) + "\n";
}

namespace {

// Whole numbers as integers: 3 reads better than 3E0, and most points are whole.
json::value plain_number(double v)
{
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return static_cast<std::int64_t>(v);
    return v;
}

}  // namespace

std::string to_json(const sample_series& s)
{
    json::array seconds_ago;
    for (auto t : s.seconds_ago)
        seconds_ago.emplace_back(plain_number(t));
    json::array charts;
    for (const auto& c : s.charts) {
        json::array points;
        for (const auto& p : c.points)
            points.emplace_back(p ? plain_number(*p) : json::value(nullptr));
        charts.emplace_back(json::object{{"name", c.name}, {"title", c.title}, {"points", std::move(points)}});
    }
    const json::object root{
        {"interval_seconds", plain_number(static_cast<double>(s.interval.count()) / 1000.0)},
        {"window_seconds", plain_number(static_cast<double>(s.window.count()) / 1000.0)},
        {"seconds_ago", std::move(seconds_ago)},
        {"charts", std::move(charts)},
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
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 1rem; margin: 1rem 0 1.5rem; }
  .chart { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem .8rem; }
  .chart h3 { font-size: .95rem; font-weight: normal; margin: 0 0 .3rem; display: flex; justify-content: space-between; }
  .chart h3 b { font-size: 1.1rem; }
  .chart svg { display: block; width: 100%; height: auto; }
  .chart .grid { stroke: #eee; stroke-width: 1; }
  .chart .line { fill: none; stroke: #2a6db0; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
  .chart .last { fill: #2a6db0; }
  .chart text { font-size: 10px; fill: #777; }
  .table-wrap { overflow-x: auto; }
  @media (max-width: 40rem) {
    body { margin: .8rem; }
    table { min-width: 0; }
    .charts { grid-template-columns: 1fr; }
  }
</style>
</head>
<body>
<h1 id="title"><!--name--> status</h1>
<div id="meta"></div>
<div id="error"></div>
<div class="figures" id="figures"></div>
<h2 id="charts-title">Recent activity</h2>
<div class="charts" id="charts"></div>
<h2>Users</h2>
<div class="table-wrap"><table><thead><tr><th>nick</th><th>account</th><th>channels</th><th>connected</th><th>idle</th><th>away</th></tr></thead>
<tbody id="users"><!--users--></tbody></table></div>
<div id="truncated"></div>
<h2>Rooms</h2>
<div class="table-wrap"><table><thead><tr><th>name</th><th>members</th><th>messages</th><th>topic</th></tr></thead>
<tbody id="channels"><!--channels--></tbody></table></div>
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
const SVG = "http://www.w3.org/2000/svg", W = 300, H = 100, PAD = 14;
function svg(name, attrs) {
  const e = document.createElementNS(SVG, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}
function svgText(x, y, anchor, text) {
  const t = svg("text", {x: x, y: y, "text-anchor": anchor}); t.textContent = text; return t;
}
// The smallest 1, 2 or 5 times a power of ten at or above v: a round top for the y axis.
function roundUp(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
function amount(v) {
  if (v === null) return "\u2013";
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : 1);
}
function minutes(s) { return s >= 120 ? Math.round(s / 60) + " min ago" : Math.round(s) + " s ago"; }
// One chart: a line through the known points; an unknown point (null) breaks it.
function drawChart(chart, secondsAgo, span) {
  const box = document.createElement("div"); box.className = "chart"; box.dataset.name = chart.name;
  const head = document.createElement("h3");
  const label = document.createElement("span"); label.textContent = chart.title; head.appendChild(label);
  const known = chart.points.filter(p => p !== null);
  const now = document.createElement("b"); now.textContent = amount(known.length ? known[known.length - 1] : null);
  head.appendChild(now); box.appendChild(head);
  const top = roundUp(Math.max(0, ...known));
  const image = svg("svg", {viewBox: "0 0 " + W + " " + (H + PAD), role: "img", "data-points": known.length});
  const title = svg("title", {}); title.textContent = chart.title + ", last " + minutes(span).replace(" ago", "");
  image.appendChild(title);
  for (const f of [0, 0.5, 1]) image.appendChild(svg("line", {class: "grid", x1: 0, x2: W, y1: f * H, y2: f * H}));
  const x = ago => (W * (1 - Math.min(ago, span) / span)).toFixed(1);
  const y = v => (H - H * v / top).toFixed(1);
  let d = "", pen = false, last = null;
  chart.points.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    d += (pen ? "L" : "M") + x(secondsAgo[i]) + " " + y(v) + " ";
    pen = true; last = [x(secondsAgo[i]), y(v)];
  });
  if (d) image.appendChild(svg("path", {class: "line", d: d.trim()}));
  if (last) image.appendChild(svg("circle", {class: "last", cx: last[0], cy: last[1], r: 2.5}));
  image.appendChild(svgText(2, 10, "start", amount(top)));
  image.appendChild(svgText(2, H + PAD - 2, "start", minutes(span)));
  image.appendChild(svgText(W - 2, H + PAD - 2, "end", "now"));
  box.appendChild(image);
  return box;
}
async function refreshCharts() {
  try {
    const s = await (await fetch("/status/samples", {cache: "no-store"})).json();
    const span = Math.max(s.window_seconds, s.interval_seconds);
    document.getElementById("charts-title").textContent = "Last " + minutes(span).replace(" ago", "");
    document.getElementById("charts").replaceChildren(...s.charts.map(c => drawChart(c, s.seconds_ago, span)));
  } catch (e) {
    document.getElementById("error").textContent = "cannot read the samples: " + e;
  }
}
refresh();
refreshCharts();
setInterval(refresh, 2000);
setInterval(refreshCharts, 3000);
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
