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


"""Tests of the benchmark harness itself (not of what it measures).

Run with ``stestr --test-path ./omsclient/tests/bench run``.
"""

import importlib.metadata
import io
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import types

import fixtures
import requests
import testtools

from omsclient.tests.bench import __main__ as bench_main
from omsclient.tests.bench import common
from omsclient.tests.bench import osc_entry
from omsclient.tests.bench import startup
from omsclient.tests.bench import stream_server
from omsclient.tests.bench import throughput


class TestStatistics(testtools.TestCase):

    def test_percentile_nearest_rank(self):
        values = [5, 1, 4, 2, 3]
        self.assertEqual(3, common.percentile(values, 0.5))
        self.assertEqual(5, common.percentile(values, 0.99))
        self.assertEqual(1, common.percentile(values, 0.01))

    def test_percentile_rejects_bad_input(self):
        self.assertRaises(ValueError, common.percentile, [], 0.5)
        self.assertRaises(ValueError, common.percentile, [1], 0)

    def test_ratio(self):
        self.assertEqual(2.5, common.ratio(5, 2))
        self.assertIsNone(common.ratio(5, 0))

    def test_render_markdown(self):
        lines = common.render_markdown(
            ['Text.', common.Table(['a', 'b'], [[1, None]])])
        self.assertEqual(['Text.', '', '| a | b |', '| --- | --- |',
                          '| 1 |  |'], lines)

    def test_render_rst_is_valid_restructuredtext(self):
        from docutils import core
        lines = common.render_rst(
            ['Text.', common.Table(['a', 'b'], [[1, None], ['x|y', 2]])])
        html = core.publish_string(
            '\n'.join(lines), writer_name='html',
            settings_overrides={'report_level': 2, 'halt_level': 2})
        self.assertIn(b'<table', html)
        self.assertIn(b'x|y', html)


class TestImportTime(testtools.TestCase):

    def test_counts_only_after_the_marker(self):
        stderr = '\n'.join([
            'import time: self [us] | cumulative | imported package',
            'import time:       100 |        100 | before',
            startup.MARK,
            'import time:        20 |         20 |   omsclient',
            'import time:         7 |         27 | omsclient.osc.plugin',
            'noise',
        ])
        self.assertEqual({'modules': 2, 'self_us': 27},
                         startup.parse_importtime(stderr))

    def test_real_import_of_a_plugin_module(self):
        cache = pathlib.Path(self.useFixture(fixtures.TempDir()).path)
        result = startup.importtime(sys.executable, 'omsclient.osc.plugin',
                                    runs=1, cache=cache)
        self.assertEqual('omsclient.osc.plugin', result['module'])
        self.assertNotIn('error', result)
        # The package, its osc subpackage and the plugin module.
        self.assertGreaterEqual(result['modules_imported'], 1)


class TestHideEntryPoints(testtools.TestCase):

    def setUp(self):
        super().setUp()
        original = importlib.metadata.entry_points
        self.addCleanup(setattr, importlib.metadata, 'entry_points',
                        original)

    def _plugins(self):
        return {ep.value for ep in importlib.metadata.entry_points(
            group='openstack.cli.extension')}

    def test_hides_by_value_prefix(self):
        self.assertIn('omsclient.osc.plugin', self._plugins())
        osc_entry.hide(('omsclient.',))
        plugins = self._plugins()
        self.assertNotIn('omsclient.osc.plugin', plugins)
        self.assertNotIn('omsclient.osc.metering_plugin', plugins)

    def test_hides_in_the_unfiltered_form(self):
        osc_entry.hide(('omsclient.',))
        every = importlib.metadata.entry_points()
        if isinstance(every, dict):
            values = [ep.value for group in dict.values(every)
                      for ep in group]
        else:
            values = [ep.value for ep in every]
        self.assertTrue(values)
        self.assertFalse([v for v in values if v.startswith('omsclient.')])

    def test_openstack_without_the_plugin(self):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, OMS_BENCH_HIDE='omsclient.',
                       XDG_CACHE_HOME=cache)
            proc = subprocess.run(
                [sys.executable, osc_entry.__file__, 'help', 'multistack',
                 'queue', 'list'], env=env, capture_output=True,
                text=True, check=False)
        self.assertNotEqual(0, proc.returncode)
        self.assertIn('Unknown command', proc.stderr)


