#!/usr/bin/env bash
# The Debian package (packaging/): cpack builds it from this build directory;
# its contents, control data and conffiles are checked; systemd-analyze
# verifies the unit; sala.conf and the man pages must name every option the
# binaries' --help lists, so they cannot drift apart.
#
# As root and with SALA_TEST_DPKG=1 (CI sets it in the gcc-release test
# preset) it also installs the package with dpkg -i, runs the installed
# chat-server as user sala with /etc/sala/sala.conf and registers on it over
# IRC, then purges the package and checks that the user and files are gone.
# That part changes the machine (a package, a system user) for a few seconds,
# hence the opt-in; the package is purged on every exit path.
#
# Usage: deb_test.sh CPACK BUILD_DIR SOURCE_DIR CHAT_SERVER CHAT_CLIENT
set -euo pipefail

cpack=$1
build_dir=$2
source_dir=$3
server_bin=$4
client_bin=$5

work=$(mktemp -d)
db_dir=""
installed=0
runuser_pid=""
check_pid=""

cleanup() {
    if [ -n "$check_pid" ]; then
        kill -KILL "$check_pid" 2>/dev/null || true
        wait "$check_pid" 2>/dev/null || true
    fi
    if [ -n "$runuser_pid" ]; then
        pkill -KILL -P "$runuser_pid" 2>/dev/null || true
        wait "$runuser_pid" 2>/dev/null || true
    fi
    if [ "$installed" = 1 ]; then
        dpkg --purge sala >/dev/null 2>&1 || echo "cleanup: dpkg --purge sala failed" >&2
    fi
    [ -z "$db_dir" ] || rm -rf "$db_dir"
    rm -rf "$work"
}
trap cleanup EXIT
# A signal (ctest's timeout, Ctrl-C) must also purge what was installed.
trap 'exit 1' HUP INT TERM

