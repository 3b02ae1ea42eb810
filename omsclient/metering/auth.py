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

"""A keystoneauth session from python-ceilometerclient's old arguments.

``ceilometerclient.client.get_client('2', os_username=..., os_password=...,
os_tenant_name=..., os_auth_url=...)`` and the dashboard's
``Client('2', endpoint, token=lambda: ...)`` predate keystoneauth sessions.
The same arguments build a session here, without any request: the token is
fetched on the first request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keystoneauth1 import plugin
from keystoneauth1 import session as ksa_session
from oslo_utils import strutils

from omsclient.common import http_policy

DEFAULT_DOMAIN = 'Default'

#: The names python-ceilometerclient accepts for each authentication
#: argument, preferred first: the deprecated ``os_*`` spellings, the names
#: of its ``AuthPlugin`` options and the dashboard's ``ca_file``.
ALIASES: Mapping[str, tuple[str, ...]] = {
    'username': ('username', 'os_username'),
    'password': ('password', 'os_password'),
    'user_id': ('user_id', 'os_user_id'),
    'user_domain_id': ('user_domain_id', 'os_user_domain_id'),
    'user_domain_name': ('user_domain_name', 'os_user_domain_name'),
    'project_id': ('project_id', 'os_project_id', 'tenant_id',
                   'os_tenant_id'),
    'project_name': ('project_name', 'os_project_name', 'tenant_name',
                     'os_tenant_name'),
    'project_domain_id': ('project_domain_id', 'os_project_domain_id'),
    'project_domain_name': ('project_domain_name',
                            'os_project_domain_name'),
    'auth_url': ('auth_url', 'os_auth_url'),
    'token': ('token', 'os_token', 'auth_token', 'os_auth_token'),
    'insecure': ('insecure', 'os_insecure'),
    'cacert': ('cacert', 'os_cacert', 'ca_file'),
    'cert': ('cert', 'cert_file', 'os_cert'),
    'key': ('key', 'key_file', 'os_key'),
}

#: Arguments that only describe how to authenticate; they are not passed
#: on to the HTTP clients.
LEGACY_ARGS = frozenset(
    name for names in ALIASES.values() for name in names) | frozenset([
        'auth_plugin', 'auth_system', 'verify', 'timeout', 'ceilometer_url',
        'endpoint_type', 'timings'])


def drop_legacy_args(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``kwargs`` without the authentication arguments."""
    return {name: value for name, value in kwargs.items()
            if name not in LEGACY_ARGS and not name.startswith('os_')}


def normalise(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Return the authentication arguments under their preferred names.

    ``{'os_username': 'u', 'os_tenant_name': 'p'}`` becomes ``{'username':
    'u', 'project_name': 'p'}``; unset arguments are left out.
    """
    found = {}
    for name, aliases in ALIASES.items():
        value = next((kwargs[alias] for alias in aliases
                      if kwargs.get(alias)), None)
        if value is not None:
            found[name] = value
    return found


def _auth_plugin(args: Mapping[str, Any]) -> plugin.BaseAuthPlugin | None:
    token = args.get('token')
    if callable(token):
        token = token()
    auth_url = args.get('auth_url')
    # As python-ceilometerclient did, names without a domain are looked
    # up in the Default domain of Keystone v3.
    project: dict[str, Any] = dict(
        project_id=args.get('project_id'),
        project_name=args.get('project_name'),
        project_domain_id=args.get('project_domain_id'),
        project_domain_name=args.get('project_domain_name'),
        default_domain_name=DEFAULT_DOMAIN)
    if auth_url and (args.get('username') or args.get('user_id')):
        from keystoneauth1.identity import generic
        return generic.Password(
            auth_url, username=args.get('username'),
            user_id=args.get('user_id'), password=args.get('password'),
            user_domain_id=args.get('user_domain_id'),
            user_domain_name=args.get('user_domain_name'), **project)
    if auth_url and token:
        from keystoneauth1.identity import generic
        return generic.Token(auth_url, token=token, **project)
    if token:
        from keystoneauth1 import token_endpoint
        return token_endpoint.Token(None, token)
    return None


def _timeout(value: Any) -> float | None:
    """The read timeout of a session, checked as every timeout is."""
    if value is None:
        return None
    return http_policy.as_timeout(value)[1]


def legacy_session(**kwargs: Any) -> ksa_session.Session:
    """Build a session from python-ceilometerclient's keyword arguments.

    Understands the names of :data:`ALIASES` (``os_username``,
    ``os_password``, ``os_tenant_name``/``os_project_name``,
    ``os_auth_url``, the domain arguments, ``os_token``/``token`` as a
    string or a callable, ``os_insecure``, ``os_cacert``, ``os_cert``,
    ``os_key``...), ``verify`` and ``timeout``. With neither credentials
    nor a token the session sends anonymous requests.
    """
    args = normalise(kwargs)
    verify = kwargs.get('verify')
    if verify is None:
        insecure = strutils.bool_from_string(args.get('insecure'))
        verify = False if insecure else args.get('cacert', True)
    cert = args.get('cert')
    if cert and args.get('key'):
        cert = (cert, args['key'])
    return ksa_session.Session(auth=_auth_plugin(args), verify=verify,
                               cert=cert,
                               timeout=_timeout(kwargs.get('timeout')))
