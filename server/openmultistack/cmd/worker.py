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


"""``openmultistack-worker``: boots and destroys instances.

One process, that of the command: a SIGKILL ends the worker itself, as
a crash would (its claims then expire and other workers take them over).
"""

import signal
import sys
import threading

from oslo_log import log as logging

from openmultistack.common import service
from openmultistack import conf
from openmultistack.db import api as db_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)
# Beyond the worker's own graceful shutdown time.
STOP_MARGIN = 5


class WorkerRunner:
    """The worker service, started and stopped like the servers."""

    def __init__(self):
        # Imported here: the worker loads the provider plugins.
        from openmultistack.worker import service as worker_service
        self._worker = worker_service.WorkerService(
            CONF, db_api.get_sessionmaker())

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        if not self._worker.wait(CONF.worker.graceful_shutdown_timeout +
                                 STOP_MARGIN):
            LOG.warning('The worker did not stop in time; leaving its '
                        'claims to expire')


def shutdown_timeout() -> int:
    """Seconds the processes have to stop: the worker's, and a margin."""
    return int(CONF.worker.graceful_shutdown_timeout + 2 * STOP_MARGIN)


def run_until_signal(runner: WorkerRunner) -> None:
    """Run ``runner`` in this process until SIGTERM or SIGINT."""
    stopping = threading.Event()

    def handle_signal(signum, frame):
        LOG.info('Received %s, stopping', signal.Signals(signum).name)
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle_signal)
    runner.start()
    try:
        # A timeout, so that the main thread runs the signal handlers.
        while not stopping.wait(1.0):
            pass
    finally:
        runner.stop()


def main() -> int:
    def body():
        service.prepare()
        service.check_database()
        run_until_signal(WorkerRunner())
    return service.main(body)


if __name__ == '__main__':
    sys.exit(main())
