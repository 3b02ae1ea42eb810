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

"""Provider accounts (``/api/accounts/``, administrators only).

The original service has no account API (it managed accounts in a web
admin page): every call then raises
:class:`~omsclient.common.exceptions.NotSupported`.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Generator
import functools
from typing import Any
from typing import TypeVar

from omsclient.common import base
from omsclient.common import exceptions
from omsclient.common import shapes

T = TypeVar('T')

NOT_SUPPORTED = 'this OpenMultiStack server has no account management API'


class Account(base.Resource):
    """A provider account; ``password`` is never kept on the object."""

    write_only_fields = frozenset(['password'])
    shape = shapes.Shape({
        'id': shapes.NUMBER, 'provider': shapes.TEXT,
        'status': shapes.TEXT | shapes.NULL,
        'regist_date': shapes.DATE | shapes.NULL}, required=('id',))


class AccountManager(base.Manager[Account]):
    """Create, list, show, update and delete provider accounts."""

    resource_class = Account
    collection = 'accounts/'

    def _not_supported(self, exc: exceptions.NotFound,
                       item: bool) -> exceptions.ClientException:
        # A 404 on the collection means there is no account API; on one
        # account it may just be a missing account: the API root decides.
        if item and self.root.has('accounts'):
            return exc
        return exceptions.NotSupported(NOT_SUPPORTED, url=exc.url,
                                       method=exc.method)

    def _call(self, item: bool, call: Callable[[], T]) -> T:
        try:
            return call()
        except exceptions.NotFound as exc:
            raise self._not_supported(exc, item) from exc

    def create(self, **fields: Any) -> Account:
        """Register an account; ``password`` is sent but never kept."""
        return self._call(False, functools.partial(
            self._send, 'POST', self.collection, fields))

    def _open_page(self, params: dict[str, Any]
                   ) -> Generator[list[Any], None, None]:
        try:
            return super()._open_page(params)
        except exceptions.NotFound as exc:
            raise self._not_supported(exc, False) from exc

    def list(self, provider: str | None = None,
             region_name: str | None = None, status: str | None = None,
             limit: int | None = None,
             marker: Any = None) -> base.ResourceList[Account]:
        """Return the accounts in id order, read incrementally.

        A :class:`~omsclient.common.base.ResourceList`, as
        :meth:`omsclient.v1.queues.QueueManager.list` explains.

        The filters are sent to the server (``?provider=&region_name=
        &status=&limit=&marker=``) and applied again here, so that the
        answer is right with a server that ignores some of them.

        :param provider: only the accounts of this provider.
        :param region_name: only the accounts in this region.
        :param status: only the ``available`` or ``unavailable`` ones.
        :param limit: the most accounts to yield.
        :param marker: only the accounts whose id comes after this one.
        """
        filters = {name: value for name, value in (
            ('provider', provider), ('region_name', region_name),
            ('status', status)) if value is not None}
        return self._listing(
            filters, base.check_limit(limit), base.as_id(marker),
            lambda item: all(item.get(name) == value
                             for name, value in filters.items()))

    def get(self, account_id: Any) -> Account:
        """Return one account."""
        return self._call(True, functools.partial(
            self._get, self._path(account_id)))

    def find(self, name_or_id: Any) -> Account:
        """Return the account with this ID or this provider name.

        A whole number is an ID; anything else is a provider name, asked
        for with ``?provider=`` (the accounts of a server that ignores the
        filter are checked here).

        :raises omsclient.common.exceptions.NotFound: no account has that
            ID or provider name.
        :raises omsclient.common.exceptions.NoUniqueMatch: several
            accounts have that provider name.
        :raises omsclient.common.exceptions.InvalidId: ``name_or_id`` can
            be neither (see :func:`omsclient.common.base.check_id`).
        """
        reference = base.check_id(name_or_id, 'account ID or provider name')
        if isinstance(reference, int):
            return self.get(reference)
        text = str(reference).strip()
        found = list(self.list(provider=text))
        if not found:
            raise exceptions.NotFound(
                'No account with ID or provider name %r' % text)
        if len(found) > 1:
            raise exceptions.NoUniqueMatch(
                '%d accounts have the provider name %r (IDs %s): give '
                'an ID' % (len(found), text,
                           ', '.join(str(a.id) for a in found)))
        return found[0]

    def find_id(self, name_or_id: Any) -> Any:
        """Return the ID that ``name_or_id`` names.

        A whole number is the ID as it is, with no request; a provider
        name is looked up with :meth:`find`.
        """
        reference = base.check_id(name_or_id, 'account ID or provider name')
        if isinstance(reference, int):
            return reference
        return self.find(reference).id

    def update(self, account_id: Any, **fields: Any) -> Account:
        """Change some fields of an account (``PATCH``)."""
        return self._call(True, functools.partial(
            self._send, 'PATCH', self._path(account_id), fields))

    def delete(self, account_id: Any) -> None:
        """Delete an account."""
        self._call(True, functools.partial(
            self._delete, self._path(account_id)))
