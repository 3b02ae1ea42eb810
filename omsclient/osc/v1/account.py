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

"""``openstack multistack account ...``: the provider accounts.

Administrators register one account per provider (and region); the
service boots instances with their credentials. Passwords are sent, never
shown: the service does not return them and the commands drop them from
every output format in any case.
"""

from osc_lib import exceptions as osc_exc
from osc_lib import utils as osc_utils

from omsclient.osc import common
from omsclient.osc.v1 import base
from omsclient.osc.v1 import constants
from omsclient.osc.v1 import utils


def _add_attribute_options(parser, creating):
    """Add the options of the settable account attributes."""
    parser.add_argument(
        '--provider',
        metavar='<provider>',
        required=creating,
        help='Name of the provider, e.g. conoha' +
             (' (required)' if creating else ''),
    )
    parser.add_argument(
        '--driver',
        metavar='<driver>',
        help='Compute driver the service uses for this account: nova (the '
             'reference service\'s default) or simulated',
    )
    parser.add_argument(
        '--username',
        metavar='<username>',
        help='User name on the provider\'s Keystone',
    )
    password = parser.add_mutually_exclusive_group()
    password.add_argument(
        '--password',
        metavar='<password>',
        help='Password on the provider\'s Keystone (never shown back)',
    )
    password.add_argument(
        '--password-prompt',
        action='store_true',
        help='Prompt for the password interactively, without echo',
    )
    parser.add_argument(
        '--auth-url',
        metavar='<auth-url>',
        help='Identity (Keystone) URL of the provider',
    )
    parser.add_argument(
        '--tenant-name',
        metavar='<tenant-name>',
        help='Tenant (project) name on the provider',
    )
    parser.add_argument(
        '--tenant-id',
        metavar='<tenant-id>',
        help='Tenant (project) ID on the provider',
    )
    parser.add_argument(
        '--region',
        metavar='<region>',
        help='Region name on the provider',
    )
    parser.add_argument(
        '--compute-api-version',
        metavar='<version>',
        help='Compute API version to use with the provider, e.g. 2.1',
    )
    parser.add_argument(
        '--user-domain',
        metavar='<user-domain>',
        help='Domain name of the user on the provider\'s Keystone v3 '
             '(the service\'s default: Default)',
    )
    parser.add_argument(
        '--project-domain',
        metavar='<project-domain>',
        help='Domain name of the tenant (project) on the provider\'s '
             'Keystone v3 (the service\'s default: Default)',
    )
    parser.add_argument(
        '--status',
        metavar='<status>',
        choices=constants.ACCOUNT_STATUSES,
        help='Whether the service may boot instances with this account: '
             '%s' % ' or '.join(constants.ACCOUNT_STATUSES),
    )


def _attributes(parsed_args, stdin):
    """Return the account fields given on the command line."""
    fields = {field: getattr(parsed_args, dest)
              for dest, field in constants.ACCOUNT_ATTRIBUTES.items()
              if getattr(parsed_args, dest) is not None}
    if parsed_args.password_prompt:
        fields['password'] = osc_utils.get_password(
            stdin, prompt='Password of the provider account: ')
    elif parsed_args.password is not None:
        fields['password'] = parsed_args.password
    return fields


class AccountCommand(base.ResourceCommand):
    resource = constants.ACCOUNT


class CreateAccount(AccountCommand, common.ShowOne):
    """Register a provider account."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_attribute_options(parser, creating=True)
        return parser

    def take_action(self, parsed_args):
        fields = _attributes(parsed_args, self.app.stdin)
        with common.command_errors('Unable to create the account'):
            account = self.get_manager().create(**fields)
        return utils.show_data(account, constants.ACCOUNT_SHOW_COLUMNS,
                               constants.ACCOUNT_FIELDS)


class ListAccount(AccountCommand, base.ResourceLister):
    """List provider accounts."""


class ShowAccount(AccountCommand, base.ResourceShowOne):
    """Show a provider account (without its password)."""


class SetAccount(AccountCommand, common.Command):
    """Change attributes of a provider account."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'id',
            metavar='<account>',
            help='ID or provider name of the account to change',
        )
        _add_attribute_options(parser, creating=False)
        return parser

    def take_action(self, parsed_args):
        fields = _attributes(parsed_args, self.app.stdin)
        if not fields:
            raise osc_exc.CommandError(
                'Nothing to change: give at least one option '
                '(see "openstack help multistack account set")')
        manager = self.get_manager()
        with common.command_errors('Unable to change account %s'
                                   % parsed_args.id):
            manager.update(manager.find_id(parsed_args.id),
                           **fields)


class DeleteAccount(AccountCommand, base.ResourceDeleter):
    """Delete provider accounts."""

    def delete(self, manager, resource_id, parsed_args):
        manager.delete(manager.find_id(resource_id))
