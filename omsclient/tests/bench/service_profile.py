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


"""Where the reference API spends its CPU: cProfile of one request kind.

``python -m omsclient.tests.bench.service_profile [KIND] [--requests N]``
serves the multistack API in this process (SQLite in a temporary
directory, waitress with one request thread, 1,000 entries), sends ``N``
requests of one kind over keep-alive HTTP on 127.0.0.1 and prints the
functions of the application with the most cumulative and own time: the
CPU of the request thread while it runs the application (middleware,
Flask, database, JSON). waitress reads and parses requests in its I/O
thread, which is not in the profile; nor is the client's work.
"""

import argparse
import cProfile
import http.client
import pathlib
import pstats
import sys
import tempfile
import threading
import time

from omsclient.tests.bench import common
from omsclient.tests.bench import service_process

KINDS = {
    'one': ('GET', '/api/queues/%(first)d/'),
    'list100': ('GET', '/api/queues/?limit=100'),
    'list1000': ('GET', '/api/queues/?limit=1000'),
    'post': ('POST', '/api/queues/'),
}
PRELOAD = 1000


def _serve(state: pathlib.Path, wrap):
    """Start the API in this process, the application wrapped by ``wrap``.

    Return the running server.
    """
    from openmultistack.api import app
    from openmultistack.common import service
    from openmultistack.common import simple_server
    from openmultistack.db import migration

    config = state / 'openmultistack.conf'
    service_process.write_config(config, {
        'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth',
                    'log_file': state / 'api.log'},
        'api': {'host': common.LOOPBACK, 'port': 0}})
    service.prepare(argv=['--config-file', str(config)])
    migration.upgrade()
    api = simple_server.API('profiled-api', wrap(app.create_app()),
                            common.LOOPBACK, 0, threads=1, workers=1)
    server = api.create_server()
    threading.Thread(target=server.run, daemon=True).start()
    return server


def _request(connection, method: str, path: str) -> bytes:
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    if response.status >= 400:
        raise RuntimeError('%s %s: %d %s' % (method, path, response.status,
                                             body[:200]))
    return body


def profile(kind: str, requests: int, top: int) -> None:
    # CPU time of the request thread only: not the client's, and not
    # the time it waits for the client or the GIL.
    profiler = cProfile.Profile(time.thread_time)

    def wrap(application):
        def profiled(environ, start_response):
            profiler.enable()
            try:
                # The body too: lists are written out as it is read.
                return [b''.join(application(environ, start_response))]
            finally:
                profiler.disable()
        return profiled

    with tempfile.TemporaryDirectory(prefix='oms-profile-') as directory:
        server = _serve(pathlib.Path(directory), wrap)
        try:
            port = server.effective_port
            connection = http.client.HTTPConnection(common.LOOPBACK, port,
                                                    timeout=60)
            first = _request(connection, 'POST', '/api/queues/')
            for _ in range(PRELOAD - 1):
                _request(connection, 'POST', '/api/queues/')
            first_id = int(first.split(b'"id":', 1)[1].split(b',', 1)[0])
            profiler.clear()
            method, path = KINDS[kind]
            path = path % {'first': first_id}
            for _ in range(requests):
                _request(connection, method, path)
            profiler.disable()
            connection.close()
        finally:
            server.close()
            server.task_dispatcher.shutdown(timeout=5)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print('%d requests %s %s' % (requests, method, path))
    stats.sort_stats('cumulative').print_stats(top)
    stats.sort_stats('tottime').print_stats(top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('kind', nargs='?', default='list1000',
                        choices=sorted(KINDS))
    parser.add_argument('--requests', type=int, default=200)
    parser.add_argument('--top', type=int, default=25)
    args = parser.parse_args(argv)
    profile(args.kind, args.requests, args.top)
    return 0


if __name__ == '__main__':
    sys.exit(main())
