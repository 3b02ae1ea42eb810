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

"""Part 1: what omsclient's plugins add to every ``openstack`` run.

python-openstackclient imports every plugin module on every run,
``openstack --version`` included. The same ``openstack`` command is timed
with omsclient's entry points visible and hidden (see ``osc_entry``), and
the import of each plugin module is measured with ``python -X importtime``
on top of what the openstack command has already imported, with
gnocchiclient's plugin (and python-octaviaclient's, when a scratch venv
holds it) as reference points.

The variants are run in turns (one run of each, ten times over) rather
than one after the other as hyperfine does, and the CPU time of each run
is reported beside its wall time: on a machine shared with other work,
that keeps the load from favouring one variant, and CPU time hardly moves
with the load at all.
"""

import importlib.metadata
import os
import pathlib
import statistics
import subprocess
import sys
from typing import Any, Sequence

from omsclient.tests.bench import common

NAME = 'startup'

COMMANDS = {
    'version': ['--version'],
    'help': ['help', 'multistack', 'queue', 'list'],
}

# Variant name -> entry point value prefixes hidden in that variant.
VARIANTS = {
    'with omsclient': (),
    'without omsclient': ('omsclient.',),
    'without omsclient and gnocchiclient': ('omsclient.', 'gnocchiclient.'),
}

PLUGIN_MODULES = (
    'omsclient.osc.plugin',
    'omsclient.osc.metering_plugin',
    'gnocchiclient.osc',
)
OCTAVIA_MODULE = 'octaviaclient.osc.plugin'

# What the openstack command imports before and while it loads plugin
# modules, with every measured plugin hidden so that none is among it.
HIDDEN_FOR_IMPORTS = ('omsclient.', 'gnocchiclient.', 'octaviaclient.')
OSC_PRELUDE = ('import sys; sys.path.insert(0, %r); import osc_entry; '
               'osc_entry.hide(%r); '
               'import openstackclient.shell, osc_lib.utils' % (
                   str(pathlib.Path(__file__).parent), HIDDEN_FOR_IMPORTS))
MARK = 'oms-bench-mark'


def parse_importtime(stderr: str) -> dict[str, Any]:
    """Add up ``-X importtime`` lines printed after the marker line.

    Returns the number of modules imported after the marker and the sum of
    their own ("self") import times in microseconds.
    """
    after = stderr.split(MARK, 1)[1] if MARK in stderr else stderr
    modules = 0
    self_us = 0
    for line in after.splitlines():
        if not line.startswith('import time:'):
            continue
        fields = line[len('import time:'):].split('|')
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        modules += 1
        self_us += int(fields[0])
    return {'modules': modules, 'self_us': self_us}


def importtime(python: str, module: str, runs: int,
               cache: pathlib.Path) -> dict[str, Any]:
    """Median cost of importing ``module`` after the openstack prelude."""
    code = '%s; sys.stderr.write(%r); import %s' % (
        OSC_PRELUDE, MARK + '\n', module)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    samples = []
    for _ in range(runs + 1):
        proc = subprocess.run([python, '-X', 'importtime', '-c', code],
                              capture_output=True, text=True, check=False,
                              env=env)
        if proc.returncode:
            return {'module': module, 'error': proc.stderr.strip()
                    .splitlines()[-1]}
        samples.append(parse_importtime(proc.stderr))
    samples = samples[1:]  # the first run warms the bytecode cache
    return {
        'module': module,
        'modules_imported': samples[-1]['modules'],
        'median_ms': round(statistics.median(
            s['self_us'] for s in samples) / 1000, 2),
        'runs': len(samples),
    }


def _plugin_entry_points() -> list[str]:
    return sorted('%s = %s' % (ep.name, ep.value) for ep in
                  importlib.metadata.entry_points(
                      group='openstack.cli.extension'))


def run(options) -> common.PartResult:
    cache_root = pathlib.Path(options.output) / 'cache'
    entry = str(pathlib.Path(__file__).with_name('osc_entry.py'))
    timings: dict[str, dict[str, Any]] = {}
    for command, args in COMMANDS.items():
        runs = {}
        for variant, hidden in VARIANTS.items():
            env = dict(os.environ, OMS_BENCH_HIDE=','.join(hidden))
            # stevedore caches entry points per interpreter and sys.path:
            # each variant gets a cache of its own, warmed by the first run.
            env['XDG_CACHE_HOME'] = str(cache_root / (
                '-'.join(h.strip('.') for h in hidden) or 'all'))
            runs[variant] = ([sys.executable, entry] + args, env)
        timings[command] = common.time_interleaved(runs, options.runs)

    hidden_cache = cache_root / 'imports'
    imports = [importtime(sys.executable, m, options.runs, hidden_cache)
               for m in PLUGIN_MODULES]
    if options.octavia_python:
        imports.append(importtime(options.octavia_python, OCTAVIA_MODULE,
                                  options.runs, hidden_cache / 'octavia'))

    data = {'timings': timings, 'imports': imports,
            'plugins_installed': _plugin_entry_points(),
            'prelude': OSC_PRELUDE}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(timings, imports))


def summarise(timings: dict[str, dict[str, Any]],
              imports: Sequence[dict[str, Any]]) -> list[common.Block]:
    rows = []
    for command, variants in timings.items():
        base = variants['without omsclient']
        for variant, stats in variants.items():
            rows.append([
                'openstack ' + ' '.join(COMMANDS[command]), variant,
                stats['median_cpu_s'],
                round((stats['median_cpu_s'] - base['median_cpu_s'])
                      * 1000),
                common.ratio(stats['median_cpu_s'], base['median_cpu_s']),
                stats['median_s'], stats['returncode']])
    return [
        'Medians of %d interleaved runs each; CPU is user + system time '
        'of the command, wall the elapsed time.' % next(
            iter(next(iter(timings.values())).values()))['runs'],
        common.Table(['command', 'variant', 'CPU s',
                      'CPU ms vs without omsclient', 'CPU ratio', 'wall s',
                      'exit'], rows),
        common.Table(['plugin module', 'modules imported', 'median ms'],
                     [[i['module'], i.get('modules_imported'),
                       i.get('median_ms', i.get('error'))]
                      for i in imports]),
    ]
