#!/usr/bin/env bash
# Headless Chromium loads the status page of a real chat-server; the DOM, after
# the page's script has run, must show a connected user, the figures the
# script draws from /status, and the charts it draws from /status/samples.
set -euo pipefail
server_bin=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIPPED: no chromium (scripts/install-deps.sh installs the 'chromium' package)"
  exit 0
fi

work=$(mktemp -d)
server_pid=""
client_pid=""
cleanup() {
  [[ -n $client_pid ]] && kill "$client_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Samples every 0.2 s, so the charts have points within a second or two.
"$server_bin" --bind 127.0.0.1 --port 0 --db :memory: --status-port "$http_port" --status-sample-interval 0.2 \
  --web-port 0 \
  2>"$work/server.log" &
server_pid=$!
irc_port=""
for _ in $(seq 100); do
  irc_port=$(grep -oP 'listening on 127\.0\.0\.1:\K[0-9]+' "$work/server.log" || true)
  [[ -n $irc_port ]] && grep -q "status on" "$work/server.log" && break
  sleep 0.05
done
[[ -n $irc_port ]] || { echo "server did not start"; cat "$work/server.log"; exit 1; }

# A user who says a few things, then stays connected while the browser looks.
python3 - "$irc_port" "$work/registered" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"NICK webuser\r\nUSER web 0 * :Web User\r\n")
buf = b""
while b" 366 " not in buf:
    buf += s.recv(4096)
for i in range(5):
    s.sendall(b"PRIVMSG #lobby :hello %d\r\n" % i)
open(sys.argv[2], "w").close()
time.sleep(60)
PY
client_pid=$!
for _ in $(seq 100); do [[ -e $work/registered ]] && break; sleep 0.05; done
[[ -e $work/registered ]] || { echo "IRC client did not register"; exit 1; }

# Wait (bounded) until the samples have charted those messages, so the page
# the browser loads has them to draw.
python3 - "$http_port" <<'PY' || { echo "the samples never showed the messages"; exit 1; }
import json, sys, time, urllib.request
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    with urllib.request.urlopen("http://127.0.0.1:%s/status/samples" % sys.argv[1], timeout=10) as r:
        samples = json.load(r)
    rates = next(c["points"] for c in samples["charts"] if c["name"] == "messages_per_second")
    if any(p is not None and p > 0 for p in rates):
        sys.exit(0)
    time.sleep(0.1)  # polling interval of a bounded wait
sys.exit(1)
PY

timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --virtual-time-budget=5000 \
  --dump-dom "http://127.0.0.1:$http_port/" >"$work/dom.html" 2>"$work/browser.log" || true

fail() { echo "FAIL: $1"; echo "--- DOM"; cat "$work/dom.html"; echo "--- browser log"; tail -20 "$work/browser.log"; exit 1; }
grep -q "<td>webuser</td>" "$work/dom.html" || fail "the page does not list webuser"
# Drawn only by the page's script from /status: proves the script ran and fetched.
grep -q "sala 0\.[0-9.]*, up" "$work/dom.html" || fail "the script did not draw the server figures"
grep -q 'class="figure"><b>1</b>connections' "$work/dom.html" || fail "the script did not show 1 connection"
# The charts: an SVG per series with a line through its points, drawn by the
# script from /status/samples; the messages/s line rises above zero somewhere.
python3 - "$work/dom.html" <<'PY' || fail "the charts are missing or empty"
import re, sys
dom = open(sys.argv[1]).read()
charts = dict(re.findall(r'<div class="chart" data-name="([a-z_0-9]+)">(.*?)</svg>', dom, re.S))
for name in ["messages_per_second", "deliveries_per_second", "connections", "store_commits_per_second"]:
    chart = charts.get(name)
    if chart is None:
        sys.exit("no chart " + name)
    points = re.search(r'data-points="(\d+)"', chart)
    line = re.search(r'<path class="line" d="([^"]+)"', chart)
    if not points or int(points.group(1)) < 2 or not line or "L" not in line.group(1):
        sys.exit("chart %s has no line through points" % name)
    print(name, points.group(1), "points")
heights = [float(y) for y in re.findall(r'[ML][0-9.]+ ([0-9.]+)', re.search(r'<path class="line" d="([^"]+)"', charts["messages_per_second"]).group(1))]
if not any(y < 100 for y in heights):  # 100 is the zero line of the 300x100 plot
    sys.exit("messages/s never rises above zero")
PY
echo "PASS: chromium shows webuser, the live figures and the charts"
