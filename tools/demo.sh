#!/usr/bin/env bash
# The main job: the whole OpenMultiStack system on one machine.
#
#   tools/demo.sh          install (once), start the reference service on its
#                          embedded defaults and drive it with `openstack`
#   tools/demo.sh stop     stop the service this script started
#
# OMS_API_PORT and OMS_METERING_PORT choose other ports, OMS_STATE_DIR
# another state directory, OMS_VENV another virtualenv.
#
# The service (openmultistack-all) runs the multistack API on
# 127.0.0.1:8765, the metering extension on 127.0.0.1:8777 and the worker,
# on SQLite under .openmultistack/ with two accounts of the *simulated*
# compute provider (a named simulation: no cloud is touched) and no
# Keystone. It keeps running after the demo so that you can go on with
# the same commands; `tools/demo.sh stop` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${OMS_VENV:-$root/.venv}
state=${OMS_STATE_DIR:-$root/.openmultistack}
api_port=${OMS_API_PORT:-8765}
metering_port=${OMS_METERING_PORT:-8777}
api=http://127.0.0.1:$api_port
metering=http://127.0.0.1:$metering_port
pidfile=$state/openmultistack-all.pid
log=$state/openmultistack-all.log

running() {
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

stop() {
    if running; then
        local pid
        pid=$(cat "$pidfile")
        kill -TERM "$pid"
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "openmultistack-all (pid $pid) did not stop; killing it" >&2
            kill -KILL "$pid"
        fi
        echo "Stopped openmultistack-all (pid $pid)."
    else
        echo "openmultistack-all is not running."
    fi
    rm -f "$pidfile"
}

# noauth: anonymous administrators, on 127.0.0.1 only (the service
# refuses it on other addresses).
demo_conf() {
    printf '[DEFAULT]\nauth_strategy = noauth\n'
    printf '[api]\nport = %s\n[metering]\nport = %s\n' \
        "$api_port" "$metering_port"
}

case "${1:-run}" in
    stop) stop; exit 0 ;;
    run) ;;
    *) echo "usage: $0 [stop]" >&2; exit 2 ;;
esac

if ! "$venv/bin/openmultistack-all" --version >/dev/null 2>&1 ||
        ! "$venv/bin/openstack" --version >/dev/null 2>&1; then
    echo "==> installing python-omsclient[cli] and openmultistack into $venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install -q -U pip
    "$venv/bin/pip" install -q -e "$root[cli]" -e "$root/server"
fi

mkdir -p -m 700 "$state"
if running; then
    if [ "$(cat "$state/demo.conf" 2>/dev/null)" != "$(demo_conf)" ]; then
        echo "openmultistack-all (pid $(cat "$pidfile")) already runs from" \
            "$state with other ports: stop it first with: $0 stop" >&2
        exit 1
    fi
    echo "==> openmultistack-all already running (pid $(cat "$pidfile"))"
else
    for port in "$api_port" "$metering_port"; do
        if "$venv/bin/python" - "$port" <<'PY'
import socket
import sys
with socket.socket() as sock:
    sys.exit(0 if sock.connect_ex(('127.0.0.1', int(sys.argv[1]))) == 0
             else 1)
PY
        then
            echo "127.0.0.1:$port is already in use by another process:" \
                "stop it, or choose other ports with OMS_API_PORT and" \
                "OMS_METERING_PORT" >&2
            exit 1
        fi
    done
    demo_conf >"$state/demo.conf"
    echo "==> starting openmultistack-all (log: $log)"
    OMS_STATE_DIR=$state nohup "$venv/bin/openmultistack-all" \
        --config-file "$state/demo.conf" >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 150); do
        if ! running; then
            echo "openmultistack-all exited during start-up:" >&2
            tail -n 20 "$log" >&2
            rm -f "$pidfile"
            exit 1
        fi
        "$venv/bin/python" - "$api/api/" <<'PY' && break
import sys
import urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1).read()
except Exception:
    sys.exit(1)
PY
        sleep 0.2
    done
fi

oms() {
    echo
    echo "\$ openstack $*"
    "$venv/bin/openstack" --os-auth-type none --os-endpoint "$api" "$@"
}

metric() {
    echo
    echo "\$ openstack --os-endpoint $metering $*"
    "$venv/bin/openstack" --os-auth-type none --os-endpoint "$metering" "$@"
}

echo
echo "\$ openstack multistack queue create --wait -f json"
"$venv/bin/openstack" --os-auth-type none --os-endpoint "$api" \
    multistack queue create --wait -f json | tee "$state/last-entry.json"
entry_id=$("$venv/bin/python" -c \
    'import json, sys; print(json.load(open(sys.argv[1]))["ID"])' \
    "$state/last-entry.json")
oms multistack queue list --long
oms multistack queue show "$entry_id"
oms multistack instance list
oms multistack account list
oms multistack queue delete --wait "$entry_id"
oms multistack queue list
metric metric log list --limit 10

stop_command="tools/demo.sh stop"
if [ "$state" != "$root/.openmultistack" ]; then
    stop_command="OMS_STATE_DIR=$state $stop_command"
fi
cat <<EOT

The reference OpenMultiStack service keeps running:
  multistack API   $api      (openstack --os-auth-type none --os-endpoint $api multistack ...)
  metering API     $metering      (openstack --os-auth-type none --os-endpoint $metering metric log list)
  state and log    $state
Stop it with: ${stop_command}
EOT
