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

from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.common import utils as common_utils
from omsclient.osc import common
from omsclient.osc.v1 import base
from omsclient.osc.v1 import constants
from omsclient.osc.v1 import utils
from omsclient.v1 import queues as queues_v1

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
        type=common.positive_int,
        default=constants.DEFAULT_WAIT_TIMEOUT,
        help='With --wait, give up after this many seconds (default: '
             '%d)' % constants.DEFAULT_WAIT_TIMEOUT,
    )


#: The options of the requirements, by parameter of ``queues.create``.
REQUIREMENT_OPTIONS = {'min_ram': '--min-ram', 'min_vcpus': '--min-vcpus',
                       'min_disk': '--min-disk',
                       'image_properties': '--image-property'}


def _requirements(parsed_args):
    """The requirements given, checked as the API checks them.

    :raises osc_lib.exceptions.CommandError: one of them would be refused.
    """
    given = {}
    for field in queues_v1.MINIMUMS:
        text = getattr(parsed_args, field)
        if text is not None:
            given[field] = base.checked_int(text, REQUIREMENT_OPTIONS[field],
                                            0)
    if parsed_args.image_properties is not None:
        properties = given['image_properties'] = {}
        for pair in parsed_args.image_properties:
            key, sign, value = pair.partition('=')
            if not sign:
                raise osc_exc.CommandError(
                    'Invalid --image-property %r: expected KEY=VALUE, e.g. '
                    'os_distro=ubuntu' % pair)
            properties[key] = value
    with common.command_errors():
        return queues_v1.requirements(names=REQUIREMENT_OPTIONS, **given)


class QueueCommand(base.ResourceCommand):
    resource = constants.QUEUE


class CreateQueue(QueueCommand, common.ShowOne):
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
        for option, metavar, what in (
                ('--min-ram', '<mb>', 'RAM in MB'),
                ('--min-vcpus', '<count>', 'number of vCPUs'),
                ('--min-disk', '<gb>', 'root disk in GB')):
            parser.add_argument(
                option,
                metavar=metavar,
                help='Least %s of the flavor: on each provider the '
                     'service picks the smallest public flavor that meets '
                     'every minimum (with --flavor, that flavor must meet '
                     'them)' % what,
            )
        parser.add_argument(
            '--image-property',
            metavar='<key=value>',
            action='append',
            dest='image_properties',
            help='Property the image must have, e.g. os_distro=ubuntu: on '
                 'each provider the service picks the newest active image '
                 'that has every one (with --image, that image must have '
                 'them); repeat the option for several properties',
        )
        _add_wait_options(parser, 'is running or has failed (a failed '
                          'entry is shown, then the command exits 1)')
        return parser

    def take_action(self, parsed_args):
        queues = self.get_manager()
        request = {key: getattr(parsed_args, key)
                   for key in ('image', 'flavor', 'name', 'provider')
                   if getattr(parsed_args, key) is not None}
        # Checked before any request; a server that would ignore them
        # (the original service) is refused before anything is created.
        wanted = _requirements(parsed_args)
        if wanted:
            with common.command_errors():
                queues.require_requirements(
                    REQUIREMENT_OPTIONS[next(iter(wanted))])
        request.update(wanted)
        # --timeout and the seconds shown count from here.
        start = common_utils.monotonic()
        if parsed_args.wait and parsed_args.timeout:
            # --timeout bounds the whole command, the request included.
            request['timeout'] = parsed_args.timeout
        with common.command_errors('Unable to create a queue entry'):
            entry = queues.create(**request)
        if parsed_args.wait:
            left = parsed_args.timeout and max(
                parsed_args.timeout - (common_utils.monotonic() - start),
                0.001)
            try:
                entry = _wait(queues, entry, left, self.app.stderr, start,
                              parsed_args.timeout)
            except osc_exc.CommandError as error:
                failed = error.__cause__
                if not (isinstance(failed, exceptions.ResourceFailed)
                        and failed.details):
                    raise
                # Show the FAILED entry (its fault, the providers it
                # tried), then fail the command: see run().
                self._failure = error
                entry = failed.details
        return utils.show_data(entry, constants.QUEUE_SHOW_COLUMNS,
                               constants.QUEUE_FIELDS)

    def run(self, parsed_args):
        self._failure = None
        status = super().run(parsed_args)
        if self._failure is not None:
            raise self._failure
        return status


def _show_hint(queue_id):
    return 'openstack multistack queue show %s' % queue_id


def _wait(queues, entry, timeout, stderr, start, command_timeout):
    queue_id = common.record_data(entry)['id']
    reporter = utils.StatusReporter(stderr, 'Queue entry %s' % queue_id,
                                    start)
    reporter(entry)
    with common.command_errors('Unable to wait for queue entry %s'
                               % queue_id), \
            reporter.following(_show_hint(queue_id), command_timeout):
        return queues.wait(queue_id, timeout=timeout, interval=POLL_INTERVAL,
                           callback=reporter)


class ListQueue(QueueCommand, base.ResourceLister):
    """List queue entries."""


class ShowQueue(QueueCommand, base.ResourceShowOne):
    """Show a queue entry and its instance."""


class DeleteQueue(QueueCommand, base.ResourceDeleter):
    """Delete queue entries and destroy their instances."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_wait_options(parser, 'is gone')
        return parser

    def delete(self, manager, resource_id, parsed_args):
        if not parsed_args.wait:
            manager.delete(resource_id)
            return
        # --timeout bounds the deletion of each entry, request included.
        start = common_utils.monotonic()
        reporter = utils.StatusReporter(self.app.stderr,
                                        'Queue entry %s' % resource_id,
                                        start)
        manager.delete(resource_id, timeout=parsed_args.timeout)
        left = max(parsed_args.timeout - (common_utils.monotonic() - start),
                   0.001)
        with common.command_errors(), \
                reporter.following(_show_hint(resource_id),
                                   parsed_args.timeout):
            manager.wait_for_delete(resource_id, timeout=left,
                                    interval=POLL_INTERVAL,
                                    callback=reporter)
        reporter.report('deleted')
