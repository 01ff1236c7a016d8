#!/usr/bin/env bash
# Headless Chromium loads the status page of a real chat-server; the DOM, after
# the page's script has run, must show a connected user and the figures the
# script draws from /status.
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
"$server_bin" --bind 127.0.0.1 --port 0 --db :memory: --status-port "$http_port" --web-port 0 2>"$work/server.log" &
server_pid=$!
irc_port=""
for _ in $(seq 100); do
  irc_port=$(grep -oP 'listening on 127\.0\.0\.1:\K[0-9]+' "$work/server.log" || true)
  [[ -n $irc_port ]] && grep -q "status on" "$work/server.log" && break
  sleep 0.05
done
[[ -n $irc_port ]] || { echo "server did not start"; cat "$work/server.log"; exit 1; }

# A user who stays connected while the browser looks.
python3 - "$irc_port" "$work/registered" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"NICK webuser\r\nUSER web 0 * :Web User\r\n")
buf = b""
while b" 366 " not in buf:
    buf += s.recv(4096)
open(sys.argv[2], "w").close()
time.sleep(60)
PY
client_pid=$!
for _ in $(seq 100); do [[ -e $work/registered ]] && break; sleep 0.05; done
[[ -e $work/registered ]] || { echo "IRC client did not register"; exit 1; }

timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --virtual-time-budget=5000 \
  --dump-dom "http://127.0.0.1:$http_port/" >"$work/dom.html" 2>"$work/browser.log" || true

fail() { echo "FAIL: $1"; echo "--- DOM"; cat "$work/dom.html"; echo "--- browser log"; tail -20 "$work/browser.log"; exit 1; }
grep -q "<td>webuser</td>" "$work/dom.html" || fail "the page does not list webuser"
# Drawn only by the page's script from /status: proves the script ran and fetched.
grep -q "sala 0\.[0-9.]*, up" "$work/dom.html" || fail "the script did not draw the server figures"
grep -q 'class="figure"><b>1</b>connections' "$work/dom.html" || fail "the script did not show 1 connection"
echo "PASS: chromium shows webuser and the live figures"
