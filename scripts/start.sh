#!/usr/bin/env bash
# Installs what is missing, builds the optimized server and starts it in the
# foreground: IRC on :6667. Extra arguments go to chat-server (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target chat-server
exec build/release/src/server/chat-server "$@"
