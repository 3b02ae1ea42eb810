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

"""Run the benchmarks: ``python -m omsclient.tests.bench [PART ...]``.

``tox -e bench`` runs this. Results go to ``bench-results/`` (one JSON
file per part, ``summary.md`` and ``summary.rst``). Every server involved
listens on 127.0.0.1 only and every loop is bounded. A part whose code
or tools are missing says so in its result instead of failing the run.
"""

import argparse
import importlib
import pathlib
import sys

from omsclient.tests.bench import common

PARTS = ('startup', 'streaming', 'service', 'worker', 'throughput',
         'cli')


def positive(text: str) -> int:
    """An argparse type: a positive integer."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError('%r is not a positive integer'
                                         % text)
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='python -m omsclient.tests.bench', description=__doc__.split(
            '\n\n')[0])
    parser.add_argument('parts', nargs='*', metavar='PART',
                        help='parts to run (default: all): %s' %
                        ', '.join(PARTS))
    parser.add_argument('--output', default='bench-results',
                        help='directory for the results (default: '
                        '%(default)s)')
    parser.add_argument('--runs', type=positive, default=10,
                        help='repetitions of each start-up measurement '
                        '(default: %(default)s)')
    parser.add_argument('--sizes', default='10000,100000,1000000',
                        help='list sizes of the streaming part (default: '
                        '%(default)s)')
    parser.add_argument('--queues', type=positive, default=5000,
                        help='RabbitMQ queues listed by the cli part '
                             '(default: %(default)s)')
    parser.add_argument('--octavia-python', metavar='PYTHON',
                        help='a python whose environment holds '
                        'python-octaviaclient (see '
                        'tools/bench/make-reference-venv.sh)')
    parser.add_argument('--duration', type=positive, default=10,
                        help='seconds of each wrk run (default: '
                        '%(default)s)')
    parser.add_argument('--connections', type=positive, default=8,
                        help='concurrency of the service part (default: '
                        '%(default)s)')
    parser.add_argument('--entries', type=positive, default=200,
                        help='queue entries of the worker part (default: '
                        '%(default)s)')
    parser.add_argument('--nova-stack', metavar='STACK_JSON',
                        help='also run the worker part against the two '
                        'real Nova providers of a running functional '
                        'stack, named by its stack.json '
                        '(.stack/run/stack.json)')
    parser.add_argument('--nova-entries', type=positive, default=20,
                        help='queue entries of the worker part on Nova '
                        '(default: %(default)s)')
    args = parser.parse_args(argv)
    unknown = sorted(set(args.parts) - set(PARTS))
    if unknown:
        parser.error('unknown part(s) %s; choose from %s' % (
            ', '.join(unknown), ', '.join(PARTS)))
    try:
        args.sizes = [int(s) for s in args.sizes.split(',') if s]
    except ValueError:
        parser.error('--sizes must be comma-separated integers')
    return args


def targets(results) -> common.PartResult:
    """Every target of the parts that ran, in one table."""
    rows = []
    for result in results:
        part = importlib.import_module('omsclient.tests.bench.' + result.name)
        if result.ran and hasattr(part, 'targets'):
            rows += part.targets(result.data)
    return common.PartResult(
        name='targets', ran=bool(rows), data={'rows': rows},
        summary=[common.Table(common.TARGET_HEADER, rows)])


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    results = []
    for name in args.parts or PARTS:
        part = importlib.import_module('omsclient.tests.bench.' + name)
        print('bench: %s ...' % name, flush=True)
        try:
            result = part.run(args)
        except Exception as exc:
            result = common.PartResult.skipped(
                name, 'it failed: %s: %s' % (type(exc).__name__, exc))
        print('\n'.join(common.render_markdown(result.summary)) + '\n',
              flush=True)
        results.append(result)
    every_target = targets(results)
    if every_target.ran:
        print('\n'.join(common.render_markdown(every_target.summary)) + '\n',
              flush=True)
        results.append(every_target)
    summary = common.write_results(pathlib.Path(args.output), results)
    print('bench: results in %s' % summary.parent)
    return 0


if __name__ == '__main__':
    sys.exit(main())
