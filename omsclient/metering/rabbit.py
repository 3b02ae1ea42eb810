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

"""RabbitMQ monitoring: ``GET /v2/rabbit/<item>``.

The extension passes the RabbitMQ management API's ``/api/<item>``
through: ``overview`` is one object, the other items are lists.
"""

from __future__ import annotations

import urllib.parse

from omsclient.common import shapes
from omsclient.metering import base

#: Items answered with one object.
OBJECT_ITEMS = ('overview',)
#: Items answered with a list of objects.
LIST_ITEMS = ('bindings', 'channels', 'connections', 'consumers',
              'exchanges', 'nodes', 'permissions', 'queues', 'users',
              'vhosts')
ITEMS = OBJECT_ITEMS + LIST_ITEMS


def check_item(item: str, valid: tuple[str, ...] = ITEMS) -> str:
    """Return ``item`` if it is one of ``valid``.

    :raises ValueError: naming the valid items.
    """
    if item not in valid:
        raise ValueError('Unknown RabbitMQ item %r; valid items: %s'
                         % (item, ', '.join(valid)))
    return item


# Null is accepted everywhere (no statistics yet), and an empty list for
# an object (how older brokers encode an empty one).
_OBJECT = shapes.Kind(
    lambda value: value is None or value == [] or isinstance(value, dict),
    'an object', frozenset([type(None), dict, list]),
    frozenset([type(None), dict]))
_LIST = shapes.LIST | shapes.NULL

#: What the management API promises about the fields that are read of
#: its records (any item): nested statistics are objects, lists are lists.
RECORD = shapes.Shape({
    'arguments': _OBJECT, 'churn_rates': _OBJECT, 'cluster_state': _OBJECT,
    'contexts': _LIST, 'exchange_types': _LIST, 'limits': _OBJECT,
    'listeners': _LIST, 'message_stats': _OBJECT, 'object_totals': _OBJECT,
    'partitions': _LIST, 'queue_totals': _OBJECT,
    'tags': shapes.TEXT | _LIST,
})


class Rabbitmq(base.Resource):
    """A RabbitMQ management record; ``repr`` hides the password hash."""

    REPR_NAME = 'Rabbitmq'


class RabbitManager(base.Manager):
    """``cclient.rabbit``: RabbitMQ figures through the metering API."""

    resource_class = Rabbitmq
    shape = RECORD

    @staticmethod
    def _path(item: str) -> str:
        return 'v2/rabbit/%s' % urllib.parse.quote(item, safe='')

    def list(self, q: str | None = None) -> base.ResourceList[Rabbitmq]:
        """Return the records of one item, as a list read on demand.

        ``list('users')``, ``list('queues')``, ...; ``list('overview')``
        holds the one overview record. The request is sent by this call.
        The answer prints, indexes and counts as a list
        (``print(cclient.rabbit.list('users'))``); a ``for`` loop reads
        the records from the answer one by one without keeping them. See
        :class:`omsclient.common.base.ResourceList`.

        :param q: the item (the name follows python-ceilometerclient's
            extension that this API comes from); ``None``, as the seed's
            ``rabbit_list(request, query=None)`` sends it, is
            ``overview``.
        :raises ValueError: for an unknown item, before any request.
        """
        item = check_item(OBJECT_ITEMS[0] if q is None else q)
        return self._list(self._path(item),
                          expect_single=item in OBJECT_ITEMS)

    def get(self, item: str = 'overview') -> Rabbitmq:
        """Return the record of an object item such as ``overview``.

        :raises ValueError: for an unknown item or a list item, before any
            request.
        """
        check_item(item)
        if item not in OBJECT_ITEMS:
            raise ValueError('RabbitMQ item %r is a list: use '
                             'rabbit.list(%r)' % (item, item))
        return self._get(self._path(item))
