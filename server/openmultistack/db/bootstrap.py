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


"""Accounts registered on the first start of an all-in-one service."""

import string

import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.db import events
from openmultistack.db import models

#: The quotas of the simulated clouds, in turn (instances, cores, RAM in
#: MB): different room on each, so that the worker has a choice to make.
QUOTAS = ((10, 20, 51200), (5, 10, 16384), (20, 40, 102400))


def simulated_accounts(session: orm.Session, count: int) -> list:
    """Register ``count`` simulated accounts when there is no account.

    Their providers are named ``simulated-a``, ``simulated-b``, ...: they
    boot nothing real (see ``openmultistack.providers.simulated``). Each
    has a quota of its own in its ``auth_url``, from ``QUOTAS`` in turn.
    Returns the provider names registered.
    """
    if not count or session.scalar(sa.select(models.Account.id).limit(1)):
        return []
    names = ['simulated-%s' % letter
             for letter in string.ascii_lowercase[:count]]
    for index, name in enumerate(names):
        instances, cores, ram = QUOTAS[index % len(QUOTAS)]
        account = models.Account(
            provider=name, driver=models.DRIVER_SIMULATED,
            username='simulated', password='simulated',
            auth_url='simulated://%s?instances=%d&cores=%d&ram=%d' % (
                name, instances, cores, ram),
            tenant_name='demo',
            region_name='RegionOne')
        session.add(account)
        session.flush()
        events.record(session, 'account %d (%s, %s) registered' % (
            account.id, name, models.DRIVER_SIMULATED))
    return names
