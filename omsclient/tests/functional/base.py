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

"""Base class of the functional tests: the real ``openstack`` command.

The stack is started by ``tools/stack/with-stack.sh`` (``tox -e
functional``), which exports ``OMS_STACK_FILE`` (a JSON description of the
running services, users and passwords) and ``OS_CLIENT_CONFIG_FILE`` (a
clouds.yaml with the clouds ``oms-admin``, ``oms-member`` and
``oms-noauth``). Without a stack the tests are skipped, except under
``CI=true`` where a missing stack or service is a failure.

Like python-openstackclient's own functional tests, every command runs the
installed ``openstack`` executable in a subprocess and parses its ``-f
json`` output.
"""

import collections
import functools
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import time
import typing
import urllib.error
import urllib.request

import testtools

from omsclient.tests.functional import compute

Result = collections.namedtuple('Result', 'returncode stdout stderr')

# A safety net against a hung command, not a measurement.
COMMAND_TIMEOUT = 600
# The warning the client prints before it retries (a refused connection,
# a 503 with Retry-After): a notice of progress, not the error.
RETRY_NOTICE = re.compile(r'; retrying( \(\d+ more times?\))? in [\d.e+-]+ s$')


def error_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not blank and not retry notices."""
    return [line for line in stderr.splitlines()
            if line.strip() and not RETRY_NOTICE.search(line)]


class CommandFailed(Exception):
    def __init__(self, argv, result):
        self.result = result
        super().__init__(
            '%s exited with %d\nstdout: %s\nstderr: %s'
            % (' '.join(argv), result.returncode, result.stdout,
               result.stderr))


def in_ci() -> bool:
    return os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


@functools.lru_cache(maxsize=1)
def load_stack() -> dict | None:
    path = os.environ.get('OMS_STACK_FILE')
    if not path:
        return None
    with open(path) as stack_file:
        return json.load(stack_file)


def executable(name: str) -> str:
    """A script of the environment running the tests, else from PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    found = shutil.which(name)
    if not found:
        raise RuntimeError('%s is not installed' % name)
    return found


class TestCase(testtools.TestCase):
    """A test against the running stack."""

    def setUp(self):
        super().setUp()
        self.stack = load_stack()
        if self.stack is None:
            message = ('no functional stack: run the tests through '
                       'tools/stack/with-stack.sh (tox -e functional)')
            if in_ci():
                self.fail(message)
            self.skipTest(message)

    # The openstack command ------------------------------------------------

    def openstack(self, command: str, cloud: str | None = 'oms-admin',
                  fail_ok: bool = False, options: str = '',
                  env: dict | None = None) -> Result:
        """Run ``openstack [--os-cloud C] OPTIONS COMMAND``.

        Without ``fail_ok`` a non-zero exit fails the test with the
        command's output.
        """
        argv = [executable('openstack')]
        if cloud:
            argv += ['--os-cloud', cloud]
        argv += shlex.split(options) + shlex.split(command)
        environ = {key: value for key, value in os.environ.items()
                   if not key.startswith('OS_')}
        environ['OS_CLIENT_CONFIG_FILE'] = self.stack['clouds_yaml']
        environ.update(env or {})
        proc = subprocess.run(argv, capture_output=True, text=True,
                              env=environ, timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if result.returncode and not fail_ok:
            raise CommandFailed(argv, result)
        return result

    def openstack_json(self, command: str, **kwargs) -> typing.Any:
        return json.loads(self.openstack(command + ' -f json',
                                         **kwargs).stdout)

    def assert_one_line_error(self, result: Result, *fragments: str):
        """A failure: non-zero exit, one line on stderr, no traceback."""
        self.assertNotEqual(0, result.returncode, result)
        lines = error_lines(result.stderr)
        self.assertEqual(1, len(lines), result.stderr)
        self.assertNotIn('Traceback', result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    # The Python API -------------------------------------------------------

    def python_client(self, user: str | None = 'member'):
        """omsclient's Python API: a Keystone user, or no auth (None)."""
        from omsclient import client

        if user is None:
            return client.Client('1',
                                 endpoint=self.stack['oms_noauth']['api'])
        return client.Client('1', session=self.keystone_session(user),
                             region_name=self.stack['keystone']['region'])

    def keystone_session(self, user: str = 'member'):
        """A keystoneauth session of a Keystone user of the stack.

        It trusts the stack's CA, that of the proxy in front of the
        service's APIs.
        """
        from keystoneauth1.identity import v3
        from keystoneauth1 import session

        keystone = self.stack['keystone']
        account = keystone['users'][user]
        auth = v3.Password(
            auth_url=keystone['auth_url'], username=user,
            password=account['password'], project_name=account['project'],
            user_domain_name='Default', project_domain_name='Default')
        return session.Session(auth=auth, verify=self.stack['ca_file'])

    # The stack ------------------------------------------------------------

    def stackctl(self, *args: str) -> None:
        argv = self.stack['stackctl'] + list(args)
        proc = subprocess.run(argv, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT)
        if proc.returncode:
            self.fail('stackctl %s failed: %s'
                      % (' '.join(args), proc.stderr))

    def restart_at_cleanup(self, *services: str) -> None:
        """Bring services back after the test, whatever happens to it."""
        self.addCleanup(self.stackctl, 'restart', *services)

    def restart_rabbitmq_at_cleanup(self) -> None:
        """Bring RabbitMQ back after the test, and Nova's computes with it.

        Without the broker a nova-compute's reports do not reach its
        conductor, and its Nova takes it for down (no valid host) until it
        has reconnected and reported again: the next test must not boot
        before then.
        """
        for provider in sorted(self.stack['nova']):
            nova = compute.admin_client(self.stack, provider)
            self.addCleanup(
                wait_for, functools.partial(compute.compute_up, nova), 180,
                "%s's nova-compute to report again" % provider)
        self.restart_at_cleanup('rabbitmq')

    def require_providers(self) -> None:
        for name, provider in self.stack['nova'].items():
            self.require_http(provider['endpoint'],
                              'Nova provider %s' % name)

    def delete_at_cleanup(self, queue_id: int, cloud: str | None,
                          options: str = '') -> None:
        """Delete a queue entry after the test, if it still exists."""
        self.addCleanup(self.openstack,
                        'multistack queue delete --wait --timeout 300 %s'
                        % queue_id, cloud=cloud, options=options,
                        fail_ok=True)

    def require_http(self, url: str, what: str) -> None:
        """Fail (never skip) when a service of the stack does not answer."""
        try:
            urllib.request.urlopen(
                url, timeout=10, context=ssl.create_default_context(
                    cafile=self.stack['ca_file'])).close()
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            self.fail('%s at %s answers HTTP %d' % (what, url, exc.code))
        except OSError as exc:
            self.fail('%s at %s does not answer: %s' % (what, url, exc))


def wait_for(predicate: typing.Callable[[], typing.Any], timeout: float,
             what: str, interval: float = 0.5) -> typing.Any:
    """Poll until ``predicate()`` is truthy; return its value.

    Raises AssertionError naming ``what`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %d s waiting for %s'
                                 % (timeout, what))
        time.sleep(interval)
