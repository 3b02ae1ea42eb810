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

from openmultistack.common import server
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
            cwd=self.dir)
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
        self.assertEqual(['simulated-a', 'simulated-b'],
                         [account['provider'] for account in accounts])

        created = requests.post(self.api + '/api/queues/', timeout=10)
        self.assertEqual(201, created.status_code)
        path = '/api/queues/%d/' % created.json()['id']
        self.assertEqual(self.api + path, created.headers['Location'])
        entry = self.wait_for(path, lambda r: r.json()['status'] == 'RUN')
        instance = entry.json()['instance']
        self.assertIn(instance['account']['provider'],
                      ('simulated-a', 'simulated-b'))
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

    def assertRaw(self, status, text, request):
        """Send ``request``, end the sending side, check the answer."""
        host, port = self.api.rsplit('/', 1)[1].rsplit(':', 1)
        with socket.create_connection((host, int(port)),
                                      timeout=10) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
            answer = b''
            for chunk in iter(lambda: connection.recv(65536), b''):
                answer += chunk
        self.assertTrue(answer.startswith(b'HTTP/1.1 ' + status), answer)
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
        self.assertRaw(b'400 ', b'Invalid Content-Length',
                       b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Length: -5\r\n\r\n')
        self.assertRaw(b'400 ', b'Incomplete request body',
                       b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Type: application/json\r\n'
                       b'Content-Length: 50\r\n\r\n{}')
        self.assertRaw(b'413 ', b'',
                       b'GET /api/ HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n'
                       b'\r\n' % (b'a' * 100000))
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

    def test_api_stops_on_sigint(self):
        state = self.sync(API_CONFIG)
        config = API_CONFIG.replace('%(dir)s', state)
        api = self.useFixture(ServiceProcess('openmultistack-api', config))
        url = api.wait_for_urls(1)['multistack-api']
        self.assertEqual(201, requests.post(url + '/api/queues/',
                                            timeout=10).status_code)
        self.assertEqual(0, api.terminate(signal.SIGINT))
        self.assertIn('Received SIGINT', api.output())
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
        self.assertIn('All processes stopped', api.output())
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
client_header_timeout = 1
client_body_timeout = 1
max_connections_per_client = 80
"""
# Far above what the server takes to answer, far below "never".
GUARD_TIMEOUT = 30


class TestHostileClients(base.BaseTestCase):
    """Clients that send slowly, too little or too much, on real sockets."""

    def setUp(self):
        super().setUp()
        state = prepare_state(self, HOSTILE_CONFIG)
        self.api = self.useFixture(ServiceProcess(
            'openmultistack-api', HOSTILE_CONFIG.replace('%(dir)s', state)))
        self.url = self.api.wait_for_urls(1)['multistack-api']
        host, port = self.url.rsplit('/', 1)[1].rsplit(':', 1)
        self.address = (host, int(port))

    def connect(self):
        connection = socket.create_connection(self.address,
                                              timeout=GUARD_TIMEOUT)
        self.addCleanup(connection.close)
        return connection

    def read_all(self, connection):
        answer = b''
        for chunk in iter(lambda: connection.recv(65536), b''):
            answer += chunk
        return answer

    def test_half_headers_do_not_starve_others(self):
        for _ in range(60):
            self.connect().sendall(b'GET /api/ HTTP/1.1\r\nHost: x\r\n')
        response = requests.get(self.url + '/api/', timeout=GUARD_TIMEOUT)
        self.assertEqual(200, response.status_code)

    def test_head_sent_too_slowly_is_cut_off(self):
        connection = self.connect()
        closed = False
        # 100 bytes at 0.1 s each: far longer than the header timeout.
        for byte in b'GET /api/ HTTP/1.1\r\nX-Slow: %s' % (b'x' * 80):
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
        connection.settimeout(GUARD_TIMEOUT)
        closed = closed or self.read_all(connection) == b''
        self.assertTrue(closed)
        self.assertNotIn('Traceback', self.api.output())

    def test_body_shorter_than_announced_gets_408(self):
        connection = self.connect()
        connection.sendall(b'POST /api/queues/ HTTP/1.1\r\nHost: x\r\n'
                           b'Content-Type: application/json\r\n'
                           b'Content-Length: 50\r\n\r\n{}')
        answer = self.read_all(connection)
        self.assertTrue(answer.startswith(b'HTTP/1.1 408 '), answer)
        self.assertIn(b'Timed out while reading the request body', answer)
        self.assertEqual([], requests.get(self.url + '/api/queues/',
                                          timeout=GUARD_TIMEOUT).json())
        self.assertNotIn('Traceback', self.api.output())

    def test_connections_per_client_are_limited(self):
        for _ in range(80):
            self.connect()
        answer = self.read_all(self.connect())
        self.assertTrue(answer.startswith(b'HTTP/1.1 503 '), answer)
        self.assertIn(b'Retry-After: 1', answer)

    def test_deep_json_is_a_400(self):
        response = requests.post(
            self.url + '/api/queues/', data='[' * 30000 + ']' * 30000,
            headers={'Content-Type': 'application/json'},
            timeout=GUARD_TIMEOUT)
        self.assertEqual(400, response.status_code)
        self.assertIn('JSON parse error', response.json()['detail'])
        self.assertNotIn('Traceback', self.api.output())


class RecordingWriter:
    """What a writer of cheroot sent, one item per system call."""

    def __init__(self):
        self.sent = []
        self.flushes = 0

    def write(self, data):
        self.sent.append(bytes(data))
        return len(data)

    def flush(self):
        self.flushes += 1


class TestHeldHead(base.BaseTestCase):
    """The head of an answer goes out with the first part of its body."""

    def setUp(self):
        super().setUp()
        self.raw = RecordingWriter()
        self.writer = server._Writer(self.raw)

    def test_head_joins_the_body(self):
        self.writer.hold = True
        self.writer.write(b'HTTP/1.1 200 OK\r\n\r\n')
        self.assertEqual([], self.raw.sent)
        self.writer.write(b'{"id":1}\n')
        self.writer.write(b'more')
        self.assertEqual([b'HTTP/1.1 200 OK\r\n\r\n{"id":1}\n', b'more'],
                         self.raw.sent)

    def test_large_body_is_not_copied(self):
        body = b'x' * (server._Writer.JOIN_LIMIT + 1)
        self.writer.hold = True
        self.writer.write(b'HEAD\r\n\r\n')
        self.writer.write(body)
        self.assertEqual([b'HEAD\r\n\r\n', body], self.raw.sent)

    def test_head_without_body_goes_at_the_flush(self):
        self.writer.hold = True
        self.writer.write(b'HTTP/1.1 204 No Content\r\n\r\n')
        self.writer.flush()
        self.assertEqual([b'HTTP/1.1 204 No Content\r\n\r\n'], self.raw.sent)
        self.assertEqual(1, self.raw.flushes)
        # Nothing held any more: writes go out at once.
        self.writer.write(b'next')
        self.assertEqual(b'next', self.raw.sent[-1])

    def test_a_flush_cancels_a_hold(self):
        self.writer.hold = True
        self.writer.flush()
        self.writer.write(b'error answer')
        self.assertEqual([b'error answer'], self.raw.sent)


class TestReadAhead(base.BaseTestCase):
    """Request heads read ahead of the request threads, never waiting."""

    def setUp(self):
        super().setUp()
        self.client, sock = socket.socketpair()
        self.addCleanup(self.client.close)
        self.addCleanup(sock.close)
        sock.settimeout(10)
        self.sock = sock
        self.ahead = server._ReadAhead(sock, 10)

    def test_head_in_pieces(self):
        self.assertFalse(self.ahead.read_available(1024))
        self.client.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r')
        self.assertFalse(self.ahead.read_available(1024))
        # The end of the head spans two reads.
        self.client.sendall(b'\n')
        self.assertTrue(self.ahead.read_available(1024))
        self.assertEqual(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
                         bytes(self.ahead.buffer))
        self.assertEqual(10, self.sock.gettimeout())

    def test_bare_newlines_end_a_head_too(self):
        self.client.sendall(b'GET / HTTP/1.0\n\n')
        self.assertTrue(self.ahead.read_available(1024))

    def test_end_of_stream_and_limit(self):
        self.client.sendall(b'x' * 100)
        self.assertTrue(self.ahead.read_available(50))
        self.assertEqual(51, len(self.ahead.buffer))
        other = server._ReadAhead(self.sock, 10)
        self.client.close()
        self.assertTrue(other.read_available(1024))

    def test_blocking_socket_is_restored(self):
        self.sock.settimeout(None)
        self.assertFalse(self.ahead.read_available(1024))
        self.client.sendall(b'GET / HTTP/1.1\r\n\r\n')
        self.assertTrue(self.ahead.read_available(1024))
        self.assertIsNone(self.sock.gettimeout())
