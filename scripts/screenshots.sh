#!/usr/bin/env bash
# Saves a screenshot of each main screen of the desk app into docs/screenshots (or the folder given), under a
# virtual X display. The data is generated in a throw-away store; nothing of a real person is shown.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${1:-docs/screenshots}

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target secondline-desk
mkdir -p "$OUT"
# A fixed size and DPI, so the pictures in the README do not change with the machine.
QT_SCALE_FACTOR=1 xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" \
    build/release/app/gui/secondline-desk --screenshots "$OUT"
echo "screenshots: written to $OUT"
