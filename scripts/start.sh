#!/usr/bin/env bash
# Installs what is missing, builds, and starts SecondLine: the desk app in training mode on the default
# training store when there is a display, otherwise the headless demo. This is README command (a).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target secondline secondline-desk

if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    exec build/release/app/gui/secondline-desk --training "$@"
else
    echo "start: no display; running the headless demo instead of the desk app"
    exec build/release/app/secondline demo "$@"
fi
