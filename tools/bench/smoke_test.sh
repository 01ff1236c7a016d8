#!/usr/bin/env bash
# Smoke test of sala-bench: each mode, tiny, against a real chat-server on an
# ephemeral loopback port. Usage: smoke_test.sh CHAT_SERVER SALA_BENCH
set -euo pipefail
server_bin=$1
bench_bin=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The web listener has no ephemeral port: a free one, as the kernel picks it.
web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server_bin" --bind 127.0.0.1 --port 0 --status-port 0 --db "$work/sala.db" --line-rate 0 --max-per-ip 10000 \
  --web-bind 127.0.0.1 --web-port "$web_port" --autojoin '' >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 200); do  # up to 10 s
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "chat-server exited"; exit 1; }
  sleep 0.05
done
[[ -n $port ]] || { cat "$work/server.log"; echo "no 'listening on' line"; exit 1; }

# Runs one mode; its JSON line must parse. Stores the line in $json.
# The IRC port unless bench_port says otherwise.
run() {
  local name=$1
  shift
  echo "== $name: sala-bench $*"
  if ! json=$(timeout 60 "$bench_bin" "$@" --port "${bench_port:-$port}" --label "smoke-$name" --setup-timeout 20); then
    echo "sala-bench $name failed"
    exit 1
  fi
  echo "$json"
  python3 -c 'import json, sys; json.loads(sys.argv[1])' "$json" || { echo "bad JSON from $name"; exit 1; }
}

field() {  # field JSON KEY
  python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

run fanout fanout --members 20 --publishers 2 --messages 200 --window 8 --threads 2 --duration 10
[[ $(field "$json" lost) == 0 ]] || { echo "fanout lost deliveries"; exit 1; }
[[ $(field "$json" out_of_order) == 0 ]] || { echo "fanout delivered out of order"; exit 1; }
[[ $(field "$json" deliveries) == $((2 * 200 * 19)) ]] || { echo "fanout delivery count wrong"; exit 1; }

# Its own channel: joining #bench would replay the last run's lines, which
# the publishers would take for acknowledgements.
bench_port=$web_port run fanout_ws fanout --members 20 --publishers 2 --messages 200 --window 8 --threads 2 \
  --duration 10 --websocket --channel '#bench-ws'
[[ $(field "$json" lost) == 0 ]] || { echo "fanout over WebSocket lost deliveries"; exit 1; }
[[ $(field "$json" deliveries) == $((2 * 200 * 19)) ]] || { echo "fanout over WebSocket: delivery count wrong"; exit 1; }

run fanout_rate fanout --members 10 --publishers 2 --messages 50 --rate 200 --duration 5
[[ $(field "$json" lost) == 0 ]] || { echo "fixed-rate fanout lost deliveries"; exit 1; }

run idle idle --connections 50 --server-pid "$server_pid" --hold 0.2 --threads 2
[[ $(field "$json" registered) == 50 ]] || { echo "idle did not hold 50 connections"; exit 1; }
field "$json" bytes_per_conn >/dev/null

run churn churn --duration 1 --concurrency 4 --threads 2
(( $(field "$json" completed) > 0 )) || { echo "churn completed nothing"; exit 1; }
[[ $(field "$json" failed) == 0 ]] || { echo "churn had failures"; exit 1; }

kill -0 "$server_pid" || { echo "chat-server died"; exit 1; }
echo "bench smoke test passed"
