#!/usr/bin/env bash
# Installs every Debian 12 package that SecondLine's build, tests and demo need. Idempotent.
#
# SQLCipher 4 is not in Debian 12's main suite (it has 3.4), so this script adds the backports suite,
# derived from the machine's own Debian source entry (one-line sources.list or deb822 .sources), and
# installs only the SQLCipher packages from it. Backports is NotAutomatic: nothing else is taken from it.
set -euo pipefail

SUDO=""
if [[ "${1:-}" != "--print-backports-source" && $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 2; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

. /etc/os-release
if [[ "${1:-}" != "--print-backports-source" && "${VERSION_CODENAME:-}" != "bookworm" ]]; then
    echo "setup: this script targets Debian 12 (bookworm); found '${VERSION_CODENAME:-unknown}'" >&2
    exit 2
fi

# SECONDLINE_APT_DIR lets the tests point the derivation at fixture folders.
APT_DIR=${SECONDLINE_APT_DIR:-/etc/apt}
BACKPORTS_FILE=$APT_DIR/sources.list.d/secondline-backports.sources

# Prints "URI<TAB>SIGNED_BY" of the first enabled entry that serves the plain 'bookworm' suite.
find_debian_entry() {
    local f
    # deb822 files first (Debian 12 default), then one-line lists.
    for f in "$APT_DIR"/sources.list.d/*.sources; do
        [[ -f "$f" && "$f" != "$BACKPORTS_FILE" ]] || continue
        awk -v RS='' -v FS='\n' '
            {
                types = ""; uris = ""; suites = ""; signed = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/) continue
                    split(line, kv, ":")
                    key = tolower(kv[1]); sub(/^[^:]*:[ \t]*/, "", line)
                    if (key == "types") types = line
                    else if (key == "uris") uris = line
                    else if (key == "suites") suites = line
                    else if (key == "signed-by") signed = line
                    else if (key == "enabled") enabled = tolower(line)
                }
                if (enabled == "no" || types !~ /(^|[ \t])deb([ \t]|$)/) next
                n = split(suites, s, /[ \t]+/)
                for (j = 1; j <= n; j++) if (s[j] == "bookworm") {
                    split(uris, u, /[ \t]+/); print u[1] "\t" signed; exit
                }
            }' "$f" | head -n1 | grep . && return 0
    done
    for f in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list; do
        [[ -f "$f" ]] || continue
        # deb [options] URI SUITE COMPONENTS...
        awk '
            /^[ \t]*deb[ \t]/ {
                i = 2; signed = ""
                if ($2 ~ /^\[/) {
                    while (i <= NF) {
                        if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed); sub(/\]$/, "", signed) }
                        if ($i ~ /\]$/) { i++; break }
                        i++
                    }
                }
                if ($(i + 1) == "bookworm") { print $i "\t" signed; exit }
            }' "$f" | head -n1 | grep . && return 0
    done
    return 1
}

# Prints the deb822 backports entry derived from the machine's Debian source entry.
backports_source() {
    local entry uri signed
    entry=$(find_debian_entry) || {
        echo "setup: no Debian 'bookworm' source entry found in $APT_DIR; cannot derive the backports source" >&2
        return 2
    }
    uri=${entry%%$'\t'*}
    signed=${entry#*$'\t'}
    [[ -n "$signed" ]] || signed=/usr/share/keyrings/debian-archive-keyring.gpg
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' "$uri" "$signed"
}

add_backports() {
    if [[ -f "$BACKPORTS_FILE" ]]; then return 0; fi
    if grep -rqsE '^[^#]*bookworm-backports' "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/ 2>/dev/null; then
        return 0 # already configured by the machine's owner
    fi
    local source
    source=$(backports_source) || exit 2
    echo "setup: adding bookworm-backports from the machine's Debian source entry"
    printf '%s\n' "$source" | $SUDO tee "$BACKPORTS_FILE" >/dev/null
}

if [[ "${1:-}" == "--print-backports-source" ]]; then
    backports_source
    exit $?
fi

PACKAGES=(
    # toolchain
    build-essential cmake ninja-build pkg-config git clang-format
    # libraries
    qt6-base-dev qt6-base-dev-tools libqt6svg6 qt6-qpa-plugins qt6-charts-dev libqt6opengl6-dev libgl-dev
    libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-objdetect-dev
    libopencv-videoio-dev opencv-data
    libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng
    libsodium-dev libfreetype-dev fonts-ocr-b fonts-dejavu-core
    libfmt-dev nlohmann-json3-dev libcli11-dev libexpected-dev libcairo2-dev
    libsane-dev sane-utils libsane1 libglpk-dev
    # the common-word list production passwords are checked against
    wamerican
    # the service contract: gRPC and protobuf (compilers generate the code at build time)
    libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
    # OpenSSL 3: mutual TLS between the desks of a post (certificate files checked, test certificates made)
    libssl-dev
    # tests and benchmarks
    libgtest-dev libgmock-dev googletest libbenchmark-dev iso-codes poppler-utils
    # headless display for the GUI demo and screenshots
    xvfb xauth
)
SQLCIPHER_PACKAGES=(libsqlcipher-dev libsqlcipher1)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sqlcipher_ok=0
if dpkg-query -W -f='${Version}' libsqlcipher-dev 2>/dev/null | grep -q '^4\.'; then sqlcipher_ok=1; fi

if [[ ${#missing[@]} -eq 0 && $sqlcipher_ok -eq 1 ]]; then
    echo "setup: all packages present"
    exit 0
fi

add_backports
$SUDO apt-get update -qq
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [[ $sqlcipher_ok -eq 0 ]]; then
    echo "setup: installing SQLCipher 4 from bookworm-backports"
    $SUDO apt-get install -y -qq --no-install-recommends "${SQLCIPHER_PACKAGES[@]/%//bookworm-backports}"
fi
echo "setup: done"
