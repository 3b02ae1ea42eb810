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

"""How long to wait between two looks at something that takes a while.

A server is looked at soon after it was asked for (a fast provider has it
``ACTIVE`` within seconds), then less and less often, up to a longest
pause (a slow one takes minutes, and each look is a request to it).
Every pause is shortened by a random fraction of up to ``jitter``: the
entries booted together do not keep looking in step.
"""

import random
import typing

#: Each pause is this many times the one before, up to the longest.
FACTOR = 1.5
#: Each pause is shortened by a random fraction of up to this.
JITTER = 0.2


def delays(first: float, longest: float, factor: float = FACTOR,
           jitter: float = JITTER,
           rand: typing.Callable[[], float] = random.random
           ) -> typing.Iterator[float]:
    """The pauses, in seconds, before each next look; endless.

    :param first: the first pause (no longer than ``longest``).
    :param longest: the pause that the growth stops at.
    :param rand: a source of numbers in [0, 1), for the jitter.
    """
    delay = min(first, longest)
    while True:
        yield delay * (1.0 - jitter * rand())
        delay = min(delay * factor, longest)
