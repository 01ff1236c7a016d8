#!/usr/bin/env bash
# Interop: irssi (in a detached tmux session) logs in to a sala account with
# SASL PLAIN, configured through irssi's own chatnet settings (sasl_mechanism,
# sasl_username, sasl_password), and joins a channel.
#
#   tests/interop/irssi_sasl_test.sh path/to/chat-server
#
# The account is made first with REGISTER over a raw socket. Checks (a) a raw
# observer that asked for extended-join sees irssi's JOIN carry the account
# and irssi's real name, (b) irssi's status window says SASL succeeded (903),
# (c) irssi keeps its registered nick past the nick grace (WHOIS shows it
# logged in), and that irssi quits and the server exits 0 on SIGTERM. Every
# wait is bounded; everything started here is stopped by PID or tmux socket
# on exit. Exit status 0 on success, 77 (skipped) without irssi, tmux or
# python3, otherwise non-zero with the pane, the observer's lines and the
# server log.
set -u

SERVER_BIN=${1:?usage: irssi_sasl_test.sh path/to/chat-server}
NAME=interop_irssi_sasl
ACCOUNT=irssiuser
PASSWORD='irssi pass 123'  # spaces: PLAIN carries them, irssi must quote nothing
CHANNEL='#accounts'

skip() { echo "$NAME: SKIP: $*" >&2; exit 77; }
for tool in irssi tmux python3; do
    command -v "$tool" >/dev/null || skip "$tool not found (install the Debian package '$tool')"
done
[[ -x $SERVER_BIN ]] || { echo "$NAME: FAIL: '$SERVER_BIN' is not executable" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sala-irssi-sasl-XXXXXX) || { echo "$NAME: mktemp failed" >&2; exit 1; }
SESSION="sala-irssi-sasl-$$"
# shellcheck source-path=SCRIPTDIR source=accounts_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/accounts_lib.sh"
# The tmux server's socket lives in WORK, so it goes with it.
tmux_() { tmux -S "$WORK/tmux.sock" -f /dev/null "$@"; }

cleanup() {
    tmux_ kill-server >/dev/null 2>&1
    accounts_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE  # a dead observer must not kill the script: its check fails instead

fail() {
    echo "$NAME: FAIL: $*" >&2
    echo "----- irssi pane -----" >&2
    tmux_ capture-pane -p -J -S - -t "$SESSION" >&2 2>/dev/null || echo "(no tmux pane)" >&2
    accounts_dump_logs
    exit 1
}

# The whole scrollback, so that a line is not missed for having scrolled off.
pane_shows() {
    local text
    text=$(tmux_ capture-pane -p -J -S - -t "$SESSION" 2>/dev/null) || return 1
    [[ $text == *"$1"* ]]
}

# --- the server, the accounts, the observer -------------------------------------
accounts_start_server || fail "chat-server did not report its port"
accounts_register "$ACCOUNT" "$PASSWORD" || fail "could not register the account $ACCOUNT"
accounts_register "$DECOY" "$DECOY_PASSWORD" || fail "could not register the account $DECOY"
accounts_start_observer watcher "$CHANNEL" || fail "the observer did not get extended-join and join $CHANNEL"

# --- irssi in tmux: SASL from its chatnet settings, the channel from its
# channel list -------------------------------------------------------------------
IRSSI_HOME="$WORK/irssi"
mkdir -p "$IRSSI_HOME"
cat >"$IRSSI_HOME/config" <<EOF
servers = (
  { address = "127.0.0.1"; port = "$PORT"; chatnet = "sala"; autoconnect = "yes"; }
);
chatnets = {
  sala = {
    type = "IRC";
    sasl_mechanism = "PLAIN";
    sasl_username = "$ACCOUNT";
    sasl_password = "$PASSWORD";
  };
};
channels = ( { name = "$CHANNEL"; chatnet = "sala"; autojoin = "yes"; } );
settings = {
  core = { real_name = "irssi sasl user"; user_name = "$ACCOUNT"; nick = "$ACCOUNT"; };
  # irssi paces commands after its first few (2.2 s apart by default); the
  # test should not wait behind irssi's own MODE/WHO queries. (An unknown
  # name here would make irssi ask on screen whether to remove it, and that
  # prompt would take the test's keystrokes.)
  "irc/core" = { cmd_queue_speed = "0msec"; cmds_max_at_once = "50"; };
  "fe-common/core" = { autolog = "no"; };
};
EOF
tmux_ new-session -d -s "$SESSION" -x 160 -y 50 \
    "env LANG=C.UTF-8 irssi --home '$IRSSI_HOME'" \
    || fail "tmux could not start irssi"

# (a) extended-join: the JOIN carries the account irssi logged in to and its
# real name.
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* JOIN $CHANNEL $ACCOUNT :irssi sasl user$" \
    || fail "(a) the observer never saw $ACCOUNT join $CHANNEL with its account (extended-join)"
echo "$NAME: (a) the observer saw: $(grep -E ":$ACCOUNT![^ ]* JOIN " "$OBSERVER_LOG" | head -n1)"

# (b) irssi's own account of it, in its status window (window 1): the 903 in
# irssi's words (its sasl_success format) and the 900 with the server's text.
# /lastlog brings them to the bottom, however far the window has scrolled since.
tmux_ send-keys -t "$SESSION" '/window 1' Enter
tmux_ send-keys -t "$SESSION" '/lastlog SASL authentication' Enter
wait_until "$WAIT_S" pane_shows 'SASL authentication succeeded' \
    || fail "(b) irssi's status window does not show the 903 (SASL authentication succeeded)"
tmux_ send-keys -t "$SESSION" '/lastlog logged in as' Enter
wait_until "$WAIT_S" pane_shows "You are now logged in as $ACCOUNT" \
    || fail "(b) irssi's status window does not show the 900 (You are now logged in as $ACCOUNT)"
echo "$NAME: (b) irssi shows 900 and 903"

# (c) logged in, irssi keeps the registered nick past the grace.
accounts_check_nick_kept "$ACCOUNT" "$DECOY" || fail "(c) $ACCOUNT did not keep its nick, logged in, past the nick grace"

# irssi leaves cleanly, and the observer sees it.
tmux_ send-keys -t "$SESSION" '/quit done testing' Enter
wait_until "$WAIT_S" observer_saw "^(@[^ ]* )?:$ACCOUNT![^ ]* QUIT :Quit: done testing$" \
    || fail "the observer did not see irssi quit"

accounts_stop_server || fail "chat-server did not exit 0 and clean on SIGTERM"
echo "$NAME: PASS"
exit 0
