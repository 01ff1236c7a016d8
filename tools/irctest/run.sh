#!/usr/bin/env bash
# Runs the irctest conformance suite against chat-server (and, to compare,
# ngIRCd and InspIRCd) with the test selection irctest's own Makefile uses for
# ngIRCd and InspIRCd, then prints a table of counts and the failing tests.
#
#   tools/irctest/run.sh [options] [-- extra pytest arguments]
#
#   --irctest DIR    irctest checkout (default: $IRCTEST_DIR, else ../irctest-src
#                    beside the repository). Get one with
#                    git clone https://github.com/progval/irctest
#   --sala PATH      chat-server binary (default: $SALA_SERVER, else
#                    build/release/src/server/chat-server)
#   --servers LIST   comma-separated, among sala, ngircd, inspircd (default: sala)
#   -k EXPR          only tests matching EXPR as well (pytest -k)
#   -m EXPR          only tests with markers matching EXPR as well (pytest -m)
#   -n N             pytest-xdist workers for each server (default: 4 for ngIRCd,
#                    as irctest's Makefile runs it, whose flood penalties make a
#                    serial run take 17 minutes; 1, serial, for the others)
#   --out DIR        where logs, JUnit XML and summary.md go (default: build/irctest)
#   --timeout SECS   bound on each server's whole run (default: 1800)
#   --test-timeout SECS  bound on each test, with pytest-timeout (default: 120)
#
# Environment: PYTHON (default /usr/bin/python3, Debian's, which has the
# packages install-deps.sh installs), SALA_THREADS (passed to --threads).
# Exit status: 0 when every run finished (whatever the tests said), 1 when a
# run was cut off or could not start, 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

irctest_dir=${IRCTEST_DIR:-$repo/../irctest-src}
sala=${SALA_SERVER:-$repo/build/release/src/server/chat-server}
servers=sala
extra_k=""
extra_m=""
jobs=""
out=$repo/build/irctest
run_timeout=1800
test_timeout=120
python=${PYTHON:-/usr/bin/python3}
pytest_extra=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

while (($#)); do
    case $1 in
        --irctest) irctest_dir=$2; shift 2 ;;
        --sala) sala=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        -k) extra_k=$2; shift 2 ;;
        -m) extra_m=$2; shift 2 ;;
        -n) jobs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --timeout) run_timeout=$2; shift 2 ;;
        --test-timeout) test_timeout=$2; shift 2 ;;
        -h|--help) usage ;;
        --) shift; pytest_extra=("$@"); break ;;
        *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

if [[ ! -f $irctest_dir/irctest/basecontrollers.py ]]; then
    echo "run.sh: no irctest checkout at '$irctest_dir' (use --irctest DIR or IRCTEST_DIR;" >&2
    echo "        get one with: git clone https://github.com/progval/irctest)" >&2
    exit 2
fi
irctest_dir=$(cd "$irctest_dir" && pwd)
if ! "$python" -c 'import pytest, ecdsa' 2>/dev/null; then
    echo "run.sh: $python lacks pytest or ecdsa: run tools/irctest/install-deps.sh" >&2
    exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The marker and -k expressions of irctest's Makefile targets, read from the
# Makefile itself so that they follow it. They are the same for ngIRCd and
# InspIRCd; sala gets InspIRCd's.
make_var() {
    # shellcheck disable=SC2016  # $(info ...) is for make, not the shell
    make --no-print-directory -s -C "$irctest_dir" -f Makefile \
        -f <(printf 'print-var-%%:\n\t@:$(info $($*))\n') "print-var-$1"
}
markers_of() {  # the -m expression of the Makefile's target for $1
    case $1 in
        sala) make_var INSPIRCD_MARKERS ;;  # sala keeps accounts itself: services tests run
        inspircd) echo "not services and $(make_var INSPIRCD_MARKERS)" ;;
        ngircd) echo "not services and $(make_var NGIRCD_MARKERS)" ;;
    esac
}
selectors_of() {
    case $1 in
        sala|inspircd) make_var INSPIRCD_SELECTORS ;;
        ngircd) make_var NGIRCD_SELECTORS ;;
    esac
}
controller_of() {
    case $1 in
        sala) echo sala_controller ;;  # tools/irctest/sala_controller.py, via PYTHONPATH
        ngircd) echo irctest.controllers.ngircd ;;
        inspircd) echo irctest.controllers.inspircd ;;
    esac
}

jobs_of() {
    if [[ -n $jobs ]]; then echo "$jobs"
    elif [[ $1 == ngircd ]]; then echo 4
    else echo 1
    fi
}

# pytest-timeout and pytest-xdist, when installed, are loaded by pytest itself.
plugins=(-p pytest_wrapper_compat -p no:cacheprovider)
if "$python" -c 'import pytest_timeout' 2>/dev/null; then
    plugins+=(--timeout "$test_timeout")
