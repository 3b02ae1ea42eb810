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

"""Reading and validating request bodies, answered like DRF."""

import itertools
import json
import re
import typing

import flask
from werkzeug import exceptions as wz_exceptions

from openmultistack.common import exceptions
from openmultistack import conf

CONF = conf.CONF

_JSON_TYPES = ('application/json',)
# Arrays and objects nested in a request body; the bodies of this API are
# flat objects. Deeper bodies are refused before parsing, which would
# otherwise recurse once per level.
MAX_JSON_DEPTH = 32
# A string, or the unclosed rest of the text: every match succeeds, so
# the search stays linear in the size of the body.
_JSON_STRINGS = re.compile(r'"(?:[^"\\]+|\\.)*"?', re.DOTALL)
_NOT_BRACKETS = re.compile(r'[^\[\]{}]+')
_NESTING = {'[': 1, '{': 1, ']': -1, '}': -1}
_TYPE_NAMES = {list: 'list', str: 'str', int: 'int', float: 'float',
               bool: 'bool', dict: 'dict', type(None): 'NoneType'}


def _reject_constant(name):
    raise ValueError('invalid constant %s' % name)


def _read_body() -> bytes:
    """The whole request body, within the size limit."""
    request = flask.request
    limit = CONF.max_request_body_size
    try:
        # One byte more than allowed: a body without Content-Length
        # (chunked) is cut off here rather than read whole.
        data = request.stream.read(limit + 1)
    except TimeoutError:
        raise exceptions.APIError(
            408, 'Timed out while reading the request body.')
    except Exception:
        # The server's stream: connection lost, broken chunked encoding.
        # Servers raise their own exceptions for the latter (gunicorn's
        # InvalidChunkSize is neither an OSError nor a ValueError).
        raise exceptions.BadRequest('Malformed or incomplete request body.')
    if len(data) > limit:
        raise wz_exceptions.RequestEntityTooLarge()
    expected = request.content_length
    if expected is not None and len(data) < expected:
        raise exceptions.BadRequest(
            'Incomplete request body: %d of the %d bytes announced.'
            % (len(data), expected))
    return data


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH``.

    Brackets inside strings do not count; unbalanced ones are left to
    the parser to report.
    """
    if text.count('[') + text.count('{') <= MAX_JSON_DEPTH:
        return
    brackets = _NOT_BRACKETS.sub('', _JSON_STRINGS.sub('', text))
    if max(itertools.accumulate(map(_NESTING.__getitem__, brackets)),
           default=0) > MAX_JSON_DEPTH:
        raise exceptions.BadRequest(
            'JSON parse error - arrays and objects nested deeper than %d '
            'levels' % MAX_JSON_DEPTH)


def parse_json_object() -> dict:
    """The JSON object in the request body; ``{}`` when there is none."""
    request = flask.request
    data = _read_body()
    if not data:
        return {}
    mimetype = request.mimetype or ''
    if mimetype not in _JSON_TYPES and not mimetype.endswith('+json'):
        raise exceptions.APIError(
            415, 'Unsupported media type "%s" in request.'
            % (request.content_type or ''))
    try:
        text = data.decode(request.mimetype_params.get('charset', 'utf-8'))
        _check_depth(text)
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, LookupError) as error:
        raise exceptions.BadRequest('JSON parse error - %s' % error)
    if not isinstance(body, dict):
        raise exceptions.BadRequest(errors={'non_field_errors': [
            'Invalid data. Expected a dictionary, but got %s.'
            % _TYPE_NAMES.get(type(body), type(body).__name__)]})
    return body


_SURROGATES = re.compile('[\ud800-\udfff]')


def _storable(value: str) -> typing.Optional[str]:
    """Why ``value`` cannot be stored, as Django REST framework says it.

    JSON may escape what no database takes: NUL (refused by PostgreSQL)
    and lone UTF-16 surrogates (no UTF-8 encoding at all).
    """
    if '\x00' in value:
        return 'Null characters are not allowed.'
    surrogate = _SURROGATES.search(value)
    if surrogate:
        return 'Surrogate characters are not allowed: U+%X.' % ord(
            surrogate.group())
    return None


class Field:
    """A string field of a request body."""

    def __init__(self, required: bool = False, allow_null: bool = True,
                 max_length: int = 255,
                 choices: typing.Optional[typing.Sequence[str]] = None,
                 validator: typing.Optional[
                     typing.Callable[[str], typing.Optional[str]]] = None):
        self.required = required
        self.allow_null = allow_null
        self.max_length = max_length
        self.choices = choices
        self.validator = validator

    def clean(self, value) -> typing.Tuple[typing.Optional[str],
                                           typing.Optional[str]]:
        """``(value, None)`` or ``(None, error message)``."""
        if value is None:
            if self.allow_null:
                return None, None
            return None, 'This field may not be null.'
        if not isinstance(value, str):
            return None, 'Not a valid string.'
        message = _storable(value)
        if message:
            return None, message
        value = value.strip()
        if not value:
            return None, 'This field may not be blank.'
        if len(value) > self.max_length:
            return None, ('Ensure this field has no more than %d '
                          'characters.' % self.max_length)
        if self.choices is not None and value not in self.choices:
            return None, '"%s" is not a valid choice.' % value
        if self.validator is not None:
            message = self.validator(value)
            if message:
                return None, message
        return value, None


class IntegerField:
    """A JSON integer field of a request body, ``None`` allowed."""

    def __init__(self, min_value: int = 0, max_value: int = 2147483647):
        self.required = False
        self.min_value = min_value
        self.max_value = max_value

    def clean(self, value) -> typing.Tuple[typing.Optional[int],
                                           typing.Optional[str]]:
        if value is None:
            return None, None
        # bool is an int to Python, not to a client.
        if value.__class__ is not int:
            return None, 'A valid integer is required.'
        if value < self.min_value:
            return None, ('Ensure this value is greater than or equal to '
                          '%d.' % self.min_value)
        if value > self.max_value:
            return None, ('Ensure this value is less than or equal to %d.'
                          % self.max_value)
        return value, None


_PROPERTY_NAME = re.compile(r'[A-Za-z0-9_.:-]{1,255}\Z')
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f]')


class PropertiesField:
    """An object of string properties (``{"os_distro": "ubuntu"}``)."""

    def __init__(self, max_items: int = 20, max_length: int = 255):
        self.required = False
        self.max_items = max_items
        self.max_length = max_length

    def _error(self, key, value) -> typing.Optional[str]:
        if not isinstance(key, str) or not _PROPERTY_NAME.match(key):
            return ('Invalid property name "%s": 1 to 255 letters, digits, '
                    '"_", ".", ":" or "-".' % key)
        if not isinstance(value, str):
            return 'Property "%s": not a valid string.' % key
        if not 1 <= len(value) <= self.max_length:
            return ('Property "%s": the value must hold 1 to %d '
                    'characters.' % (key, self.max_length))
        if _CONTROL.search(value) or _storable(value):
            return ('Property "%s": control and surrogate characters are '
                    'not allowed.' % key)
        return None

    def clean(self, value) -> typing.Tuple[typing.Optional[dict],
                                           typing.Optional[str]]:
        if value is None:
            return None, None
        if not isinstance(value, dict):
            kind = _TYPE_NAMES.get(type(value), type(value).__name__)
            return None, ('Expected a dictionary of items but got type '
                          '"%s".' % kind)
        if len(value) > self.max_items:
            return None, ('Ensure this field has no more than %d '
                          'properties.' % self.max_items)
        for key, item in value.items():
            message = self._error(key, item)
            if message:
                return None, message
        return dict(value), None


def validate(body: dict, fields: typing.Dict[str, Field],
             partial: bool = False) -> dict:
    """The cleaned values of ``body``; 400 with every field error."""
    errors = {name: ['Unknown field.'] for name in body
              if name not in fields}
    clean = {}
    for name, field in fields.items():
        if name not in body:
            if field.required and not partial:
                errors[name] = ['This field is required.']
            continue
        value, message = field.clean(body[name])
        if message:
            errors[name] = [message]
        else:
            clean[name] = value
    if errors:
        raise exceptions.BadRequest(errors=errors)
    return clean
