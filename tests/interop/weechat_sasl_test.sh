#!/usr/bin/env bash
# Interop: WeeChat (weechat-headless, in the background, its home in a
# temporary directory) logs in to a sala account with SASL SCRAM-SHA-256,
# set through its own irc.server options, and joins a channel.
#
#   tests/interop/weechat_sasl_test.sh path/to/chat-server
#
# WeeChat is driven entirely by --run-command (-r) at start-up: the server,
# its SASL options and autojoin, then /connect. The logger writes each buffer
# at once (flush_delay 0), and "/debug set irc 2" makes the irc plugin log
# every message it sends to the core buffer, so the test reads WeeChat's own
# side of the exchange from its log files. The account is made first with
# REGISTER over a raw socket. Checks (a) a raw observer that asked for
# extended-join sees WeeChat's JOIN carry the account and real name, (b)
# WeeChat's server buffer shows the 900 and 903, (c) WeeChat really spoke
# SCRAM-SHA-256: the mechanism, a client-first and client-final message for
# the account, then the empty response to the server-final (AUTHENTICATE +),
# in that order, (d) WeeChat keeps its registered nick past the nick grace,
# and that WeeChat quits on SIGTERM and the server exits 0 on SIGTERM. Every
# wait is bounded; everything started here is stopped by PID on exit. Exit
# status 0 on success, 77 (skipped) without weechat-headless or python3,
# otherwise non-zero with WeeChat's logs, the observer's lines and the
# server log.
set -u

SERVER_BIN=${1:?usage: weechat_sasl_test.sh path/to/chat-server}
NAME=interop_weechat_sasl
ACCOUNT=weeuser
PASSWORD='weechat pass 123'
CHANNEL='#accounts'

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
command -v weechat-headless >/dev/null || skip "weechat-headless not found (install the Debian package 'weechat-headless')"
command -v python3 >/dev/null || skip "python3 not found (install the Debian package 'python3')"
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-weechat-sasl-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
WEECHAT_PID=""
# shellcheck source-path=SCRIPTDIR source=accounts_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/accounts_lib.sh"
WEECHAT_DIR="$WORK/weechat"
SERVER_BUFFER_LOG="$WEECHAT_DIR/logs/irc.server.sala.weechatlog"
CORE_LOG="$WEECHAT_DIR/logs/core.weechat.weechatlog"

