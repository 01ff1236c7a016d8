#!/usr/bin/env bash
# chat-client --plain against a hostile scripted server (hostile_server.py)
# that floods it with private messages from endless senders, forced joins,
# NAMES without an end, JOINs, CAP LS lines and PINGs whose PONGs it does not
# read. The client must come through it with bounded memory, alive and
# answering. No verdict depends on speed: the waits are bounded by
# conditions, and the memory bound is on growth, not on time.
# Usage: client_flood_test.sh CHAT_CLIENT HOSTILE_SERVER_PY
# Environment: SALA_FLOOD_SCALE scales the flood (default 1);
# SALA_FLOOD_LIMIT_MIB is the allowed growth of peak RSS (default 64).
set -euo pipefail

client_bin=$1
server_py=$2
limit_mib=${SALA_FLOOD_LIMIT_MIB:-64}
dir=$(mktemp -d)
pids=()

# AddressSanitizer keeps freed memory in a quarantine of 256 MB to catch use
# after free; that would count as the client's growth, so keep it small.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=2"

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$dir"/*.err; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
    done
    [ -f "$dir/client.out" ] && { echo "--- client.out (last lines)" >&2; tail -n 20 "$dir/client.out" >&2; }
    exit 1
}

# wait_for FILE REGEX SECONDS: poll until REGEX matches a line of FILE, as
# long as the process $watch lives.
wait_for() {
    local file=$1 regex=$2 limit=$3
    local deadline=$((SECONDS + limit))
    while [ "$SECONDS" -le "$deadline" ]; do
        if [ -f "$file" ] && grep -Eq -- "$regex" "$file"; then
            return 0
        fi
        kill -0 "$watch" 2>/dev/null || fail "process $watch died"
        sleep 0.1
    done
    fail "timed out waiting for '$regex' in $file"
}

kib() {  # kib FIELD: a field of the client's /proc status, in KiB
    awk -v f="$1:" '$1 == f { print $2 }' "/proc/$client_pid/status"
}

python3 "$server_py" >"$dir/server.out" 2>"$dir/server.err" &
pids+=("$!")
watch=$!
wait_for "$dir/server.out" '^port [0-9]+$' 10
port=$(sed -n 's/^port //p' "$dir/server.out")

mkfifo "$dir/client.in"
"$client_bin" tester --host 127.0.0.1 --port "$port" --channel '#lobby' --plain \
    <"$dir/client.in" >"$dir/client.out" 2>"$dir/client.err" &
client_pid=$!
pids+=("$client_pid")
watch=$client_pid
exec {client_in}>"$dir/client.in"

wait_for "$dir/client.out" '\* tester joined #lobby$' 30
base=$(kib VmRSS)
echo go >&"$client_in"
wait_for "$dir/client.out" '<marker> flood over$' 200
peak=$(kib VmHWM)
growth=$((peak - base))
echo "peak RSS ${peak} KiB, ${base} KiB before the flood: grew ${growth} KiB (limit ${limit_mib} MiB)"
[ "$growth" -le $((limit_mib * 1024)) ] || fail "RSS grew by ${growth} KiB"

grep -q 'too many windows' "$dir/client.out" || fail "no forced join was refused"
grep -q 'only 100000 members are listed' "$dir/client.out" || fail "the member list was not capped"

# Still answering: a typed line reaches the server and its answer comes back.
echo "still there" >&"$client_in"
wait_for "$dir/client.out" '<echo> heard: still there$' 30

exec {client_in}>&-
wait "$client_pid" || fail "chat-client exited with $?"
echo "PASS"
