#!/usr/bin/env bash
# The installed programs work on their own. Installs the build into a temporary prefix, moves the prefix
# elsewhere (so only data paths relative to the program can work), then runs the installed `secondline`
# from another folder with an empty environment: it renders a synthetic passport, reads its MRZ with the
# installed OCR model, and checks the installed policy presets. No source or build path may appear in the
# installed programs, and without its installed model the reader fails with ocr_unavailable.
#
# Usage: install_test.sh CMAKE BUILD_DIR SOURCE_DIR SANITIZED [GUI]
# GUI (1 or 0, default 1): whether this build makes the desk app (a desk binary left in the build folder by an
# earlier configuration with it is not expected to be installed).
# SANITIZED (1 or 0): a sanitizer build names its source files for its reports whatever the prefix maps say,
# and is never installed for use, so the path check is skipped there.
set -euo pipefail
CMAKE=$1
BUILD=$(cd "$2" && pwd -P)
SOURCE=$(cd "$3" && pwd -P)
SANITIZED=${4:-0}
GUI=${5:-1}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() {
    echo "install test: $*" >&2
    exit 1
}

"$CMAKE" --install "$BUILD" --prefix "$TMP/installed" --strip >/dev/null
mv "$TMP/installed" "$TMP/moved"
PREFIX=$TMP/moved

for f in bin/secondline share/secondline/models/mrz.traineddata share/secondline/policy/default.json \
    share/secondline/policy/strict.json; do
    [[ -f "$PREFIX/$f" ]] || fail "not installed: $f"
done
if [[ $GUI == 1 && -x "$BUILD/app/gui/secondline-desk" && ! -x "$PREFIX/bin/secondline-desk" ]]; then
    fail "not installed: bin/secondline-desk"
fi

if [[ "$SANITIZED" != 1 ]]; then
    for program in "$PREFIX"/bin/*; do
        if strings -a "$program" | grep -F -e "$SOURCE" -e "$BUILD"; then
            fail "$(basename "$program") names the source or build folder (above)"
        fi
    done
fi

# From another folder, with nothing inherited that could point back at the tree.
mkdir -p "$TMP/elsewhere/home"
cd "$TMP/elsewhere"
environment=(PATH=/usr/bin:/bin HOME="$TMP/elsewhere/home")
for keep in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do # the sanitizer builds' settings
    if [[ -n "${!keep:-}" ]]; then environment+=("$keep=${!keep}"); fi
done
run() { env -i "${environment[@]}" "$PREFIX/bin/secondline" "$@"; }

run synth --out docs --count 1 --format TD3 >/dev/null || fail "synth failed"
image=$(ls docs/*.png | head -n1)
[[ -n "$image" ]] || fail "synth wrote no image"
truth=${image%.png}.json
[[ -f "$truth" ]] || fail "synth wrote no ground truth"
line=$(grep -A1 '"mrz"' "$truth" | tail -n1 | tr -d ' ",')
[[ ${#line} -ge 30 ]] || fail "no MRZ line in the ground truth"
reading=$(run mrz read --json "$image") || true # exit code 1 would only mean the synthetic document is invalid
grep -qF "$line" <<<"$reading" || fail "the installed reader did not read the MRZ: $reading"

for preset in default strict; do
    run policy check "$PREFIX/share/secondline/policy/$preset.json" >/dev/null || fail "policy check $preset failed"
done

rm "$PREFIX/share/secondline/models/mrz.traineddata"
if reading=$(run mrz read --json "$image" 2>&1); then fail "read without the installed model: $reading"; fi
grep -q 'ocr_unavailable\|OCR model' <<<"$reading" || fail "no clear error without the model: $reading"

echo "install test: passed"