class TestListServer(testtools.TestCase):

    def test_body_is_the_whole_json_list(self):
        body = b''.join(stream_server.body_chunks(1000, chunk_bytes=512))
        entries = json.loads(body)
        self.assertEqual(list(range(1, 1001)), [e['id'] for e in entries])
        # The shape of the API contract's <queue>.
        self.assertEqual(1000, entries[-1]['instance']['id'])
        self.assertEqual({'id', 'status', 'regist_datetime', 'instance'},
                         set(entries[0]))
        self.assertEqual('tyo1',
                         entries[0]['instance']['account']['region_name'])
        self.assertIn('key_raw', entries[0]['instance'])

    def test_empty_list(self):
        self.assertEqual([], json.loads(b''.join(
            stream_server.body_chunks(0))))

    def test_serves_chunked_on_loopback(self):
        with stream_server.ListServer(50) as server:
            self.assertTrue(server.endpoint.startswith(
                'http://127.0.0.1:'))
            answer = requests.get(server.endpoint + '/api/queues/',
                                  timeout=10)
            missing = requests.get(server.endpoint + '/api/', timeout=10)
        self.assertEqual('chunked', answer.headers['Transfer-Encoding'])
        self.assertEqual(50, len(answer.json()))
        self.assertEqual(404, missing.status_code)
        self.assertEqual({'detail': 'Not found.'}, missing.json())

    def test_streaming_reader_counts_every_entry(self):
        from omsclient.tests.bench import streaming
        with stream_server.ListServer(300) as server:
            for mode in streaming.MODES:
                result = streaming.measure(mode, server.endpoint)
                self.assertEqual(300, result['count'], mode)


class TestCliPart(testtools.TestCase):

    def test_management_stand_in_lists_queues(self):
        from omsclient.tests.bench import cli
        server = cli._Management(3)
        server.thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        base = 'http://127.0.0.1:%d/api/' % server.server_port
        queues = requests.get(base + 'queues', timeout=10).json()
        self.assertEqual(['notifications.info.%05d' % n for n in range(3)],
                         [q['name'] for q in queues])
        self.assertEqual(404, requests.get(base + 'users',
                                           timeout=10).status_code)


class TestThroughputCheck(testtools.TestCase):
    """What the throughput part counts as lost or booted twice."""

    @staticmethod
    def entry(queue_id, status='RUN', server=None):
        instance = {'instance_id': server} if server else None
        return types.SimpleNamespace(id=queue_id, status=status,
                                     instance=instance)

    @staticmethod
    def server(server_id, queue_id):
        return {'id': server_id,
                'metadata': {throughput.QUEUE_ID_METADATA_KEY:
                             str(queue_id)}}

    def test_every_entry_once(self):
        result = throughput.check(
            [1, 2], [self.entry(1, server='s1'), self.entry(2, server='s2')],
            [self.server('s1', 1), self.server('s2', 2)])
        self.assertEqual({'lost': [], 'booted_twice': [], 'servers': 2},
                         result)

    def test_not_run_or_missing_is_lost(self):
        result = throughput.check(
            [1, 2, 3], [self.entry(1, server='s1'),
                        self.entry(2, 'FAILED')], [self.server('s1', 1)])
        self.assertEqual([2, 3], result['lost'])
        self.assertEqual([], result['booted_twice'])

    def test_two_servers_for_one_entry(self):
        result = throughput.check(
            [1], [self.entry(1, server='s1')],
            [self.server('s1', 1), self.server('s9', 1)])
        self.assertEqual([1], result['booted_twice'])
        self.assertEqual(2, result['servers'])

    def test_one_server_for_two_entries(self):
        result = throughput.check(
            [1, 2], [self.entry(1, server='s1'), self.entry(2, server='s1')],
            [self.server('s1', 1)])
        self.assertEqual([1, 2], result['booted_twice'])

    def test_server_of_an_entry_still_booting_is_not_a_second_boot(self):
        result = throughput.check(
            [1], [self.entry(1, 'BOOT', server='s1')],
            [self.server('s1', 1), self.server('s0', 1)])
        self.assertEqual({'lost': [1], 'booted_twice': [], 'servers': 2},
                         result)

    def test_server_the_entry_does_not_name(self):
        result = throughput.check(
            [1], [self.entry(1, server='s1')], [self.server('s2', 1)])
        self.assertEqual([1], result['booted_twice'])


