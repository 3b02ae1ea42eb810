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


"""The console scripts as real processes, talked to over HTTP."""

import collections
import glob
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import fixtures
import requests

from openmultistack.tests import rawhttp
from openmultistack.tests.unit import base

LISTENING = re.compile(r'(\S+) listening on (http://\S+)')
# Generous upper bounds for a slow machine; the tests wait for events,
# they do not measure time.
START_TIMEOUT = 60
RUN_TIMEOUT = 60


def _script(name):
    return os.path.join(os.path.dirname(sys.executable), name)


class ServiceProcess(fixtures.Fixture):
    """One console script with its own state directory and config file."""

    def __init__(self, script, config, args=()):
        super().__init__()
        self.script = script
        self.config = config
        self.args = list(args)

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.config_file = os.path.join(self.dir, 'openmultistack.conf')
        with open(self.config_file, 'w') as config:
            config.write(self.config % {'dir': self.dir})
        self.log_path = os.path.join(self.dir, 'stderr.log')
        self.log = open(self.log_path, 'w+')
        self.addCleanup(self.log.close)
        self.process = subprocess.Popen(
            [_script(self.script), '--config-file', self.config_file] +
            self.args, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=self.dir,
            # cotyledon passes SIGINT on to its whole process group.
            start_new_session=True)
        self.addCleanup(self._kill)

    def _kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=START_TIMEOUT)

    def output(self):
        with open(self.log_path) as log:
            return log.read()

    def wait_for_urls(self, count):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            urls = dict(LISTENING.findall(self.output()))
            if len(urls) >= count:
                return urls
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError('not listening:\n' + self.output())

    def terminate(self, signum=signal.SIGTERM):
        self.process.send_signal(signum)
        return self.process.wait(timeout=START_TIMEOUT)


ALL_CONFIG = """
[DEFAULT]
state_dir = %(dir)s/state
[api]
port = 0
list_batch_size = 2
[metering]
port = 0
[rabbit_management]
url = http://127.0.0.1:9/api/
timeout = 1
[worker]
poll_interval = 0.05
status_poll_interval = 0.05
"""


# The separate APIs default to keystone.
NOAUTH_CONFIG = ALL_CONFIG + '[DEFAULT]\nauth_strategy = noauth\n'


