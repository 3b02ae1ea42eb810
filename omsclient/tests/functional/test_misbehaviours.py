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

"""Every command and API call against every misbehaving server.

The misbehaviours are the table of :mod:`omsclient.tests.broken_server`;
the cases are run by :mod:`omsclient.tests.misbehaviour_driver` in a few
child processes, each bounded in memory (``RLIMIT_AS``) and guarded by a
subprocess timeout. It needs no service of the stack, only time (a few
minutes: the commands retry refused connections and 502s with their
default back-off), which is why it is a functional test.

Each case must end without a traceback, with exit status 1 and one line
on stderr (or succeed where the misbehaviour is benign), show neither the
token, the endpoint's password nor a secret of the answer (in the
commands' output and in the ``repr`` of what the Python API returns), and
put no raw control character from the server on the terminal.
"""

import concurrent.futures
import json
import re
import resource
import subprocess
import sys

import testtools

from omsclient.tests import broken_server
from omsclient.tests.functional import base
from omsclient.tests import misbehaviour_driver as driver

#: The address space of a child process: a misbehaviour that makes the
#: client grow its memory gets it killed (exit status not 0).
MEMORY_LIMIT = 2 * 1024 ** 3
GROUPS = 4
#: What a server must not get onto a terminal raw: escape sequences
#: (ESC, CSI), a carriage return that overwrites a line, BEL.
RAW_CONTROLS = ('\x1b', '\x9b', '\r', '\x07')
#: Seconds one case may take at most, for the subprocess guard.
CASE_BOUND = 8
#: What ``--wait`` writes on stderr for each status it sees.
WAIT_PROGRESS = re.compile(r'^Queue entry \S+: \S+ \(\d+s\)$')


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(port, names):
    cases = len(names) * (len(driver.COMMANDS) + 14)
    proc = subprocess.run(
        [sys.executable, '-m', driver.__name__, str(port)] + names,
        capture_output=True, text=True, preexec_fn=_limit_memory,
        timeout=cases * CASE_BOUND, check=False)
    return proc


class TestMisbehaviours(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = broken_server.BrokenServer().__enter__()
        names = [bad.name for bad in broken_server.MISBEHAVIOURS]
        groups = [names[i::GROUPS] for i in range(GROUPS)]
        with concurrent.futures.ThreadPoolExecutor(GROUPS) as pool:
            cls.procs = list(pool.map(
                lambda group: _run(cls.server.port, group), groups))
        cls.results = [json.loads(line) for proc in cls.procs
                       for line in proc.stdout.splitlines()]

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def test_children_ended_normally(self):
        for proc in self.procs:
            self.assertEqual(0, proc.returncode, proc.stderr[-2000:])

    def test_every_case_ran(self):
        per = len(driver.COMMANDS) + 14
        self.assertEqual(len(broken_server.MISBEHAVIOURS) * per,
                         len(self.results))

    def _failures(self):
        for result in self.results:
            problem = self._problem(result)
            if problem:
                yield '%s / %s: %s: %r' % (
                    result['case'], result['what'], problem,
                    (result.get('message') or result['stderr'])[-300:])

    @staticmethod
    def _problem(result):
        bad = broken_server.BY_NAME[result['case']]
        text = result['stdout'] + result['stderr'] + (
            result.get('message') or '')
        if 'Traceback' in text:
            return 'traceback'
        if broken_server.TOKEN in text or broken_server.PASSWORD in text:
            return 'secret shown'
        if 'rc' in result and any(
                c in result['stdout'] + result['stderr']
                for c in RAW_CONTROLS):
            return 'raw control character on the terminal'
        if result['raised'] and not result['raised'].startswith(
                'omsclient.common.exceptions.'):
            return 'raised %s' % result['raised']
        if 'rc' in result:
            failed = result['rc'] != 0
            # --wait reports each status it sees before the error line.
            lines = [line for line in base.error_lines(result['stderr'])
                     if not WAIT_PROGRESS.match(line)]
            if lines and 'failed to delete' in lines[-1]:
                lines.pop()     # the summary of a delete of several ids
            if failed and (result['rc'] != 1 or len(lines) != 1):
                return 'exit %s, not 1 with one line' % result['rc']
        else:
            failed = bool(result['raised'])
            if failed and len(result['message'].splitlines()) != 1:
                return 'message of several lines'
        if not failed and not bad.succeeds(result['what']):
            return 'succeeded'
        return None

    def test_no_traceback_one_line_no_secret(self):
        failures = list(self._failures())
        self.assertEqual([], failures, '\n'.join(failures))

    def test_no_credential_crossed_origins(self):
        seen = self.server.seen.get('recorder')
        self.assertTrue(seen)
        for headers in seen:
            names = {name.lower() for name in headers}
            self.assertFalse(names & {'x-auth-token', 'authorization'},
                             headers)
