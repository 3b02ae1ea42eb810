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

"""The floors of the service: every import points down, none in a circle.

From the top: ``cmd``; the APIs (``api``, ``metering``) and the
``worker``; ``common``; ``db`` and ``providers``; ``conf``. A module may
import from a package on a lower floor and from its own package, nothing
else (see ``doc/source/contributor/layering.rst``). The modules are read
with :mod:`ast`, not imported; the tests are exempt.
"""

import ast
import collections
import os
import pathlib
import textwrap

import fixtures
import testtools

import openmultistack

PACKAGE = 'openmultistack'
FLOORS = {
    'cmd': 4,
    'api': 3, 'metering': 3, 'worker': 3,
    'common': 2,
    'db': 1, 'providers': 1,
    'conf': 0,
}
EXEMPT = ('tests',)


def _imported(tree: ast.Module, module: str, is_package: bool):
    """``(line, name)`` of every import of the package, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = module.split('.')
                if not is_package:
                    parts = parts[:-1]
                parts = parts[:len(parts) - node.level + 1]
                base = '.'.join(parts + ([base] if base else []))
            for alias in node.names:
                yield node.lineno, '%s.%s' % (base, alias.name)


def _modules(root: pathlib.Path):
    """``(path, dotted name, package)`` of each module outside the tests."""
    for path in sorted(root.rglob('*.py')):
        parts = path.relative_to(root.parent).with_suffix('').parts
        if len(parts) > 1 and parts[1] in EXEMPT:
            continue
        is_package = parts[-1] == '__init__'
        if is_package:
            parts = parts[:-1]
        yield path, '.'.join(parts), is_package


def check(root: pathlib.Path) -> tuple[list[str], dict]:
    """What breaks the floors under ``root``, and the package graph."""
    problems = []
    graph = collections.defaultdict(set)
    for path, module, is_package in _modules(root):
        where = os.path.relpath(path, root.parent)
        parts = module.split('.')
        if len(parts) == 1:
            own = None
        elif is_package or len(parts) > 2:
            own = parts[1]
        else:
            own = None
            problems.append('%s: a module outside the packages of the '
                            'floors %s' % (where, sorted(FLOORS)))
        if own is not None and own not in FLOORS:
            problems.append('%s: package %s is on no floor' % (where, own))
            continue
        tree = ast.parse(path.read_text(), str(path))
        for line, name in _imported(tree, module, is_package):
            target = name.split('.')
            if target[0] != PACKAGE or len(target) < 2:
                continue
            package = target[1]
            if package == own:
                continue
            if own is not None:
                graph[own].add(package)
            if package not in FLOORS:
                problems.append('%s:%d imports %s, on no floor'
                                % (where, line, name))
            elif own is not None and FLOORS[package] >= FLOORS[own]:
                problems.append(
                    '%s:%d imports %s: %s (floor %d) may import from '
                    'lower floors only, not %s (floor %d)'
                    % (where, line, name, own, FLOORS[own], package,
                       FLOORS[package]))
    return problems, graph


def cycles(graph: dict) -> list[list[str]]:
    """Every circle of the package graph, each once, from its least name."""
    found = set()

    def walk(path):
        for following in sorted(graph.get(path[-1], ())):
            if following == path[0]:
                start = path.index(min(path))
                found.add(tuple(path[start:] + path[:start]))
            elif following not in path and following > path[0]:
                walk(path + [following])

    for package in sorted(graph):
        walk([package])
    return [list(cycle) + [cycle[0]] for cycle in sorted(found)]


class TestFloors(testtools.TestCase):

    def test_the_service_keeps_its_floors(self):
        root = pathlib.Path(openmultistack.__file__).parent
        problems, graph = check(root)
        self.assertEqual([], problems)
        self.assertEqual([], cycles(graph))
        # Every package of the service is on a floor.
        packages = {path.parent.name for path in root.glob('*/__init__.py')}
        self.assertEqual(set(), packages - set(FLOORS) - set(EXEMPT))


class TestTheCheck(testtools.TestCase):
    """The check itself, on a made-up service."""

    def make(self, modules: dict) -> pathlib.Path:
        root = pathlib.Path(self.useFixture(fixtures.TempDir()).path,
                            PACKAGE)
        for name, source in modules.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source))
        return root

    def test_an_upward_import_is_named(self):
        root = self.make({
            '__init__.py': '',
            'conf/__init__.py': 'from openmultistack.worker import opts\n',
            'worker/__init__.py': '',
            'worker/opts.py': 'import os\n',
            'tests/test_x.py': 'from openmultistack.cmd import all\n',
        })
        problems, _ = check(root)
        self.assertEqual(
            ['openmultistack/conf/__init__.py:1 imports '
             'openmultistack.worker.opts: conf (floor 0) may import from '
             'lower floors only, not worker (floor 3)'], problems)

    def test_sideways_relative_and_late_imports_count(self):
        root = self.make({
            'metering/__init__.py': '',
            'metering/app.py': '''\
                def policy():
                    from openmultistack.api import policy
                    return policy
            ''',
            'api/__init__.py': '',
            'api/queues.py': 'from ..cmd import manage\n',
            'events.py': 'from openmultistack.db import api\n',
            'db/bootstrap.py': 'from openmultistack import events\n',
        })
        problems, _ = check(root)
        self.assertEqual([
            'openmultistack/api/queues.py:1 imports '
            'openmultistack.cmd.manage: api (floor 3) may import from '
            'lower floors only, not cmd (floor 4)',
            'openmultistack/db/bootstrap.py:1 imports '
            'openmultistack.events, on no floor',
            'openmultistack/events.py: a module outside the packages of '
            'the floors %s' % sorted(FLOORS),
            'openmultistack/metering/app.py:2 imports '
            'openmultistack.api.policy: metering (floor 3) may import '
            'from lower floors only, not api (floor 3)'], problems)

    def test_a_circle_between_packages_is_named(self):
        graph = {'common': {'db'}, 'db': {'events', 'conf'},
                 'events': {'db'}, 'conf': {'worker'},
                 'worker': {'common'}}
        self.assertEqual([['common', 'db', 'conf', 'worker', 'common'],
                          ['db', 'events', 'db']], cycles(graph))
