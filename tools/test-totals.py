#!/usr/bin/env python3
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

"""Print one closing line counting the tests of the stestr runs since N.

Usage: test-totals.py [--since N] [--junit FILE ...]

stestr keeps each run in .stestr/<id> as a subunit (v1) stream; this adds up
the final status of every test in the runs with an id of N or more, and of
the JUnit XML reports given (pytest's ``--junitxml``, for the dashboard's
tests), and prints ``N passed, N failed, N skipped``.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ElementTree

import subunit
import testtools


def _count(path):
    """Return (passed, failed, skipped) of one stored run (subunit v1)."""
    result = testtools.TestResult()
    with open(path, 'rb') as stream:
        subunit.ProtocolTestCase(stream).run(result)
    skipped = sum(len(tests) for tests in result.skip_reasons.values())
    failed = (len(result.failures) + len(result.errors) +
              len(result.unexpectedSuccesses))
    return result.testsRun - failed - skipped, failed, skipped


def _count_junit(path):
    """Return (passed, failed, skipped) of a JUnit XML report."""
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else root.iter('testsuite')
    passed = failed = skipped = 0
    for suite in suites:
        tests = int(suite.get('tests', 0))
        bad = int(suite.get('failures', 0)) + int(suite.get('errors', 0))
        skip = int(suite.get('skipped', 0))
        passed += tests - bad - skip
        failed += bad
        skipped += skip
    return passed, failed, skipped


def _run_ids(repo):
    return sorted(int(n) for n in os.listdir(repo) if n.isdigit())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--since', type=int, default=0)
    parser.add_argument('--repo', default='.stestr')
    parser.add_argument('--junit', nargs='*', default=[])
    args = parser.parse_args()
    runs = []
    if os.path.isdir(args.repo):
        runs = [_count(os.path.join(args.repo, str(run_id)))
                for run_id in _run_ids(args.repo) if run_id >= args.since]
    runs += [_count_junit(path) for path in args.junit
             if os.path.exists(path)]
    passed, failed, skipped = (sum(column)
                               for column in zip((0, 0, 0), *runs))
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 0


if __name__ == '__main__':
    sys.exit(main())
