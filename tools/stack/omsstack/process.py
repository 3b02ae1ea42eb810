# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Processes of the stack: started detached, known by pid, stopped by pid.

Each service is described by a spec saved as JSON under ``run/services``:
the command, its extra environment, the user it runs as, how to tell it is
ready and which signal stops it. ``restart`` starts a service again from
its spec, so tests can kill a provider and bring it back exactly as it was.
"""

import dataclasses
import json
import os
import signal
import socket
import subprocess
import time
import typing
import urllib.error
import urllib.request

from omsstack import layout as layout_mod


class StackError(Exception):
    """A service of the stack could not be installed, started or reached."""


class AlreadyRunning(StackError):
    """Another stack runs from the same directory: it is not ours to stop."""


class ExitedWhileStarting(StackError):
    """A service's process ended before it was ready."""


@dataclasses.dataclass
class Spec:
    name: str
    argv: list[str]
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    cwd: str | None = None
    user: str | None = None
    # {"http": URL} (any answer below 500), {"tcp": [host, port]} or
    # {"command": argv} (exit status 0).
    ready: dict[str, typing.Any] = dataclasses.field(default_factory=dict)
    ready_timeout: float = 120.0
    stop_signal: int = signal.SIGTERM
    stop_timeout: float = 20.0


def check_call(argv: list[str], what: str, **kwargs) -> None:
    """Run a set-up command; fail with the end of its output."""
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise StackError('%s failed:\n%s' % (
            what, (result.stdout + result.stderr)[-3000:]))


def gunicorn_spec(layout: layout_mod.Layout, name: str, venv, app: str,
                  port: str, ready_url: str, env: dict[str, str],
                  workers: int = 1, ready_timeout: float = 120.0) -> Spec:
    """An OpenStack service's WSGI ``app`` under its venv's gunicorn.

    ``app`` (``module:attribute``) is loaded through :mod:`omsstack.wsgi`,
    which keeps the service's configuration parser off gunicorn's command
    line; ``port`` names the port in :data:`layout.PORTS`.
    """
    gunicorn = venv / 'bin' / 'gunicorn'
    if not gunicorn.exists():
        raise StackError('%s is not installed in %s: run '
                         'tools/stack/install.sh' % (name, venv))
    return Spec(
        name=name,
        argv=[str(gunicorn), '--no-control-socket',
              '--workers', str(workers),
              '--bind', '%s:%d' % (layout_mod.HOST, layout_mod.PORTS[port]),
              '--pythonpath', str(layout.repo / 'tools' / 'stack'),
              'omsstack.wsgi:application'],
        env=dict(env, OMSSTACK_WSGI_APP=app),
        cwd=str(layout.state(name)),
        ready={'http': ready_url},
        ready_timeout=ready_timeout)


def _spec_path(layout: layout_mod.Layout, name: str):
    return layout.services / ('%s.json' % name)


def _pid_path(layout: layout_mod.Layout, name: str):
    return layout.services / ('%s.pid' % name)


def log_path(layout: layout_mod.Layout, name: str):
    return layout.logs / ('%s.log' % name)


def log_tail(layout: layout_mod.Layout, name: str, lines: int = 25) -> str:
    """The last lines of a service's log, indented, for an error message.

    CI keeps only what the stack prints, not its logs.
    """
    try:
        with open(log_path(layout, name), 'rb') as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 16384))
            text = log.read().decode('utf-8', 'replace')
    except OSError as exc:
        return '    (no log: %s)' % exc
    return '\n'.join('    ' + line
                     for line in text.splitlines()[-lines:])


def load_spec(layout: layout_mod.Layout, name: str) -> Spec:
    try:
        data = json.loads(_spec_path(layout, name).read_text())
    except FileNotFoundError:
        raise StackError('no service %r in this stack' % name)
    return Spec(**data)


def known_services(layout: layout_mod.Layout) -> list[str]:
    if not layout.services.is_dir():
        return []
    return sorted(p.stem for p in layout.services.glob('*.json'))


