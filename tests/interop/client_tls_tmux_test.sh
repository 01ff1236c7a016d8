#!/usr/bin/env bash
# chat-client's full-screen view in a real terminal (tmux) on chat-server's
# TLS port, trusting a throwaway test CA (--tls-ca) and checking the host
# name: it chats both ways with a plain-port Python socket peer, and WHOIS
# shows it, and only it, as secure (671). Then a chat-client trusting only
# the system CAs must refuse the same server: exit status 1 and a reason that
# names TLS and the certificate, with nobody registered.
# Usage: client_tls_tmux_test.sh CHAT_SERVER CHAT_CLIENT
# Exit status 0 on success, 77 (skipped) without tmux, python3 or openssl.
set -euo pipefail

server_bin=$1
client_bin=$2
for tool in tmux python3 openssl; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (install the Debian package '$tool')" >&2; exit 77; }
done
# shellcheck source-path=SCRIPTDIR source=test_ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_ca.sh"

dir=$(mktemp -d /tmp/sala-client-tls-XXXXXX)
pids=()
# Generous for sanitizer builds on a busy machine: only a hang should reach it.
wait_s=60

# The server's socket lives in the test's directory, so it goes with it.
tmux_() { tmux -S "$dir/tmux.sock" -f /dev/null "$@"; }

cleanup() {
    tmux_ kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Its readers never use grep -q: grep would stop reading at the first match,
# and under pipefail the capture dying of SIGPIPE would fail the pipeline.
screen() { tmux_ capture-pane -p -t sala; }

fail() {
    echo "FAIL: $*" >&2
    echo "--- screen" >&2
    screen >&2 || true
    for f in "$dir"/*.log "$dir"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
    exit 1
}

# wait_screen REGEX: poll the pane until REGEX matches. A client that has
# exited (a refused handshake, say) will never show it: no use waiting.
wait_screen() {
    local deadline=$((SECONDS + wait_s))
    while [ "$SECONDS" -le "$deadline" ]; do
        screen 2>/dev/null | grep -E -- "$1" >/dev/null && return 0
        tmux_ has-session -t sala 2>/dev/null || fail "chat-client exited while waiting for '$1'"
        sleep 0.05
    done
    fail "timed out waiting for '$1' on screen"
}

# wait_file FILE REGEX: poll FILE until a line matches REGEX.
wait_file() {
    local deadline=$((SECONDS + wait_s))
    while [ "$SECONDS" -le "$deadline" ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "timed out waiting for '$2' in $1"
}

# --- certificates and the server ----------------------------------------------
make_test_ca "$dir" || fail "openssl could not make the test CA"
# The status endpoint (127.0.0.1:8080 by default) is not under test; turn it
# off so that tests running in parallel do not fight over its port.
"$server_bin" --bind 127.0.0.1 --status-port 0 --web-port 0 --db :memory: --port 0 --tls-port 0 \
    --tls-cert "$dir/server.pem" --tls-key "$dir/server.key" --log-level debug 2>"$dir/server.log" &
pids+=("$!")
wait_file "$dir/server.log" 'listening on 127\.0\.0\.1:[0-9]+'
wait_file "$dir/server.log" 'tls on 127\.0\.0\.1:[0-9]+'
port=$(grep -Eo 'listening on 127\.0\.0\.1:[0-9]+' "$dir/server.log" | head -1 | sed 's/.*://')
tls_port=$(grep -Eo 'tls on 127\.0\.0\.1:[0-9]+' "$dir/server.log" | head -1 | sed 's/.*://')

# --- the plain-port peer: sends each line of its FIFO as a raw IRC line -------
mkfifo "$dir/py.in"
cat >"$dir/peer.py" <<'PY'
import select, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"NICK pybot\r\nUSER pybot 0 * :py\r\n")
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
        s.sendall(line.rstrip(b"\n") + b"\r\n")
PY
python3 "$dir/peer.py" "$port" <"$dir/py.in" >"$dir/py.log" 2>&1 &
pids+=("$!")
exec {py_in}>"$dir/py.in"
wait_file "$dir/py.log" ' 366 pybot #lobby '

# --- chat-client over TLS, verified by the test CA and the name "localhost" ---
tmux_ new-session -d -s sala -x 100 -y 30 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$client_bin' alice --tls --tls-ca '$dir/ca.pem' --host localhost --port $tls_port 2>'$dir/client.log'"
wait_screen '\* alice joined #lobby'

# The server saw a TLS client: 671 for alice, none for the plain-port peer.
echo 'WHOIS alice' >&"$py_in"
wait_file "$dir/py.log" ' 318 pybot alice '
wait_file "$dir/py.log" ' 671 pybot alice :is using a secure connection$'
echo 'WHOIS pybot' >&"$py_in"
wait_file "$dir/py.log" ' 318 pybot pybot '
if grep -E ' 671 pybot pybot ' "$dir/py.log" >/dev/null; then fail "WHOIS shows the plain-port peer as secure"; fi

# Plain -> TLS, shown in the full-screen view.
echo 'PRIVMSG #lobby :hello from the plain port' >&"$py_in"
wait_screen '<pybot> hello from the plain port'

# TLS -> plain, typed into the full-screen view.
tmux_ send-keys -t sala -l 'hello over tls'
tmux_ send-keys -t sala Enter
wait_file "$dir/py.log" '^(@[^ ]* )?:alice![^ ]* PRIVMSG #lobby :hello over tls$'
wait_screen '<alice> hello over tls'

tmux_ send-keys -t sala '/quit bye' Enter
wait_file "$dir/py.log" 'alice!.* QUIT'
deadline=$((SECONDS + wait_s))
while tmux_ has-session -t sala 2>/dev/null; do
    [ "$SECONDS" -le "$deadline" ] || fail "client did not exit after /quit"
    sleep 0.05
done

# --- no --tls-ca: the test CA is not among the system's, so the server must be
# refused. Still full-screen in a terminal, where a message could be lost to
# the screen being torn down; the shell records the exit status.
tmux_ new-session -d -s sala -x 100 -y 30 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$client_bin' mallory --tls --host localhost --port $tls_port 2>'$dir/refused.err'; echo \$? >'$dir/refused.status'"
wait_file "$dir/refused.status" '^[0-9]+$'
status=$(cat "$dir/refused.status")
[ "$status" = 1 ] || fail "chat-client without --tls-ca exited with status $status, not 1"
err=$(cat "$dir/refused.err")
[[ $err == *TLS* ]] || fail "the refusal does not mention TLS: $err"
[[ $err == *certificate* ]] || fail "the refusal does not mention the certificate: $err"
# The refused handshake reached the server and failed there: nothing was registered.
wait_file "$dir/server.log" 'tls handshake with 127\.0\.0\.1 failed'
if grep -E 'mallory' "$dir/py.log" "$dir/server.log" >/dev/null; then fail "the refused client got as far as a nick"; fi

# The server shuts down cleanly.
server_pid=${pids[0]}
kill -TERM "$server_pid"
deadline=$((SECONDS + wait_s))
while kill -0 "$server_pid" 2>/dev/null; do
    [ "$SECONDS" -le "$deadline" ] || fail "chat-server did not exit within $wait_s s of SIGTERM"
    sleep 0.05
done
server_status=0
wait "$server_pid" || server_status=$?
[ "$server_status" = 0 ] || fail "chat-server exited with status $server_status"
if grep Sanitizer "$dir/server.log" >/dev/null; then fail "sanitizer report in the server log"; fi
echo "PASS"
