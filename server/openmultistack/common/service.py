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


"""Start-up shared by the console scripts."""

from importlib import metadata
import ipaddress
import os
import socket
import sys
import typing

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy import exc as sa_exc

from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import encryption
from openmultistack.db import migration

CONF = conf.CONF
LOG = logging.getLogger(__name__)
PROJECT = 'openmultistack'
CONFIG_FILES_ENV = 'OMS_CONFIG_FILES'
DEFAULT_CONFIG_FILE = '/etc/openmultistack/openmultistack.conf'
# The exit status of a process that cannot load the application: for
# gunicorn, a worker that cannot boot, which stops its arbiter rather
# than being started again and again.
WSGI_BOOT_ERROR = 3


_logging_ready = False


class StartupError(Exception):
    """Stops a console script with one line and exit status 1."""


def _version() -> str:
    """The installed version of this distribution, for ``--version``."""
    try:
        return metadata.version(PROJECT)
    except metadata.PackageNotFoundError:
        return 'unknown'


def prepare(argv: typing.Optional[typing.List[str]] = None,
            defaults: typing.Optional[dict] = None,
            config_files: typing.Optional[typing.List[str]] = None) -> None:
    """Parse the command line and config files, set up logging."""
    logging.register_options(CONF)
    logging.set_defaults(default_log_levels=(
        logging.get_default_log_levels() +
        ['alembic=WARN', 'waitress=WARN']))
    for name, value in (defaults or {}).items():
        CONF.set_default(name, value)
    CONF(sys.argv[1:] if argv is None else argv, project=PROJECT,
         version=_version(), default_config_files=config_files)
    logging.setup(CONF, PROJECT)
    global _logging_ready
    _logging_ready = True
    _check_values()


def _check_values() -> None:
    """Read every option now, so that a bad value stops the start-up."""
    from openmultistack.conf import opts
    for group, options in opts.list_opts():
        section = CONF if group == 'DEFAULT' else CONF[
            getattr(group, 'name', group)]
        for option in options:
            getattr(section, option.dest)


def check_database() -> None:
    """Refuse a database this service cannot work on.

    One whose schema is older than the previous release's, or newer than
    this release knows (:func:`migration.window_error`); or whose
    secrets the keys of this host cannot read.
    """
    error = migration.window_error(migration.current())
    if error:
        raise StartupError(error)
    with db_api.get_engine().connect() as connection:
        encryption.check(connection)


def printable(text: str) -> str:
    """``text`` with its control characters escaped, on one line.

    What a command echoes of its input (a date, a path, a value of a
    configuration file) must not drive the terminal or forge log lines.
    """
    return ''.join(char if char.isprintable() else
                   char.encode('unicode_escape').decode('ascii')
                   for char in text)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reached from this machine only.

    ``localhost``, or addresses in 127.0.0.0/8 or ``::1`` (IPv4-mapped
    ones included); a name counts when every address it resolves to
    does. ``0.0.0.0``, ``::`` and names that do not resolve do not.
    """
    if host.lower() in ('localhost', 'localhost.'):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, socket.AF_UNSPEC,
                                       socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(info[4][0].split('%')[0])
                     for info in infos]
    return bool(addresses) and all(
        (getattr(address, 'ipv4_mapped', None) or address).is_loopback
        for address in addresses)


def check_noauth(group: typing.Optional[str]) -> None:
    """Refuse ``auth_strategy = noauth`` where others may reach the API.

    Every API calls this when it starts. ``group`` names the option
    group of the address it listens on (``api``, ``metering``): noauth
    is fine on a loopback address (:func:`is_loopback`). Under an
    outside WSGI server (``group`` is ``None``) the address is not
    known, and noauth needs ``allow_noauth_on_any_address`` there too.

    :raises StartupError: noauth, on an address that is not loopback or
        an unknown one, without ``allow_noauth_on_any_address``.
    """
    if (CONF.auth_strategy != conf.default.NOAUTH or
            CONF.allow_noauth_on_any_address):
        return
    if group is None:
        raise StartupError(
            'Refusing auth_strategy = noauth under a WSGI server: whoever '
            'reaches it would act as an administrator. Use auth_strategy '
            '= keystone, or set allow_noauth_on_any_address = true.')
    host = CONF[group].host
    if not is_loopback(host):
        raise StartupError(
            'Refusing auth_strategy = noauth on [%s] host = %s, which is '
            'not a loopback address: whoever reaches it would act as an '
            'administrator. Listen on 127.0.0.1, use auth_strategy = '
            'keystone, or set allow_noauth_on_any_address = true.'
            % (group, host))


def _fail(message: str) -> None:
    message = printable(message)
    if _logging_ready:
        LOG.error('%s', message)
    else:
        sys.stderr.write(message + '\n')


def _run(body: typing.Callable[[], None]) -> typing.Optional[str]:
    """Run ``body``; the one line that says why it failed, if it did."""
    try:
        body()
    except (StartupError, cfg.Error, encryption.KeysUnusable) as error:
        return '%s' % error
    except OSError as error:
        return 'Cannot start: %s' % error
    except sa_exc.OperationalError as error:
        return 'Cannot use the database: %s' % error.orig
    except db_exc.DBConnectionError as error:
        return 'Cannot use the database: %s' % error.inner_exception
    return None


def main(body: typing.Callable[[], None]) -> int:
    """Run ``body`` with one clear line instead of a traceback."""
    try:
        message = _run(body)
    finally:
        db_api.dispose()
    if message is not None:
        # Outside the except block: one line, no traceback.
        _fail(message)
        return 1
    return 0


def serve(make_server: typing.Callable[[], typing.Any]) -> int:
    """Main of a one-API console script, on a migrated database."""
    # Imported here: the manage command does not need the server.
    from openmultistack.common import simple_server

    def body():
        prepare()
        # First: it refuses an unsafe configuration before the database
        # is read.
        api_server = make_server()
        check_database()
        simple_server.run([api_server])
    return main(body)


def wsgi_application(create_app: typing.Callable[[], typing.Any]):
    """A WSGI application for an outside server (gunicorn, uWSGI, ...).

    The command line belongs to that server: only the config files are
    read, those named by ``OMS_CONFIG_FILES`` (comma-separated) or the
    usual ``/etc/openmultistack/openmultistack.conf``; logging is set up
    from them. The database is checked as by the console scripts. A
    failure is one line in the log, and the process that loads the
    application ends with :data:`WSGI_BOOT_ERROR`.
    """
    files = os.environ.get(CONFIG_FILES_ENV)
    application = []

    def body():
        prepare(argv=[], config_files=(
            [name for name in files.split(',') if name] if files
            else _default_config_files()))
        check_noauth(None)
        check_database()
        application.append(create_app())
    message = _run(body)
    if message is not None:
        db_api.dispose()
        _fail(message)
        raise SystemExit(WSGI_BOOT_ERROR)
    return application[0]


def _default_config_files() -> typing.List[str]:
    """``DEFAULT_CONFIG_FILE``, which must exist when nothing else is set."""
    if not os.path.exists(DEFAULT_CONFIG_FILE):
        raise StartupError(
            'No configuration: %s does not exist and %s is not set'
            % (DEFAULT_CONFIG_FILE, CONFIG_FILES_ENV))
    return [DEFAULT_CONFIG_FILE]
