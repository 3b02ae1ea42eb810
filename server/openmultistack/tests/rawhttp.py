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

"""Answers read off a raw socket, for tests that write requests by hand.

Shared by the service's tests of its simple server and the functional
tests of the production serving (gunicorn behind the proxy).
"""

import http.client
import socket


class _SharedFile:
    """A socket for http.client whose answers share one buffered reader.

    http.client closes the file of an answer read to its end: this one
    stays open for the next.
    """

    def __init__(self, connection: socket.socket):
        self._file = connection.makefile('rb')

    def makefile(self, *args, **kwargs):
        return self

    def close(self):
        pass

    def __getattr__(self, name):
        return getattr(self._file, name)


def statuses(connection: socket.socket, count: int) -> list:
    """The status codes of the next ``count`` answers, in order."""
    shared = _SharedFile(connection)
    found = []
    for _ in range(count):
        response = http.client.HTTPResponse(shared)
        response.begin()
        response.read()
        found.append(response.status)
    return found
