#!/usr/bin/env bash
# chat-client's full-screen view in a real terminal (tmux): messages arriving
# while you type leave the input line alone, a message from another client
# (a Python stdlib socket) appears with its sender, and escape sequences in a
# message are shown harmlessly.
# Usage: client_tmux_test.sh CHAT_SERVER CHAT_CLIENT
set -euo pipefail

server_bin=$1
client_bin=$2
dir=$(mktemp -d)
# The status endpoint (127.0.0.1:8080 by default) is not under test; turn it
# off so that tests running in parallel do not fight over its port.
status_off=(--status-port 0 --web-port 0)
sock=sala-client-$$
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
    echo "--- screen" >&2
    screen >&2 || true
    for f in "$dir"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
    exit 1
}

# wait_screen REGEX [SECONDS]: poll the pane until REGEX matches.
wait_screen() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -le "$deadline" ]; do
        screen | grep -E -- "$1" >/dev/null && return 0
        sleep 0.05
    done
    fail "timed out waiting for '$1' on screen"
}

wait_file() {
    local deadline=$((SECONDS + ${3:-10}))
    while [ "$SECONDS" -le "$deadline" ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "timed out waiting for '$2' in $1"
}

"$server_bin" --bind 127.0.0.1 "${status_off[@]}" --db :memory: --port 0 2>"$dir/server.log" &
pids+=("$!")
wait_file "$dir/server.log" 'listening on 127\.0\.0\.1:[0-9]+'
port=$(grep -Eo 'listening on 127\.0\.0\.1:[0-9]+' "$dir/server.log" | head -1 | sed 's/.*://')

tmux -L "$sock" -f /dev/null new-session -d -s sala -x 100 -y 30 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$client_bin' alice --port $port 2>'$dir/client.log'"
wait_screen '\* alice joined #lobby'

# The other side: a plain socket client that sends what appears in its FIFO.
mkfifo "$dir/py.in"
cat >"$dir/peer.py" <<'PY'
import select, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"NICK pybot\r\nUSER pybot 0 * :py\r\nJOIN #lobby\r\n")
buf = b""
inp = sys.stdin.buffer
while True:
    r, _, _ = select.select([s, inp], [], [])
    if s in r:
        data = s.recv(4096)
        if not data:
            break
        buf += data
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            if line.startswith(b"PING"):
                s.sendall(b"PONG" + line[4:] + b"\r\n")
            print(line.decode("utf-8", "replace"), flush=True)
    if inp in r:
        line = inp.readline()
        if not line:
            break
        s.sendall(b"PRIVMSG #lobby :" + line.rstrip(b"\n").decode("unicode_escape").encode("latin-1") + b"\r\n")
PY
python3 "$dir/peer.py" "$port" <"$dir/py.in" >"$dir/py.log" 2>&1 &
pids+=("$!")
exec {py_in}>"$dir/py.in"
wait_screen '\* pybot joined #lobby'

# Type without Enter, then let messages arrive: the input line stays intact.
tmux -L "$sock" send-keys -t sala -l 'half typed 日本 line'
wait_screen '\[#lobby\] half typed 日本 line'
echo 'hello from python' >&"$py_in"
wait_screen '<pybot> hello from python'
screen | tail -1 | grep '\[#lobby\] half typed 日本 line' >/dev/null || fail "input line disturbed"

# Escape sequences: clear screen and set the window title. They must not act.
echo '\x1b[2J\x1b]0;pwned\x07after escapes' >&"$py_in"
wait_screen 'after escapes'
screen | grep '<pybot> hello from python' >/dev/null || fail "earlier lines were cleared"
title=$(tmux -L "$sock" display-message -p -t sala '#{pane_title}')
[ "$title" != "pwned" ] || fail "the window title was changed"
screen -e | grep 'pwned' >/dev/null || true
if screen | grep $'\x1b' >/dev/null; then fail "raw ESC on screen"; fi
screen | tail -1 | grep 'half typed 日本 line' >/dev/null || fail "input line disturbed by escapes"

# Editing keys, then Enter sends the line.
tmux -L "$sock" send-keys -t sala C-a 'X ' End ' done' Enter
wait_file "$dir/py.log" 'PRIVMSG #lobby :X half typed 日本 line done'
wait_screen '<alice> X half typed 日本 line done'

# Tab completes a nick; /quit leaves and the client exits.
tmux -L "$sock" send-keys -t sala 'py' Tab 'hi' Enter
wait_file "$dir/py.log" 'PRIVMSG #lobby :pybot: hi'
tmux -L "$sock" send-keys -t sala '/quit bye' Enter
wait_file "$dir/py.log" 'alice!.* QUIT'
deadline=$((SECONDS + 10))
while tmux -L "$sock" has-session -t sala 2>/dev/null; do
    [ "$SECONDS" -le "$deadline" ] || fail "client did not exit after /quit"
    sleep 0.05
done
echo "PASS"
