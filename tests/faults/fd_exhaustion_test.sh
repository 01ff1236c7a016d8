#!/usr/bin/env bash
# Runs chat-server with a tiny open-file limit, opens more connections than it
# can hold, and checks that it says so, keeps serving the connections it has,
# and accepts again once some are closed (no spin, no crash, exit 0).
set -euo pipefail
server_bin=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 40 descriptors: a few for the server itself, the rest for clients.
prlimit --nofile=40:40 "$server_bin" --bind 127.0.0.1 --port 0 --status-port 0 --web-port 0 --db :memory: --threads 1 \
  --max-per-ip 1000 --line-rate 0 2>"$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(grep -oP 'listening on 127\.0\.0\.1:\K[0-9]+' "$work/server.log" || true)
  [[ -n $port ]] && break
  sleep 0.05
done
[[ -n $port ]] || { echo "server did not start"; cat "$work/server.log"; exit 1; }

python3 - "$port" "$work/server.log" <<'PY'
import socket, sys, time
port, log = int(sys.argv[1]), sys.argv[2]

def wait_for(pred, what, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.05)
    sys.exit(f"FAIL: timed out waiting for {what}\n--- server log\n" + open(log).read())

def register(nick):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :x\r\n".encode())
    buf = b""
    while b" 366 " not in buf:
        data = s.recv(4096)
        if not data:
            raise ConnectionError("closed")
        buf += data
    return s

# Fill the server: keep connecting until it stops accepting.
held = []
for i in range(60):
    try:
        held.append(register(f"u{i}"))
    except (ConnectionError, socket.timeout, OSError):
        break
wait_for(lambda: "pausing accepts" in open(log).read(), "the out-of-descriptors log line")
if len(held) < 20:
    sys.exit(f"FAIL: only {len(held)} connections held before exhaustion")

# The connections it holds keep working.
held[0].sendall(b"PRIVMSG #lobby :still here\r\n")
buf = b""
held[1].settimeout(5)
while b"still here" not in buf:
    buf += held[1].recv(4096)

# Free some descriptors: accepting resumes and a newcomer registers.
for s in held[-5:]:
    s.sendall(b"QUIT\r\n")
    s.close()
del held[-5:]
newcomer = None
end = time.time() + 10
while newcomer is None and time.time() < end:
    try:
        newcomer = register("newcomer")
    except (ConnectionError, socket.timeout, OSError):
        time.sleep(0.1)
if newcomer is None:
    sys.exit("FAIL: no new connection accepted after descriptors were freed\n" + open(log).read())
wait_for(lambda: "accept: resumed" in open(log).read(), "the resumed log line")
print(f"PASS: held {len(held) + 5} connections, paused, resumed after 5 closed")
PY

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[[ $status -eq 0 ]] || { echo "FAIL: chat-server exited $status"; cat "$work/server.log"; exit 1; }
