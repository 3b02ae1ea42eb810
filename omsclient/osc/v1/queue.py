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

"""``openstack multistack queue ...``: ask for instances and follow them."""

import argparse
import functools

from osc_lib.cli import pagination
from osc_lib.command import command

from omsclient.common import formatters
from omsclient.osc.v1 import constants
from omsclient.osc.v1 import utils

SUCCESS_STATUSES = tuple(sorted(formatters.SUCCESS_STATUSES))
#: Seconds between two polls of --wait.
POLL_INTERVAL = 2


def _add_wait_options(parser, what):
    parser.add_argument(
        '--wait',
        action='store_true',
        help='Wait until the queue entry %s, showing each status change '
             'with the seconds elapsed on stderr' % what,
    )
    parser.add_argument(
        '--timeout',
        metavar='<seconds>',
        type=_positive_int,
        default=constants.DEFAULT_WAIT_TIMEOUT,
        help='With --wait, give up after this many seconds (default: '
             '%d)' % constants.DEFAULT_WAIT_TIMEOUT,
    )


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(
            '%r is not a positive number of seconds' % text)
    return value


class CreateQueue(command.ShowOne):
    """Ask for a new instance, booted on the first provider that works."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--image',
            metavar='<image>',
            help='Image (name or ID) to boot the instance from '
                 '(default: the service\'s choice)',
        )
        parser.add_argument(
            '--flavor',
            metavar='<flavor>',
            help='Flavor (name or ID) of the instance '
                 '(default: the service\'s choice)',
        )
        parser.add_argument(
            '--name',
            metavar='<name>',
            help='Name of the instance (default: the service\'s choice)',
        )
        parser.add_argument(
            '--provider',
            metavar='<provider>',
            help='Boot only on this provider (default: the first provider '
                 'that works)',
        )
        _add_wait_options(parser, 'is running or has failed')
        return parser

    def take_action(self, parsed_args):
        queues = self.app.client_manager.multistack.queues
        request = {key: getattr(parsed_args, key)
                   for key in ('image', 'flavor', 'name', 'provider')
                   if getattr(parsed_args, key) is not None}
        with utils.command_errors('Unable to create a queue entry'):
            entry = queues.create(**request)
        if parsed_args.wait:
            entry = _wait(queues, entry, parsed_args.timeout,
                          self.app.stderr)
        return utils.show_data(entry, constants.QUEUE_SHOW_COLUMNS,
                               constants.QUEUE_FIELDS)


def _wait(queues, entry, timeout, stderr):
    queue_id = utils.to_dict(entry)['id']
    reporter = utils.StatusReporter(stderr, 'Queue entry %s' % queue_id)
    reporter(entry)
    with utils.command_errors('Unable to wait for queue entry %s'
                              % queue_id):
        return queues.wait(queue_id, statuses=SUCCESS_STATUSES,
                           timeout=timeout, interval=POLL_INTERVAL,
                           callback=reporter)


class ListQueue(command.Lister):
    """List queue entries."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--status',
            metavar='<status>',
            action='append',
            help='Only entries in this status, as the service spells it '
                 '(e.g. REQUEST, RECIVE, BOOT, RUN, FAILED, DESTROY); '
                 'repeat the option for several statuses',
        )
        parser.add_argument(
            '--long',
            action='store_true',
            help='List additional fields in output',
        )
        pagination.add_marker_pagination_option_to_parser(parser)
        return parser

    def take_action(self, parsed_args):
        queues = self.app.client_manager.multistack.queues
        columns = utils.list_columns(parsed_args,
                                     constants.QUEUE_LIST_COLUMNS,
                                     constants.QUEUE_LONG_COLUMNS)
        entries = queues.list(status=parsed_args.status,
                              limit=parsed_args.limit,
                              marker=parsed_args.marker)
        row = functools.partial(utils.item_row, columns=columns,
                                fields=constants.QUEUE_FIELDS)
        return columns, utils.iter_rows(entries, row,
                                        'Unable to list queue entries')


class ShowQueue(command.ShowOne):
    """Show a queue entry and its instance."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'queue',
            metavar='<queue>',
            help='ID of the queue entry to show',
        )
        return parser

    def take_action(self, parsed_args):
        queues = self.app.client_manager.multistack.queues
        with utils.command_errors('Unable to show queue entry %s'
                                  % parsed_args.queue):
            entry = queues.get(parsed_args.queue)
        return utils.show_data(entry, constants.QUEUE_SHOW_COLUMNS,
                               constants.QUEUE_FIELDS)


class DeleteQueue(command.Command):
    """Delete queue entries and destroy their instances."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'queues',
            metavar='<queue>',
            nargs='+',
            help='ID of the queue entry to delete (repeat for several)',
        )
        _add_wait_options(parser, 'is gone')
        return parser

    def take_action(self, parsed_args):
        queues = self.app.client_manager.multistack.queues

        def delete(queue_id):
            queues.delete(queue_id)
            if parsed_args.wait:
                _wait_for_delete(queues, queue_id, parsed_args.timeout,
                                 self.app.stderr)

        utils.delete_each(parsed_args.queues, delete,
                          'queue entry', 'queue entries')


def _wait_for_delete(queues, queue_id, timeout, stderr):
    reporter = utils.StatusReporter(stderr, 'Queue entry %s' % queue_id)
    with utils.command_errors():
        queues.wait_for_delete(queue_id, timeout=timeout,
                               interval=POLL_INTERVAL, callback=reporter)
    reporter.report('deleted')
