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

"""The debug log of requests and answers, without their secrets.

keystoneauth's own request/response logging is turned off for every call
(``log=False``): it would log request bodies with passwords, answers with
private keys, and read a streamed body whole to log it. One line is logged
instead per request and per answer (status, URL, request id), with the
credentials in headers replaced by their hash and the user information of
URLs masked; request bodies are logged with their secrets masked. Answers
are never logged whole: they are read, within bounds, by
:mod:`omsclient.common.streaming`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from oslo_utils import strutils
import requests

from omsclient.common import exceptions
from omsclient.common import secret_fields

LOG = logging.getLogger('omsclient.common.http')

REQUEST_ID_HEADERS = ('x-openstack-request-id', 'x-request-id',
                      'x-compute-request-id')
#: Headers that carry credentials: hashed in the log, and never sent to
#: another origin by a redirect.
SENSITIVE_HEADERS = frozenset(['x-auth-token', 'x-subject-token',
                               'x-service-token', 'authorization',
                               'proxy-authorization', 'cookie'])


class RetryNotices(logging.LoggerAdapter):
    """A logger whose warnings are logged at INFO (``openstack -v``).

    A short back-off retry that then succeeds is no news for a command's
    user, and one that fails ends in the error itself.
    """

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.info(msg, *args, **kwargs)


RETRY_LOG = RetryNotices(logging.getLogger(LOG.name + '.retry'), {})


def mask_secrets(value: Any) -> Any:
    """Return a copy of a JSON value with its secrets replaced by ``***``.

    The fields are those of :mod:`omsclient.common.secret_fields`, the
    rule every output of omsclient follows; oslo.utils masks, in addition,
    ``password=...`` and the like inside text values.
    """
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    if not isinstance(value, dict):
        return value
    return strutils.mask_dict_password({
        k: '***' if secret_fields.is_secret(k) and v is not None
        else mask_secrets(v) for k, v in value.items()})


def request_id_of(response: requests.Response) -> str | None:
    """Return the request id an answer carries, if any."""
    for header in REQUEST_ID_HEADERS:
        value = response.headers.get(header)
        if value:
            return value
    return None


def _safe_header(name: str, value: str) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        digest = hashlib.sha256(value.encode('utf-8')).hexdigest()
        return '{SHA256}' + digest
    return value


def log_exchange(response: requests.Response, body: Any) -> None:
    """Log a request (``body``: its JSON body) and the answer it got."""
    if not LOG.isEnabledFor(logging.DEBUG):
        return
    request = response.request
    headers = ' '.join('-H "%s: %s"' % (k, _safe_header(k, str(v)))
                       for k, v in sorted(request.headers.items()))
    body_text = (' -d \'%s\'' % json.dumps(mask_secrets(body))
                 if body is not None else '')
    LOG.debug('REQ: %s %s %s%s', request.method,
              exceptions.mask_url(request.url or ''), headers, body_text)
    LOG.debug('RESP: [%s] %s %s (request id %s)', response.status_code,
              request.method, exceptions.mask_url(response.url),
              request_id_of(response) or '-')


def log_body(value: Any) -> None:
    """Log a parsed answer that is not a streamed list, secrets masked."""
    if LOG.isEnabledFor(logging.DEBUG):
        LOG.debug('RESP BODY: %s', json.dumps(mask_secrets(value)))
