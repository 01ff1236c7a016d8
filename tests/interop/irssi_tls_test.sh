#!/usr/bin/env bash
# Interop: irssi (in a detached tmux session) on chat-server's TLS port,
# verifying the server against a throwaway test CA, chats with a plain Python
# socket client on the plain port.
#
#   tests/interop/irssi_tls_test.sh path/to/chat-server
#
# Checks (a) irssi completes a verified handshake, registers and is auto-joined
# to #lobby, (b) WHOIS from the plain client shows irssi's nick, and only
# irssi's, as using a secure connection (671), (c) a line typed in irssi
# reaches the plain client, (d) the plain client's line shows on irssi's
# screen, and that the server exits 0 on SIGTERM afterwards. Every wait is
# bounded; everything started here is stopped by PID or tmux socket name on
# exit. Exit status 0 on success, 77 (skipped) without irssi, tmux, python3 or
# openssl, otherwise non-zero with the pane, server log and socket log.
set -u

SERVER_BIN=${1:?usage: irssi_tls_test.sh path/to/chat-server}
NAME=interop_irssi_tls
# Generous for sanitizer builds on a busy machine: only a hang should reach it.
WAIT_S=60

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
for tool in irssi tmux python3 openssl; do
    command -v "$tool" >/dev/null || skip "$tool not found (install the Debian package '$tool')"
done
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=test_ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_ca.sh"

WORK=$(mktemp -d /tmp/sala-irssi-tls-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
SESSION="sala-irssi-tls-$$"
SERVER_PID=""
CLIENT_PID=""
SERVER_LOG="$WORK/server.log"
SOCKET_LOG="$WORK/socket.log"
# The tmux server's socket lives in WORK, so it goes with it.
tmux_() { tmux -S "$WORK/tmux.sock" -f /dev/null "$@"; }

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
    echo "$NAME: FAIL: $*" >&2
    echo "----- irssi pane -----" >&2
    tmux_ capture-pane -p -J -S - -t "$SESSION" >&2 2>/dev/null || echo "(no tmux pane)" >&2
    echo "----- socket client (sockuser) lines -----" >&2
    cat "$SOCKET_LOG" >&2 2>/dev/null
    echo "----- chat-server log -----" >&2
    cat "$SERVER_LOG" >&2 2>/dev/null
    echo "----- openssl -----" >&2
    cat "$WORK/openssl.log" >&2 2>/dev/null
    exit 1
}

# wait_until TIMEOUT_SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    while ((SECONDS <= deadline)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
socket_saw() { grep -Eq -- "$1" "$SOCKET_LOG" 2>/dev/null; }
# The whole scrollback, so that a line is not missed for having scrolled off.
pane_text() { tmux_ capture-pane -p -J -S - -t "$SESSION" 2>/dev/null; }
pane_shows() {
    local text
    text=$(pane_text) || return 1
    [[ $text == *"$1"* ]]
}

# --- certificates and the server ----------------------------------------------
make_test_ca "$WORK" || fail "openssl could not make the test CA and server certificate"
: >"$SERVER_LOG"
"$SERVER_BIN" --bind 127.0.0.1 --port 0 --tls-port 0 --tls-cert "$WORK/server.pem" --tls-key "$WORK/server.key" \
    --status-port 0 --web-port 0 --db :memory: --log-level debug >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
ports_known() {
    grep -qs 'listening on 127.0.0.1:[0-9]' "$SERVER_LOG" && grep -qs 'tls on 127.0.0.1:[0-9]' "$SERVER_LOG"
}
wait_until "$WAIT_S" ports_known || fail "chat-server did not report both its ports"
PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$SERVER_LOG" | head -n1 | cut -d: -f2)
TLS_PORT=$(grep -o 'tls on 127.0.0.1:[0-9]*' "$SERVER_LOG" | head -n1 | cut -d: -f2)
echo "$NAME: chat-server pid $SERVER_PID, plain port $PORT, TLS port $TLS_PORT"

# --- the plain socket client: logs every line, answers PING, sends what bash
# writes to fd 3 ------------------------------------------------------------------
cat >"$WORK/client.py" <<'EOF'
import os, select, socket, sys, time
port, log_path = int(sys.argv[1]), sys.argv[2]
log = open(log_path, "a", buffering=1)
sock = socket.create_connection(("127.0.0.1", port), timeout=60)
sock.sendall(b"NICK sockuser\r\nUSER sockuser 0 * :socket user\r\n")
inbuf, cmdbuf, stdin_open = b"", b"", True
# Outlives any wait of the test; the test kills it when it is done.
deadline = time.monotonic() + 600
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
wait_until "$WAIT_S" socket_saw ' 366 sockuser #lobby ' || fail "the socket client did not register and join #lobby"

