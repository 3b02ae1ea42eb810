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

"""``openstack multistack instance ...``: the booted instances.

Listings never carry private keys; ``instance key save`` is the one way
to read one, into a file only its owner can read (or, when asked for
explicitly, onto stdout).
"""

import functools

from osc_lib.command import command
from osc_lib import exceptions as osc_exc

from omsclient.osc.v1 import constants
from omsclient.osc.v1 import keyfile
from omsclient.osc.v1 import utils


class ListInstance(command.Lister):
    """List instances booted by the service."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--long',
            action='store_true',
            help='List additional fields in output',
        )
        return parser

    def take_action(self, parsed_args):
        instances = self.app.client_manager.multistack.instances
        columns = utils.list_columns(parsed_args,
                                     constants.INSTANCE_LIST_COLUMNS,
                                     constants.INSTANCE_LONG_COLUMNS)
        row = functools.partial(utils.item_row, columns=columns,
                                fields=constants.INSTANCE_FIELDS)
        with utils.command_errors('Unable to list instances'):
            items = instances.list()
        return columns, utils.iter_rows(items, row,
                                        'Unable to list instances')


class ShowInstance(command.ShowOne):
    """Show an instance (without its private key)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'instance',
            metavar='<instance>',
            help='ID of the instance to show (the service\'s ID, as in '
                 '"multistack instance list")',
        )
        return parser

    def take_action(self, parsed_args):
        instances = self.app.client_manager.multistack.instances
        with utils.command_errors('Unable to show instance %s'
                                  % parsed_args.instance):
            instance = instances.get(parsed_args.instance)
        return utils.show_data(instance, constants.INSTANCE_SHOW_COLUMNS,
                               constants.INSTANCE_FIELDS)


class SaveInstanceKey(command.Command):
    """Save the private key of an instance's key pair.

    The key is written to a new file readable by its owner only (mode
    0600); an existing file is replaced only with --force.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'instance',
            metavar='<instance>',
            help='ID of the instance whose private key to save',
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            '--file',
            metavar='<path>',
            help='Write the private key to this new file, created with '
                 'mode 0600',
        )
        target.add_argument(
            '--stdout',
            action='store_true',
            help='Print the private key on stdout instead (it is a '
                 'secret: mind your terminal, logs and scroll-back)',
        )
        parser.add_argument(
            '--force',
            action='store_true',
            help='With --file, replace an existing file (the new file '
                 'still has mode 0600)',
        )
        return parser

    def take_action(self, parsed_args):
        if parsed_args.force and not parsed_args.file:
            raise osc_exc.CommandError('--force only applies to --file')
        if parsed_args.file and not parsed_args.force:
            # Fail before asking the service for the secret.
            keyfile.check_absent(parsed_args.file)
        instances = self.app.client_manager.multistack.instances
        with utils.command_errors('Unable to get the private key of '
                                  'instance %s' % parsed_args.instance):
            key = instances.get_private_key(parsed_args.instance)
        # Read by name: the secret is left out of the key's to_dict().
        key_raw = key.get('key_raw') if key is not None else None
        if not key_raw:
            raise osc_exc.CommandError(
                'Instance %s has no private key' % parsed_args.instance)
        if not key_raw.endswith('\n'):
            # ssh refuses some key files without their final newline.
            key_raw += '\n'
        if parsed_args.stdout:
            self.app.stdout.write(key_raw)
        else:
            keyfile.write_private(parsed_args.file, key_raw,
                                  replace=parsed_args.force)
