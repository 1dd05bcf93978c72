#!/usr/bin/env bash
# Issue 18, item 10: the training service's lifecycle as scripts/start.sh runs it (scripts/with-training-service.sh)
# with a stand-in for the desk: the service is started on the per-user socket, answers while the desk runs,
# and is gone with its socket when the desk exits; the desk's exit status is passed on; a service already
# answering is used and left running; without XDG_RUNTIME_DIR a private folder is made and removed.
# Arguments: the script, the secondline binary.
set -uo pipefail
SCRIPT=$1
CLI=$2
WORK=$(mktemp -d)
chmod 0700 "$WORK"
other_pid=""
cleanup() {
    [[ -n "$other_pid" ]] && kill -TERM "$other_pid" 2>/dev/null && wait "$other_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
check() { # name, condition...
    local name=$1
    shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_RUNTIME_DIR="$WORK/run"
mkdir -p -m 0700 "$HOME" "$XDG_DATA_HOME/secondline" "$XDG_RUNTIME_DIR"
store="$XDG_DATA_HOME/secondline/training.db"
socket="$XDG_RUNTIME_DIR/secondline/service.sock"
printf 'pw\n' | "$CLI" store init --store "$store" --training --user trainer --password-stdin \
    --kdf-ops 1 --kdf-mem-kib 8192 >/dev/null || { echo "FAIL store init"; exit 1; }

# The desk's stand-in: asks the service who it is, notes the address it was given, exits with $DESK_STATUS.
desk="$WORK/desk.sh"
cat >"$desk" <<'STANDIN'
#!/usr/bin/env bash
echo "$SECONDLINE_SERVICE" >"$OUT.address"
"$CLI" hello --json >"$OUT.hello" 2>&1
exit "${DESK_STATUS:-0}"
STANDIN
chmod +x "$desk"
export CLI
# No `secondline service run` on this store left (read in this shell: no process with the pattern in its argv).
service_gone() {
    local f
    for f in /proc/[0-9]*/cmdline; do
        [[ "$({ tr '\0' ' ' <"$f"; } 2>/dev/null)" == *"service run --store $store"* ]] && return 1
    done
    return 0
}
no_answer() {
    "$CLI" hello --service "unix:$socket" >/dev/null 2>&1
    [[ $? -eq 5 ]]
}

# 1. Started, used, stopped.
OUT="$WORK/first" DESK_STATUS=0 bash "$SCRIPT" --cli "$CLI" --desk false -- "$desk" --training
status=$?
check "exit status 0" test "$status" -eq 0
check "the desk was given the per-user socket" test "$(cat "$WORK/first.address")" = "unix:$socket"
check "the service answered the desk (a training store)" grep -q '"training":true' "$WORK/first.hello"
check "the socket is gone" test ! -e "$socket"
check "the service is gone" service_gone
check "no answer now (exit 5)" no_answer

# 2. The desk's exit status is passed on, and the service still stopped.
OUT="$WORK/second" DESK_STATUS=3 bash "$SCRIPT" --cli "$CLI" --desk false -- "$desk"
status=$?
check "the desk's exit status 3 is passed on" test "$status" -eq 3
check "the socket is gone after a failing desk" test ! -e "$socket"

# 3. A service already answering is used and left running.
mkdir -p -m 0700 "$XDG_RUNTIME_DIR/secondline"
"$CLI" service run --store "$store" --socket "$socket" 2>"$WORK/other.log" &
other_pid=$!
for _ in $(seq 100); do "$CLI" hello --service "unix:$socket" >/dev/null 2>&1 && break; sleep 0.1; done
OUT="$WORK/third" bash "$SCRIPT" --cli "$CLI" --desk false -- "$desk"
status=$?
check "exit status 0 with a running service" test "$status" -eq 0
check "the running service answered the desk" grep -q '"training":true' "$WORK/third.hello"
left_running() { "$CLI" hello --service "unix:$socket" >/dev/null; }
check "the running service is left running" left_running
kill -TERM "$other_pid"
wait "$other_pid"
check "the other service stopped cleanly" test $? -eq 0
other_pid=""

# 4. No XDG_RUNTIME_DIR: a private folder for this run, removed after.
OUT="$WORK/fourth" env -u XDG_RUNTIME_DIR bash "$SCRIPT" --cli "$CLI" --desk false -- "$desk"
status=$?
check "exit status 0 without XDG_RUNTIME_DIR" test "$status" -eq 0
address=$(cat "$WORK/fourth.address")
check "a private socket was used" test "${address#unix:}" != "$socket" -a -n "${address#unix:}"
check "the service answered the desk" grep -q '"training":true' "$WORK/fourth.hello"
check "the private folder is gone" test ! -e "$(dirname "${address#unix:}")"

# 5. No store and the creation dialog cancelled (stand-in: false): nothing starts, exit 1.
OUT="$WORK/fifth" bash "$SCRIPT" --cli "$CLI" --desk false --store "$WORK/data/none/training.db" -- "$desk" 2>/dev/null
status=$?
check "no store created: exit 1" test "$status" -eq 1
check "no desk run without a store" test ! -e "$WORK/fifth.address"

[[ $failures -eq 0 ]] || { echo "$failures check(s) failed"; exit 1; }
