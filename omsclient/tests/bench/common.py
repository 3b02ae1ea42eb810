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
import statistics
import subprocess
import sys
import time
from typing import Any, Mapping, Sequence, Union

LOOPBACK = '127.0.0.1'


@dataclasses.dataclass
class Table:
    """A table of a summary, rendered as markdown or reStructuredText."""

    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


Block = Union[str, Table]


@dataclasses.dataclass
class PartResult:
    """The outcome of one benchmark part."""

    name: str
    ran: bool
    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    summary: list[Block] = dataclasses.field(default_factory=list)
    skipped_because: str | None = None

    @classmethod
    def skipped(cls, name: str, reason: str) -> 'PartResult':
        return cls(name=name, ran=False, skipped_because=reason,
                   summary=['Not run: %s.' % reason])


#: The columns of the tables of targets.
TARGET_HEADER = ['target of issue 13', 'measured', 'target']


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


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of ``pid`` and its children so far."""
    total = 0
    for stat in pathlib.Path('/proc').glob('[0-9]*/stat'):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The fields after the command name, which may hold spaces.
        fields = text.rsplit(')', 1)[1].split()
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def run_once(argv: Sequence[str],
             env: Mapping[str, str] | None = None) -> tuple[float, float, int]:
    """Run ``argv`` once; return wall seconds, CPU seconds and exit code.

    The CPU time (user + system of the child, from ``wait4``) is what the
    command itself cost; unlike the wall time it hardly moves when other
    work shares the machine.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def time_interleaved(commands: Mapping[str, tuple[Sequence[str],
                                                  Mapping[str, str]]],
                     runs: int, warmup: int = 1) -> dict[str, Any]:
    """Time several commands, one run of each in turn, ``runs`` times.

    Taking turns spreads whatever else the machine does evenly over the
    commands compared. The first ``warmup`` rounds are not counted.
    Returns, per command, the medians of wall-clock and CPU seconds.
    """
    samples: dict[str, list[tuple[float, float, int]]] = {
        name: [] for name in commands}
    for round_number in range(warmup + runs):
        for name, (argv, env) in commands.items():
            result = run_once(argv, env)
            if round_number >= warmup:
                samples[name].append(result)
    return {name: {
        'runs': len(values),
        'median_s': round(statistics.median(v[0] for v in values), 4),
        'min_s': round(min(v[0] for v in values), 4),
        'median_cpu_s': round(statistics.median(v[1] for v in values), 4),
        'min_cpu_s': round(min(v[1] for v in values), 4),
        'returncode': values[-1][2],
    } for name, values in samples.items()}


def machine() -> dict[str, Any]:
    """Describe the machine the numbers come from."""
    return {
        'python': platform.python_version(),
        'platform': platform.platform(),
        'cpus': os.cpu_count(),
        'executable': sys.executable,
        # Other work on the machine skews every figure: say how much.
        'loadavg': [round(x, 2) for x in os.getloadavg()],
    }


def write_results(directory: pathlib.Path,
                  results: Sequence[PartResult]) -> pathlib.Path:
    """Write one JSON file per part, ``summary.md`` and ``summary.rst``.

    Returns the path of ``summary.md``. ``summary.rst`` is what the
    contributor documentation includes.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    host = machine()
    about = ('%s, Python %s, %s CPUs, load average %s, %s' % (
        stamp, host['python'], host['cpus'],
        ' '.join(map(str, host['loadavg'])), host['platform']))
    markdown = ['# omsclient benchmarks', '', about, '']
    rst = [about, '']
    for result in results:
        payload = dataclasses.asdict(result)
        payload['summary'] = render_markdown(result.summary)
        payload.update(machine=host, finished=stamp)
        path = directory / ('%s.json' % result.name)
        path.write_text(json.dumps(payload, indent=2, sort_keys=True) + '\n')
        markdown += ['## %s' % result.name, ''] + render_markdown(
            result.summary) + ['']
        rst += [result.name, '-' * len(result.name), ''] + render_rst(
            result.summary) + ['']
    (directory / 'summary.rst').write_text('\n'.join(rst))
    summary = directory / 'summary.md'
    summary.write_text('\n'.join(markdown))
    return summary


def _cell(value: Any) -> str:
    return '' if value is None else str(value)


def render_markdown(blocks: Sequence[Block]) -> list[str]:
    """Render a summary as markdown lines."""
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append('')
        if isinstance(block, Table):
            lines += ['| ' + ' | '.join(map(_cell, row)) + ' |' for row in
                      [block.header, ['---'] * len(block.header)]
                      + list(block.rows)]
        else:
            lines.append(block)
    return lines


def render_rst(blocks: Sequence[Block]) -> list[str]:
    """Render a summary as reStructuredText lines (``list-table``)."""
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append('')
        if not isinstance(block, Table):
            lines.append(block)
            continue
        lines += ['.. list-table::', '   :header-rows: 1', '']
        for row in [block.header] + list(block.rows):
            cells = [_cell(c).replace('|', '\\|') or '..' for c in row]
            lines.append('   * - ' + (cells[0] if cells[0] != '..'
                                      else ''))
            lines += ['     - ' + (c if c != '..' else '')
                      for c in cells[1:]]
    return lines
