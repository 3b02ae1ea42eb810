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

"""Base classes of the list and show commands of one resource."""

import argparse
import functools
from typing import Any

from osc_lib import exceptions as osc_exc

from omsclient.common import base
from omsclient.osc import common
from omsclient.osc import plugin
from omsclient.osc.v1 import constants
from omsclient.osc.v1 import utils


class ResourceCommand(common.Command):
    """What the commands of one resource share: its description."""

    resource: constants.Resource
    service = ('multistack', plugin.API_NAME + '.http_client')

    def get_manager(self) -> Any:
        client = getattr(self.app.client_manager, plugin.API_NAME)
        return getattr(client, self.resource.manager)


class ResourceLister(ResourceCommand, common.Lister):
    """List the resources in id order, streaming the rows as they arrive.

    ``--limit`` and ``--marker`` as in osc-lib; ``--limit -1``, as with
    ``openstack server list``, lists everything, as no ``--limit`` does.
    The client walks the pages itself until ``--limit`` rows were listed,
    and applies both options again when the server ignores them (the
    original service does). The resource's filters are options too, sent
    to the service.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--long',
            action='store_true',
            help='List additional fields in output',
        )
        parser.add_argument(
            '--limit',
            metavar='<num-%s>' % self.resource.plural.split()[-1],
            type=int,
            help='List at most this many %s (default: all of them; -1 '
                 'also lists them all)' % self.resource.plural,
        )
        marker = self.resource.marker
        parser.add_argument(
            '--marker',
            metavar='<%s>' % marker.lower(),
            help='List the %(plural)s after the one with this %(marker)s '
                 '(the last %(marker)s of the previous page); a marker '
                 'that names none is an error'
                 % {'plural': self.resource.plural, 'marker': marker},
        )
        for option in self.resource.filters:
            parser.add_argument(
                option.option,
                metavar='<%s>' % option.option.lstrip('-'),
                dest=option.param,
                choices=option.choices,
                action='append' if option.repeat else 'store',
                help=option.help,
            )
        return parser

    def take_action(self, parsed_args):
        limit = parsed_args.limit
        limit = (None if limit == common.NO_LIMIT
                 else checked_int(limit, '--limit', 1))
        resource = self.resource
        marker = parsed_args.marker
        if resource.marker == 'ID':
            marker = checked_int(marker, '--marker', 1)
        columns = (resource.long_columns if parsed_args.long
                   else resource.list_columns)
        row = functools.partial(utils.item_row, columns=columns,
                                fields=resource.fields)
        filters = {option.param: getattr(parsed_args, option.param)
                   for option in resource.filters}
        what = 'Unable to list %s' % resource.plural
        with common.command_errors(what):
            items = self.get_manager().list(limit=limit, marker=marker,
                                            **filters)
        return columns, common.iter_rows(items, row, what)


def checked_int(value, option, minimum):
    """``value`` as the API takes it (``minimum`` to the largest id).

    A limit of 0 and a marker of any text pass the parser; what the API
    would refuse is refused here, before any request, as one line that
    names ``option`` (exit status 1, not the parser's 2).
    """
    if value is None:
        return None
    try:
        return common.bounded_int(minimum, common.MAX_ID)(str(value))
    except argparse.ArgumentTypeError as exc:
        raise osc_exc.CommandError('Invalid %s: %s' % (option, exc))


class ResourceShowOne(ResourceCommand, common.ShowOne):
    """Show one resource, found by its ID or its name."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'id',
            metavar='<%s>' % self.resource.singular.split()[0],
            help='%s of the %s to show' % (self.resource.name_reference,
                                           self.resource.singular),
        )
        return parser

    def take_action(self, parsed_args):
        with common.command_errors('Unable to show %s %s'
                                   % (self.resource.singular,
                                      parsed_args.id)):
            # Its ID or its name, as openstack server show takes them.
            found = self.get_manager().find(parsed_args.id)
        return utils.show_data(found, self.resource.show_columns,
                               self.resource.fields)


class ResourceDeleter(ResourceCommand, common.Command):
    """Delete resources by ID or name, going on past failures."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'ids',
            metavar='<%s>' % self.resource.singular.split()[0],
            nargs='+',
            help='%s of the %s to delete (repeat for several)'
                 % (self.resource.name_reference, self.resource.singular),
        )
        return parser

    def delete(self, manager, resource_id, parsed_args):
        """Delete one resource."""
        manager.delete(resource_id)

    @staticmethod
    def resolve(manager, reference):
        """The ID of the resource ``reference`` is the ID or the name of.

        A whole number is taken as the ID, without asking (as ``openstack
        server delete`` does with an ID); other text is looked up as show
        looks it up, and names one resource or fails.
        """
        wanted = base.check_id(reference)
        if isinstance(wanted, int):
            return wanted
        return manager.find(reference).id

    def take_action(self, parsed_args):
        manager = self.get_manager()

        def delete(reference):
            self.delete(manager, self.resolve(manager, reference),
                        parsed_args)

        utils.delete_each(parsed_args.ids, delete, self.resource.singular,
                          self.resource.plural)
