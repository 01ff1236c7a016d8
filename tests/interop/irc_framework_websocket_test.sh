#!/usr/bin/env bash
# Interop: irc-framework (npm; the IRC library of Kiwi IRC) joins through
# sala's web port over its WebSocket transport and chats with a plain TCP
# user: both directions, UTF-8, server-time, /me, and the QUIT
# (irc_framework_websocket_test.js does the checking).
#
#   tests/interop/irc_framework_websocket_test.sh path/to/chat-server [NODE_DIR]
#
# The node packages are installed with `npm ci` into NODE_DIR (node_deps.sh).
# Exit status 0 on success, 77 (skipped) without node or npm, otherwise
# non-zero with the node output and the server log.
set -u

SERVER_BIN=${1:?usage: irc_framework_websocket_test.sh path/to/chat-server [NODE_DIR]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_DIR=${2:-$HERE}
NAME=interop_irc_framework_websocket

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
command -v node >/dev/null || skip "node not found (install the Debian package 'nodejs')"
command -v npm >/dev/null || skip "npm not found (install the Debian package 'npm')"
command -v python3 >/dev/null || skip "python3 not found (install the Debian package 'python3')"
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=node_deps.sh
source "$HERE/node_deps.sh"
install_node_deps || { echo "$NAME: FAIL: npm ci could not install the node packages into $NODE_DIR" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-irc-framework-ws-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
SERVER_PID=""
cleanup() {
    [[ -n $SERVER_PID ]] && kill -KILL "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "$NAME: FAIL: $*" >&2
    echo "----- node -----" >&2
    cat "$WORK/node.log" >&2 2>/dev/null
    echo "----- server log -----" >&2
    cat "$WORK/server.log" >&2
    exit 1
}

# The web port has no "any free port" value (0 turns it off): one is picked
# here, and picked again if another process took it first.
for _ in 1 2 3 4 5; do
    WEB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$SERVER_BIN" --bind 127.0.0.1 --port 0 --status-port 0 --web-port "$WEB_PORT" --web-bind 127.0.0.1 \
        --db :memory: --autojoin "" --line-rate 0 >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 600); do
        grep -qs 'listening on 127.0.0.1:[0-9]' "$WORK/server.log" && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -0 "$SERVER_PID" 2>/dev/null && break
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
done
[[ -n $SERVER_PID ]] || fail "chat-server did not start"
IRC_PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$WORK/server.log" | head -n1 | cut -d: -f2)
[[ -n $IRC_PORT ]] || fail "chat-server did not report its port"
grep -qs "web on 127.0.0.1:$WEB_PORT " "$WORK/server.log" || fail "chat-server did not report its web port"

NODE_PATH="$NODE_DIR/node_modules" timeout 120 node "$HERE/irc_framework_websocket_test.js" "$IRC_PORT" "$WEB_PORT" \
    >"$WORK/node.log" 2>&1 || fail "the node client's checks failed"
cat "$WORK/node.log"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
status=$?
SERVER_PID=""
[[ $status -eq 0 ]] || fail "chat-server exited with status $status on SIGTERM"
echo "$NAME: PASS"
