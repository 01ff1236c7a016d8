#!/usr/bin/env bash
# Two `chat-client --plain` processes against a real chat-server on loopback:
# a line typed in one shows up in the other, joins and quits are seen, and
# the clients reconnect and rejoin after the server restarts on the same port.
# Usage: client_plain_test.sh CHAT_SERVER CHAT_CLIENT
set -euo pipefail

server_bin=$1
client_bin=$2
dir=$(mktemp -d)
# The status endpoint (127.0.0.1:8080 by default) is not under test; turn it
# off so that tests running in parallel do not fight over its port.
status_off=(--status-port 0 --web-port 0)
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$dir"/*.out "$dir"/*.err "$dir"/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

# wait_for FILE REGEX [COUNT] [SECONDS]: poll until REGEX matches COUNT lines.
wait_for() {
    local file=$1 regex=$2 count=${3:-1} limit=${4:-10}
    local deadline=$((SECONDS + limit))
    while [ "$SECONDS" -le "$deadline" ]; do
        if [ -f "$file" ] && [ "$(grep -Ec -- "$regex" "$file" || true)" -ge "$count" ]; then
            return 0
        fi
        sleep 0.05
    done
    fail "timed out waiting for '$regex' (x$count) in $file"
}

start_server() {  # start_server PORT LOG
    spawn "$server_bin" --bind 127.0.0.1 "${status_off[@]}" --db :memory: --port "$1" 2>"$2" &
    server_pid=$!
    pids+=("$server_pid")
    wait_for "$2" 'listening on 127\.0\.0\.1:[0-9]+'
    port=$(grep -Eo 'listening on 127\.0\.0\.1:[0-9]+' "$2" | head -1 | sed 's/.*://')
}

# Write ends of the clients' FIFOs held by this script. Every child closes
# them, or a later child would keep a FIFO open and its reader would never
# see end of input.
fifo_fds=()
spawn() {  # spawn CMD ARGS... &  (the background subshell becomes CMD)
    for fd in "${fifo_fds[@]}"; do eval "exec $fd>&-"; done
    exec "$@"
}

stamp='^[0-9]{2}:[0-9]{2} '

# Options and failures first: they need no server.
set +e
"$client_bin" --version | grep 'chat-client' >/dev/null || fail "--version"
# Captured first: under pipefail, grep -q closing the pipe early would fail
# the pipeline with SIGPIPE on the writer.
help_text=$("$client_bin" --help) || fail "--help exit status"
[[ $help_text == *--plain* ]] || fail "--help"
"$client_bin" alice --port notanumber 2>"$dir/badopt.err"; code=$?
set -e
[ "$code" -eq 2 ] || fail "bad option exit code $code, want 2"
grep -q 'chat-client' "$dir/badopt.err" || fail "bad option message"

start_server 0 "$dir/server1.log"
first_port=$port

# Each client reads from a FIFO that the test holds open, so it stays
# connected until the test closes it.
start_client() {  # start_client NICK
    mkfifo "$dir/$1.in"
    spawn "$client_bin" "$1" --port "$port" --plain --reconnect-min 0.2 --reconnect-max 1 \
        <"$dir/$1.in" >"$dir/$1.out" 2>"$dir/$1.err" &
    pids+=("$!")
    eval "${1}_pid=$!"
}

start_client bob
exec {bob_in}>"$dir/bob.in"
fifo_fds+=("$bob_in")
wait_for "$dir/bob.out" "${stamp}\* bob joined #lobby\$"

start_client alice
exec {alice_in}>"$dir/alice.in"
fifo_fds+=("$alice_in")
wait_for "$dir/bob.out" "${stamp}\* alice joined #lobby\$"
wait_for "$dir/alice.out" "${stamp}\* alice joined #lobby\$"

echo "hello from alice" >&"$alice_in"
wait_for "$dir/bob.out" "${stamp}<alice> hello from alice\$"
echo "hi alice, grüße 日本" >&"$bob_in"
wait_for "$dir/alice.out" "${stamp}<bob> hi alice, grüße 日本\$"
echo "/nick alicia" >&"$alice_in"
wait_for "$dir/bob.out" "${stamp}\* alice is now known as alicia\$"
echo "/nick alice" >&"$alice_in"
wait_for "$dir/bob.out" "${stamp}\* alicia is now known as alice\$"

# Restart the server on the same port: both clients notice, reconnect, rejoin.
kill -TERM "$server_pid"
wait "$server_pid" || true
wait_for "$dir/bob.out" 'connection lost'
wait_for "$dir/alice.out" 'connection lost'
start_server "$first_port" "$dir/server2.log"
[ "$port" = "$first_port" ] || fail "server came back on $port, not $first_port"
wait_for "$dir/bob.out" "${stamp}\* bob joined #lobby\$" 2 15
wait_for "$dir/alice.out" "${stamp}\* alice joined #lobby\$" 2 15
echo "after the restart" >&"$alice_in"
wait_for "$dir/bob.out" "${stamp}<alice> after the restart\$"

# End of input: alice sends QUIT and exits 0; bob sees her quit.
exec {alice_in}>&-
wait "$alice_pid" || fail "alice exited with $?"
wait_for "$dir/bob.out" "${stamp}\* alice quit"
exec {bob_in}>&-
wait "$bob_pid" || fail "bob exited with $?"

# Lines piped in before the connection is up are still sent, in order.
mkfifo "$dir/carol.in"
spawn "$client_bin" carol --port "$port" --plain <"$dir/carol.in" >"$dir/carol.out" 2>"$dir/carol.err" &
pids+=("$!")
carol_pid=$!
exec {carol_in}>"$dir/carol.in"
fifo_fds+=("$carol_in")
wait_for "$dir/carol.out" "${stamp}\* carol joined #lobby\$"
printf 'one\ntwo\n' | "$client_bin" dave --port "$port" --plain >"$dir/dave.out" 2>&1 || fail "dave exit $?"
wait_for "$dir/carol.out" "${stamp}<dave> two\$"
grep -A1 '<dave> one' "$dir/carol.out" | grep '<dave> two' >/dev/null || fail "dave's lines out of order"
exec {carol_in}>&-
wait "$carol_pid" || fail "carol exited with $?"

# An unreachable server: a message on stderr and exit status 1.
kill -TERM "$server_pid"
wait "$server_pid" || true
set +e
"$client_bin" eve --port "$port" --plain </dev/null >/dev/null 2>"$dir/eve.err"; code=$?
set -e
[ "$code" -eq 1 ] || fail "unreachable server exit code $code, want 1"
grep -q 'cannot connect' "$dir/eve.err" || fail "unreachable server message"
echo "PASS"
