#!/usr/bin/env bash
# chat-client and the server's history, end to end: a crash loses nothing on
# screen, and nothing shows twice.
#
#  1. alice (chat-client --plain, through a gate proxy) and bob (chat-client
#     --plain) talk in #lobby on a chat-server with a history database.
#  2. The server is killed (SIGKILL) and started again on the same --db and
#     port. The gate keeps alice out while bob comes back and talks.
#  3. The gate opens: alice reconnects, asks for what she missed (CHATHISTORY
#     AFTER her last msgid) and shows it as history, each line once, before
#     what bob says next.
#  4. A fresh joiner, carol, in the full-screen view (tmux), sees the latest
#     lines as history, dimmed; PageUp at the top loads the older ones; her
#     input line stays intact. dave, a fresh joiner in plain mode, sees them
#     marked "[history]".
# Every wait is a bounded poll for a condition; no verdict rests on a sleep.
# Usage: client_history_test.sh CHAT_SERVER CHAT_CLIENT
# Environment: SALA_TEST_WAIT, seconds each condition may take (default 60;
# sanitizer builds are 5-20x slower).
set -euo pipefail

server_bin=$1
client_bin=$2
limit=${SALA_TEST_WAIT:-60}

command -v tmux >/dev/null || { echo "SKIP: tmux not found (install the Debian package 'tmux')"; exit 77; }

dir=$(mktemp -d)
sock=sala-history-$$
pids=()

cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

# Its readers never use grep -q: grep would stop reading at the first match,
# and under pipefail the capture dying of SIGPIPE would fail the pipeline.
screen() { tmux -L "$sock" capture-pane -p -t sala "$@"; }

