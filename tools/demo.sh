#!/usr/bin/env bash
# The main job: the whole OpenMultiStack system on one machine.
#
#   tools/demo.sh          install (once), start the system and drive it
#                          with `openstack`
#   tools/demo.sh start    install (once) and start the system, nothing more
#   tools/demo.sh stop     stop what this script started
#
# The system: the reference service (openmultistack-all) with the
# multistack API on 127.0.0.1:8765, the metering extension on
# 127.0.0.1:8777 and the worker, on SQLite under .openmultistack/ with
# three accounts of the *simulated* compute provider (a named
# simulation: no cloud is touched), each with a quota of its own, and no
# Keystone; and a RabbitMQ of its own, with its management plugin, whose
# queues and users the metering extension shows (`openstack metric
# rabbit ...`). RabbitMQ is Debian's rabbitmq-server, installed with
# apt-get when the script runs as root, and run as the caller with all
# of its state under .openmultistack/rabbitmq on its own ports; without
# it, the rest runs and the metric rabbit commands say that RabbitMQ is
# not reachable.
#
# Everything keeps running after the demo so that you can go on with the
# same commands: the script writes a clouds.yaml for its services and
# prints the one `export` that uses it. `tools/demo.sh stop` ends it all.
#
# OMS_API_PORT and OMS_METERING_PORT choose other ports for the service,
# OMS_RABBIT_PORT the first of RabbitMQ's four (AMQP, management API,
# Erlang distribution, epmd; default 8790-8793), OMS_STATE_DIR another
# state directory, OMS_VENV another virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${OMS_VENV:-$root/.venv}
state=${OMS_STATE_DIR:-$root/.openmultistack}
api_port=${OMS_API_PORT:-8765}
metering_port=${OMS_METERING_PORT:-8777}
amqp_port=${OMS_RABBIT_PORT:-8790}
management_port=$((amqp_port + 1))
dist_port=$((amqp_port + 2))
epmd_port=$((amqp_port + 3))
api=http://127.0.0.1:$api_port
metering=http://127.0.0.1:$metering_port
management=http://127.0.0.1:$management_port
pidfile=$state/openmultistack-all.pid
log=$state/openmultistack-all.log
rabbit_state=$state/rabbitmq
rabbit_bin=/usr/lib/rabbitmq/bin
clouds=$state/clouds.yaml

command_prefix=""
if [ "$state" != "$root/.openmultistack" ]; then
    command_prefix="OMS_STATE_DIR=$state "
fi

