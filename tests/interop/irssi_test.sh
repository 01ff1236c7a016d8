#!/usr/bin/env bash
# Interop: irssi (in a detached tmux session) and a plain Python socket client
# chat through a real chat-server on a free loopback port.
#
#   tests/interop/irssi_test.sh path/to/chat-server
#
# Checks (a) irssi is auto-joined to #lobby, (b) a line typed in irssi reaches
# the socket client, (c) a line from the socket client shows on irssi's screen,
# and that the server exits 0 on SIGTERM afterwards. Every wait is bounded;
# everything started here is stopped by PID or tmux socket name on exit.
# Exit status 0 on success; non-zero with the pane, server log and socket log.
set -u

SERVER_BIN=${1:?usage: irssi_test.sh path/to/chat-server}

fail_setup() { echo "interop_irssi: FAIL: $*" >&2; exit 1; }
command -v irssi >/dev/null || fail_setup "irssi not found (install the Debian package 'irssi')"
command -v tmux >/dev/null || fail_setup "tmux not found (install the Debian package 'tmux')"
command -v python3 >/dev/null || fail_setup "python3 not found (install the Debian package 'python3')"
[[ -x $SERVER_BIN ]] || fail_setup "chat-server binary '$SERVER_BIN' is not executable"

WORK=$(mktemp -d /tmp/sala-irssi-XXXXXX) || fail_setup "mktemp failed"
TMUX_SOCKET="sala-test-$$"
SESSION="sala-irssi-$$"
SERVER_PID=""
CLIENT_PID=""
SERVER_LOG="$WORK/server.log"
SOCKET_LOG="$WORK/socket.log"
tmux_() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }

