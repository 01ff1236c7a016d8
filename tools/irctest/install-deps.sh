#!/usr/bin/env bash
# Installs, from Debian 12's packages, what tools/irctest/run.sh needs:
# irctest's Python dependencies (pytest, ecdsa, filelock, websockets, and
# pytest-xdist / pytest-timeout for run.sh's -n and per-test bound), faketime
# (some tests fake the clock), and the two servers the table compares against,
# ngIRCd and InspIRCd. Run as root. Neither server is started as a service:
# irctest starts its own instance for each test.
set -euo pipefail

packages=(
    python3-pytest python3-pytest-xdist python3-pytest-timeout
    python3-ecdsa python3-filelock python3-websockets
    faketime ngircd inspircd make git
)

# irctest's InspIRCd controller (for InspIRCd 3) includes
# examples/helpop.conf.example, which InspIRCd resolves against its compiled-in
# configuration directory, /etc/inspircd; Debian ships the examples under
# /usr/share/doc/inspircd/examples instead.
link_inspircd_examples() {
    if [[ -d /usr/share/doc/inspircd/examples && ! -e /etc/inspircd/examples ]]; then
        ln -s /usr/share/doc/inspircd/examples /etc/inspircd/examples
    fi
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    link_inspircd_examples
    echo "install-deps.sh: all installed"
    exit 0
fi
apt-get update -q
# policy-rc.d, where the machine has one, keeps the servers' Debian services
# from starting; if they do start, stop them: they would hold port 6667.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
for service in ngircd inspircd; do
    if command -v systemctl >/dev/null && systemctl is-active -q "$service" 2>/dev/null; then
        systemctl stop "$service" || true
        systemctl disable "$service" || true
    fi
done
link_inspircd_examples