running() {  # pidfile
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pid() {  # pidfile name seconds
    if running "$1"; then
        local pid
        pid=$(cat "$1")
        kill -TERM "$pid"
        for _ in $(seq 1 $(($3 * 5))); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "$2 (pid $pid) did not stop; killing it" >&2
            kill -KILL "$pid"
        fi
        echo "Stopped $2 (pid $pid)."
    else
        echo "$2 is not running."
    fi
    rm -f "$1"
}

stop() {
    stop_pid "$pidfile" openmultistack-all 20
    if [ -f "$state/rabbitmq.pid" ]; then
        stop_pid "$state/rabbitmq.pid" RabbitMQ 40
    fi
    if [ -f "$state/epmd.pid" ]; then
        stop_pid "$state/epmd.pid" epmd 5
    fi
}

ports() {
    echo "multistack API $api_port, metering API $metering_port," \
        "RabbitMQ $amqp_port-$epmd_port"
}

# noauth: anonymous administrators, on 127.0.0.1 only (the service
# refuses it on other addresses).
demo_conf() {
    printf '[DEFAULT]\nauth_strategy = noauth\n'
    printf '[api]\nport = %s\n[metering]\nport = %s\n' \
        "$api_port" "$metering_port"
    printf '[rabbit_management]\nurl = %s/api/\n' "$management"
    printf 'username = guest\npassword = guest\n'
}

in_use() {  # port
    "$venv/bin/python" - "$1" <<'PY'
import socket
import sys
with socket.socket() as sock:
    sys.exit(0 if sock.connect_ex(('127.0.0.1', int(sys.argv[1]))) == 0
             else 1)
PY
}

answers() {  # url [user:password]
    "$venv/bin/python" - "$@" <<'PY'
import base64
import sys
import urllib.request
request = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    request.add_header('Authorization', 'Basic ' + base64.b64encode(
        sys.argv[2].encode()).decode())
try:
    urllib.request.urlopen(request, timeout=1).read()
except Exception:
    sys.exit(1)
PY
}

# The environment of RabbitMQ: all of its state in $rabbit_state, its own
# ports, on loopback only (Erlang distribution and epmd included).
rabbit_env=(
    env HOME="$rabbit_state" PATH=/usr/bin:/bin:/usr/sbin:/sbin
    RABBITMQ_NODENAME=omsdemo@localhost
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$amqp_port"
    RABBITMQ_DIST_PORT="$dist_port"
    RABBITMQ_CONFIG_FILE="$rabbit_state/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_state/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$rabbit_state/mnesia"
    RABBITMQ_LOG_BASE="$rabbit_state/log"
    RABBITMQ_PID_FILE="$rabbit_state/rabbitmq.pid"
    RABBITMQ_LOGS=-
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$epmd_port"
)

# Debian's rabbitmq-server, installed as the functional stack installs it.
# Prints why not when it cannot be.
install_rabbitmq() {
    [ -x "$rabbit_bin/rabbitmq-server" ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "RabbitMQ is not installed ($rabbit_bin/rabbitmq-server is" \
            "missing) and this script cannot install it (it needs root" \
            "and apt-get): install Debian's rabbitmq-server, or point" \
            "[rabbit_management] url at a RabbitMQ management API" \
            "(see doc/source/admin/configuration.rst)"
        return 1
    fi
    echo "==> installing Debian's rabbitmq-server (log: $state/apt.log)" >&2
    # The package may start a broker of its own on the default ports:
    # this one runs on its own ports and leaves that one alone.
    if ! { apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                rabbitmq-server; } >"$state/apt.log" 2>&1; then
        echo "apt-get install rabbitmq-server failed (see $state/apt.log)"
        return 1
    fi
}

start_rabbitmq() {
    local reason
    if ! reason=$(install_rabbitmq); then
        echo "==> without RabbitMQ: $reason" >&2
        return 0
    fi
    [ -n "$reason" ] && echo "$reason"
    mkdir -p "$rabbit_state/log"
    printf 'listeners.tcp.default = 127.0.0.1:%s\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\nloopback_users = none\n' \
        "$amqp_port" "$management_port" >"$rabbit_state/rabbitmq.conf"
    if ! "${rabbit_env[@]}" "$rabbit_bin/rabbitmq-plugins" enable --offline \
            rabbitmq_management >"$rabbit_state/log/plugins.log" 2>&1; then
        echo "==> without RabbitMQ: rabbitmq-plugins enable failed (see" \
            "$rabbit_state/log/plugins.log)" >&2
        return 0
    fi
    echo "==> starting RabbitMQ (log: $rabbit_state/log/rabbitmq.log)"
    # epmd on its own port first: Erlang would otherwise start a
    # daemonised one that nobody stops.
    nohup epmd -port "$epmd_port" -address 127.0.0.1 \
        >"$rabbit_state/log/epmd.log" 2>&1 </dev/null &
    echo $! >"$state/epmd.pid"
    # Its pid is that of the rabbitmq-server script (env and nohup exec
    # it), which stops the broker on SIGTERM.
    nohup "${rabbit_env[@]}" "$rabbit_bin/rabbitmq-server" \
        >"$rabbit_state/log/rabbitmq.log" 2>&1 </dev/null &
    echo $! >"$state/rabbitmq.pid"
}

# Waits for the management API, then declares a queue and publishes two
# messages to it, so that the listings have rows of their own.
rabbitmq_ready() {
    running "$state/rabbitmq.pid" || return 0
    for _ in $(seq 1 600); do
        answers "$management/api/overview" guest:guest && break
        if ! running "$state/rabbitmq.pid"; then
            echo "==> RabbitMQ exited during start-up:" >&2
            tail -n 20 "$rabbit_state/log/rabbitmq.log" >&2
            return 0
        fi
        sleep 0.2
    done
    "$venv/bin/python" - "$management" <<'PY'
import base64
import json
import sys
import urllib.request

auth = 'Basic ' + base64.b64encode(b'guest:guest').decode()


def call(method, path, body):
    request = urllib.request.Request(
        sys.argv[1] + '/api/' + path, method=method,
        data=json.dumps(body).encode(),
        headers={'Authorization': auth, 'Content-Type': 'application/json'})
    urllib.request.urlopen(request, timeout=10).read()


call('PUT', 'queues/%2F/demo.requests', {'durable': True})
for number in (1, 2):
    call('POST', 'exchanges/%2F/amq.default/publish', {
        'properties': {}, 'routing_key': 'demo.requests',
        'payload': 'request %d' % number, 'payload_encoding': 'string'})
PY
}

case "${1:-run}" in
    stop) stop; exit 0 ;;
    run|start) ;;
    *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

