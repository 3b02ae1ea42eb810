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

"""JSON answers, whole or streamed."""

import itertools
import json
import typing

import flask

from openmultistack.common import flaskapp


def json_response(body, status: int = 200,
                  headers: typing.Optional[dict] = None) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def _encode_list(batches: typing.Iterable[list]) -> typing.Iterator[bytes]:
    yield b'['
    separator = b''
    for batch in batches:
        if batch:
            yield separator + ','.join(
                json.dumps(item, separators=(',', ':'))
                for item in batch).encode('utf-8')
            separator = b','
    yield b']'


def stream_list(batches: typing.Iterator[list]) -> flask.Response:
    """Answer a JSON list written out batch by batch.

    The first batch is read before the answer starts, so that an error
    there is still reported with a proper status code.
    """
    first = next(batches, [])
    body = _encode_list(itertools.chain([first], batches))
    return flask.Response(body, mimetype=flaskapp.JSON)
