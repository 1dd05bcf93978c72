#!/usr/bin/env bash
# The production files in dist/ agree with the program they start:
#   - every option the systemd unit passes to `secondline service run` is one the program accepts;
#   - the sysusers file makes the service account (no login shell) and the desk group, and the tmpfiles file a
#     root-only credential folder, checked in a scratch root when systemd's tools are installed.
# Usage: dist_test.sh SOURCE_DIR SECONDLINE_BINARY
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$2
unit="$src/dist/systemd/secondline.service"
fail() { echo "dist_test: $*" >&2; exit 1; }

# The ExecStart line with its continuation lines joined.
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ')
[[ $exec_start == *"/usr/bin/secondline service run"* ]] || fail "ExecStart does not run 'secondline service run'"
help=$("$bin" service run --help)
count=0
for option in $(grep -oE -- '--[a-z][a-z-]*' <<<"$exec_start"); do
    grep -qE -- "(^|[ ,])$option( |,|$)" <<<"$help" || fail "the unit passes $option, which 'service run' does not accept"
    count=$((count + 1))
done
(( count >= 4 )) || fail "expected at least --store, --root-key, --socket and --checkpoint-dir in ExecStart"
grep -q '^User=secondline$' "$unit" || fail "the unit does not run as the secondline account"
grep -q '^LimitCORE=0$' "$unit" || fail "the unit allows core dumps of a process that holds keys"
grep -q '^LoadCredential=root-key:' "$unit" || fail "the root key does not come through systemd's credentials"

if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/etc"
    systemd-sysusers --root="$root" "$src/dist/sysusers.d/secondline.conf" >/dev/null || fail "systemd-sysusers refused the file"
    grep -qE '^secondline:x:[0-9]+:[0-9]+:.*:/usr/sbin/nologin$' "$root/etc/passwd" ||
        fail "sysusers did not make the secondline account without a login shell"
    grep -q '^secondline-desk:' "$root/etc/group" || fail "sysusers did not make the secondline-desk group"
    systemd-tmpfiles --root="$root" --create "$src/dist/tmpfiles.d/secondline.conf" >/dev/null || fail "systemd-tmpfiles refused the file"
    [[ $(stat -c '%a %U' "$root/etc/credstore") == "700 root" ]] || fail "/etc/credstore is not root's alone"
else
    echo "dist_test: systemd-sysusers not installed; the account files were not tried (the unit's options were)"
fi
echo "dist_test: ok ($count options checked)"
