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

"""What every benchmark part shares: timing, statistics and results.

Nothing here asserts a time. A part measures, returns a JSON-serialisable
dict and a few lines of markdown; ``__main__`` writes both under
``bench-results/``.
"""

import dataclasses
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any, Mapping, Sequence

LOOPBACK = '127.0.0.1'


@dataclasses.dataclass
class PartResult:
    """The outcome of one benchmark part."""

    name: str
    ran: bool
    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    summary: list[str] = dataclasses.field(default_factory=list)
    skipped_because: str | None = None

    @classmethod
    def skipped(cls, name: str, reason: str) -> 'PartResult':
        return cls(name=name, ran=False, skipped_because=reason,
                   summary=['Not run: %s.' % reason])


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values`` (0 < fraction <= 1).

    >>> percentile([1, 2, 3, 4], 0.5)
    2
    """
    if not values:
        raise ValueError('no values')
    if not 0 < fraction <= 1:
        raise ValueError('fraction must be in (0, 1]')
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def ratio(numerator: float, denominator: float) -> float | None:
    """Return numerator / denominator rounded, or None when undefined."""
    if not denominator:
        return None
    return round(numerator / denominator, 2)


def time_command(argv: Sequence[str], runs: int, warmup: int = 1,
                 env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run ``argv`` ``warmup + runs`` times; return wall-clock statistics.

    Uses hyperfine when it is installed (it corrects for shell start-up and
    reports the same median), else a plain subprocess loop.
    """
    hyperfine = shutil.which('hyperfine')
    if hyperfine:
        return _time_with_hyperfine(hyperfine, argv, runs, warmup, env)
    times = []
    returncode = None
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        returncode = proc.returncode
        if i >= warmup:
            times.append(elapsed)
    return _time_stats(times, returncode, 'subprocess loop')


def _time_with_hyperfine(hyperfine: str, argv: Sequence[str], runs: int,
                         warmup: int,
                         env: Mapping[str, str] | None) -> dict[str, Any]:
    import shlex
    import tempfile
    with tempfile.NamedTemporaryFile(suffix='.json') as export:
        subprocess.run(
            [hyperfine, '--runs', str(runs), '--warmup', str(warmup),
             '--ignore-failure', '--style', 'none', '--shell', 'none',
             '--export-json', export.name, shlex.join(argv)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=True)
        result = json.load(open(export.name))['results'][0]
    codes = set(result.get('exit_codes') or [0])
    return _time_stats(result['times'], max(codes), 'hyperfine')


def _time_stats(times: Sequence[float], returncode: int | None,
                tool: str) -> dict[str, Any]:
    return {
        'tool': tool,
        'runs': len(times),
        'median_s': round(statistics.median(times), 4),
        'min_s': round(min(times), 4),
        'max_s': round(max(times), 4),
        'returncode': returncode,
    }


def machine() -> dict[str, Any]:
    """Describe the machine the numbers come from."""
    return {
        'python': platform.python_version(),
        'platform': platform.platform(),
        'cpus': os.cpu_count(),
        'executable': sys.executable,
    }


def write_results(directory: pathlib.Path,
                  results: Sequence[PartResult]) -> pathlib.Path:
    """Write one JSON file per part and ``summary.md``; return the latter."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    host = machine()
    lines = ['# omsclient benchmarks', '',
             '%s, Python %s, %s CPUs, %s' % (stamp, host['python'],
                                             host['cpus'], host['platform']),
             '']
    for result in results:
        payload = dataclasses.asdict(result)
        payload.update(machine=host, finished=stamp)
        path = directory / ('%s.json' % result.name)
        path.write_text(json.dumps(payload, indent=2, sort_keys=True) + '\n')
        lines += ['## %s' % result.name, ''] + result.summary + ['']
    summary = directory / 'summary.md'
    summary.write_text('\n'.join(lines))
    return summary


def markdown_table(header: Sequence[str],
                   rows: Sequence[Sequence[Any]]) -> list[str]:
    """Return a GitHub-style markdown table as a list of lines."""
    def cells(row):
        return '| ' + ' | '.join('' if c is None else str(c)
                                 for c in row) + ' |'
    return [cells(header), cells(['---'] * len(header))] + [
        cells(row) for row in rows]
