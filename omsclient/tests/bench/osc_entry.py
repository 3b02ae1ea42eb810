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

"""Run the openstack command with some plugins' entry points hidden.

The start-up benchmark runs this file as a script, not as a module, so
that the omsclient package itself is not imported when its plugins are
hidden. ``OMS_BENCH_HIDE`` is a comma-separated list of prefixes of entry
point values (``omsclient.,gnocchiclient.``): every entry point whose
target starts with one of them disappears for this process, exactly as if
its distribution were not installed. The filter is installed, empty or
not, in every run, so that every variant pays the same for it.
"""

import importlib.metadata
import os
import sys


def hide(prefixes):
    """Make entry points whose value starts with ``prefixes`` invisible."""
    original = importlib.metadata.entry_points

    def keep(ep):
        return not ep.value.startswith(prefixes)

    def entry_points(**params):
        found = original(**params)
        if not prefixes:
            return found
        if isinstance(found, dict):
            # SelectableGroups: what Python < 3.12 returns without params.
            every = [ep for group in dict.values(found) for ep in group]
            return type(found).load(filter(keep, every))
        return importlib.metadata.EntryPoints(filter(keep, found))

    importlib.metadata.entry_points = entry_points


def main():
    prefixes = os.environ.get('OMS_BENCH_HIDE', '')
    hide(tuple(p for p in prefixes.split(',') if p))
    from openstackclient import shell
    return shell.main(sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
