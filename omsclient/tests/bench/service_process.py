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


"""Start the reference service's console scripts for a benchmark.

Each run gets a fresh state directory and configuration file, listens on
127.0.0.1 only, and is stopped (SIGTERM, then SIGKILL) when the ``with``
block ends.
"""

import configparser
import contextlib
import importlib.util
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Iterator, Mapping

import requests

from omsclient.tests.bench import common

READY_TIMEOUT = 60


def script(name: str) -> str | None:
    """Return the path of console script ``name`` beside this Python."""
    beside = pathlib.Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def installed_script(name: str) -> str:
    """Return the path of console script ``name``; fail if there is none."""
    path = script(name)
    if path is None:
        raise RuntimeError('%s is not installed' % name)
    return path


def missing(name: str, module: str) -> str | None:
    """Say why console script ``name`` (code in ``module``) cannot run."""
    if importlib.util.find_spec(module.rpartition('.')[0]) is None or \
            importlib.util.find_spec(module) is None:
        return 'the reference service has no %s yet' % module
    if script(name) is None:
        return '%s is not installed' % name
    return None


def missing_any(*commands: str) -> str | None:
    """Say why one of ``openmultistack-<command>`` cannot run, or None."""
    for command in commands:
        reason = missing('openmultistack-%s' % command,
                         'openmultistack.cmd.%s' % command)
        if reason:
            return reason
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((common.LOOPBACK, 0))
        return sock.getsockname()[1]


def write_config(path: pathlib.Path,
                 sections: Mapping[str, Mapping[str, object]]) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    for section, values in sections.items():
        if section != 'DEFAULT':
            parser.add_section(section)
        for key, value in values.items():
            parser.set(section, key, str(value))
    with open(path, 'w') as out:
        parser.write(out)


def wait_ready(url: str, proc: subprocess.Popen, name: str,
               log: pathlib.Path, timeout: float = READY_TIMEOUT) -> None:
    """Poll ``url`` until it answers 200; fail if process ``name`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('%s exited with %d: %s' % (
                name, proc.returncode, _tail(log)))
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError('%s did not answer within %ds: %s' % (
        url, timeout, _tail(log)))


def _tail(log: pathlib.Path) -> str:
    try:
        lines = log.read_text(errors='replace').strip().splitlines()
    except OSError:
        return '(no log)'
    return lines[-1] if lines else '(empty log)'


def db_sync(config: pathlib.Path, log: pathlib.Path) -> None:
    """Create the keys of the secrets and the schema."""
    with open(log, 'ab') as out:
        for command in (['keys', 'setup'], ['db', 'sync']):
            subprocess.run([installed_script('openmultistack-manage'),
                            '--config-file', str(config)] + command,
                           stdout=out, stderr=subprocess.STDOUT, check=True)


@contextlib.contextmanager
def state_dir(keep_logs: pathlib.Path | None = None
              ) -> Iterator[pathlib.Path]:
    """A temporary state directory; its ``*.log`` go to ``keep_logs``."""
    with tempfile.TemporaryDirectory(prefix='oms-bench-') as directory:
        try:
            yield pathlib.Path(directory)
        finally:
            if keep_logs is not None:
                keep_logs.mkdir(parents=True, exist_ok=True)
                for log in pathlib.Path(directory).glob('*.log'):
                    shutil.copy(log, keep_logs / log.name)


@contextlib.contextmanager
def running(name: str, config: pathlib.Path, ready_url: str | None,
            log: pathlib.Path) -> Iterator[subprocess.Popen]:
    """Run console script ``name --config-file config`` in the block."""
    with running_argv([installed_script(name), '--config-file', str(config)],
                      ready_url, log) as proc:
        yield proc


@contextlib.contextmanager
def running_argv(argv: list[str], ready_url: str | None,
                 log: pathlib.Path,
                 ready_timeout: float = READY_TIMEOUT,
                 env: Mapping[str, str] | None = None
                 ) -> Iterator[subprocess.Popen]:
    """Run ``argv`` in the block; first wait for ``ready_url`` (200).

    :param env: variables added to this process's environment.
    """
    with open(log, 'ab') as out:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONUNBUFFERED='1', **(env or {})))
    try:
        if ready_url:
            wait_ready(ready_url, proc, argv[0], log, ready_timeout)
        yield proc
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
