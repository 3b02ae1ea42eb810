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

from typing import Any

from ceilometerclient import client as ceilo_client
from keystoneauth1 import session as ksa_session

DEFAULT_DOMAIN = 'Default'

#: Arguments that only describe how to authenticate; they are not passed
#: on to the HTTP clients.
LEGACY_ARGS = frozenset(ceilo_client.LEGACY_OPTS) | frozenset([
    'ceilometer_url', 'endpoint_type', 'cert_file', 'key_file', 'timings',
    'aodh_endpoint', 'panko_endpoint', 'auth_token'])


def drop_legacy_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return ``kwargs`` without the authentication arguments."""
    return {name: value for name, value in kwargs.items()
            if name not in LEGACY_ARGS and not name.startswith('os_')}


def _auth_plugin(args: dict[str, Any]) -> Any:
    token = args.get('token')
    if callable(token):
        token = token()
    auth_url = args.get('auth_url')
    # As python-ceilometerclient did, names without a domain are looked
    # up in the Default domain of Keystone v3.
    project = dict(
        project_id=args.get('project_id') or args.get('tenant_id'),
        project_name=args.get('project_name') or args.get('tenant_name'),
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


def legacy_session(**kwargs: Any) -> ksa_session.Session:
    """Build a session from python-ceilometerclient's keyword arguments.

    Understands ``os_username``/``username``, ``os_password``,
    ``os_tenant_name``/``os_project_name``, ``os_auth_url``, the domain
    arguments, ``os_token``/``token`` (a string or a callable),
    ``os_insecure``, ``os_cacert``, ``os_cert``, ``os_key`` and
    ``timeout``. With neither credentials nor a token the session sends
    anonymous requests.
    """
    args = ceilo_client._adjust_kwargs(kwargs)
    # python-ceilometerclient documents these but never maps them.
    for name in ('project_name', 'project_id', 'user_id'):
        args[name] = args.get(name) or kwargs.get('os_' + name)
    return ksa_session.Session(auth=_auth_plugin(args),
                               verify=args['verify'], cert=args['cert'],
                               timeout=args['timeout'])
