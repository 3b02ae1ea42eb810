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

"""The part common to the jobs a worker runs for a claimed entry."""

from oslo_db import exception as db_exc
from oslo_log import log as logging
import sqlalchemy as sa

from openmultistack.db import models
from openmultistack.worker import claims
from openmultistack.worker import context as worker_context


LOG = logging.getLogger(__name__)
#: The database went away or deadlocked: a job that meets one of these
#: leaves its entry as it is, to be taken up again (and reconciled with
#: the provider) once its lease has expired, by this worker or another.
DATABASE_UNAVAILABLE = (db_exc.DBConnectionError, db_exc.DBDeadlock)


class Job:
    """Work on one claimed queue entry."""

    def __init__(self, ctx: worker_context.Context, claim: claims.Claim):
        self.ctx = ctx
        self.claim = claim
        self.queue_id = claim.queue_id
        # Derived from the entry so that a key pair left behind by a
        # worker that died can be found and deleted.
        self.key_name = '%s-%d' % (ctx.options.resource_prefix,
                                   claim.queue_id)

    def load(self, available_only: bool = True):
        """The entry (with its instance) and the provider accounts.

        :raises claims.LeaseLost: the entry is gone or no longer ours.
        """
        with self.ctx.reading() as session:
            entry = session.get(models.Queue, self.queue_id,
                                populate_existing=True)
            if entry is None or entry.claimed_by != self.ctx.worker_id:
                raise claims.LeaseLost(self.queue_id)
            query = sa.select(models.Account).order_by(models.Account.id)
            if available_only:
                query = query.where(
                    models.Account.status == models.ACCOUNT_AVAILABLE)
            accounts = list(session.scalars(query))
        return entry, accounts

    def leave_to_lease(self, error: Exception) -> None:
        """Stop working on the entry while the database is unavailable."""
        LOG.warning('queue %d: database unavailable (%s); the entry is '
                    'taken up again when its lease expires',
                    self.queue_id, type(error).__name__)

    def run(self) -> None:
        raise NotImplementedError