if ! "$venv/bin/openmultistack-all" --version >/dev/null 2>&1 ||
        ! "$venv/bin/openstack" --version >/dev/null 2>&1; then
    echo "==> installing python-omsclient[cli] and openmultistack into $venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install -q -U pip
    "$venv/bin/pip" install -q -e "$root[cli]" -e "$root/server"
fi

if running "$pidfile"; then
    if [ "$(cat "$state/demo.ports" 2>/dev/null)" != "$(ports)" ]; then
        echo "openmultistack-all (pid $(cat "$pidfile")) already runs from" \
            "$state with other ports ($(cat "$state/demo.ports" \
            2>/dev/null || echo unknown); asked for: $(ports)): stop it" \
            "first with:" \
            "${command_prefix}tools/demo.sh stop" >&2
        exit 1
    fi
    echo "==> openmultistack-all already running (pid $(cat "$pidfile"))"
else
    for port in "$api_port" "$metering_port" "$amqp_port" \
            "$management_port" "$dist_port" "$epmd_port"; do
        if in_use "$port"; then
            echo "127.0.0.1:$port is already in use by another process:" \
                "stop it, or choose other ports with OMS_API_PORT," \
                "OMS_METERING_PORT and OMS_RABBIT_PORT (now: $(ports))" >&2
            exit 1
        fi
    done
    mkdir -p -m 700 "$state"
    ports >"$state/demo.ports"
    demo_conf >"$state/demo.conf"
    start_rabbitmq
    echo "==> starting openmultistack-all (log: $log)"
    OMS_STATE_DIR=$state nohup "$venv/bin/openmultistack-all" \
        --config-file "$state/demo.conf" >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 150); do
        if ! running "$pidfile"; then
            echo "openmultistack-all exited during start-up:" >&2
            tail -n 20 "$log" >&2
            rm -f "$pidfile"
            exit 1
        fi
        answers "$api/api/" && break
        sleep 0.2
    done
    rabbitmq_ready
fi

cat >"$clouds" <<EOT
clouds:
  oms-local:
    auth_type: none
    multistack_endpoint_override: $api
    metering_endpoint_override: $metering
EOT
export OS_CLIENT_CONFIG_FILE=$clouds OS_CLOUD=oms-local
use_it="export OS_CLIENT_CONFIG_FILE=$clouds OS_CLOUD=oms-local"
if [ "${1:-run}" = run ]; then
    oms() {
        echo
        echo "\$ openstack $*"
        "$venv/bin/openstack" "$@"
    }
    echo
    echo "\$ $use_it"
    echo
    echo "\$ openstack multistack queue create --name web-1 --wait -f json"
    "$venv/bin/openstack" multistack queue create --name web-1 --wait \
        -f json | tee "$state/last-entry.json"
    entry_id=$("$venv/bin/python" -c \
        'import json, sys; print(json.load(open(sys.argv[1]))["ID"])' \
        "$state/last-entry.json")
    oms multistack queue list --long
    oms multistack queue show web-1
    oms multistack instance list
    oms multistack account list
    # An entry that says what it needs: on each provider the worker picks
    # the smallest flavor with 4 GB of RAM and the newest Ubuntu image.
    oms multistack queue create --name ubuntu-1 --min-ram 4096 \
        --image-property os_distro=ubuntu --wait
    oms multistack queue show ubuntu-1
    # No provider has a flavor that large: the entry ends FAILED with each
    # provider's reason, and the command exits non-zero, as it should;
    # the demo goes on.
    oms multistack queue create --name too-big --min-ram 999999999 \
        --wait || true
    oms multistack provider list
    oms metric rabbit list queues
    oms metric rabbit list users
    oms multistack queue delete --wait "$entry_id"
    oms multistack queue list
    oms metric log list --limit 10
fi

rabbit_line="not running (see above)"
if running "$state/rabbitmq.pid"; then
    rabbit_line="$management/api/ (guest/guest), AMQP on 127.0.0.1:$amqp_port"
fi
cat <<EOT

OpenMultiStack keeps running:
  multistack API   $api
  metering API     $metering
  RabbitMQ         $rabbit_line
  state and logs   $state
Use it from this shell with:
  $use_it
  openstack multistack queue list
Stop it with: ${command_prefix}tools/demo.sh stop
EOT
