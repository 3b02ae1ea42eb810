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

"""``openstack metric log list``: the system log of the metering API."""

import itertools

from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.common import formatters
from omsclient.metering import logs
from omsclient.osc import common as osc_common
from omsclient.osc.metering import common

COLUMNS = (('id', None), ('time', formatters.UTCDateTimeColumn),
           ('desc', None))


def _past_the_end(manager, page):
    """Say how many pages there are, since page ``page`` is empty."""
    pages = manager.count_pages(empty=page)
    if not pages:
        return 'Page %d is past the end: the system log is empty\n' % page
    return ('Page %d is past the end: the system log has only %d page%s\n'
            % (page, pages, '' if pages == 1 else 's'))


def _walk(entries, what):
    """Yield ``entries`` of ``list_all()``; a page too long is one line."""
    try:
        yield from entries
    except exceptions.TooManyRows as exc:
        raise osc_exc.CommandError(
            '%s: a page holds more than %d entries, more than --all and '
            '--marker keep to tell a page sent again; list the pages one '
            'at a time with --page and -f value' % (what, exc.bound)
        ) from exc


class ListLog(osc_common.Lister):
    """List the system log, newest entries first."""

    service = common.SERVICE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        pages = parser.add_mutually_exclusive_group()
        pages.add_argument(
            '--page',
            metavar='<page>',
            # A page holds one entry at least, and ids are 32-bit.
            type=osc_common.bounded_int(1, osc_common.MAX_ID),
            # None, not 1: argparse lets an option given with its default
            # value pass a mutually exclusive group (--page 1 --all).
            default=None,
            help='Page to list, 1 being the newest (default: 1)',
        )
        pages.add_argument(
            '--all',
            action='store_true',
            default=False,
            help='List every page, from the newest entries to the oldest, '
                 'reading the next page only when needed',
        )
        pages.add_argument(
            '--marker',
            metavar='<id>',
            type=osc_common.bounded_int(1, osc_common.MAX_ID),
            help='List the entries older than the one with this ID (the '
                 'last ID listed before), page after page; an ID of no '
                 'entry is an error',
        )
        osc_common.add_limit_option(parser, 'entries')
        return parser

    def take_action(self, parsed_args):
        manager = self.app.client_manager.oms_metering.logs
        marker = parsed_args.marker
        if marker is not None:
            what = ('Unable to list the system log after entry %d'
                    % marker)

            def fetch():
                return logs.older(_walk(manager.list_all(
                    logs.marker_query(marker),
                    max_rows=osc_common.MAX_ROWS), what), marker)
        elif parsed_args.all:
            what = 'Unable to list the system log'

            def fetch():
                return _walk(manager.list_all(
                    max_rows=osc_common.MAX_ROWS), what)
        else:
            page = parsed_args.page or 1
            what = 'Unable to list page %d of the system log' % page

            def fetch():
                entries = manager.list(logs.page_query(page))
                if page > 1 and not entries:
                    self.app.stderr.write(_past_the_end(manager, page))
                return entries

        def limited():
            return itertools.islice(fetch(), parsed_args.limit)

        return common.listing(parsed_args, limited, COLUMNS, (), what)
