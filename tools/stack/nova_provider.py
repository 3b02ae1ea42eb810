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

"""A real Nova compute API in one process, to act as a compute provider.

This runs nova's own functional-test services (API, conductor, scheduler,
a compute node on the fake virt driver, placement, in-memory SQLite, the
in-process ``fake://`` message transport, Glance and Neutron fixtures) and
serves the compute API over HTTP, so that python-novaclient in another
process can create key pairs, boot servers (``BUILD`` -> ``ACTIVE`` in a
few seconds) and delete them. Several processes on different ports are
several providers; stopping one is a real provider outage.

It must run with the interpreter of the venv built by
``tools/stack/install-nova.sh`` (default ``.stack/venvs/nova``)::

    .stack/venvs/nova/bin/python tools/stack/nova_provider.py --port 15301

Options (a stable interface: the functional stack scripts use them):

``--port PORT``
    TCP port to listen on (required).
``--host HOST``
    Address to listen on (default ``127.0.0.1``).
``--auth noauth|keystone``
    ``noauth`` (default): the ``X-Auth-Token`` header ``user:project``
    becomes the request identity (roles ``reader,member``; the user
    ``admin`` is also admin). Any other token answers 401.
    ``keystone``: keystonemiddleware ``auth_token`` validates tokens
    against ``--keystone-url`` with a service user that holds the
    ``service`` role, taken from the environment: ``OMS_NOVA_KS_USERNAME``
    (default ``nova``), ``OMS_NOVA_KS_PASSWORD`` (required),
    ``OMS_NOVA_KS_PROJECT`` (default ``service``), domain ``Default``.
``--keystone-url URL``
    Keystone v3 URL for ``--auth keystone``.
``--max-servers N``
    The per-project ``instances`` quota (default 50): a small value makes
    the provider refuse with a real quota error.
``--ready-file PATH``
    Written (atomically, containing the endpoint URL) once the API
    answers; removed on exit.
``--pid-file PATH``
    Written with the process id at start; removed on exit.
``--debug``
    Log at DEBUG level (default INFO) on stderr.

Once ready the process prints ``NOVA_PROVIDER_READY <endpoint>`` on
stdout; the compute endpoint is ``http://HOST:PORT/v2.1`` and ``GET /``
answers the version list without authentication. SIGTERM or SIGINT stop
it cleanly (exit status 0).

Clients without Keystone use keystoneauth's ``admin_token`` plugin
(``keystoneauth1.token_endpoint.Token``) with the endpoint above and the
token ``user:project``.
"""

import argparse
import logging
import os
import signal
import sys
import tempfile
import warnings

# Importing nova's functional tests package applies eventlet monkey
# patching, which must come before anything else is imported.
from nova.tests import functional  # noqa: F401
from nova.tests import fixtures as nova_fixtures  # noqa: H306
from nova.tests.functional import integrated_helpers

import eventlet  # noqa: E402
from eventlet import wsgi as eventlet_wsgi  # noqa: E402
import fixtures  # noqa: E402

LOG = logging.getLogger('nova_provider')

# Headers that carry the identity into nova's (stubbed) context
# middleware; a client must never be able to set them itself.
_IDENTITY_HEADERS = ('HTTP_X_AUTH_USER', 'HTTP_X_AUTH_PROJECT_ID',
                     'HTTP_X_ROLES')
# Paths answered without a token: the version list, as in a real cloud.
_PUBLIC_PATHS = ('', '/')
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StderrLogging(fixtures.Fixture):
    """Log to stderr instead of nova's in-memory test log capture.

    A long-running process must not keep every log record in memory.
    """

    def __init__(self, level=logging.INFO):
        super().__init__()
        self.level = level

    def _setUp(self):
        root = logging.getLogger()
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            '%(asctime)s %(levelname)s [%(name)s] %(message)s'))
        self.useFixture(fixtures.LogHandler(handler, level=self.level))
        root.setLevel(self.level)


class QuietWarnings(fixtures.Fixture):
    """Keep deprecation warnings quiet instead of nova's test filters.

    nova's test fixture turns some library deprecation warnings (e.g. of a
    newer SQLAlchemy) into errors: right for nova's gate, wrong for a
    server that must keep serving.
    """

    def _setUp(self):
        self.addCleanup(warnings.filters.__setitem__, slice(None),
                        list(warnings.filters))
        warnings.simplefilter('ignore', DeprecationWarning)


def _unauthorized(start_response, message):
    body = ('{"error": {"code": 401, "message": "%s"}}' % message).encode()
    start_response('401 Unauthorized', [
        ('Content-Type', 'application/json'),
        ('Content-Length', str(len(body))),
        ('WWW-Authenticate', 'Token')])
    return [body]


class IdentityMiddleware:
    """Hand the request identity to nova's stubbed context middleware.

    ``noauth``: the token ``user:project`` is the identity. ``keystone``:
    keystonemiddleware has validated the token and set ``X-User-Id``,
    ``X-Project-Id`` and ``X-Roles``; they are passed on.
    """

    def __init__(self, app, trust_keystone_headers: bool):
        self.app = app
        self.trust_keystone_headers = trust_keystone_headers

    def __call__(self, environ, start_response):
        for header in _IDENTITY_HEADERS:
            environ.pop(header, None)
        if environ.get('PATH_INFO', '') in _PUBLIC_PATHS:
            return self.app(environ, start_response)
        if self.trust_keystone_headers:
            user = environ.get('HTTP_X_USER_ID')
            project = environ.get('HTTP_X_PROJECT_ID')
            roles = environ.get('HTTP_X_ROLES', '')
            if not user or not project:
                return _unauthorized(start_response,
                                     'A project-scoped token is required.')
        else:
            token = environ.get('HTTP_X_AUTH_TOKEN', '')
            user, sep, project = token.partition(':')
            if not (user and sep and project):
                return _unauthorized(
                    start_response,
                    'The token must be user:project (no Keystone here).')
            roles = 'reader,member,admin' if user == 'admin' else (
                'reader,member')
        environ['HTTP_X_AUTH_USER'] = user
        environ['HTTP_X_AUTH_PROJECT_ID'] = project
        environ['HTTP_X_ROLES'] = roles
        return self.app(environ, start_response)