class TestAllInOne(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.service = self.useFixture(ServiceProcess('openmultistack-all',
                                                      ALL_CONFIG))
        urls = self.service.wait_for_urls(2)
        self.api = urls['multistack-api']
        self.metering = urls['metering-api']

    def wait_for(self, path, predicate):
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            response = requests.get(self.api + path, timeout=10)
            if predicate(response):
                return response
            time.sleep(0.1)
        raise AssertionError('%s never reached the state wanted: %s'
                             % (path, response.text))

    def test_life_of_an_entry(self):
        root = requests.get(self.api + '/api/', timeout=10)
        self.assertEqual(self.api + '/api/queues/', root.json()['queues'])
        self.assertIn('x-openstack-request-id', root.headers)

        accounts = requests.get(self.api + '/api/accounts/',
                                timeout=10).json()
        self.assertEqual(['simulated-a', 'simulated-b', 'simulated-c'],
                         [account['provider'] for account in accounts])

        created = requests.post(self.api + '/api/queues/', timeout=10)
        self.assertEqual(201, created.status_code)
        path = '/api/queues/%d/' % created.json()['id']
        self.assertEqual(self.api + path, created.headers['Location'])
        entry = self.wait_for(path, lambda r: r.json()['status'] == 'RUN')
        instance = entry.json()['instance']
        self.assertIn(instance['account']['provider'],
                      ('simulated-a', 'simulated-b', 'simulated-c'))
        key = requests.get(self.api + '/api/instances/%d/private_key/'
                           % instance['id'], timeout=10).json()
        self.assertIn('PRIVATE KEY', key['key_raw'])

        self.assertEqual(204, requests.delete(self.api + path,
                                              timeout=10).status_code)
        self.wait_for(path, lambda r: r.status_code == 404)

        logs = requests.get(self.metering + '/v2/logs', timeout=10).json()
        self.assertTrue(any('RUN' in line['desc'] for line in logs), logs)

        self.assertEqual(0, self.service.terminate())
        self.assertIn('stopped', self.service.output())
        self.assertNotIn('Traceback', self.service.output())

    def test_lists_are_streamed(self):
        for _ in range(5):
            requests.post(self.api + '/api/queues/', timeout=10)
        response = requests.get(self.api + '/api/queues/', stream=True,
                                timeout=10)
        self.assertEqual('chunked', response.headers['Transfer-Encoding'])
        self.assertEqual(5, len(response.json()))

    def assertRaw(self, status, text, request, reset_allowed=False):
        """Send ``request``, end the sending side, check the answer.

        ``status`` ``None``: no answer at all, the connection closed.
        ``reset_allowed``: a server that closes without reading the rest
        of the request may reset the connection before the answer is
        read.
        """
        host, port = self.api.rsplit('/', 1)[1].rsplit(':', 1)
        with socket.create_connection((host, int(port)),
                                      timeout=10) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
            answer = b''
            try:
                for chunk in iter(lambda: connection.recv(65536), b''):
                    answer += chunk
            except ConnectionResetError:
                if not reset_allowed:
                    raise
                if not answer:
                    return
        if status is None:
            self.assertEqual(b'', answer)
            return
        self.assertRegex(answer, b'^HTTP/1.[01] ' + status)
        self.assertIn(text, answer)

    def test_errors_over_http(self):
        response = requests.get(self.api + '/api/queues', timeout=10,
                                allow_redirects=False)
        self.assertEqual(301, response.status_code)
        response = requests.post(self.api + '/api/queues/', data='[1]',
                                 headers={'Content-Type':
                                          'application/json'}, timeout=10)
        self.assertEqual(400, response.status_code)
        self.assertIn('non_field_errors', response.json())
        # Requests no HTTP library sends, at the socket.
        self.assertRaw(b'400 ', b'Content-Length is invalid',
                       b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Length: -5\r\n\r\n')
        # Ended before its body: waitress never hands it on.
        self.assertRaw(None, b'',
                       b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Type: application/json\r\n'
                       b'Content-Length: 50\r\n\r\n{}')
        self.assertRaw(b'431 ', b'',
                       b'GET /api/ HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n'
                       b'\r\n' % (b'a' * 70000), reset_allowed=True)
        self.assertEqual([], requests.get(self.api + '/api/queues/',
                                          timeout=10).json())
        response = requests.get(self.metering + '/v2/rabbit/overview',
                                timeout=10)
        self.assertEqual(503, response.status_code)
        self.assertIn('faultstring', response.json()['error_message'])


class TestStartupErrors(base.BaseTestCase):

    def run_script(self, script, config, args=()):
        service = self.useFixture(ServiceProcess(script, config, args))
        self.service_dir = service.dir
        return service.process.wait(timeout=START_TIMEOUT), service.output()

    def test_api_refuses_an_empty_database(self):
        code, output = self.run_script('openmultistack-api', NOAUTH_CONFIG)
        self.assertEqual(1, code)
        self.assertIn('openmultistack-manage db sync', output)
        self.assertNotIn('Traceback', output)

    def test_api_needs_keystone_options_by_default(self):
        code, output = self.run_script('openmultistack-api', ALL_CONFIG)
        self.assertEqual(1, code, output)
        self.assertEqual(1, len(output.strip().splitlines()), output)
        self.assertIn('auth_strategy = keystone (the default) needs '
                      '[keystone_authtoken]', output)

    def test_manage_db_sync(self):
        code, output = self.run_script('openmultistack-manage', ALL_CONFIG,
                                       ['db', 'sync'])
        self.assertEqual(0, code, output)
        self.assertIn('Database at revision', output)

    def test_manage_events_purge(self):
        code, output = self.run_script('openmultistack-manage', ALL_CONFIG,
                                       ['db', 'sync'])
        self.assertEqual(0, code, output)
        state = os.path.join(self.service_dir, 'state')
        with sqlite3.connect(os.path.join(
                state, 'openmultistack.sqlite')) as database:
            database.executemany(
                'INSERT INTO events (time, "desc", level) '
                "VALUES (?, 'x', 'INFO')",
                [('2025-12-31 23:59:59.000000',),
                 ('2026-01-01 00:00:00.000000',)])
        config = ALL_CONFIG.replace('%(dir)s', self.service_dir)
        code, output = self.run_script(
            'openmultistack-manage', config,
            ['events', 'purge', '--before', '2026-01-01'])
        self.assertEqual(0, code, output)
        self.assertEqual('Purged 1 events older than 2026-01-01 '
                         '00:00:00+00:00.', output.strip())

    def test_manage_events_purge_bad_dates(self):
        for value in ('yesterday', '2026-02-30', '9999-01-01'):
            code, output = self.run_script(
                'openmultistack-manage', ALL_CONFIG,
                ['events', 'purge', '--before', value])
            self.assertEqual(1, code, output)
            self.assertIn(value, output)
            self.assertEqual(1, len(output.strip().splitlines()), output)

    def test_noauth_on_any_address_is_refused(self):
        # openmultistack-all with its own default, noauth.
        for script, group, config in (
                ('openmultistack-api', 'api', NOAUTH_CONFIG),
                ('openmultistack-metering-api', 'metering', NOAUTH_CONFIG),
                ('openmultistack-all', 'metering', ALL_CONFIG)):
            code, output = self.run_script(
                script, config + '[%s]\nhost = 0.0.0.0\n' % group)
            self.assertEqual(1, code, output)
            self.assertEqual(1, len(output.strip().splitlines()), output)
            self.assertIn('[%s] host = 0.0.0.0' % group, output)
            self.assertIn('allow_noauth_on_any_address', output)
            # Refused before anything was written.
            self.assertFalse(os.path.exists(
                os.path.join(self.service_dir, 'state')), script)

    def test_bad_option_value(self):
        code, output = self.run_script(
            'openmultistack-api', ALL_CONFIG + '[DEFAULT]\n'
            'auth_strategy = magic\n')
        self.assertEqual(1, code)
        self.assertIn('auth_strategy', output)
        self.assertNotIn('Traceback', output)


API_CONFIG = """
[DEFAULT]
state_dir = %(dir)s/state
auth_strategy = noauth
[api]
port = 0
"""


def prepare_state(test, config):
    """Migrate a new state directory and create its keys; return it."""
    manage = test.useFixture(ServiceProcess(
        'openmultistack-manage', config, ['db', 'sync']))
    test.assertEqual(0, manage.process.wait(timeout=START_TIMEOUT),
                     manage.output())
    subprocess.run([_script('openmultistack-manage'), '--config-file',
                    manage.config_file, 'keys', 'setup'], check=True,
                   capture_output=True, timeout=START_TIMEOUT)
    return manage.dir


class TestSeparateServers(base.BaseTestCase):

    def sync(self, config):
        return prepare_state(self, config)

    def test_api_stops_on_sigterm_and_sigint(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state) + 'workers = 1\n'
        for signum, status in ((signal.SIGTERM, 0), (signal.SIGINT, 1)):
            api = self.useFixture(ServiceProcess('openmultistack-api',
                                                 config))
            url = api.wait_for_urls(1)['multistack-api']
            self.assertEqual(201, requests.post(url + '/api/queues/',
                                                timeout=10).status_code)
            children = self.wait_for_children(api.process.pid, 1)
            # SIGTERM lets running requests end, SIGINT stops at once.
            self.assertEqual(status, api.terminate(signum))
            self.wait_until_gone(children)
            self.assertIn('Caught %s signal' % signal.Signals(signum).name,
                          api.output())
            self.assertNotIn('Traceback', api.output())

    def children(self, pid):
        found = []
        for stat in glob.glob('/proc/[0-9]*/stat'):
            try:
                with open(stat) as source:
                    fields = source.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(stat.split('/')[2]))
        return found

    def wait_for_children(self, pid, count):
        """The ``count`` children of ``pid``, once they have all started."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            found = self.children(pid)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        self.fail('%d children of %d, not %d' % (len(found), pid, count))

    def wait_until_gone(self, pids):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            pids = [pid for pid in pids if os.path.exists('/proc/%d' % pid)
                    and 'Z' not in open('/proc/%d/stat' % pid).read()
                    .rsplit(')', 1)[1].split()[0]]
            if not pids:
                return
            time.sleep(0.1)
        self.fail('still running: %s' % pids)

    def test_workers_share_the_port_and_stop_together(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state) + 'workers = 3\n'
        api = self.useFixture(ServiceProcess('openmultistack-api', config))
        url = api.wait_for_urls(1)['multistack-api']
        self.assertIn('with 3 processes', api.output())
        for _ in range(6):
            self.assertEqual(201, requests.post(url + '/api/queues/',
                                                timeout=10).status_code)
        self.assertEqual(6, len(requests.get(url + '/api/queues/',
                                             timeout=10).json()))
        children = self.children(api.process.pid)
        self.assertEqual(3, len(children))
        self.assertEqual(0, api.terminate())
        self.wait_until_gone(children)
        self.assertNotIn('Traceback', api.output())

    def test_workers_stop_when_the_first_process_is_killed(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state) + 'workers = 2\n'
        api = self.useFixture(ServiceProcess('openmultistack-api', config))
        api.wait_for_urls(1)
        # The address is announced before the processes are forked.
        children = self.wait_for_children(api.process.pid, 2)
        self.assertEqual(2, len(children))
        api.terminate(signal.SIGKILL)
        self.wait_until_gone(children)

    def test_port_in_use(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state)
        first = self.useFixture(ServiceProcess('openmultistack-api', config))
        port = first.wait_for_urls(1)['multistack-api'].rsplit(':', 1)[1]
        second = self.useFixture(ServiceProcess(
            'openmultistack-api', config.replace('port = 0',
                                                 'port = ' + port)))
        self.assertEqual(1, second.process.wait(timeout=START_TIMEOUT))
        output = second.output()
        self.assertIn('Cannot start', output)
        self.assertEqual(1, len(output.strip().splitlines()), output)

    def wsgi_get(self, config):
        """GET /api/queues/ from the WSGI module, with ``config``."""
        state = self.sync(config)
        code = ('from werkzeug import test; '
                'from openmultistack.api import wsgi; '
                'print(test.Client(wsgi.application).get('
                '"/api/queues/").status_code)')
        return subprocess.run(
            [sys.executable, '-c', code, '--ignored-server-option'],
            env=dict(os.environ, OMS_CONFIG_FILES=os.path.join(
                state, 'openmultistack.conf')),
            capture_output=True, text=True, timeout=START_TIMEOUT)

    def test_wsgi_module_for_outside_servers(self):
        output = self.wsgi_get(API_CONFIG.replace(
            'auth_strategy = noauth', '') + '[keystone_authtoken]\n'
            'www_authenticate_uri = http://keystone.test/v3\n')
        self.assertEqual('401', output.stdout.strip().splitlines()[-1],
                         output.stderr)
        output = self.wsgi_get(API_CONFIG.replace(
            'auth_strategy = noauth', 'auth_strategy = noauth\n'
            'allow_noauth_on_any_address = true'))
        self.assertEqual('200', output.stdout.strip().splitlines()[-1],
                         output.stderr)

    def test_wsgi_module_refuses_noauth(self):
        output = self.wsgi_get(API_CONFIG)
        self.assertNotEqual(0, output.returncode)
        # Logged, and raised to the WSGI server.
        self.assertIn('Refusing auth_strategy = noauth under a WSGI server',
                      output.stdout + output.stderr)

    def wsgi_import(self, module, **environ):
        env = dict(os.environ)
        env.pop('OMS_CONFIG_FILES', None)
        env.update(environ)
        return subprocess.run(
            [sys.executable, '-c', 'import openmultistack.%s.wsgi' % module],
            env=env, capture_output=True, text=True, timeout=START_TIMEOUT)

    def test_wsgi_module_refuses_in_one_line(self):
        empty = self.useFixture(fixtures.TempDir()).path
        config = os.path.join(empty, 'openmultistack.conf')
        with open(config, 'w') as out:
            # Past the refusal of noauth: the database is what is wrong.
            out.write(API_CONFIG % {'dir': empty} + '[DEFAULT]\n'
                      'allow_noauth_on_any_address = true\n')
        for module in ('api', 'metering'):
            result = self.wsgi_import(module, OMS_CONFIG_FILES=config)
            # gunicorn's status for a worker that cannot boot.
            self.assertEqual(3, result.returncode, result.stderr)
            output = (result.stdout + result.stderr).strip()
            self.assertIn('openmultistack-manage db sync', output)
            self.assertEqual(1, len(output.splitlines()), output)
        if not os.path.exists('/etc/openmultistack/openmultistack.conf'):
            result = self.wsgi_import('api')
            self.assertEqual(3, result.returncode, result.stderr)
            self.assertEqual(
                'No configuration: /etc/openmultistack/openmultistack.conf '
                'does not exist and OMS_CONFIG_FILES is not set',
                result.stderr.strip())

    def test_worker_boots_for_a_separate_api(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state) + (
            '[worker]\npoll_interval = 0.05\n'
            'status_poll_interval = 0.05\n')
        api = self.useFixture(ServiceProcess('openmultistack-api', config))
        url = api.wait_for_urls(1)['multistack-api']
        account = requests.post(url + '/api/accounts/', json={
            'provider': 'sim', 'driver': 'simulated',
            'auth_url': 'simulated://worker-test?boot_seconds=0'},
            timeout=10)
        self.assertEqual(201, account.status_code, account.text)
        entry = requests.post(url + '/api/queues/', timeout=10).json()
        worker = self.useFixture(ServiceProcess('openmultistack-worker',
                                                config))
        deadline = time.monotonic() + RUN_TIMEOUT
        status = None
        while time.monotonic() < deadline and status != 'RUN':
            time.sleep(0.1)
            status = requests.get(url + '/api/queues/%d/' % entry['id'],
                                  timeout=10).json()['status']
        self.assertEqual('RUN', status, worker.output())
        self.assertEqual(0, worker.terminate())
        self.assertNotIn('Traceback', worker.output())


HOSTILE_CONFIG = API_CONFIG + """workers = 1
threads = 4
[DEFAULT]
client_timeout = 1
"""
# Far above what the server takes to answer, far below "never".
GUARD_TIMEOUT = 30
# What "at once" means for an answer the server can give without waiting.
AT_ONCE = 1.0


class StrictFraming:
    """Requests framed against RFC 9112: each refused with 400 at once.

    For whatever serves HTTP: the simple server (waitress) and gunicorn.
    The test case sets ``url`` and ``address`` and says what the server
    wrote (``server_output``).
    """

    def connect(self):
        connection = socket.create_connection(self.address,
                                              timeout=GUARD_TIMEOUT)
        self.addCleanup(connection.close)
        return connection

    def read_all(self, connection):
        answer = b''
        try:
            for chunk in iter(lambda: connection.recv(65536), b''):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer

    def entries(self):
        return requests.get(self.url + '/api/queues/',
                            timeout=GUARD_TIMEOUT).json()

    def assertRefusedAtOnce(self, request, status=b'400'):
        connection = self.connect()
        connection.settimeout(AT_ONCE * 5)
        start = time.monotonic()
        connection.sendall(request)
        head = connection.recv(65536)
        elapsed = time.monotonic() - start
        # Done: one gunicorn worker serves one connection at a time.
        connection.close()
        self.assertRegex(head, b'^HTTP/1.[01] %s ' % status, request)
        self.assertLess(elapsed, AT_ONCE, request)

    def test_bad_chunk_sizes_are_refused(self):
        for size in (b'-1', b'0x2', b'+2', b'2 2'):
            self.assertRefusedAtOnce(
                b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                b'Content-Type: application/json\r\n'
                b'Transfer-Encoding: chunked\r\n\r\n'
                b'%s\r\n{}\r\n0\r\n\r\n' % size)
        self.assertEqual([], self.entries())

    def test_two_content_lengths_are_refused(self):
        self.assertRefusedAtOnce(
            b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
            b'Content-Type: application/json\r\n'
            b'Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} ')
        self.assertEqual([], self.entries())

    def test_bad_headers_are_refused(self):
        for request in (b'GET /api/ HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n',
                        b'GET /api/ HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\n\r\n',
                        b'GET /api/ HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
                        b'GET /api/ HTTP/1.1\r\n\r\n'):
            self.assertRefusedAtOnce(request)
        self.assertNotIn('Traceback', self.server_output())


class TestHostileClients(StrictFraming, base.BaseTestCase):
    """Clients that send slowly, too little or too much, on real sockets.

    The same requests are sent through the production serving (gunicorn
    behind the proxy) by the functional tests of the stack.
    """

    def setUp(self):
        super().setUp()
        state = prepare_state(self, HOSTILE_CONFIG)
        self.api = self.useFixture(ServiceProcess(
            'openmultistack-api', HOSTILE_CONFIG.replace('%(dir)s', state)))
        self.url = self.api.wait_for_urls(1)['multistack-api']
        host, port = self.url.rsplit('/', 1)[1].rsplit(':', 1)
        self.address = (host, int(port))

    def server_output(self):
        return self.api.output()

    def test_half_open_connections_do_not_starve_others(self):
        for _ in range(200):
            self.connect().sendall(b'GET /api/ HTTP/1.1\r\nHost: x\r\n'
                                   b'X-Slow: ')
        start = time.monotonic()
        response = requests.get(self.url + '/api/', timeout=GUARD_TIMEOUT)
        elapsed = time.monotonic() - start
        self.assertEqual(200, response.status_code)
        self.assertLess(elapsed, AT_ONCE)

    def test_silent_connection_is_closed(self):
        connection = self.connect()
        connection.sendall(b'GET /api/ HTTP/1.1\r\nX-Slow: ')
        start = time.monotonic()
        self.assertEqual(b'', self.read_all(connection))
        # client_timeout, and one pass of waitress's clean-up.
        self.assertLess(time.monotonic() - start, 5)
        self.assertNotIn('Traceback', self.api.output())

    def test_body_shorter_than_announced_creates_nothing(self):
        connection = self.connect()
        connection.sendall(b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                           b'Content-Type: application/json\r\n'
                           b'Content-Length: 50\r\n\r\n{}')
        self.assertEqual(b'', self.read_all(connection))
        self.assertEqual([], self.entries())
        self.assertNotIn('Traceback', self.api.output())

    def test_pipelined_requests_are_answered_in_order(self):
        connection = self.connect()
        connection.sendall(
            b'GET /api/ HTTP/1.1\r\nHost: x\r\n\r\n'
            b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
            b'Content-Type: application/json\r\nContent-Length: 2\r\n'
            b'\r\n{}'
            b'GET /api/queues/ HTTP/1.1\r\nHost: x\r\n\r\n')
        self.assertEqual([200, 201, 200], rawhttp.statuses(connection, 3))
        self.assertEqual(1, len(self.entries()))

    def test_fifty_pipelined_gets_get_fifty_answers(self):
        connection = self.connect()
        connection.sendall(b'GET /api/ HTTP/1.1\r\nHost: x\r\n\r\n' * 50)
        self.assertEqual([200] * 50, rawhttp.statuses(connection, 50))

    def test_chunk_size_beyond_any_integer_is_not_an_error(self):
        # waitress 3.0.2 takes any run of hex digits as a chunk size and
        # waits for the chunk; no setting of it bounds the size announced
        # (max_request_body_size counts the bytes received). The silent
        # connection is closed after client_timeout, with no answer and
        # nothing created; the proxy in front of the production serving
        # refuses the request at once.
        connection = self.connect()
        start = time.monotonic()
        connection.sendall(b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                           b'Content-Type: application/json\r\n'
                           b'Transfer-Encoding: chunked\r\n\r\n'
                           b'ffffffffffffffffffffffff\r\n{}\r\n0\r\n\r\n')
        self.assertEqual(b'', self.read_all(connection))
        # client_timeout (1 s), and one pass of waitress's clean-up.
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual([], self.entries())
        self.assertNotIn('Traceback', self.api.output())

    def test_one_address_is_not_one_user(self):
        request = (b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                   b'Content-Type: application/json\r\nContent-Length: 2\r\n'
                   b'Connection: close\r\n\r\n{}')
        connections = [self.connect() for _ in range(1000)]
        for connection in connections:
            connection.sendall(request)
        statuses = [rawhttp.statuses(connection, 1)[0]
                    for connection in connections]
        self.assertEqual({201: 1000}, collections.Counter(statuses))

    def test_deep_json_is_a_400(self):
        response = requests.post(
            self.url + '/api/queues/', data='[' * 30000 + ']' * 30000,
            headers={'Content-Type': 'application/json'},
            timeout=GUARD_TIMEOUT)
        self.assertEqual(400, response.status_code)
        self.assertIn('JSON parse error', response.json()['detail'])
        self.assertNotIn('Traceback', self.api.output())


GUNICORN_CONFIG = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, os.pardir,
    'etc', 'openmultistack', 'gunicorn.conf.py')
GUNICORN_LISTENING = re.compile(r'Listening at: (http://\S+)')


class TestGunicornFraming(StrictFraming, base.BaseTestCase):
    """The same requests to gunicorn alone, with the production settings.

    In production gunicorn is behind the proxy, which refuses them too.
    """

    def setUp(self):
        super().setUp()
        if not os.path.exists(GUNICORN_CONFIG):
            self.skipTest('not run from the source tree')
        config = API_CONFIG + ('[DEFAULT]\n'
                               'allow_noauth_on_any_address = true\n')
        state = prepare_state(self, config)
        log_path = os.path.join(state, 'gunicorn.log')
        self.log = open(log_path, 'w+')
        self.addCleanup(self.log.close)
        process = subprocess.Popen(
            [_script('gunicorn'), '-c', GUNICORN_CONFIG, '--workers', '1',
             '--bind', '127.0.0.1:0', 'openmultistack.api.wsgi:application'],
            env=dict(os.environ, OMS_CONFIG_FILES=os.path.join(
                state, 'openmultistack.conf')),
            stdout=self.log, stderr=subprocess.STDOUT, cwd=state,
            start_new_session=True)
        self.addCleanup(process.wait, timeout=START_TIMEOUT)
        self.addCleanup(process.kill)
        deadline = time.monotonic() + START_TIMEOUT
        while not GUNICORN_LISTENING.search(self.server_output()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError('not listening:\n' +
                                     self.server_output())
            time.sleep(0.1)
        self.url = GUNICORN_LISTENING.search(self.server_output())[1]
        host, port = self.url.rsplit('/', 1)[1].rsplit(':', 1)
        self.address = (host, int(port))
        # The worker has loaded the application once it answers.
        requests.get(self.url + '/api/', timeout=GUARD_TIMEOUT)

    def server_output(self):
        self.log.seek(0)
        return self.log.read()
