#!/usr/bin/env bash
# sala's web client (src/web/) in headless Chromium against a real
# chat-server, a terminal user on a raw IRC socket on the other side
# (web_client_test.js holds the checks: chat both ways, HTML and IRC codes
# shown as text, mentions and the title, history on join and on scroll-up,
# reconnect and gap fill after a server restart, a phone-sized screen, a
# screenshot).
#
#   tests/web/web_client_test.sh path/to/chat-server [NODE_DIR [SCREENSHOT]]
#
# puppeteer-core is installed by this script with `npm ci` from
# tests/web/package.json and package-lock.json into NODE_DIR/node_modules
# (default: tests/web/node_modules, ignored by git), once per lock file; it
# drives the system's chromium. The server is started here on a free web port
# and restarted here when the node script asks (a line "restart" on a fifo;
# the answer "restarted IRC_PORT" on another), so that every process is
# started and stopped by this script, by PID. Exit status 0 on success, 77
# (skipped) without node, npm, chromium or python3, otherwise non-zero with
# the node output and the server logs.
#
# The server serves its built-in copy of src/web/; with SALA_WEB_ROOT=DIR in
# the environment it serves DIR instead (--web-root), to try edits to the
# client without rebuilding the server.
set -u

SERVER_BIN=${1:?usage: web_client_test.sh path/to/chat-server [NODE_DIR [SCREENSHOT]]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_DIR=${2:-$HERE}
SCREENSHOT=${3:-$NODE_DIR/web-client.png}
NAME=web_client
START_WAIT_S=60
NODE_DEADLINE_S=280

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
command -v node >/dev/null || skip "node not found (install the Debian package 'nodejs')"
command -v npm >/dev/null || skip "npm not found (install the Debian package 'npm')"
command -v python3 >/dev/null || skip "python3 not found (install the Debian package 'python3')"
command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || skip "chromium not found (install the Debian package 'chromium')"
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

# puppeteer-core, with the interop tests' installer: package.json and
# package-lock.json of this directory, installed once per lock file.
# shellcheck source-path=SCRIPTDIR source=../interop/node_deps.sh
source "$HERE/../interop/node_deps.sh"
install_node_deps || { echo "$NAME: FAIL: npm ci could not install puppeteer-core into $NODE_DIR" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-web-client-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
SERVER_PID=""
NODE_PID=""
STARTS=0

cleanup() {
    exec 5>&- 6>&-
    if [[ -n $NODE_PID ]]; then kill -KILL "$NODE_PID" 2>/dev/null; wait "$NODE_PID" 2>/dev/null; fi
    if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE

dump_logs() {
    local log
    for log in "$WORK"/server.*.log; do
        [[ -e $log ]] || continue
        echo "----- $(basename "$log") (last 40 lines) -----" >&2
        tail -n 40 "$log" >&2
    done
}

fail() {
    echo "$NAME: FAIL: $*" >&2
    dump_logs
    exit 1
}

pick_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts the server on WEB_PORT and the database in WORK; sets SERVER_PID and
# IRC_PORT (ephemeral: it changes with each start).
start_server() {
    STARTS=$((STARTS + 1))
    local log="$WORK/server.$STARTS.log" deadline=$((SECONDS + START_WAIT_S))
    "$SERVER_BIN" --bind 127.0.0.1 --port 0 --web-port "$WEB_PORT" --web-bind 127.0.0.1 \
        --status-port 0 --db "$WORK/sala.db" ${SALA_WEB_ROOT:+--web-root "$SALA_WEB_ROOT"} 2>"$log" &
    SERVER_PID=$!
    IRC_PORT=""
    while ((SECONDS < deadline)); do
        IRC_PORT=$(grep -oP 'listening on 127\.0\.0\.1:\K[0-9]+' "$log" | head -n1)
        [[ -n $IRC_PORT ]] && grep -q "web on 127.0.0.1:$WEB_PORT" "$log" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# SIGTERM, as systemd would; a server that does not exit in time is killed
# and the test fails.
stop_server() {
    local deadline=$((SECONDS + START_WAIT_S))
    kill -TERM "$SERVER_PID" 2>/dev/null
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        if ((SECONDS >= deadline)); then kill -KILL "$SERVER_PID" 2>/dev/null; break; fi
        sleep 0.1
    done
    wait "$SERVER_PID"
    local status=$?
    SERVER_PID=""
    return "$status"
}

# The web port has no "any free port" value: one is picked here, and picked
# again if another process took it before the server could.
for _ in 1 2 3 4 5; do
    WEB_PORT=$(pick_port) || fail "could not pick a free port"
    start_server && break
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
done
[[ -n $SERVER_PID ]] || fail "chat-server did not report its IRC and web ports"
echo "$NAME: chat-server on IRC port $IRC_PORT, web port $WEB_PORT"

# Control fifos, opened read-write here so that neither side blocks on open.
mkfifo "$WORK/control" "$WORK/ack" || fail "mkfifo failed"
exec 5<>"$WORK/control" 6<>"$WORK/ack"

NODE_PATH="$NODE_DIR/node_modules" node "$HERE/web_client_test.js" \
    --url "http://127.0.0.1:$WEB_PORT/" --irc-port "$IRC_PORT" --screenshot "$SCREENSHOT" \
    --control "$WORK/control" --ack "$WORK/ack" &
NODE_PID=$!

deadline=$((SECONDS + NODE_DEADLINE_S))
while kill -0 "$NODE_PID" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the node test did not finish within ${NODE_DEADLINE_S} s"
    read -r -t 1 request <&5 || continue
    case $request in
        restart)
            stop_server || fail "chat-server did not exit 0 on SIGTERM (status $?)"
            start_server || fail "chat-server did not start again on web port $WEB_PORT"
            echo "restarted $IRC_PORT" >&6
            ;;
        *) fail "unknown request from the node test: $request" ;;
    esac
done
wait "$NODE_PID"
status=$?
NODE_PID=""
[[ $status -eq 0 ]] || fail "the node test failed (status $status)"

stop_server || fail "chat-server did not exit 0 on SIGTERM (status $?)"
echo "$NAME: PASS"
exit 0