fail() {
    echo "FAIL: $*" >&2
    for f in "$work"/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

# --- build ----------------------------------------------------------------
"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
    || fail "cpack -G DEB"
debs=("$work"/out/sala_*.deb)
if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    fail "expected one sala_*.deb, got: ${debs[*]}"
fi
deb=${debs[0]}
version_line=$("$server_bin" --version)
version=${version_line#chat-server }

# --- contents and control data ----------------------------------------------
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/chat-server ./usr/bin/chat-client ./lib/systemd/system/sala.service \
            ./etc/sala/sala.conf ./usr/share/man/man1/chat-server.1.gz ./usr/share/man/man1/chat-client.1.gz; do
    [[ $contents == *" $path"$'\n'* || $contents == *" $path" ]] || fail "package lacks $path"
done
[[ $contents == *"-rwxr-xr-x root/root"*" ./usr/bin/chat-server"* ]] || fail "chat-server is not 0755 root"
conf_line=$(grep -F ' ./etc/sala/sala.conf' <<<"$contents")
[[ $conf_line == "-rw-r----- root/root "* ]] || fail "sala.conf is packaged as: $conf_line"

info=$(dpkg-deb -I "$deb")
for field in "Package: sala" "Version: $version" "Section: net" "Maintainer: sala developers" \
             "Architecture: $(dpkg --print-architecture)"; do
    [[ $info == *" $field"* ]] || fail "control lacks '$field'"
done
depends=$(dpkg-deb -f "$deb" Depends)
# Computed by dpkg-shlibdeps: libc6 and the libraries the binaries link.
for dep in adduser libc6 libsqlite3 libstdc++6 libncursesw6; do
    [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
for script in postinst prerm postrm; do
    [[ $info == *" $script "* ]] || fail "control lacks $script"
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
[ "$conffiles" = /etc/sala/sala.conf ] || fail "conffiles is '$conffiles'"

root="$work/root"
dpkg-deb -x "$deb" "$root"
for page in chat-server chat-client; do
    gzip -t "$root/usr/share/man/man1/$page.1.gz" || fail "$page.1.gz is not gzip"
done
cmp -s "$root/etc/sala/sala.conf" "$source_dir/packaging/sala.conf" || fail "packaged sala.conf differs from the source"

# --- the unit -----------------------------------------------------------------
# systemd-analyze verify loads the unit as systemd would, without a running
# systemd (it works in a container): every directive must be known and its
# value valid, the ExecStart/ExecReload commands must exist and be
# executable, and the dependencies (network.target, multi-user.target) must
# resolve. It exits 0 on unknown keys and bad values, only printing them, so
# any output at all counts as a failure. --root would look for /bin/kill and
# the targets inside the extracted package, so instead the unit's ExecStart
# points at the extracted chat-server. User=sala need not exist for this.
mkdir "$work/unit"
sed "s#/usr/bin/chat-server#$root/usr/bin/chat-server#" "$root/lib/systemd/system/sala.service" \
    >"$work/unit/sala.service"
verify=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$work/unit/sala.service" 2>&1) \
    || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify says: $verify"

# --- no drift between --help, sala.conf and the man pages ----------------------
long_options() {  # long_options HELP_TEXT: one name per line, without dashes
    grep -Eo '^ +(-[a-zA-Z],)?--[a-z][a-z0-9-]*' <<<"$1" | sed -E 's/.*--//' || true
}
server_help=$("$server_bin" --help)
client_help=$("$client_bin" --help)
server_options=$(long_options "$server_help")
client_options=$(long_options "$client_help")
[ "$(wc -l <<<"$server_options")" -gt 30 ] || fail "too few options parsed from chat-server --help"
[ "$(wc -l <<<"$client_options")" -gt 5 ] || fail "too few options parsed from chat-client --help"

# documents MAN_TEXT NAME: the page has an entry (a .B/.BI/.BR line opening
# a .TP item) for --NAME, not merely a mention in another option's text.
documents() {
    local escaped=${2//-/\\-} line
    while IFS= read -r line; do
        case $line in
        ".B \\-\\-$escaped" | ".BI \\-\\-$escaped "* | ".BR \\-\\-$escaped "* | ".BR \\-h \", \" \\-\\-$escaped")
            return 0 ;;
        esac
    done <<<"$1"
    return 1
}
conf="$source_dir/packaging/sala.conf"
conf_keys=$(sed -nE 's/^#?([a-z][a-z0-9-]*) = .*/\1/p' "$conf")
server_man=$(cat "$source_dir/packaging/chat-server.1")
client_man=$(cat "$source_dir/packaging/chat-client.1")
for opt in $server_options; do
    documents "$server_man" "$opt" || fail "chat-server.1 has no entry for --$opt"
    case $opt in help | version | config | hash-password) continue ;; esac  # actions, not settings
    grep -Fxq -- "$opt" <<<"$conf_keys" || fail "sala.conf has no line for --$opt (write '#$opt = DEFAULT')"
done
for key in $conf_keys; do
    grep -Fxq -- "$key" <<<"$server_options" || fail "sala.conf sets '$key', which chat-server does not know"
done
for opt in $client_options; do
    documents "$client_man" "$opt" || fail "chat-client.1 has no entry for --$opt"
done

# Every commented default, uncommented, must be accepted by chat-server as is.
# The files it names must exist: the motd is this config, the certificate a
# self-signed one made here; the database is kept in memory. The cluster
# line is an example, not a default: it would need a NATS server.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1 || fail "openssl req"
sed -E 's/^#([a-z][a-z0-9-]* = )/\1/; /^cluster = /d; s#^motd = .*#motd = '"$conf"'#; s#^db = .*#db = :memory:#;
        s#^tls-cert = .*#tls-cert = '"$work/cert.pem"'#; s#^web-root = .*#web-root = '"$source_dir/src/web"'#; s#^tls-key = .*#tls-key = '"$work/key.pem"'#' "$conf" \
    >"$work/all.conf"
"$server_bin" --config "$work/all.conf" --bind 127.0.0.1 --port 0 --tls-port 0 --status-port 0 --web-port 0 --threads 1 \
    2>"$work/all-options.log" &
check_pid=$!
deadline=$((SECONDS + 10))
until grep -q 'tls on 127' "$work/all-options.log"; do
    kill -0 "$check_pid" 2>/dev/null || { wait "$check_pid" || true; fail "chat-server rejects sala.conf with every default uncommented"; }
    [ "$SECONDS" -le "$deadline" ] || { kill "$check_pid"; fail "chat-server did not start with every default uncommented"; }
    sleep 0.05
done
kill -TERM "$check_pid"
status=0
wait "$check_pid" || status=$?
check_pid=""
[ "$status" -eq 0 ] || fail "chat-server with every default uncommented exited $status after SIGTERM"

# --- install, run, purge ------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || [ "${SALA_TEST_DPKG:-}" != 1 ]; then
    echo "package checked; dpkg -i/--purge stage skipped (needs root and SALA_TEST_DPKG=1)"
    exit 0
fi

# Never touch a sala this test did not install.
previous_status=$(dpkg-query -W -f='${Status}' sala 2>/dev/null || true)
if [[ $previous_status == *installed* && $previous_status != *not-installed* ]]; then
    fail "package sala is already here ($previous_status); not replacing it (dpkg --purge sala if an interrupted run of this test left it)"
fi
if getent passwd sala >/dev/null; then
    fail "user sala exists already; not touching it"
fi

installed=1
dpkg -i "$deb" >"$work/dpkg-install.log" 2>&1 || fail "dpkg -i"
installed_version=$(/usr/bin/chat-server --version) || fail "/usr/bin/chat-server --version"
[ "$installed_version" = "chat-server $version" ] || fail "installed version '$installed_version'"
passwd_entry=$(getent passwd sala) || fail "no user sala after dpkg -i"
[[ $passwd_entry == *:/var/lib/sala:* ]] || fail "user sala's home: $passwd_entry"
getent group sala >/dev/null || fail "no group sala after dpkg -i"
[ -f /etc/sala/sala.conf ] || fail "no /etc/sala/sala.conf"
conf_mode=$(stat -c '%a %U %G' /etc/sala/sala.conf)
[ "$conf_mode" = "640 root sala" ] || fail "/etc/sala/sala.conf is $conf_mode, want 640 root sala"
status_conffiles=$(dpkg-query -W -f='${Conffiles}' sala)
[[ $status_conffiles == *"/etc/sala/sala.conf "* ]] || fail "dpkg does not list sala.conf as a conffile"
verify=$(systemd-analyze verify --man=no /lib/systemd/system/sala.service 2>&1) || fail "verify installed: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify (installed unit) says: $verify"
# postinst again, as a first install and as an upgrade: it must be idempotent.
/var/lib/dpkg/info/sala.postinst configure "" >"$work/postinst-again.log" 2>&1 || fail "postinst run twice"
/var/lib/dpkg/info/sala.postinst configure "$version" >>"$work/postinst-again.log" 2>&1 || fail "postinst as an upgrade"

# The installed server as the service runs it: user sala, the packaged
# config; only the ports and the database are moved out of the way.
db_dir=$(mktemp -d)
chown sala:sala "$db_dir"
runuser -u sala -- /usr/bin/chat-server --config /etc/sala/sala.conf --bind 127.0.0.1 --port 0 \
    --status-port 0 --web-port 0 --db "$db_dir/x.db" 2>"$work/server.log" &
runuser_pid=$!
deadline=$((SECONDS + 10))
until grep -q 'listening on 127\.0\.0\.1:[0-9]' "$work/server.log"; do
    kill -0 "$runuser_pid" 2>/dev/null || fail "installed chat-server exited at start"
    [ "$SECONDS" -le "$deadline" ] || fail "installed chat-server did not start"
    sleep 0.05
done
port=$(grep -Eo 'listening on 127\.0\.0\.1:[0-9]+' "$work/server.log" | head -1 | sed 's/.*://')

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'NICK pkgtest\r\nUSER pkgtest 0 * :package test\r\n' >&3
welcomed=0
while IFS= read -r -t 5 line <&3; do
    if [[ $line == *" 001 pkgtest "* ]]; then welcomed=1; break; fi
done
printf 'QUIT :done\r\n' >&3
exec 3>&-
[ "$welcomed" = 1 ] || fail "no 001 welcome from the installed chat-server"
db_owner=$(stat -c %U "$db_dir/x.db") || fail "no database written in $db_dir"
[ "$db_owner" = sala ] || fail "database owned by $db_owner"

# runuser waits for its child; the server itself gets the SIGTERM.
server_pid=$(pgrep -P "$runuser_pid" -x chat-server) || fail "no chat-server under runuser"
kill -TERM "$server_pid"
status=0
wait "$runuser_pid" || status=$?
runuser_pid=""
[ "$status" -eq 0 ] || fail "chat-server exited $status after SIGTERM"
grep -q 'stopped' "$work/server.log" || fail "no 'stopped' in the log after SIGTERM"

# What systemd's StateDirectory= would have made, so purge has it to remove.
install -d -o sala -g sala -m 0750 /var/lib/sala
dpkg --purge sala >"$work/dpkg-purge.log" 2>&1 || fail "dpkg --purge"
installed=0
! getent passwd sala >/dev/null || fail "user sala left after purge"
! getent group sala >/dev/null || fail "group sala left after purge"
for path in /usr/bin/chat-server /usr/bin/chat-client /etc/sala /var/lib/sala /lib/systemd/system/sala.service \
            /usr/share/man/man1/chat-server.1.gz; do
    [ ! -e "$path" ] || fail "$path left after purge"
done
purged_status=$(dpkg-query -W -f='${Status}' sala 2>/dev/null || true)
[[ $purged_status != *installed* || $purged_status == *not-installed* ]] || fail "dpkg still has sala: $purged_status"
echo "package built, checked, installed, run as sala and purged"
