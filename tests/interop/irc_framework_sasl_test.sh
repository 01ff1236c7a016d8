#!/usr/bin/env bash
# Interop: the npm package irc-framework (irc_framework_sasl_test.js, under
# node) logs in to a sala account with SASL PLAIN through its own
# `account: {account, password}` option and joins a channel.
#
#   tests/interop/irc_framework_sasl_test.sh path/to/chat-server [NODE_DIR]
#
# irc-framework is installed by this script with `npm ci` from
# tests/interop/package.json and package-lock.json (the version pinned) into
# NODE_DIR/node_modules (default: tests/interop/node_modules, ignored by git),
# once per lock file. The account is made first with REGISTER over a raw
# socket. Checks (a) a raw observer that asked for extended-join sees the
# client's JOIN carry the account and real name, (b) irc-framework got 900
# and 903 and fired 'loggedin' and 'account' for its own account, and parsed
# its own extended-join JOIN with the account, (c) the client keeps its
# registered nick past the nick grace, (d) irc-framework fires 'account' for
# another user who logs in later (account-notify: the observer IDENTIFYs to
# the decoy account), and that the client quits cleanly and the server exits
# 0 on SIGTERM. Every wait is bounded; everything started here is stopped by
# PID on exit. Exit status 0 on success, 77 (skipped) without node, npm or
# python3, otherwise non-zero with the client's lines, the observer's lines
# and the server log.
set -u

SERVER_BIN=${1:?usage: irc_framework_sasl_test.sh path/to/chat-server [NODE_DIR]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_DIR=${2:-$HERE}
NAME=interop_irc_framework_sasl
ACCOUNT=nodeuser
PASSWORD='node pass 123'
CHANNEL='#accounts'

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
command -v node >/dev/null || skip "node not found (install the Debian package 'nodejs')"
command -v npm >/dev/null || skip "npm not found (install the Debian package 'npm')"
command -v python3 >/dev/null || skip "python3 not found (install the Debian package 'python3')"
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

# --- irc-framework, installed once per lock file ----------------------------------
# shellcheck source-path=SCRIPTDIR source=node_deps.sh
source "$HERE/node_deps.sh"
install_node_deps || { echo "$NAME: FAIL: npm ci could not install irc-framework into $NODE_DIR" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-irc-framework-sasl-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
NODE_PID=""
NODE_LOG="$WORK/node.log"
# shellcheck source-path=SCRIPTDIR source=accounts_lib.sh
source "$HERE/accounts_lib.sh"

cleanup() {
    exec 4>&-
    if [[ -n $NODE_PID ]]; then kill -KILL "$NODE_PID" 2>/dev/null; wait "$NODE_PID" 2>/dev/null; fi
    accounts_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE  # a dead client must not kill the script: its check fails instead

fail() {
    echo "$NAME: FAIL: $*" >&2
    echo "----- irc-framework client lines -----" >&2
    cat "$NODE_LOG" >&2 2>/dev/null
    accounts_dump_logs
    exit 1
}

node_saw() { grep -Eq -- "$1" "$NODE_LOG" 2>/dev/null; }

# --- the server, the accounts, the observer -------------------------------------
accounts_start_server || fail "chat-server did not report its port"
accounts_register "$ACCOUNT" "$PASSWORD" || fail "could not register the account $ACCOUNT"
accounts_register "$DECOY" "$DECOY_PASSWORD" || fail "could not register the account $DECOY"
accounts_start_observer watcher "$CHANNEL" || fail "the observer did not get extended-join and join $CHANNEL"

# --- the irc-framework client: commands through a fifo on fd 4 --------------------
mkfifo "$WORK/to_node" || fail "mkfifo failed"
NODE_PATH="$NODE_DIR/node_modules" node "$HERE/irc_framework_sasl_test.js" "$PORT" "$ACCOUNT" "$PASSWORD" "$CHANNEL" \
    <"$WORK/to_node" >"$NODE_LOG" 2>&1 &
NODE_PID=$!
exec 4>"$WORK/to_node"

# (a) extended-join: the JOIN carries the account the client logged in to
# and its real name.
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* JOIN $CHANNEL $ACCOUNT :irc-framework sasl user$" \
    || fail "(a) the observer never saw $ACCOUNT join $CHANNEL with its account (extended-join)"
echo "$NAME: (a) the observer saw: $(grep -E ":$ACCOUNT![^ ]* JOIN " "$OBSERVER_LOG" | head -n1)"

# (b) irc-framework's side: the numerics, its events, its own JOIN parsed.
wait_until "$WAIT_S" node_saw "^event join nick=$ACCOUNT channel=$CHANNEL account=$ACCOUNT " \
    || fail "(b) irc-framework did not report its own JOIN with account $ACCOUNT"
node_saw "^raw< :[^ ]+ 900 $ACCOUNT [^ ]+ $ACCOUNT :You are now logged in as $ACCOUNT$" \
    || fail "(b) irc-framework did not receive the 900"
node_saw "^raw< :[^ ]+ 903 $ACCOUNT :SASL authentication successful$" \
    || fail "(b) irc-framework did not receive the 903"
node_saw "^event loggedin nick=$ACCOUNT account=$ACCOUNT$" || fail "(b) irc-framework did not fire 'loggedin' for $ACCOUNT"
node_saw "^event account nick=$ACCOUNT account=$ACCOUNT$" || fail "(b) irc-framework did not fire 'account' for $ACCOUNT"
node_saw "^event sasl_failed" && fail "(b) irc-framework fired 'sasl failed'"
echo "$NAME: (b) irc-framework got 900 and 903, fired 'loggedin' and 'account', saw its JOIN with account=$ACCOUNT"

# (c) logged in, the client keeps the registered nick past the grace.
accounts_check_nick_kept "$ACCOUNT" "$DECOY" || fail "(c) $ACCOUNT did not keep its nick, logged in, past the nick grace"

# (d) account-notify: the observer, renamed to a guest nick, logs in to the
# decoy account; irc-framework reports the other user's new account.
echo "PRIVMSG NickServ :IDENTIFY $DECOY $DECOY_PASSWORD" >&3
wait_until "$WAIT_S" node_saw "^event account nick=Guest-[0-9]+ account=$DECOY$" \
    || fail "(d) irc-framework did not fire 'account' when the observer logged in to $DECOY"
echo "$NAME: (d) irc-framework fired 'account' for the observer's login: $(grep -E '^event account nick=Guest-' "$NODE_LOG" | head -n1)"

# The client quits cleanly: the observer sees it, and node exits 0.
echo "quit done testing" >&4
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* QUIT :Quit: done testing$" \
    || fail "the observer did not see the client quit"
node_gone() { ! kill -0 "$NODE_PID" 2>/dev/null; }
wait_until "$WAIT_S" node_gone || fail "node did not exit after the client quit"
wait "$NODE_PID"
status=$?
NODE_PID=""
[[ $status -eq 0 ]] || fail "node exited with status $status"

accounts_stop_server || fail "chat-server did not exit 0 and clean on SIGTERM"
echo "$NAME: PASS"
exit 0
