#!/usr/bin/env bash
# Runs a command with the per-user SecondLine service on the training store, as scripts/start.sh runs the desk:
#
#   scripts/with-training-service.sh --cli build/release/app/secondline \
#       --desk build/release/app/gui/secondline-desk -- build/release/app/gui/secondline-desk --training
#
# 1. When a service already answers on the per-user socket ($XDG_RUNTIME_DIR/secondline/service.sock), the
#    command uses it, and it is left running afterwards.
# 2. Otherwise: the training store (--store, default $XDG_DATA_HOME/secondline/training.db, else
#    ~/.local/share/secondline/training.db) is created first when it does not exist, by the desk's first-run
#    dialog (you become its trainer); then `secondline service run` serves it on the per-user socket, or on a
#    socket in a private folder made for this run when XDG_RUNTIME_DIR is not set; the command runs once the
#    service answers; the service is stopped when the command ends, also on Ctrl-C, and its socket is gone.
#
# The command finds the service through SECONDLINE_SERVICE (set here). The service's log goes to
# service.log beside its socket. Exit status: the command's; 1 when the store was not created or the service
# did not start.
set -euo pipefail

usage() {
    echo "usage: $0 --cli SECONDLINE --desk SECONDLINE_DESK [--store PATH] -- COMMAND [ARGS...]" >&2
    exit 2
}

cli="" desk="" store=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --cli) cli="${2:-}"; shift 2 ;;
    --desk) desk="${2:-}"; shift 2 ;;
    --store) store="${2:-}"; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
    esac
done
[[ -n "$cli" && -n "$desk" && $# -gt 0 ]] || usage
if [[ -z "$store" ]]; then
    data="${XDG_DATA_HOME:-}"
    [[ -n "$data" ]] || data="$HOME/.local/share"
    store="$data/secondline/training.db"
fi

service_pid=""
private_dir=""
socket_dir=""

stop_service() {
    if [[ -n "$service_pid" ]]; then
        kill -TERM "$service_pid" 2>/dev/null || true
        # SIGTERM ends its sessions and removes its socket; a service that hangs is killed after 20 s.
        for _ in $(seq 100); do
            kill -0 "$service_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$service_pid" 2>/dev/null || true
        wait "$service_pid" 2>/dev/null || true
        service_pid=""
    fi
    if [[ -n "$private_dir" ]]; then
        rm -rf -- "$private_dir"
        private_dir=""
    fi
}
trap stop_service EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

answers() {
    "$cli" hello --service "$1" >/dev/null 2>&1
}

# The per-user socket, as the desk and the command-line tool look for it (an XDG_RUNTIME_DIR that is not an
# absolute path is invalid by the XDG specification and ignored, as they ignore it).
if [[ "${XDG_RUNTIME_DIR:-}" == /* ]]; then
    socket_dir="$XDG_RUNTIME_DIR/secondline"
    address="unix:$socket_dir/service.sock"
    if answers "$address"; then
        echo "training service: using the service already running on $socket_dir/service.sock" >&2
        export SECONDLINE_SERVICE="$address"
        "$@"
        exit $?
    fi
    # The service refuses a socket folder that group or others may write.
    mkdir -p -m 0700 -- "$socket_dir"
    chmod 0700 -- "$socket_dir"
else
    private_dir=$(mktemp -d) # 0700
    socket_dir="$private_dir"
    address="unix:$socket_dir/service.sock"
fi

if [[ ! -e "$store" ]]; then
    # The service serves no store whose folder others can reach.
    [[ -d "$(dirname -- "$store")" ]] || mkdir -p -m 0700 -- "$(dirname -- "$store")"
    echo "training service: no training store yet; create it in the dialog (you become its trainer)" >&2
    if ! "$desk" --training --create-store --store "$store" || [[ ! -e "$store" ]]; then
        echo "training service: no training store was created" >&2
        exit 1
    fi
fi

log="$socket_dir/service.log"
"$cli" service run --store "$store" --socket "$socket_dir/service.sock" 2>>"$log" &
service_pid=$!
for _ in $(seq 150); do
    answers "$address" && break
    if ! kill -0 "$service_pid" 2>/dev/null; then
        wait "$service_pid" 2>/dev/null || true
        service_pid=""
        echo "training service: the service did not start:" >&2
        tail -n 20 -- "$log" >&2 || true
        exit 1
    fi
    sleep 0.2
done
if ! answers "$address"; then
    echo "training service: the service does not answer on $socket_dir/service.sock (log: $log)" >&2
    exit 1
fi

export SECONDLINE_SERVICE="$address"
status=0
"$@" || status=$?
exit "$status"
