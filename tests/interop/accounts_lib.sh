# shellcheck shell=bash
# Sourced by the accounts interop tests (irssi, WeeChat, irc-framework logging
# in with SASL): the server, accounts made through a raw socket, and a raw
# observer that asked for extended-join, so that a test can see the account a
# real client logged in to in that client's JOIN line.
#
# The sourcing script sets NAME (its test name), SERVER_BIN (chat-server)
# and WORK (a temporary directory it removes), defines fail MESSAGE (which
# should call accounts_dump_logs), and calls accounts_cleanup from its EXIT
# trap.
#
#   accounts_start_server            chat-server on a free loopback port: PORT, SERVER_PID
#   accounts_register NICK PASSWORD  REGISTER through a raw socket; non-zero on failure
#   accounts_start_observer NICK CHANNEL
#                                    the raw observer in CHANNEL; its lines in OBSERVER_LOG,
#                                    fd 3 writes lines to it
#   observer_saw ERE                 whether the observer has received a matching line
#   accounts_check_nick_kept NICK DECOY
#                                    NICK (logged in with SASL) outlasted a nick grace
#                                    that took DECOY (registered) from the observer,
#                                    which then holds a Guest- nick
#   accounts_stop_server             SIGTERM; non-zero unless chat-server exits 0 and clean
#
# Every wait is bounded by WAIT_S (generous: only a hang should reach it).

WAIT_S=${WAIT_S:-60}
# Seconds a registered nick may be held without logging in: short, because
# accounts_check_nick_kept waits it out once (on a condition, not a sleep).
NICK_GRACE_S=2
# A second account, for the nick grace check (and NickServ IDENTIFY, which
# splits at spaces: none in its password). Used by the sourcing scripts.
# shellcheck disable=SC2034
DECOY=decoy
# shellcheck disable=SC2034
DECOY_PASSWORD='decoy-pass-123'
ACCOUNTS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVER_PID=""
OBSERVER_PID=""
SERVER_LOG="$WORK/server.log"
OBSERVER_LOG="$WORK/observer.log"

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

observer_saw() { grep -Eq -- "$1" "$OBSERVER_LOG" 2>/dev/null; }

accounts_cleanup() {
    exec 3>&-
    if [[ -n $OBSERVER_PID ]]; then kill "$OBSERVER_PID" 2>/dev/null; wait "$OBSERVER_PID" 2>/dev/null; fi
    if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    OBSERVER_PID=""
    SERVER_PID=""
}

accounts_dump_logs() {
    local f
    for f in "$WORK"/register-*.log; do
        [[ -e $f ]] || continue
        echo "----- $(basename "$f") -----" >&2
        cat "$f" >&2
    done
    echo "----- observer lines -----" >&2
    cat "$OBSERVER_LOG" >&2 2>/dev/null
    echo "----- chat-server log -----" >&2
    cat "$SERVER_LOG" >&2 2>/dev/null
}

accounts_start_server() {
    : >"$SERVER_LOG"
    # shellcheck disable=SC2153  # SERVER_BIN is the sourcing script's
    "$SERVER_BIN" --bind 127.0.0.1 --port 0 --status-port 0 --web-port 0 --db :memory: --autojoin "" --line-rate 0 \
        --nick-grace "$NICK_GRACE_S" --log-level debug >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    port_known() { grep -qs 'listening on 127.0.0.1:[0-9]' "$SERVER_LOG"; }
    wait_until "$WAIT_S" port_known || return 1
    PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$SERVER_LOG" | head -n1 | cut -d: -f2)
    echo "$NAME: chat-server pid $SERVER_PID on port $PORT"
}

accounts_register() {
    local nick=$1 password=$2
    # The client has its own deadline; timeout is the backstop for a hang.
    timeout 180 python3 "$ACCOUNTS_LIB_DIR/irc_line_client.py" register "$PORT" "$nick" "$password" \
        "$WORK/register-$nick.log" || return 1
    grep -Eq "^:[^ ]+ REGISTER SUCCESS $nick :Account created$" "$WORK/register-$nick.log" || return 1
    echo "$NAME: account $nick registered"
}

accounts_start_observer() {
    local nick=$1 channel=$2
    mkfifo "$WORK/to_observer" || return 1
    python3 "$ACCOUNTS_LIB_DIR/irc_line_client.py" observe "$PORT" "$nick" "$OBSERVER_LOG" <"$WORK/to_observer" &
    OBSERVER_PID=$!
    exec 3>"$WORK/to_observer"
    wait_until "$WAIT_S" observer_saw " 001 $nick " || return 1
    observer_saw '^:[^ ]+ CAP [^ ]+ ACK :?extended-join account-notify ?$' || return 1
    echo "JOIN $channel" >&3
    wait_until "$WAIT_S" observer_saw " 366 $nick $channel " || return 1
}

accounts_check_nick_kept() {
    local nick=$1 decoy=$2
    # The observer takes DECOY, a registered nick, without logging in, after
    # NICK has been on for a while; once the server has renamed the observer
    # for it, NICK's grace (had it had one) ran out too.
    echo "NICK $decoy" >&3
    wait_until "$WAIT_S" observer_saw " NOTICE $decoy :.*belongs to a registered account" || return 1
    wait_until $((WAIT_S + NICK_GRACE_S)) observer_saw "^(@[^ ]* )?:$decoy![^ ]* NICK :?Guest-[0-9]+$" || return 1
    echo "WHOIS $nick" >&3
    wait_until "$WAIT_S" observer_saw " 318 [^ ]+ $nick " || return 1
    observer_saw " 311 [^ ]+ $nick " || return 1
    observer_saw " 330 [^ ]+ $nick $nick :" || return 1
    echo "$NAME: $nick kept its nick past the grace that renamed $decoy (WHOIS: 330 logged in as $nick)"
}

accounts_stop_server() {
    kill -TERM "$SERVER_PID"
    server_gone() { ! kill -0 "$SERVER_PID" 2>/dev/null; }
    wait_until "$WAIT_S" server_gone || return 1
    wait "$SERVER_PID"
    local status=$?
    SERVER_PID=""
    [[ $status -eq 0 ]] || return 1
    ! grep -q 'Sanitizer' "$SERVER_LOG"
}