fail() {
    echo "FAIL: $*" >&2
    if tmux -L "$sock" has-session -t sala 2>/dev/null; then
        echo "--- carol's screen" >&2
        screen >&2 || true
    fi
    for f in "$dir"/*.out "$dir"/*.err "$dir"/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 80 "$f" >&2; }
    done
    exit 1
}

# wait_for FILE REGEX [COUNT]: poll until REGEX matches at least COUNT lines.
wait_for() {
    local file=$1 regex=$2 count=${3:-1}
    local deadline=$((SECONDS + limit))
    while [ "$SECONDS" -le "$deadline" ]; do
        if [ -f "$file" ] && [ "$(grep -Ec -- "$regex" "$file" || true)" -ge "$count" ]; then
            return 0
        fi
        sleep 0.05
    done
    fail "timed out waiting for '$regex' (x$count) in $file"
}

wait_screen() {
    local deadline=$((SECONDS + limit))
    while [ "$SECONDS" -le "$deadline" ]; do
        screen | grep -E -- "$1" >/dev/null && return 0
        sleep 0.05
    done
    fail "timed out waiting for '$1' on carol's screen"
}

# count FILE REGEX: lines matching.
count() { grep -Ec -- "$2" "$1" || true; }

# exactly_once FILE TEXT: TEXT (a fixed string) ends exactly one line of FILE.
exactly_once() {
    local n
    n=$(grep -Fc -- "$2" "$1" || true)
    [ "$n" -eq 1 ] || fail "'$2' shown $n times in $(basename "$1"), want 1"
}

# line_of FILE TEXT: the number of the first line containing TEXT.
line_of() { grep -Fn -- "$2" "$1" | head -1 | cut -d: -f1; }

start_server() {  # start_server PORT LOG
    # No line rate limit: bob pastes 60 lines at once.
    "$server_bin" --bind 127.0.0.1 --status-port 0 --web-port 0 --db "$dir/history.db" --line-rate 0 --port "$1" 2>"$2" &
    server_pid=$!
    pids+=("$server_pid")
    wait_for "$2" 'listening on 127\.0\.0\.1:[0-9]+'
    port=$(grep -Eo 'listening on 127\.0\.0\.1:[0-9]+' "$2" | head -1 | sed 's/.*://')
}

# A TCP proxy with a gate: a connection is passed on to the server only while
# the file $dir/gate.open exists; until then it waits, accepted but silent.
# So alice cannot come back before bob has talked, however fast she retries.
cat >"$dir/gate.py" <<'PY'
import os, select, socket, sys, threading, time
upstream_port, gate = int(sys.argv[1]), sys.argv[2]
listener = socket.create_server(("127.0.0.1", 0))
print("port", listener.getsockname()[1], flush=True)

def relay(client):
    while not os.path.exists(gate):
        time.sleep(0.02)
    try:
        server = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    print("passed", flush=True)
    ends = [client, server]
    try:
        while True:
            readable, _, _ = select.select(ends, [], [])
            for s in readable:
                data = s.recv(65536)
                if not data:
                    raise EOFError
                (server if s is client else client).sendall(data)
    except (EOFError, OSError):
        pass
    for s in ends:
        s.close()

while True:
    conn, _ = listener.accept()
    threading.Thread(target=relay, args=(conn,), daemon=True).start()
PY

# dim.py TEXT dim|normal: reads `tmux capture-pane -e` and says whether
# every character of TEXT, where it first shows, is drawn dim (or not). The
# capture carries attributes over from line to line, so it is replayed.
cat >"$dir/dim.py" <<'PY'
import re, sys
text, want = sys.argv[1], sys.argv[2] == "dim"
dim, cells = False, []
for part in re.split(r"(\x1b\[[0-9;]*m)", sys.stdin.read()):
    if part.startswith("\x1b["):
        for code in (part[2:-1] or "0").split(";"):
            if code in ("0", "22", ""):
                dim = False
            elif code == "2":
                dim = True
        continue
    cells.extend((ch, dim) for ch in part)
line = "".join(ch for ch, _ in cells)
at = line.find(text)
if at < 0:
    sys.exit("not on screen: " + text)
got = [d for _, d in cells[at:at + len(text)]]
if any(d != want for d in got):
    sys.exit("%r: dim %s" % (text, "".join("1" if d else "0" for d in got)))
PY

start_server 0 "$dir/server1.log"
server_port=$port
touch "$dir/gate.open"
python3 "$dir/gate.py" "$server_port" "$dir/gate.open" >"$dir/gate.out" 2>"$dir/gate.err" &
pids+=("$!")
wait_for "$dir/gate.out" '^port [0-9]+$'
gate_port=$(sed -n 's/^port //p' "$dir/gate.out")

# Each step of a client's connection attempt (connect, registration) may take
# this long before the client gives it up and tries again: well inside one
# wait, so an attempt that lands on a server that never answers is retried in
# time. alice, held silent at the gate on purpose, waits it out instead.
attempt_limit=$(( limit / 4 > 5 ? limit / 4 : 5 ))
patient_limit=$(( limit * 10 < 3600 ? limit * 10 : 3600 ))

# Clients read from FIFOs the test holds open, so they stay until it closes them.
fifo_fds=()
start_client() {  # start_client NICK PORT CONNECT_TIMEOUT
    mkfifo "$dir/$1.in"
    (
        for fd in "${fifo_fds[@]}"; do eval "exec $fd>&-"; done
        exec "$client_bin" "$1" --host 127.0.0.1 --port "$2" --plain --reconnect-min 0.2 --reconnect-max 1 \
            --connect-timeout "$3" <"$dir/$1.in" >"$dir/$1.out" 2>"$dir/$1.err"
    ) &
    pids+=("$!")
    eval "${1}_pid=$!"
}

stamp='^[0-9]{2}:[0-9]{2} '

start_client alice "$gate_port" "$patient_limit"
exec {alice_in}>"$dir/alice.in"
fifo_fds+=("$alice_in")
wait_for "$dir/alice.out" "${stamp}\* alice joined #lobby\$"
start_client bob "$server_port" "$attempt_limit"
exec {bob_in}>"$dir/bob.in"
fifo_fds+=("$bob_in")
wait_for "$dir/alice.out" "${stamp}\* bob joined #lobby\$"

# 1. Talk. alice's own line (echoed, with its msgid) is the last she sees.
echo "one before the crash" >&"$bob_in"
wait_for "$dir/alice.out" "${stamp}<bob> one before the crash\$"
echo "alice was here" >&"$alice_in"
wait_for "$dir/alice.out" "${stamp}<alice> alice was here\$"
wait_for "$dir/bob.out" "${stamp}<alice> alice was here\$"

# 2. Crash. The gate shuts first, so alice's next connection waits at it.
rm "$dir/gate.open"
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
wait_for "$dir/alice.out" 'connection lost'
wait_for "$dir/bob.out" 'connection lost'
start_server "$server_port" "$dir/server2.log"
[ "$port" = "$server_port" ] || fail "the server came back on $port, not $server_port"
wait_for "$dir/bob.out" "${stamp}\* bob joined #lobby\$" 2
echo "two while alice is away" >&"$bob_in"
echo "three while alice is away" >&"$bob_in"
# Echoed to bob once stored: nothing of it can be lost now. bob's rejoin asks
# for the history after his last line; when that answer is still on its way,
# it carries these lines too and the client shows each once, as history.
wait_for "$dir/bob.out" "${stamp}(\[history\] )?<bob> three while alice is away\$"
[ "$(count "$dir/alice.out" 'while alice is away')" -eq 0 ] || fail "alice got in before the gate opened"

# 3. alice comes back and fills the gap.
passed=$(count "$dir/gate.out" '^passed$')
touch "$dir/gate.open"
wait_for "$dir/gate.out" '^passed$' $((passed + 1))
wait_for "$dir/alice.out" "${stamp}\* alice joined #lobby\$" 2
wait_for "$dir/alice.out" "${stamp}\[history\] <bob> three while alice is away\$"
echo "four after alice is back" >&"$bob_in"
wait_for "$dir/alice.out" "${stamp}<bob> four after alice is back\$"
# A round trip through the room after "four": anything the server still had
# for alice (a late repeat) has arrived by the time her echo shows.
echo "alice syncs" >&"$alice_in"
wait_for "$dir/alice.out" "${stamp}<alice> alice syncs\$"

exactly_once "$dir/alice.out" "<bob> one before the crash"
exactly_once "$dir/alice.out" "<alice> alice was here"
exactly_once "$dir/alice.out" "[history] <bob> two while alice is away"
exactly_once "$dir/alice.out" "[history] <bob> three while alice is away"
exactly_once "$dir/alice.out" "<bob> four after alice is back"
[ "$(count "$dir/alice.out" '\[history\] <bob> (one before|four after)')" -eq 0 ] \
    || fail "a line alice saw live came again as history"
two=$(line_of "$dir/alice.out" "<bob> two while")
three=$(line_of "$dir/alice.out" "<bob> three while")
four=$(line_of "$dir/alice.out" "<bob> four after")
[ "$two" -lt "$three" ] && [ "$three" -lt "$four" ] || fail "alice's lines out of order ($two, $three, $four)"

# 4. More than a join's worth of history, then fresh joiners.
for i in $(seq -w 1 60); do echo "filler $i"; done >&"$bob_in"
wait_for "$dir/alice.out" "${stamp}<bob> filler 60\$"

start_client dave "$server_port" "$attempt_limit"
exec {dave_in}>"$dir/dave.in"
fifo_fds+=("$dave_in")
wait_for "$dir/dave.out" "${stamp}\[history\] <bob> filler 60\$"
wait_for "$dir/dave.out" "${stamp}\* dave joined #lobby\$"
exactly_once "$dir/dave.out" "[history] <bob> filler 11"
[ "$(count "$dir/dave.out" 'filler 10$')" -eq 0 ] || fail "dave got more than the latest 50 lines"

tmux -L "$sock" -f /dev/null new-session -d -s sala -x 100 -y 30 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$client_bin' carol --host 127.0.0.1 --port $server_port --connect-timeout $attempt_limit 2>'$dir/carol.err'"
wait_screen '\* carol joined #lobby'
wait_screen '<bob> filler 60'
# History is dim (SGR 2), its nick and text too; a live line's are not.
echo "live for carol" >&"$bob_in"
wait_screen '<bob> live for carol'
screen -e | python3 "$dir/dim.py" '<bob> filler 60' dim || fail "carol's history line is not dimmed"
screen -e | python3 "$dir/dim.py" '<bob> live for carol' normal || fail "carol's live line is dimmed"

# Type without Enter; older history arriving must leave the input line alone.
tmux -L "$sock" send-keys -t sala -l 'half typed'
wait_screen '\[#lobby\] half typed'
deadline=$((SECONDS + 2 * limit))
until screen | grep '<bob> one before the crash' >/dev/null; do
    [ "$SECONDS" -le "$deadline" ] || fail "PageUp at the top did not load older history"
    # Press, and give the screen up to 2 s to change before the next press
    # (at the top it changes when the older page comes).
    before=$(screen)
    tmux -L "$sock" send-keys -t sala PPage
    for _ in $(seq 40); do [ "$(screen)" != "$before" ] && break; sleep 0.05; done
done
screen | tail -1 | grep '\[#lobby\] half typed$' >/dev/null || fail "carol's input line disturbed"
# The older page sits above the latest, in order, each line once.
[ "$(screen | grep -c '<bob> one before the crash')" -eq 1 ] || fail "an older line shown twice"
one=$(screen | grep -n '<bob> one before the crash' | cut -d: -f1)
filler=$(screen | grep -n '<bob> filler 01' | cut -d: -f1)
[ -n "$filler" ] && [ "$one" -lt "$filler" ] || fail "older lines out of order"

echo "PASS"
