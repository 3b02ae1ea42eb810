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

"""RabbitMQ's own management API, to compare the service's answers with."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request


class Management:
    def __init__(self, stack: dict):
        info = stack['rabbitmq']
        self.base = info['management_url'].rstrip('/') + '/api/'
        credentials = '%s:%s' % (info['username'], info['password'])
        self.authorization = 'Basic ' + base64.b64encode(
            credentials.encode()).decode()

    def _request(self, method, path, body=None):
        request = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={'Authorization': self.authorization,
                     'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=10) as response:
            data = response.read()
        return json.loads(data) if data else None

    def get(self, item: str):
        return self._request('GET', item)

    def answers(self) -> bool:
        try:
            return bool(self.get('overview').get('rabbitmq_version'))
        except (OSError, ValueError):
            return False

    def declare_queue(self, name: str) -> None:
        self._request('PUT', 'queues/%%2F/%s' % urllib.parse.quote(name),
                      {'durable': False, 'auto_delete': False})

    def delete_queue(self, name: str) -> None:
        try:
            self._request('DELETE',
                          'queues/%%2F/%s' % urllib.parse.quote(name))
        except urllib.error.URLError:
            pass

    def publish(self, queue: str, payload: str) -> None:
        result = self._request(
            'POST', 'exchanges/%2F/amq.default/publish',
            {'properties': {}, 'routing_key': queue, 'payload': payload,
             'payload_encoding': 'string'})
        if not result.get('routed'):
            raise AssertionError('message to %s was not routed' % queue)

    def queue(self, name: str) -> dict:
        return self.get('queues/%%2F/%s' % urllib.parse.quote(name))


def field(row: dict, name: str):
    """A value of a command's json row by its column name, any spelling.

    ``Messages``, ``messages`` and ``Messages Ready`` / ``messages_ready``
    all name the same column.
    """
    wanted = name.lower().replace(' ', '_')
    for key, value in row.items():
        if key.lower().replace(' ', '_') == wanted:
            return value
    raise KeyError('no column %r in %s' % (name, sorted(row)))
