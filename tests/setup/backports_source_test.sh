#!/usr/bin/env bash
# scripts/setup.sh derives the bookworm-backports source from the machine's own Debian entry. Real
# machines have a one-line sources.list or a deb822 .sources file, with or without signed-by options and
# disabled entries: each fixture below must give the expected entry (hosts are .invalid placeholders).
set -uo pipefail
SETUP=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

expect() { # name, expected URI, expected Signed-By
    local name=$1 uri=$2 signed=$3 out
    out=$(SECONDLINE_APT_DIR="$WORK/$name" bash "$SETUP" --print-backports-source 2>&1)
    local want
    want=$(printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s' "$uri" "$signed")
    if [[ "$out" != "$want" ]]; then
        echo "FAIL $name:"; echo "$out"; failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}

mk() { mkdir -p "$WORK/$1/sources.list.d"; }

mk oneline
cat > "$WORK/oneline/sources.list" <<'X'
# deb cdrom:[Debian GNU/Linux 12]/ bookworm main
deb http://mirror-a.invalid/debian/ bookworm main non-free-firmware
deb http://security-a.invalid/debian-security bookworm-security main
X
expect oneline http://mirror-a.invalid/debian/ /usr/share/keyrings/debian-archive-keyring.gpg

mk oneline-options
cat > "$WORK/oneline-options/sources.list" <<'X'
deb-src http://mirror-b.invalid/debian bookworm main
deb [arch=amd64 signed-by=/etc/apt/keyrings/debian.gpg] https://mirror-b.invalid/debian bookworm main contrib
X
expect oneline-options https://mirror-b.invalid/debian /etc/apt/keyrings/debian.gpg

mk deb822
cat > "$WORK/deb822/sources.list.d/debian.sources" <<'X'
Types: deb
URIs: http://mirror-c.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security-c.invalid/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
expect deb822 http://mirror-c.invalid/debian /usr/share/keyrings/debian-archive-keyring.gpg

mk deb822-disabled
cat > "$WORK/deb822-disabled/sources.list.d/debian.sources" <<'X'
Types: deb
URIs: http://old-mirror.invalid/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb deb-src
URIs: http://mirror-d.invalid/debian
Suites: bookworm
Components: main
X
expect deb822-disabled http://mirror-d.invalid/debian /usr/share/keyrings/debian-archive-keyring.gpg

mk none
echo "deb http://mirror-e.invalid/ubuntu jammy main" > "$WORK/none/sources.list"
if SECONDLINE_APT_DIR="$WORK/none" bash "$SETUP" --print-backports-source >/dev/null 2>&1; then
    echo "FAIL none: derived a source where there is no Debian entry"; failures=$((failures + 1))
else
    echo "ok   none"
fi

echo "$((5 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
