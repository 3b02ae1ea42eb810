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


"""``openmultistack-manage``: database and key administration.

``openmultistack-manage db sync`` runs the expand migrations and ``db
contract`` the contract ones (:mod:`openmultistack.db.migration`);
``openmultistack-manage db version`` prints the current revision;
``openmultistack-manage keys setup`` creates the key repository of the
secrets at rest, ``keys rotate`` rotates its keys
(:mod:`openmultistack.db.encryption`);
``openmultistack-manage events purge --before DATE`` deletes the older
events of the system log.
"""

import datetime
import sys

from oslo_config import cfg
from oslo_utils import timeutils

from openmultistack.common import service
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import encryption
from openmultistack.db import events
from openmultistack.db import migration

CONF = conf.CONF


def db_sync():
    if CONF.command.revision:
        migration.upgrade(CONF.command.revision)
    else:
        migration.expand()
    print('Database at revision %s.' % migration.current())
    if migration.pending_contracts():
        print('Once every service runs this release, run '
              '"openmultistack-manage db contract".')


def db_contract():
    migration.upgrade('head')
    print('Database at revision %s.' % migration.current())


def db_version():
    print(migration.current() or 'empty')


def keys_setup():
    repository = encryption.repository()
    if repository.setup():
        print('Keys created in %s: copy the directory to every host that '
              'runs the service.' % repository.path)
    else:
        print('Keys already in %s.' % repository.path)


def keys_rotate():
    repository = encryption.repository()
    primary = repository.rotate(CONF.encryption.max_active_keys)
    encryption.reset()
    with db_api.get_engine().begin() as connection:
        count = encryption.reencrypt_rows(connection)
    print('Key %d is the primary key; %d secrets encrypted with it. Copy '
          '%s to every host that runs the service.'
          % (primary, count, repository.path))


def parse_date(value: str) -> datetime.datetime:
    """An ISO 8601 date or time, in UTC unless it says otherwise.

    :raises service.StartupError: not such a date, or one in the future
        (which would purge the whole log).
    """
    try:
        # UTC when the value has no offset.
        when = timeutils.parse_isotime(value)
    except ValueError:
        raise service.StartupError(
            'Invalid date "%s" for --before: give an ISO 8601 date or '
            'time, such as 2026-01-31 or 2026-01-31T12:00:00Z.' % value
        ) from None
    if when > timeutils.utcnow(with_timezone=True):
        raise service.StartupError(
            'The date %s for --before is in the future: it would purge '
            'the whole log.' % value)
    return when


def events_purge():
    before = parse_date(CONF.command.before)
    purged = events.purge(before)
    print('Purged %d events older than %s.'
          % (purged, before.isoformat(sep=' ')))


def add_command_parsers(subparsers):
    db = subparsers.add_parser('db', help='Database schema.')
    actions = db.add_subparsers(title='db actions', dest='action')
    actions.required = True
    sync = actions.add_parser(
        'sync', help='Run the migrations the services of the previous '
                     'release work on (all of them on an empty database).')
    sync.add_argument('revision', nargs='?',
                      help='Revision to migrate to (default: the last '
                           'before the first contract migration).')
    sync.set_defaults(func=db_sync)
    contract = actions.add_parser(
        'contract', help='Run every migration, the contract ones '
                         'included: only once every service runs this '
                         'release.')
    contract.set_defaults(func=db_contract)
    version = actions.add_parser('version',
                                 help='Print the schema revision.')
    version.set_defaults(func=db_version)

    keys = subparsers.add_parser('keys', help='Keys of the secrets at rest.')
    actions = keys.add_subparsers(title='keys actions', dest='action')
    actions.required = True
    setup = actions.add_parser(
        'setup', help='Create the key repository, unless it has keys.')
    setup.set_defaults(func=keys_setup)
    rotate = actions.add_parser(
        'rotate', help='Make the staged key primary, stage a new one, '
                       'encrypt every secret with the primary key.')
    rotate.set_defaults(func=keys_rotate)

    log = subparsers.add_parser('events', help='The system event log.')
    actions = log.add_subparsers(title='events actions', dest='action')
    actions.required = True
    purge = actions.add_parser(
        'purge', help='Delete the events older than a date.')
    purge.add_argument('--before', required=True, metavar='DATE',
                       help='ISO 8601 date or time (UTC unless it has an '
                            'offset): the events older than it are '
                            'deleted.')
    purge.set_defaults(func=events_purge)


command_opt = cfg.SubCommandOpt('command', title='Commands',
                                handler=add_command_parsers)


def main() -> int:
    CONF.register_cli_opt(command_opt)

    def body():
        service.prepare()
        CONF.command.func()
    return service.main(body)


if __name__ == '__main__':
    sys.exit(main())
