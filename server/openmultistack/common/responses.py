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

"""JSON answers, whole or streamed.

Encoded with orjson, several times faster than the standard library on
the answers of this API (see the benchmarks page), into the same bytes
as ``json.dumps`` with compact separators: an answer holding characters
beyond ASCII or DEL, which orjson writes as they are, is encoded again
with ``\\u`` escapes as before.
"""

import itertools
import json
import typing

import flask
import orjson

from openmultistack.common import flaskapp


def dumps(value) -> bytes:
    """``value`` as compact, ASCII-only JSON."""
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:
        # Beyond orjson: integers over 64 bits, lone surrogates.
        data = b''
    # json.dumps escapes DEL too.
    if data and data.isascii() and b'\x7f' not in data:
        return data
    return json.dumps(value, separators=(',', ':')).encode('ascii')


def json_body(body) -> bytes:
    """``body`` as Flask's ``jsonify`` writes it, newline included."""
    return dumps(body) + b'\n'


def json_response(body, status: int = 200,
                  headers: typing.Optional[dict] = None) -> flask.Response:
    """``body`` as Flask's ``jsonify`` answers it."""
    return flask.Response(json_body(body), status, headers,
                          mimetype=flaskapp.JSON)


def _encode_list(batches: typing.Iterable[list]) -> typing.Iterator[bytes]:
    yield b'['
    separator = b''
    for batch in batches:
        if batch:
            yield separator + dumps(batch)[1:-1]
            separator = b','
    yield b']'


def list_body(batches: typing.Iterator[list]
              ) -> typing.Tuple[typing.List[typing.Tuple[str, str]],
                                typing.Iterable[bytes]]:
    """The extra headers and the body of a JSON list, batch by batch.

    The first batch is read before the answer starts, so that an error
    there is still reported with a proper status code; a list that fits
    in it is answered whole, with its length, and a longer one streamed.
    """
    first = next(batches, [])
    second = next(batches, None)
    if second is None:
        body = b''.join(_encode_list([first]))
        return [('Content-Length', str(len(body)))], [body]
    return [], _encode_list(itertools.chain([first, second], batches))


def stream_list(batches: typing.Iterator[list]) -> flask.Response:
    """Answer a JSON list written out batch by batch (see list_body)."""
    headers, body = list_body(batches)
    response = flask.Response(body, mimetype=flaskapp.JSON)
    response.headers.extend(headers)
    return response