class TestTargets(testtools.TestCase):

    def test_every_target_of_the_parts_that_ran(self):
        def timing(seconds):
            return {'median_s': seconds}
        results = [
            common.PartResult(name='streaming', ran=True, data={'rows': [
                {'entries': 10, 'mode': 'omsclient stream', 'seconds': 9,
                 'cpu_seconds': 1, 'added_rss_mib': 0.5},
                {'entries': 100, 'mode': 'omsclient stream', 'seconds': 3,
                 'cpu_seconds': 1, 'added_rss_mib': 1.5},
                {'entries': 100, 'mode': 'requests .json()', 'seconds': 4,
                 'cpu_seconds': 2, 'added_rss_mib': 100}]}),
            common.PartResult(name='cli', ran=True, data={'timings': {
                'openstack --version': timing(0.5),
                'metric rabbit list queues -f value': timing(0.6),
                'curl': timing(0.05)}}),
            common.PartResult.skipped('service', 'no wrk')]
        every = bench_main.targets(results)
        self.assertTrue(every.ran)
        self.assertEqual(
            [[0.75, '<= 0.8'], [1.5, '<= 30'], [2.0, '<= 1.2']],
            [row[1:] for row in every.data['rows']])
        self.assertIn('(CPU time: 0.5)', every.data['rows'][0][0])

    def test_nothing_ran(self):
        self.assertFalse(bench_main.targets(
            [common.PartResult.skipped('cli', 'no curl')]).ran)


class TestArguments(testtools.TestCase):

    def test_defaults(self):
        args = bench_main.parse_args([])
        self.assertEqual([], args.parts)
        self.assertEqual([10 ** 4, 10 ** 5, 10 ** 6], args.sizes)

    def _error(self, argv):
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        self.assertRaises(SystemExit, bench_main.parse_args, argv)
        return stderr.getvalue().splitlines()[-1]

    def test_unknown_part(self):
        self.assertIn('unknown part(s) nope', self._error(['nope']))

    def test_counts_must_be_positive(self):
        self.assertIn("argument --runs: '0' is not a positive integer",
                      self._error(['--runs', '0']))
        self.assertIn("argument --entries: 'x' is not a positive integer",
                      self._error(['--entries', 'x']))

    def test_bad_sizes(self):
        self.assertIn('--sizes must be comma-separated integers',
                      self._error(['--sizes', '10,x']))

    def test_results_are_written(self):
        with tempfile.TemporaryDirectory() as directory:
            out = pathlib.Path(directory)
            common.write_results(out, [
                common.PartResult(name='demo', ran=True, data={'x': 1},
                                  summary=[common.Table(['a'], [[1]])]),
                common.PartResult.skipped('later', 'no code yet')])
            demo = json.loads((out / 'demo.json').read_text())
            summary = (out / 'summary.md').read_text()
            rst = (out / 'summary.rst').read_text()
        self.assertEqual({'x': 1}, demo['data'])
        self.assertEqual(os.cpu_count(), demo['machine']['cpus'])
        self.assertIn('## demo', summary)
        self.assertIn('Not run: no code yet.', summary)
        self.assertIn('.. list-table::', rst)
        self.assertEqual(['| a |', '| --- |', '| 1 |'], demo['summary'])
