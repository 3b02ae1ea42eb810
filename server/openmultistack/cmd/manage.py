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
secrets at rest, ``keys rotate`` rotates its keys and ``keys status``
shows how many secrets each key encrypts
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


def _require_schema() -> None:
    """Refuse a database this release cannot work on, in one line."""
    error = migration.window_error(migration.current())
    if error:
        raise service.StartupError(error)


def keys_rotate():
    _require_schema()
    rotation = encryption.rotate(db_api.get_engine(),
                                 CONF.encryption.max_active_keys)
    path = encryption.repository().path
    print('Key %d is the primary key; %d secrets encrypted with it.'
          % (rotation.primary, rotation.encrypted))
    if rotation.removed:
        print('Removed the old %s, which no secret uses.'
              % _numbers(rotation.removed))
    if rotation.kept:
        print('Kept the old %s, which secrets written meanwhile use; the '
              'next rotation encrypts them again.'
              % _numbers(rotation.kept))
    print('Copy %s to every host that runs the service.' % path)


def _numbers(indexes) -> str:
    """``key 1`` or ``keys 1, 2``."""
    return '%s %s' % ('key' if len(indexes) == 1 else 'keys',
                      ', '.join(str(index) for index in indexes))


def keys_status():
    _require_schema()
    repository = encryption.repository()
    keys = repository.load()
    with db_api.get_engine().connect() as connection:
        counts = encryption.usage(connection)
    primary = max(keys.ids)
    rows = []
    for index in sorted(keys.ids, reverse=True):
        role = ('primary' if index == primary else
                'staged' if index == encryption.STAGED else 'previous')
        rows.append((str(index), role, keys.ids[index],
                     str(counts.pop(keys.ids[index], 0))))
    bare = counts.pop(encryption.UNKNOWN, 0)
    for owner, count in sorted(counts.items()):
        rows.append(('-', 'MISSING', owner, str(count)))
    if bare:
        rows.append(('-', 'unnamed', '(before key ids)', str(bare)))
    header = ('Key', 'Role', 'Key id', 'Secrets')
    widths = [max(len(row[column]) for row in (header, *rows))
              for column in range(len(header))]
    print('Key repository %s:' % repository.path)
    for row in (header, *rows):
        print('  '.join(cell.ljust(width)
                        for cell, width in zip(row, widths)).rstrip())
    if counts:
        raise service.StartupError(
            '%d secrets are encrypted with keys that are not in %s: give '
            'this host the key repository of the hosts that wrote them.'
            % (sum(counts.values()), repository.path))


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
    _require_schema()
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
                       'encrypt every secret with the primary key, then '
                       'remove the old keys no secret uses. Refuses, '
                       'changing nothing, if secrets use a key that is '
                       'not in the repository.')
    rotate.set_defaults(func=keys_rotate)
    status = actions.add_parser(
        'status', help='Show the keys and how many secrets each encrypts; '
                       'exit 1 if secrets use a key that is missing.')
    status.set_defaults(func=keys_status)

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
