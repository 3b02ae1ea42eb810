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

"""Control the functional test stack.

  stackctl.py start            start everything, write .stack/run/stack.json
  stackctl.py stop             stop everything this stack started, by pid
  stackctl.py status           list the services and their pids
  stackctl.py env              shell exports pointing at the running stack
  stackctl.py kill NAME [-s S] send a signal (default KILL) to a service
  stackctl.py stop NAME...     stop some services
  stackctl.py restart NAME...  start services again as they were started

Exit status: 0 on success, 1 on failure, 3 when ``start`` finds a stack
already running from the same directory (left alone).

Run it with the Python of the environment the reference service is
installed in (the tox env). OMS_STACK_DIR moves the state (default .stack).
"""

import argparse
import pathlib
import shlex
import signal
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from omsstack import coordinates  # noqa: E402
from omsstack import layout as layout_mod  # noqa: E402
from omsstack import process  # noqa: E402
from omsstack import stack  # noqa: E402


ALREADY_RUNNING = 3


def _signal(value: str) -> int:
    name = value.upper()
    if not name.startswith('SIG'):
        name = 'SIG' + name
    try:
        return int(getattr(signal, name))
    except AttributeError:
        raise argparse.ArgumentTypeError('unknown signal %r' % value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    commands.add_parser('start', help='start the stack')
    stop = commands.add_parser('stop', help='stop the stack or services')
    stop.add_argument('names', nargs='*')
    commands.add_parser('status', help='services and pids')
    commands.add_parser('env', help='shell exports for the stack')
    kill = commands.add_parser('kill', help='signal one service')
    kill.add_argument('name')
    kill.add_argument('-s', '--signal', type=_signal, default='KILL')
    restart = commands.add_parser('restart', help='start services again')
    restart.add_argument('names', nargs='+')
    args = parser.parse_args(argv)

    layout = layout_mod.Layout.from_environ()
    try:
        if args.command == 'start':
            stack.start(layout)
        elif args.command == 'stop' and not args.names:
            stack.stop(layout)
        elif args.command == 'stop':
            for name in args.names:
                process.load_spec(layout, name)
                process.stop(layout, name)
        elif args.command == 'status':
            for name in process.known_services(layout):
                pid = process.pid_of(layout, name)
                print('%-14s %s' % (name, pid or 'stopped'))
        elif args.command == 'env':
            for key, value in coordinates.environ(layout).items():
                print('export %s=%s' % (key, shlex.quote(value)))
        elif args.command == 'kill':
            process.load_spec(layout, args.name)
            if process.signal_service(layout, args.name,
                                      args.signal) is None:
                raise process.StackError('%s is not running' % args.name)
        elif args.command == 'restart':
            process.restart(layout, *args.names)
    except process.AlreadyRunning as exc:
        print('stackctl: %s' % exc, file=sys.stderr)
        return ALREADY_RUNNING
    except process.StackError as exc:
        print('stackctl: %s' % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
