#!/usr/bin/env bash
# Installs everything sala needs to build and test, from Debian 12 packages.
# Idempotent: skips apt entirely when every package is already present.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++-12
  clang-16 libclang-rt-16-dev libc++-16-dev libc++abi-16-dev clang-14
  libboost1.81-dev libboost-json1.81-dev
  catch2 libcli11-dev libspdlog-dev libfmt-dev libncursesw5-dev libsqlite3-dev libssl-dev openssl libsodium-dev
  # The cluster: the NATS C client, and nats-server (JetStream) for its tests.
  libnats-dev nats-server
  irssi tmux curl procps python3 chromium
  # The accounts interop tests: WeeChat without a terminal, and node for
  # irc-framework (npm below).
  weechat-headless nodejs
  # The Debian package and its test: dpkg-shlibdeps (dpkg-dev) and file for
  # cpack's dependency list, systemd-analyze to verify the unit, adduser for
  # the package's postinst.
  dpkg-dev file systemd adduser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm, a separate package; NodeSource's nodejs
# carries npm itself and conflicts with Debian's npm package, so npm is asked
# for only when there is no npm command.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