# --- irssi in tmux, by name (irssi matches the host name against the
# certificate's DNS names only), trusting nothing but the test CA -----------------
IRSSI_HOME="$WORK/irssi"
mkdir -p "$IRSSI_HOME"
cat >"$IRSSI_HOME/config" <<EOF
servers = (
  {
    address = "localhost";
    port = "$TLS_PORT";
    chatnet = "sala";
    use_tls = "yes";
    tls_verify = "yes";
    tls_cafile = "$WORK/ca.pem";
    autoconnect = "yes";
  }
);
chatnets = { sala = { type = "IRC"; }; };
channels = ( );
settings = {
  core = {
    real_name = "irssi user"; user_name = "irssiuser"; nick = "irssiuser";
    # The server listens on 127.0.0.1 only; localhost must not become ::1.
    resolve_prefer_ipv6 = "no";
  };
  # irssi paces commands after its first few (2.2 s apart by default); the
  # test's line should not wait behind irssi's own MODE/WHO queries. (An
  # unknown name here would make irssi ask on screen whether to remove it,
  # and that prompt would take the test's keystrokes.)
  "irc/core" = { cmd_queue_speed = "0msec"; cmds_max_at_once = "50"; };
  "fe-common/core" = { autolog = "no"; };
};
EOF
tmux_ new-session -d -s "$SESSION" -x 160 -y 50 \
    "env LANG=C.UTF-8 irssi --home '$IRSSI_HOME'" \
    || fail "tmux could not start irssi"

# (a) the handshake held (irssi would not register otherwise), and irssi is in #lobby.
wait_until "$WAIT_S" socket_saw '^(@[^ ]* )?:irssiuser![^ ]* JOIN :?#lobby$' \
    || fail "(a) the socket client never saw irssiuser join #lobby over TLS"
# irssi's own account of the handshake, in its status window (window 1): the
# chain it was shown is the one the test CA signed. (irssi prints the chain
# before it verifies; registering at all is what says verification passed.)
# /lastlog brings the line back to the bottom, however far the status window
# has scrolled since.
tmux_ send-keys -t "$SESSION" '/window 1' Enter
tmux_ send-keys -t "$SESSION" '/lastlog Issuer:' Enter
wait_until "$WAIT_S" pane_shows 'Issuer:  CN: sala interop test CA' \
    || fail "(a) irssi's status window does not show the test CA's chain"
echo "$NAME: (a) irssiuser joined #lobby over TLS"

# (b) the server knows which of the two is on TLS.
echo 'WHOIS irssiuser' >&3
wait_until "$WAIT_S" socket_saw ' 318 sockuser irssiuser ' || fail "(b) no end of WHOIS irssiuser"
socket_saw ' 671 sockuser irssiuser :is using a secure connection$' \
    || fail "(b) WHOIS does not show irssiuser using a secure connection (671)"
echo 'WHOIS sockuser' >&3
wait_until "$WAIT_S" socket_saw ' 318 sockuser sockuser ' || fail "(b) no end of WHOIS sockuser"
socket_saw ' 671 sockuser sockuser ' && fail "(b) WHOIS shows the plain-port client as secure"
echo "$NAME: (b) WHOIS: irssiuser secure (671), sockuser not"

# Make #lobby irssi's active window; its prompt then reads [#lobby]. The
# socket client can see irssi's JOIN before irssi has made the window, so the
# command is repeated (now and then, not in a flood) until it takes.
lobby_active() {
    pane_shows '[#lobby]' && return 0
    tmux_ send-keys -t "$SESSION" '/window goto #lobby' Enter
    sleep 0.5
    pane_shows '[#lobby]'
}
wait_until "$WAIT_S" lobby_active || fail "irssi did not switch to the #lobby window"

# (c) a line typed in irssi reaches the plain client.
tmux_ send-keys -t "$SESSION" 'hello from irssi over tls' Enter
wait_until "$WAIT_S" socket_saw '^(@[^ ]* )?:irssiuser![^ ]* PRIVMSG #lobby :hello from irssi over tls$' \
    || fail "(c) the line typed in irssi did not reach the socket client"
echo "$NAME: (c) irssi (TLS) -> socket client (plain) ok"

# (d) a line from the plain client shows on irssi's screen.
echo 'PRIVMSG #lobby :hello from the plain port' >&3
wait_until "$WAIT_S" pane_shows 'hello from the plain port' \
    || fail "(d) the socket client's line did not show in irssi"
echo "$NAME: (d) socket client (plain) -> irssi (TLS) ok"

# irssi leaves cleanly, and the room sees it.
tmux_ send-keys -t "$SESSION" '/quit done testing' Enter
wait_until "$WAIT_S" socket_saw '^(@[^ ]* )?:irssiuser![^ ]* QUIT :Quit: done testing$' \
    || fail "the socket client did not see irssi quit"

# The server shuts down cleanly.
kill -TERM "$SERVER_PID"
server_gone() { ! kill -0 "$SERVER_PID" 2>/dev/null; }
wait_until "$WAIT_S" server_gone \
    || fail "chat-server did not exit within $WAIT_S s of SIGTERM"
wait "$SERVER_PID"
status=$?
SERVER_PID=""
[[ $status -eq 0 ]] || fail "chat-server exited with status $status"
grep -q 'Sanitizer' "$SERVER_LOG" && fail "sanitizer report in the server log"
echo "$NAME: PASS"
exit 0
