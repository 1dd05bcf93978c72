#!/usr/bin/env bash
# Crash safety: kill -9 a batch ingest at random moments, ROUNDS times (default 100), and every other round
# also a key rotation (store rekey) at a random moment; then check that every record the CLI reported
# committed is in the store, that no other damage exists (integrity_check, cipher_integrity_check, audit
# chain), and that every record still decodes. Every round after a kill opens the store again, so an
# interrupted rotation must have been settled by then.
# Usage: scripts/crash-test.sh [ROUNDS] [SECONDLINE_BINARY]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-100}
BIN=${2:-$ROOT/build/release/app/secondline}
if [[ ! -x "$BIN" ]]; then
    cmake --preset release -S "$ROOT" >/dev/null
    cmake --build --preset release --target secondline >/dev/null
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data"
STORE="$WORK/crash.db"
FAST=(--kdf-ops 1 --kdf-mem-kib 8) # the cost of unlocking is not what is tested here

"$BIN" synth --out "$WORK/images" --count 12 --dpi 200 --seed 7 >/dev/null
printf 'admin-pw\n' | "$BIN" store init --store "$STORE" --user admin --password-stdin "${FAST[@]}" --test-store \
    >/dev/null
printf 'admin-pw\nofficer-pw\n' | "$BIN" user add officer --role officer --store "$STORE" --user admin \
    --password-stdin "${FAST[@]}" >/dev/null

reported="$WORK/reported.txt"
: > "$reported"
rekeys=0
for ((round = 1; round <= ROUNDS; round++)); do
    out="$WORK/round.jsonl"
    printf 'officer-pw\n' | "$BIN" ingest --store "$STORE" --user officer --password-stdin "$WORK"/images/*.png \
        > "$out" 2>/dev/null &
    pid=$!
    # The input, not a wait: the kill lands at a random moment of the ingest (and below, of the rekey), which
    # is what the crash test explores. Nothing here waits for the process to reach a state.
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", 0.05 + rand() * 1.2 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Only complete lines count as reported (a line cut by the kill was never fully reported).
    grep -o '"record_id":[0-9]*' "$out" | cut -d: -f2 >> "$reported" || true
    if ((round % 2 == 1)); then
        printf 'admin-pw\n' | "$BIN" store rekey --store "$STORE" --user admin --password-stdin >/dev/null 2>&1 &
        pid=$!
        sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() * 0.15 }')"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rekeys=$((rekeys + 1))
    fi
done

listed="$WORK/listed.txt"
# A machine so loaded that no round got as far as a record lists none: grep's "no match" is not a failure.
printf 'officer-pw\n' | "$BIN" records list --store "$STORE" --user officer --password-stdin \
    | { grep -o '"id":[0-9]*' || true; } | cut -d: -f2 | LC_ALL=C sort > "$listed"
# comm needs both lists in the same (byte) order, not numeric order.
LC_ALL=C sort -u "$reported" > "$reported.sorted"
missing=$(LC_ALL=C comm -23 "$reported.sorted" "$listed" | wc -l)
check=$(printf 'admin-pw\n' | "$BIN" store check --store "$STORE" --user admin --password-stdin || true)
undecodable=0
while read -r id; do
    printf 'officer-pw\n' | "$BIN" records show "$id" --store "$STORE" --user officer --password-stdin >/dev/null 2>&1 \
        || undecodable=$((undecodable + 1))
done < "$listed"

echo "crash-test: $ROUNDS ingest kills and $rekeys rekey kills; $(wc -l < "$reported.sorted") records reported committed, $(wc -l < "$listed") in the store"
echo "crash-test: missing $missing, undecodable $undecodable, check $check"
if [[ $missing -eq 0 && $undecodable -eq 0 && "$check" == *'"ok":true'* ]]; then
    echo "crash-test: passed"
else
    echo "crash-test: FAILED" >&2
    exit 1
fi
