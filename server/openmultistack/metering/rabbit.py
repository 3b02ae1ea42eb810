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

"""``/v2/rabbit/<item>``: the RabbitMQ management API passed through."""

import typing
import urllib.parse

import flask
from oslo_log import log as logging
import requests

from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import responses
from openmultistack import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)

OBJECT_ITEMS = ('overview',)
LIST_ITEMS = ('users', 'queues', 'exchanges', 'connections', 'channels',
              'nodes', 'vhosts', 'bindings', 'consumers', 'permissions')
ITEMS = OBJECT_ITEMS + LIST_ITEMS
CHUNK_SIZE = 64 * 1024
#: The fields of an item's records that only some callers may see.
SECRET_FIELDS = {'users': frozenset(['password_hash'])}


def _url(item: str) -> str:
    return urllib.parse.urljoin(
        CONF.rabbit_management.url.rstrip('/') + '/', item)


def _get(item: str) -> requests.Response:
    options = CONF.rabbit_management
    try:
        response = requests.get(
            _url(item), auth=(options.username, options.password),
            headers={'Accept': flaskapp.JSON}, timeout=options.timeout,
            verify=options.cafile or True, stream=True)
    except requests.RequestException as error:
        LOG.warning('RabbitMQ management API %s unreachable: %s',
                    options.url, error)
        raise exceptions.ServiceUnavailable(
            'The RabbitMQ management API at %s is unreachable.'
            % options.url)
    if response.status_code == 200:
        return response
    response.close()
    LOG.warning('RabbitMQ management API answered %s to GET %s',
                response.status_code, item)
    if response.status_code in (401, 403):
        raise exceptions.BadGateway(
            'The RabbitMQ management API refused the configured '
            'credentials.')
    raise exceptions.BadGateway(
        'The RabbitMQ management API answered HTTP %d.'
        % response.status_code)


def _first_chunk(chunks: typing.Iterator[bytes]) -> bytes:
    for chunk in chunks:
        if chunk.strip():
            return chunk
    return b''


def _broken_off() -> exceptions.BadGateway:
    return exceptions.BadGateway(
        'The RabbitMQ management API broke off its answer.')


def _not_json(item: str) -> exceptions.BadGateway:
    return exceptions.BadGateway(
        'The RabbitMQ management API answered something other than JSON '
        'for %s.' % item)


def _relay(response: requests.Response, item: str) -> flask.Response:
    """Pass the body on as it arrives, after checking how it starts."""
    chunks = response.iter_content(CHUNK_SIZE)
    try:
        first = _first_chunk(chunks)
    except requests.RequestException:
        response.close()
        raise _broken_off()
    expected = b'{' if item in OBJECT_ITEMS else b'['
    if not first.lstrip().startswith(expected):
        response.close()
        raise _not_json(item)

    def body():
        try:
            yield first
            yield from chunks
        except requests.RequestException as error:
            # Too late for a status code: the client sees a cut body.
            LOG.warning('RabbitMQ management API broke off %s: %s',
                        item, error)
        finally:
            response.close()
    return flask.Response(body(), mimetype=flaskapp.JSON)


def _without(response: requests.Response, item: str,
             hidden: typing.AbstractSet[str]) -> flask.Response:
    """Answer a list item's records without the fields ``hidden``.

    The answer is read whole: only ``users`` has such fields, and a broker
    has few users.
    """
    try:
        records = response.json()
    except ValueError:
        raise _not_json(item)
    except requests.RequestException:
        raise _broken_off()
    finally:
        response.close()
    if not isinstance(records, list):
        raise _not_json(item)
    return responses.json_response([
        {key: value for key, value in record.items() if key not in hidden}
        if isinstance(record, dict) else record for record in records])


def get_item(item: str, show_secrets: bool = False) -> flask.Response:
    """Answer the management API's ``item``.

    :param show_secrets: keep the :data:`SECRET_FIELDS` of the records.
    """
    if item not in ITEMS:
        raise exceptions.NotFound(
            'Unknown item "%s"; valid items: %s.' % (item, ', '.join(ITEMS)))
    hidden = frozenset() if show_secrets else SECRET_FIELDS.get(item)
    if hidden:
        return _without(_get(item), item, hidden)
    return _relay(_get(item), item)
