#!/usr/bin/env bash
# Installs what is missing, builds, and starts SecondLine: the desk app on the training store when there is a
# display, otherwise the headless demo. This is README command (a).
#
# The desk works through the SecondLine service, which alone opens the store: this script starts a per-user
# service for the training store (creating the store first, in the desk's first-run dialog, when there is none
# yet), runs the desk with it, and stops the service when the desk closes (or on Ctrl-C). A service already
# answering on the per-user socket is used and left running. See scripts/with-training-service.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target secondline secondline-desk

BIN="$ROOT/build/release/app"
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    exec bash scripts/with-training-service.sh --cli "$BIN/secondline" --desk "$BIN/gui/secondline-desk" \
        -- "$BIN/gui/secondline-desk" --training "$@"
else
    echo "start: no display; running the headless demo instead of the desk app"
    exec "$BIN/secondline" demo "$@"
fi
