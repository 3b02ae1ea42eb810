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

"""In which order the provider accounts are tried for an entry.

Pure functions over the accounts and their limits, for ``[worker]
provider_order``:

``ordered``
    the accounts by id (the order they were registered);
``most-free``
    the most room left first (:meth:`Limits.room`), the accounts whose
    limits are unknown last, by id among equals;
``spread``
    round robin: the accounts by id, rotated one further for each entry.

Whatever the policy, the provider the entry asks for comes first.
"""

import typing

from openmultistack.providers import base

ORDERED = 'ordered'
MOST_FREE = 'most-free'
SPREAD = 'spread'
POLICIES = (ORDERED, MOST_FREE, SPREAD)


class Account(typing.Protocol):
    """What ordering reads of an account."""

    id: int
    provider: str


AccountT = typing.TypeVar('AccountT', bound=Account)


def order(accounts: typing.Iterable[AccountT], policy: str,
          limits: typing.Mapping[int, typing.Optional[base.Limits]],
          requested: typing.Optional[str] = None,
          turn: int = 0) -> list[AccountT]:
    """The accounts in the order to try them.

    :param policy: one of :data:`POLICIES`.
    :param limits: the known limits, by account id (absent or ``None``:
        unknown); only ``most-free`` reads them.
    :param requested: the provider the entry asks for, if any.
    :param turn: the count of entries ordered before, for ``spread``.
    """
    ordered = sorted(accounts, key=lambda account: account.id)
    if policy == MOST_FREE:
        def room(account):
            known = limits.get(account.id)
            return (known is None, -known.room() if known else 0.0)
        ordered.sort(key=room)
    elif policy == SPREAD:
        if ordered:
            shift = turn % len(ordered)
            ordered = ordered[shift:] + ordered[:shift]
    elif policy != ORDERED:
        raise ValueError('unknown provider order %r' % policy)
    if requested:
        # Stable: the others keep the policy's order.
        ordered.sort(key=lambda account: account.provider != requested)
    return ordered


def describe(queue_id: int, policy: str,
             accounts: typing.Iterable[Account]) -> str:
    """The event: ``queue 5: provider order (most-free): b, a, c``."""
    return 'queue %d: provider order (%s): %s' % (
        queue_id, policy,
        ', '.join(account.provider for account in accounts) or 'none')


def check_room(limits: typing.Optional[base.Limits],
               flavor: base.Flavor) -> typing.Optional[str]:
    """Why ``flavor`` does not fit in ``limits``, in one line; or None.

    Unknown limits (``None``) let every flavor through: the provider
    itself refuses a boot over its quota.
    """
    if limits is None:
        return None
    return limits.shortage(flavor)