fi

# A test that skips itself in setUp() after the server started (irctest's
# bot_mode.py does, when there is no BOT token) never reaches tearDown(), so
# its server is left running. Every server a run starts has its configuration
# (ngIRCd, InspIRCd) or working directory (sala) under that run's TMPDIR: stop
# those processes, found by their own id, once the run is over.
reap_leftovers() {
    local dir=$1 p pid cmd n=0
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [[ $pid == "$$" ]] && continue
        cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
        if [[ $(readlink "$p/cwd" 2>/dev/null) == "$dir"/* || $cmd == *"$dir/"* ]]; then
            kill "$pid" 2>/dev/null && n=$((n + 1))
        fi
    done
    if ((n)); then
        sleep 2
        for p in /proc/[0-9]*; do
            pid=${p#/proc/}
            cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
            if [[ $(readlink "$p/cwd" 2>/dev/null) == "$dir"/* || $cmd == *"$dir/"* ]]; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
        echo "   stopped $n server process(es) that tests left running"
    fi
}

# InspIRCd refuses to start as root without --runasroot, which irctest's
# controller does not pass; as root, put a wrapper that adds it first on PATH.
if (($(id -u) == 0)) && command -v inspircd >/dev/null; then
    mkdir -p "$out/bin"
    printf '#!/bin/sh\nexec %q --runasroot "$@"\n' "$(command -v inspircd)" >"$out/bin/inspircd"
    chmod +x "$out/bin/inspircd"
    export PATH="$out/bin:$PATH"
fi

IFS=, read -r -a server_list <<<"$servers"
status=0
ran=()
for server in "${server_list[@]}"; do
    case $server in
        sala)
            if [[ ! -x $sala ]]; then
                echo "run.sh: chat-server binary '$sala' not found (build it, or --sala PATH)" >&2
                status=1; continue
            fi
            SALA_SERVER=$(cd "$(dirname "$sala")" && pwd)/$(basename "$sala")
            export SALA_SERVER ;;
        ngircd|inspircd)
            if ! command -v "$server" >/dev/null; then
                echo "run.sh: $server is not installed (tools/irctest/install-deps.sh)" >&2
                status=1; continue
            fi ;;
        *) echo "run.sh: unknown server '$server'" >&2; exit 2 ;;
    esac
    m="$(markers_of "$server")"
    k="$(selectors_of "$server")"
    [[ -n $extra_m ]] && m="($m) and ($extra_m)"
    [[ -n $extra_k ]] && k="($k) and ($extra_k)"
    n=$(jobs_of "$server")
    xdist=()
    ((n > 1)) && xdist=(-n "$n")
    cmd=("$python" -m pytest "${plugins[@]}" "${xdist[@]}" --controller "$(controller_of "$server")"
         -m "$m" -k "$k" -rfE --junitxml "$out/$server.xml" "${pytest_extra[@]}")
    echo "== $server: $(printf '%q ' "${cmd[@]}")" | tee "$out/$server.cmd"
    rm -f "$out/$server.xml"
    # A TMPDIR of the run's own: the servers' configurations go there, and so
    # does irctest's registry of ports in use, which is not locked in a
    # serial run and would be garbled by two runs at once.
    tmp=$out/tmp/$server
    rm -rf "$tmp"
    mkdir -p "$tmp"
    start=$(date +%s)
    set +e
    (cd "$irctest_dir" && PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" TMPDIR="$tmp" \
        timeout -k 30 "$run_timeout" nice -n 10 "${cmd[@]}") >"$out/$server.log" 2>&1
    rc=$?
    set -e
    reap_leftovers "$tmp"
    echo "   exit $rc after $(($(date +%s) - start)) s; log: $out/$server.log"
    # pytest: 0 all passed, 1 some failed; anything else means no full run.
    if ((rc != 0 && rc != 1)); then
        tail -n 5 "$out/$server.log" >&2
        status=1
    fi
    ran+=("$server")
done

if ((${#ran[@]})); then
    target=()
    [[ " ${ran[*]} " == *" inspircd "* && ${#ran[@]} -gt 1 ]] && target=(--target inspircd)
    {
        echo "irctest $(git -C "$irctest_dir" rev-parse HEAD 2>/dev/null || echo '(unknown commit)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo
        "$python" "$here/summarize.py" "$out" "${ran[@]}" "${target[@]}"
    } >"$out/summary.md"
    sed -n '1,/^$/p; /^| /p' "$out/summary.md" | uniq
    grep -E '^[a-z0-9]+: ' "$out/summary.md" || true
    echo "failing tests and comparisons: $out/summary.md"
fi
exit $status