cleanup() {
    if [[ -n $WEECHAT_PID ]]; then kill -KILL "$WEECHAT_PID" 2>/dev/null; wait "$WEECHAT_PID" 2>/dev/null; fi
    accounts_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE  # a dead observer must not kill the script: its check fails instead

fail() {
    echo "$NAME: FAIL: $*" >&2
    local f
    for f in "$WEECHAT_DIR"/logs/*.weechatlog "$WORK/weechat.out"; do
        [[ -e $f ]] || continue
        echo "----- $(basename "$f") -----" >&2
        cat "$f" >&2
    done
    accounts_dump_logs
    exit 1
}

buffer_log_has() { grep -Fq -- "$1" "$SERVER_BUFFER_LOG" 2>/dev/null; }

# --- the server, the accounts, the observer -------------------------------------
accounts_start_server || fail "chat-server did not report its port"
accounts_register "$ACCOUNT" "$PASSWORD" || fail "could not register the account $ACCOUNT"
accounts_register "$DECOY" "$DECOY_PASSWORD" || fail "could not register the account $DECOY"
accounts_start_observer watcher "$CHANNEL" || fail "the observer did not get extended-join and join $CHANNEL"

# --- WeeChat: every setting by -r, in order, before /connect ----------------------
mkdir -p "$WEECHAT_DIR"
# -r commands are evaluated (${...}) and split at semicolons; the values
# here have neither.
HOME="$WORK" weechat-headless --dir "$WEECHAT_DIR" \
    -r "/set logger.file.flush_delay 0" \
    -r "/debug set irc 2" \
    -r "/server add sala 127.0.0.1/$PORT -notls" \
    -r "/set irc.server.sala.nicks $ACCOUNT" \
    -r "/set irc.server.sala.username $ACCOUNT" \
    -r "/set irc.server.sala.realname weechat sasl user" \
    -r "/set irc.server.sala.sasl_mechanism scram-sha-256" \
    -r "/set irc.server.sala.sasl_username $ACCOUNT" \
    -r "/set irc.server.sala.sasl_password $PASSWORD" \
    -r "/set irc.server.sala.autojoin $CHANNEL" \
    -r "/connect sala" \
    </dev/null >"$WORK/weechat.out" 2>&1 &
WEECHAT_PID=$!

# (a) extended-join: the JOIN carries the account WeeChat logged in to and its
# real name.
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* JOIN $CHANNEL $ACCOUNT :weechat sasl user$" \
    || fail "(a) the observer never saw $ACCOUNT join $CHANNEL with its account (extended-join)"
echo "$NAME: (a) the observer saw: $(grep -E ":$ACCOUNT![^ ]* JOIN " "$OBSERVER_LOG" | head -n1)"

# (b) WeeChat's server buffer, as its logger wrote it: 900 then 903.
wait_until "$WAIT_S" buffer_log_has 'SASL authentication successful' \
    || fail "(b) WeeChat's server buffer does not show the 903 (SASL authentication successful)"
buffer_log_has "You are now logged in as $ACCOUNT" \
    || fail "(b) WeeChat's server buffer does not show the 900 (You are now logged in as $ACCOUNT)"
echo "$NAME: (b) WeeChat shows 900 and 903"

# (c) What WeeChat sent, from its irc debug lines, as one sequence.
mapfile -t sent < <(grep -o "irc_message_split: message='AUTHENTICATE [^']*'" "$CORE_LOG" 2>/dev/null \
    | sed -e "s/^irc_message_split: message='AUTHENTICATE //" -e "s/'\$//")
((${#sent[@]} == 4)) || fail "(c) expected 4 AUTHENTICATE lines from WeeChat, saw ${#sent[@]}: ${sent[*]}"
[[ ${sent[0]} == SCRAM-SHA-256 ]] || fail "(c) WeeChat chose '${sent[0]}', not SCRAM-SHA-256"
client_first=$(printf '%s' "${sent[1]}" | base64 -d 2>/dev/null)
[[ $client_first =~ ^n,,n=$ACCOUNT,r=[^,]+$ ]] || fail "(c) not a client-first message for $ACCOUNT: '$client_first'"
client_final=$(printf '%s' "${sent[2]}" | base64 -d 2>/dev/null)
[[ $client_final =~ ^c=biws,r=[^,]+,p=[^,]+$ ]] || fail "(c) not a client-final message: '$client_final'"
# The server's nonce extends the client's.
[[ ${client_final#c=biws,r=} == "${client_first#n,,n="$ACCOUNT",r=}"* ]] \
    || fail "(c) the client-final nonce does not extend the client-first nonce"
[[ ${sent[3]} == + ]] || fail "(c) WeeChat's answer to the server-final was '${sent[3]}', not '+'"
echo "$NAME: (c) WeeChat sent SCRAM-SHA-256, '$client_first', a client-final with proof, then '+'"

# (d) logged in, WeeChat keeps the registered nick past the grace.
accounts_check_nick_kept "$ACCOUNT" "$DECOY" || fail "(d) $ACCOUNT did not keep its nick, logged in, past the nick grace"

# WeeChat quits on SIGTERM (sending QUIT), and the observer sees it.
kill -TERM "$WEECHAT_PID"
weechat_gone() { ! kill -0 "$WEECHAT_PID" 2>/dev/null; }
wait_until "$WAIT_S" weechat_gone || fail "WeeChat did not exit within $WAIT_S s of SIGTERM"
wait "$WEECHAT_PID"
WEECHAT_PID=""
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* QUIT :" \
    || fail "the observer did not see WeeChat quit"

accounts_stop_server || fail "chat-server did not exit 0 and clean on SIGTERM"
echo "$NAME: PASS"
exit 0