def keystone_wrapped(app, keystone_url: str):
    from keystonemiddleware import auth_token

    password = os.environ.get('OMS_NOVA_KS_PASSWORD')
    if not password:
        raise SystemExit('--auth keystone needs OMS_NOVA_KS_PASSWORD')
    conf = {
        'www_authenticate_uri': keystone_url,
        'auth_url': keystone_url,
        'auth_type': 'password',
        'username': os.environ.get('OMS_NOVA_KS_USERNAME', 'nova'),
        'password': password,
        'project_name': os.environ.get('OMS_NOVA_KS_PROJECT', 'service'),
        'user_domain_name': 'Default',
        'project_domain_name': 'Default',
        # A one-machine Keystone often has only public endpoints.
        'interface': 'public',
        'delay_auth_decision': False,
    }
    protected = auth_token.AuthProtocol(IdentityMiddleware(app, True), conf)
    public = IdentityMiddleware(app, True)

    def dispatch(environ, start_response):
        # The version list stays public, as in a real deployment.
        if environ.get('PATH_INFO', '') in _PUBLIC_PATHS:
            return public(environ, start_response)
        return protected(environ, start_response)
    return dispatch


class NovaServices(integrated_helpers._IntegratedTestBase):
    """Nova's integrated functional services, kept running as a server."""

    # Real asynchronous RPC casts: a boot returns at once and the server
    # goes BUILD -> ACTIVE in the background, as in a real cloud.
    CAST_AS_CALL = False
    REQUIRES_LOCKING = True
    compute_driver = 'fake.MediumFakeDriver'
    max_servers = 50

    def _setup_services(self):
        self.flags(compute_driver=self.compute_driver)
        self.flags(api_paste_config=os.path.join(
            sys.prefix, 'etc', 'nova', 'api-paste.ini'), group='wsgi')
        self.flags(instances=self.max_servers, cores=-1, ram=-1,
                   group='quota')
        super()._setup_services()

    def runTest(self):
        # Never run as a test: this class is set up by hand.
        pass


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.nova-provider-')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def _remove(path):
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Serve a real Nova compute API (fake virt driver).')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--auth', choices=('noauth', 'keystone'),
                        default='noauth')
    parser.add_argument('--keystone-url')
    parser.add_argument('--max-servers', type=int, default=50)
    parser.add_argument('--ready-file')
    parser.add_argument('--pid-file')
    parser.add_argument('--debug', action='store_true')
    args = parser.parse_args(argv)
    if args.auth == 'keystone' and not args.keystone_url:
        parser.error('--auth keystone needs --keystone-url')
    return args


# nova's test base class (oslotest) reads these: OS_TEST_TIMEOUT arms a
# SIGALRM that would end this long-running server after that many
# seconds, and the capture variables would swallow its output. A test
# runner (tox sets them) must not pass them on to a server.
_TEST_RUNNER_VARIABLES = ('OS_TEST_TIMEOUT', 'OS_STDOUT_CAPTURE',
                          'OS_STDERR_CAPTURE', 'OS_LOG_CAPTURE',
                          'OS_DEBUG')


def serve(args) -> int:
    for name in _TEST_RUNNER_VARIABLES:
        os.environ.pop(name, None)
    level = logging.DEBUG if args.debug else logging.INFO
    # nova's TestCase installs its own in-memory log capture.
    nova_fixtures.StandardLogging = lambda: StderrLogging(level)
    nova_fixtures.WarningsFixture = QuietWarnings
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    for signum in _STOP_SIGNALS:
        signal.signal(signum, on_signal)

    if args.pid_file:
        _write_atomically(args.pid_file, '%d\n' % os.getpid())
    services = NovaServices()
    services.max_servers = args.max_servers
    server = None
    try:
        services.setUp()
        app = IdentityMiddleware(services.api_fixture.app(), False)
        if args.auth == 'keystone':
            app = keystone_wrapped(services.api_fixture.app(),
                                   args.keystone_url)
        sock = eventlet.listen((args.host, args.port))
        server = eventlet.spawn(
            eventlet_wsgi.server, sock, app, log=LOG,
            log_output=args.debug, keepalive=False)
        endpoint = 'http://%s:%d/v2.1' % (args.host, args.port)
        if args.ready_file:
            _write_atomically(args.ready_file, endpoint + '\n')
        print('NOVA_PROVIDER_READY %s' % endpoint, flush=True)
        LOG.info('Nova compute API ready at %s (auth: %s)',
                 endpoint, args.auth)
        while not stopping:
            eventlet.sleep(0.2)
        LOG.info('Signal %s received, stopping', stopping[0])
    finally:
        _remove(args.ready_file)
        if server is not None:
            server.kill()
        with eventlet.Timeout(10, False):
            services.doCleanups()
        _remove(args.pid_file)
    return 0


def main(argv=None) -> int:
    return serve(parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
