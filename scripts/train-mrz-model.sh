#!/usr/bin/env bash
# Builds capture/models/mrz.traineddata: a Tesseract legacy-engine model for the 37 MRZ characters
# (A-Z, 0-9, <), trained on the OCR-B font from Debian's fonts-ocr-b with Tesseract's own tools
# (tesseract-ocr ships text2image, mftraining, cntraining, shapeclustering, combine_tessdata).
#
# Reproducible: the training text comes from a fixed seed. Takes a few minutes on 2 cores.
# Usage: scripts/train-mrz-model.sh [OUTPUT_DIR]   (default: capture/models)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/capture/models}
FONT=/usr/share/fonts/opentype/ocr-b/OCRB.otf
for tool in text2image tesseract unicharset_extractor shapeclustering mftraining cntraining combine_tessdata; do
    command -v "$tool" >/dev/null || { echo "train: $tool missing (apt-get install tesseract-ocr)" >&2; exit 2; }
done
[[ -f "$FONT" ]] || { echo "train: $FONT missing (apt-get install fonts-ocr-b)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/fonts" "$WORK/cache"
cp "$FONT" "$WORK/fonts/"
export FONTCONFIG_PATH=/etc/fonts XDG_CACHE_HOME="$WORK/cache"

# Training text: MRZ-shaped lines (names, fillers, numbers) and random runs of all 37 characters,
# so every character is seen many times next to every other, fillers above all.
awk -v seed=9303 -v lines="${MRZ_TRAIN_LINES:-420}" 'BEGIN {
    srand(seed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"; digits = "0123456789"; all = letters digits "<"
    for (n = 0; n < lines; n++) {
        line = ""
        kind = n % 3
        while (length(line) < 44) {
            r = rand()
            if (kind == 0) {            # name-like: letters, single and double fillers, filler tails
                if (r < 0.55) line = line substr(letters, int(rand() * 26) + 1, 1)
                else if (r < 0.75) line = line "<"
                else if (r < 0.85) line = line "<<"
                else line = line "<<<<<<"
            } else if (kind == 1) {     # number-like: digits with letters and fillers
                if (r < 0.6) line = line substr(digits, int(rand() * 10) + 1, 1)
                else if (r < 0.8) line = line substr(letters, int(rand() * 26) + 1, 1)
                else line = line "<"
            } else {                    # anything
                line = line substr(all, int(rand() * 37) + 1, 1)
            }
        }
        print substr(line, 1, 44)
    }
}' > "$WORK/mrz.training_text"

cd "$WORK"
trs=()
for exposure in ${MRZ_TRAIN_EXPOSURES:--1 0 1}; do
    base="mrz.ocrb.exp${exposure/-/m}"
    text2image --text=mrz.training_text --outputbase="$base" --font="OCR B" --fonts_dir="$WORK/fonts" \
        --fontconfig_tmpdir="$WORK/cache" --exposure="$exposure" --resolution=300 --ptsize=12 \
        --char_spacing=0.0 --leading=20 --xsize=3600 --ysize=4800 --margin=100 \
        ${MRZ_TRAIN_EXTRA:-} >/dev/null 2>&1
    for tif in "$base"*.tif; do
        stem=${tif%.tif}
        tesseract "$tif" "$stem" --psm 6 nobatch box.train >/dev/null 2>&1
        trs+=("$stem.tr")
    done
done

unicharset_extractor ./*.box >/dev/null 2>&1
echo "ocrb 0 0 1 0 0" > font_properties
shapeclustering -F font_properties -U unicharset "${trs[@]}" >/dev/null 2>&1
mftraining -F font_properties -U unicharset -O mrz.unicharset "${trs[@]}" >/dev/null 2>&1
cntraining "${trs[@]}" >/dev/null 2>&1
for part in inttemp pffmtable normproto shapetable; do mv "$part" "mrz.$part"; done
combine_tessdata mrz. >/dev/null 2>&1

mkdir -p "$OUT"
cp mrz.traineddata "$OUT/mrz.traineddata"
echo "train: wrote $OUT/mrz.traineddata ($(stat -c %s "$OUT/mrz.traineddata") bytes) from ${#trs[@]} training pages"