cleanup() {
    exec 3>&-
    tmux_ kill-server >/dev/null 2>&1
    if [[ -n $CLIENT_PID ]]; then kill "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null; fi
    if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE  # a dead socket client must not kill the script: its check fails instead

fail() {
    echo "interop_irssi: FAIL: $*" >&2
    echo "----- irssi pane -----" >&2
    tmux_ capture-pane -p -t "$SESSION" >&2 2>/dev/null || echo "(no tmux pane)" >&2
    echo "----- socket client (sockuser) lines -----" >&2
    cat "$SOCKET_LOG" >&2 2>/dev/null
    echo "----- chat-server log -----" >&2
    cat "$SERVER_LOG" >&2 2>/dev/null
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
socket_saw() { grep -Eq -- "$1" "$SOCKET_LOG" 2>/dev/null; }
pane_shows() { tmux_ capture-pane -p -t "$SESSION" 2>/dev/null | grep -F -- "$1" >/dev/null; }

# --- the server ---------------------------------------------------------------
: >"$SERVER_LOG"
"$SERVER_BIN" --bind 127.0.0.1 --port 0 --status-port 0 --web-port 0 --db :memory: --log-level debug >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
port_known() { grep -qs 'listening on 127.0.0.1:[0-9]' "$SERVER_LOG"; }
wait_until 10 port_known || fail "chat-server did not report its port"
PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$SERVER_LOG" | head -n1 | cut -d: -f2)
echo "interop_irssi: chat-server pid $SERVER_PID on port $PORT"

# --- the socket client: logs every line, answers PING, sends what bash writes to fd 3
cat >"$WORK/client.py" <<'EOF'
import os, select, socket, sys, time
port, log_path = int(sys.argv[1]), sys.argv[2]
log = open(log_path, "a", buffering=1)
sock = socket.create_connection(("127.0.0.1", port), timeout=10)
sock.sendall(b"NICK sockuser\r\nUSER sockuser 0 * :socket user\r\n")
inbuf, cmdbuf, stdin_open = b"", b"", True
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    watched = [sock] + ([0] if stdin_open else [])
    ready, _, _ = select.select(watched, [], [], 0.5)
    if sock in ready:
        data = sock.recv(65536)
        if not data:
            log.write("# connection closed\n")
            break
        inbuf += data
        while b"\n" in inbuf:
            raw, inbuf = inbuf.split(b"\n", 1)
            line = raw.rstrip(b"\r").decode("utf-8", "replace")
            log.write(line + "\n")
            if line.startswith("PING "):
                sock.sendall(("PONG " + line[5:] + "\r\n").encode())
    if 0 in ready:
        data = os.read(0, 4096)
        if not data:
            stdin_open = False
        cmdbuf += data
        while b"\n" in cmdbuf:
            cmd, cmdbuf = cmdbuf.split(b"\n", 1)
            sock.sendall(cmd + b"\r\n")
EOF
mkfifo "$WORK/to_client" || fail "mkfifo failed"
python3 "$WORK/client.py" "$PORT" "$SOCKET_LOG" <"$WORK/to_client" &
CLIENT_PID=$!
exec 3>"$WORK/to_client"
wait_until 10 socket_saw ' 366 sockuser #lobby ' || fail "the socket client did not register and join #lobby"

# --- irssi in tmux --------------------------------------------------------------
IRSSI_HOME="$WORK/irssi"
mkdir -p "$IRSSI_HOME"
cat >"$IRSSI_HOME/config" <<'EOF'
servers = ( );
chatnets = { };
channels = ( );
settings = {
  core = { real_name = "irssi user"; user_name = "irssiuser"; nick = "irssiuser"; };
  # irssi paces commands after its first few (2.2 s apart by default); the
  # test's line should not wait behind irssi's own MODE/WHO queries.
  "irc/core" = { cmd_queue_speed = "0msec"; cmds_max_at_once = "50"; };
  "fe-common/core" = { autolog = "no"; };
};
EOF
tmux_ new-session -d -s "$SESSION" -x 120 -y 40 \
    "env LANG=C.UTF-8 irssi --home '$IRSSI_HOME' -c 127.0.0.1 -p $PORT -n irssiuser" \
    || fail "tmux could not start irssi"

# (a) irssi registers and is auto-joined to #lobby.
wait_until 20 socket_saw '^(@[^ ]* )?:irssiuser![^ ]* JOIN :?#lobby$' \
    || fail "(a) the socket client never saw irssiuser join #lobby"
echo "interop_irssi: (a) irssiuser joined #lobby"

# Make #lobby irssi's active window; its prompt then reads [#lobby].
tmux_ send-keys -t "$SESSION" '/window goto #lobby' Enter
wait_until 10 pane_shows '[#lobby]' || fail "irssi did not switch to the #lobby window"

# (b) a line typed in irssi reaches the socket client.
tmux_ send-keys -t "$SESSION" 'hello from irssi' Enter
wait_until 10 socket_saw '^(@[^ ]* )?:irssiuser![^ ]* PRIVMSG #lobby :hello from irssi$' \
    || fail "(b) the line typed in irssi did not reach the socket client"
echo "interop_irssi: (b) irssi -> socket client ok"

# (c) a line from the socket client shows on irssi's screen.
echo 'PRIVMSG #lobby :hello from sockuser' >&3
wait_until 10 pane_shows 'hello from sockuser' \
    || fail "(c) the socket client's line did not show in irssi"
echo "interop_irssi: (c) socket client -> irssi ok"

# irssi leaves cleanly, and the room sees it.
tmux_ send-keys -t "$SESSION" '/quit done testing' Enter
wait_until 10 socket_saw '^(@[^ ]* )?:irssiuser![^ ]* QUIT :Quit: done testing$' \
    || fail "the socket client did not see irssi quit"

# The server shuts down cleanly.
kill -TERM "$SERVER_PID"
for ((i = 0; i < 100; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "chat-server did not exit within 10 s of SIGTERM"
wait "$SERVER_PID"
status=$?
SERVER_PID=""
[[ $status -eq 0 ]] || fail "chat-server exited with status $status"
grep -q 'Sanitizer' "$SERVER_LOG" && fail "sanitizer report in the server log"
echo "interop_irssi: PASS"
exit 0