def pid_of(layout: layout_mod.Layout, name: str) -> int | None:
    """The pid of a running service, None when it is not running."""
    try:
        pid = int(_pid_path(layout, name).read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not _alive(pid):
        return None
    return pid


def _alive(pid: int) -> bool:
    try:
        finished, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        finished = 0
    if finished:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie that is not our child still answers kill(0).
    try:
        with open('/proc/%d/stat' % pid) as stat:
            return stat.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def start(layout: layout_mod.Layout, spec: Spec) -> int:
    """Start a service detached, in its own process group; return its pid.

    The service outlives this process: it is stopped with :func:`stop`.
    """
    layout.services.mkdir(parents=True, exist_ok=True)
    layout.logs.mkdir(parents=True, exist_ok=True)
    if pid_of(layout, spec.name):
        raise StackError('%s is already running' % spec.name)
    # A spec may hold a password in its environment.
    path = _spec_path(layout, spec.name)
    path.touch(mode=0o600)
    path.write_text(json.dumps(dataclasses.asdict(spec), indent=2))
    env = dict(os.environ)
    env.update(spec.env)
    with open(log_path(layout, spec.name), 'ab') as log:
        proc = subprocess.Popen(
            spec.argv, env=env, cwd=spec.cwd, user=spec.user,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    _pid_path(layout, spec.name).write_text('%d\n' % proc.pid)
    return proc.pid


def wait_ready(layout: layout_mod.Layout, spec: Spec) -> None:
    """Wait until a service answers, or fail naming its log."""
    deadline = time.monotonic() + spec.ready_timeout
    while True:
        if pid_of(layout, spec.name) is None:
            raise ExitedWhileStarting(
                '%s exited while starting; see %s; it ends with:\n%s' %
                (spec.name, log_path(layout, spec.name),
                 log_tail(layout, spec.name)))
        if _is_ready(spec.ready):
            return
        if time.monotonic() > deadline:
            raise StackError(
                '%s is not ready after %d s; see %s; it ends with:\n%s' %
                (spec.name, spec.ready_timeout,
                 log_path(layout, spec.name), log_tail(layout, spec.name)))
        time.sleep(0.5)


def _is_ready(ready: dict) -> bool:
    if 'http' in ready:
        return http_answers(ready['http'])
    if 'tcp' in ready:
        host, port = ready['tcp']
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError:
            return False
        return True
    if 'command' in ready:
        return subprocess.run(
            ready['command'], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0
    return True


def http_answers(url: str, timeout: float = 5) -> bool:
    """True when ``url`` answers with any status below 500."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (OSError, ValueError):
        return False


def run(layout: layout_mod.Layout, spec: Spec) -> int:
    """Start a service and wait until it is ready; return its pid."""
    pid = start(layout, spec)
    wait_ready(layout, spec)
    return pid


def signal_service(layout: layout_mod.Layout, name: str,
                   sig: int = signal.SIGKILL) -> int | None:
    """Send a signal to a service's process group; return the pid."""
    pid = pid_of(layout, name)
    if pid is None:
        return None
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    return pid


def stop(layout: layout_mod.Layout, name: str) -> bool:
    """Stop a service by its pid; SIGKILL if it does not stop in time.

    Returns True when the service was running.
    """
    pid = pid_of(layout, name)
    if pid is None:
        _pid_path(layout, name).unlink(missing_ok=True)
        return False
    spec = load_spec(layout, name)
    try:
        os.killpg(pid, spec.stop_signal)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + spec.stop_timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    # Whatever is left of its process group goes too.
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while _alive(pid):
        time.sleep(0.1)
    _pid_path(layout, name).unlink(missing_ok=True)
    return True


def restart(layout: layout_mod.Layout, *names: str) -> None:
    """Start stopped or killed services again from their saved specs.

    They start side by side; this returns once every one is ready.
    """
    specs = [load_spec(layout, name) for name in names]
    for spec in specs:
        stop(layout, spec.name)
        start(layout, spec)
    for spec in specs:
        wait_ready(layout, spec)
