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

from osc_lib import exceptions as osc_exc

from omsclient.common import base as common_base
from omsclient.osc import common
from omsclient.osc.v1 import base
from omsclient.osc.v1 import constants
from omsclient.osc.v1 import keyfile


class InstanceCommand(base.ResourceCommand):
    resource = constants.INSTANCE


class ListInstance(InstanceCommand, base.ResourceLister):
    """List instances booted by the service."""


class ShowInstance(InstanceCommand, base.ResourceShowOne):
    """Show an instance (without its private key)."""


class SaveInstanceKey(InstanceCommand, common.Command):
    """Save the private key of an instance's key pair.

    The key is written to a new file readable by its owner only (mode
    0600); an existing regular file is replaced only with --force, and
    nothing else (a directory, a device, a FIFO, a socket) ever is.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'instance',
            metavar='<instance>',
            help='ID or name of the instance whose private key to save',
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
            help='With --file, replace an existing regular file (the new '
                 'file still has mode 0600)',
        )
        return parser

    def take_action(self, parsed_args):
        if parsed_args.force and not parsed_args.file:
            raise osc_exc.CommandError('--force only applies to --file')
        if parsed_args.file:
            # Fail before asking the service for the secret.
            keyfile.check_target(parsed_args.file, parsed_args.force)
        with common.command_errors('Unable to get the private key of '
                                   'instance %s' % parsed_args.instance):
            manager = self.get_manager()
            instance_id = parsed_args.instance
            if not isinstance(common_base.as_id(instance_id), int):
                # A name: found in the list, as show finds it.
                instance_id = manager.find(instance_id).id
            key = manager.get_private_key(instance_id)
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
