#!/usr/bin/env bash
# Installs what is missing, builds and runs the whole test suite under every
# preset CI uses (or only the presets named as arguments). Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export SALA_WERROR=ON
# Line tables are all CI reads (sanitizer reports, backtraces); see cmake/sala_settings.cmake.
export SALA_DEBUG_INFO=lines
presets=("$@")
((${#presets[@]})) || presets=(gcc clang clang-libcxx clang14 asan tsan gcc-release fuzz)
for preset in "${presets[@]}"; do
  echo "=== preset $preset ==="
  start=$SECONDS
  cmake --workflow --preset "$preset" --fresh
  echo "=== preset $preset passed in $((SECONDS - start)) s ==="
done
