#!/usr/bin/env bash
# Interop: irssi (in a detached tmux session) joins a channel with history and
# shows the replayed lines.
#
#   tests/interop/irssi_history_test.sh path/to/chat-server
#
# A socket client says four lines in #lobby (and sees them echoed, so they are
# stored) and leaves; the server restarts on the same database with
# --replay-lines 3; irssi connects, is auto-joined to #lobby, and must show the
# last three lines, in order, and not the first. Every wait is bounded;
# everything started here is stopped by PID or tmux socket name on exit.
# Exit status 0 on success, 77 (skipped) without irssi, tmux or python3,
# otherwise non-zero with the pane and the server logs.
set -u

SERVER_BIN=${1:?usage: irssi_history_test.sh path/to/chat-server}

skip() { echo "interop_irssi_history: SKIP: $*" >&2; exit 77; }
command -v irssi >/dev/null || skip "irssi not found (install the Debian package 'irssi')"
command -v tmux >/dev/null || skip "tmux not found (install the Debian package 'tmux')"
command -v python3 >/dev/null || skip "python3 not found (install the Debian package 'python3')"
[[ -x $SERVER_BIN ]] || { echo "interop_irssi_history: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-irssi-history-XXXXXX) || { echo "mktemp failed" >&2; exit 1; }
TMUX_SOCKET="sala-history-test-$$"
SESSION="sala-irssi-history-$$"
SERVER_PID=""
SERVER_LOG=""
SOCKET_LOG="$WORK/socket.log"
tmux_() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }

cleanup() {
    tmux_ kill-server >/dev/null 2>&1
    if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "interop_irssi_history: FAIL: $*" >&2
    echo "----- irssi pane -----" >&2
    tmux_ capture-pane -p -t "$SESSION" >&2 2>/dev/null || echo "(no tmux pane)" >&2
    echo "----- socket client lines -----" >&2
    cat "$SOCKET_LOG" >&2 2>/dev/null
    for log in "$WORK"/server*.log; do
        echo "----- $log -----" >&2
        cat "$log" >&2 2>/dev/null
    done
    exit 1
}

# wait_until TIMEOUT_SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_until() {
    local tries=$(($1 * 10))
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
pane_text() { tmux_ capture-pane -p -J -S - -t "$SESSION" 2>/dev/null; }
pane_shows() { pane_text | grep -F -- "$1" >/dev/null; }

# start_server NAME: a chat-server on the test's database; sets SERVER_PID and PORT.
start_server() {
    SERVER_LOG="$WORK/$1.log"
    "$SERVER_BIN" --bind 127.0.0.1 --port 0 --status-port 0 --web-port 0 --db "$WORK/history.db" --replay-lines 3 \
        --log-level debug >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    port_known() { grep -qs 'listening on 127.0.0.1:[0-9]' "$SERVER_LOG"; }
    wait_until 20 port_known || fail "chat-server did not report its port"
    PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$SERVER_LOG" | head -n1 | cut -d: -f2)
    echo "interop_irssi_history: chat-server pid $SERVER_PID on port $PORT"
}

stop_server() {
    kill -TERM "$SERVER_PID"
    for ((i = 0; i < 200; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && fail "chat-server did not exit within 20 s of SIGTERM"
    wait "$SERVER_PID"
    local status=$?
    SERVER_PID=""
    [[ $status -eq 0 ]] || fail "chat-server exited with status $status"
    grep -q 'Sanitizer' "$SERVER_LOG" && fail "sanitizer report in $SERVER_LOG"
    return 0
}

# --- history: four lines, each stored once its echo is back --------------------
start_server server1
cat >"$WORK/talk.py" <<'EOF'
import socket, sys, time
port, log_path = int(sys.argv[1]), sys.argv[2]
log = open(log_path, "a", buffering=1)
sock = socket.create_connection(("127.0.0.1", port), timeout=30)
sock.sendall(b"CAP LS 302\r\nCAP REQ :echo-message\r\nCAP END\r\n"
             b"NICK sockuser\r\nUSER sockuser 0 * :socket user\r\n")
inbuf, sent = b"", False
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    data = sock.recv(65536)
    if not data:
        sys.exit("connection closed")
    inbuf += data
    while b"\n" in inbuf:
        raw, inbuf = inbuf.split(b"\n", 1)
        line = raw.rstrip(b"\r").decode("utf-8", "replace")
        log.write(line + "\n")
        if line.startswith("PING "):
            sock.sendall(("PONG " + line[5:] + "\r\n").encode())
        if " 366 sockuser #lobby " in line and not sent:
            sock.sendall(b"".join(b"PRIVMSG #lobby :history line %d\r\n" % i for i in range(1, 5)))
            sent = True
        if line.endswith(" PRIVMSG #lobby :history line 4"):
            sock.sendall(b"QUIT :done\r\n")
            sys.exit(0)
sys.exit("timed out")
EOF
python3 "$WORK/talk.py" "$PORT" "$SOCKET_LOG" || fail "the socket client could not say its lines ($?)"
echo "interop_irssi_history: four lines said and stored"

# --- a restart: the history is in the database, not in the process -------------
stop_server
start_server server2

# --- irssi in tmux ----------------------------------------------------------------
IRSSI_HOME="$WORK/irssi"
mkdir -p "$IRSSI_HOME"
cat >"$IRSSI_HOME/config" <<'EOF'
servers = ( );
chatnets = { };
channels = ( );
settings = {
  core = { real_name = "irssi user"; user_name = "irssiuser"; nick = "irssiuser"; };
  "irc/core" = { cmd_queue_speed = "0msec"; cmds_max_at_once = "50"; };
  "fe-common/core" = { autolog = "no"; };
};
EOF
tmux_ new-session -d -s "$SESSION" -x 160 -y 50 \
    "env LANG=C.UTF-8 TZ=UTC irssi --home '$IRSSI_HOME' -c 127.0.0.1 -p $PORT -n irssiuser" \
    || fail "tmux could not start irssi"
# irssi is auto-joined and shows the replay in its #lobby window. The window
# exists only once irssi has the JOIN, so it is asked for until it shows.
lobby_shows_replay() {
    tmux_ send-keys -t "$SESSION" '/window goto #lobby' Enter
    pane_shows '[#lobby]' && pane_shows 'history line 4'
}
wait_until 30 lobby_shows_replay || fail "irssi never showed the replayed 'history line 4' in #lobby"

# The last three, in order, from sockuser; the first is beyond --replay-lines.
PANE=$(pane_text)
for n in 2 3 4; do
    grep -Eq "<.?sockuser> history line $n *$" <<<"$PANE" || fail "irssi does not show 'history line $n' from sockuser"
done
order=$(grep -o 'history line [0-9]' <<<"$PANE" | tr -d '\n')
[[ $order == "history line 2history line 3history line 4" ]] || fail "replayed lines out of order or repeated: $order"
grep -Fq 'history line 1' <<<"$PANE" && fail "irssi shows 'history line 1', beyond --replay-lines 3"
echo "interop_irssi_history: irssi shows the replayed lines"

tmux_ send-keys -t "$SESSION" '/quit done testing' Enter
stop_server
echo "interop_irssi_history: PASS"
exit 0
