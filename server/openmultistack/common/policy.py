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

"""Policy rules (oslo.policy) of the multistack and metering APIs.

They apply under ``auth_strategy = keystone``; under ``noauth`` every
request is allowed, as in the original service.
"""

import threading
import typing

from oslo_context import context as oslo_context
from oslo_policy import policy

from openmultistack.common import exceptions
from openmultistack import conf

CONF = conf.CONF

ADMIN = 'rule:context_is_admin'
ADMIN_OR_OWNER = 'rule:admin_or_owner'
OWNER = 'project_id:%(project_id)s'

QUEUES = '/api/queues/'
QUEUE = '/api/queues/{queue_id}/'
ACCOUNTS = '/api/accounts/'
ACCOUNT = '/api/accounts/{account_id}/'
INSTANCES = '/api/instances/'
INSTANCE = '/api/instances/{instance_id}/'


def _rule(name, check, description, path, methods):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'path': path, 'method': method}
                    for method in methods])


_base_rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Administrators.'),
    policy.RuleDefault('admin_or_owner',
                       'rule:context_is_admin or ' + OWNER,
                       description='Administrators, or members of the '
                                   'project that owns the resource.'),
]

_api_rules = [
    _rule('multistack:queue:list', ADMIN_OR_OWNER,
          'List queue entries of the own project.', QUEUES, ['GET']),
    _rule('multistack:queue:list:all_projects', ADMIN,
          'See the queue entries and instances of every project.',
          QUEUES, ['GET']),
    _rule('multistack:queue:create', ADMIN_OR_OWNER,
          'Ask for a new instance.', QUEUES, ['POST']),
    _rule('multistack:queue:get', ADMIN_OR_OWNER,
          'Show one queue entry.', QUEUE, ['GET']),
    _rule('multistack:queue:delete', ADMIN_OR_OWNER,
          'Destroy the instance of a queue entry and forget it.', QUEUE,
          ['DELETE']),
    _rule('multistack:account:list', ADMIN,
          'List provider accounts.', ACCOUNTS, ['GET']),
    _rule('multistack:account:create', ADMIN,
          'Register a provider account.', ACCOUNTS, ['POST']),
    _rule('multistack:account:get', ADMIN,
          'Show a provider account.', ACCOUNT, ['GET']),
    _rule('multistack:account:update', ADMIN,
          'Change a provider account.', ACCOUNT, ['PUT', 'PATCH']),
    _rule('multistack:account:delete', ADMIN,
          'Remove a provider account.', ACCOUNT, ['DELETE']),
    _rule('multistack:instance:list', ADMIN_OR_OWNER,
          'List instances of the own project.', INSTANCES, ['GET']),
    _rule('multistack:instance:get', ADMIN_OR_OWNER,
          'Show an instance.', INSTANCE, ['GET']),
    _rule('multistack:instance:private_key', OWNER,
          'Read the private key of an instance: members of the project '
          'that asked for it only.', INSTANCE + 'private_key/', ['GET']),
]

_metering_rules = [
    _rule('metering:rabbit:get', ADMIN,
          'Read RabbitMQ management data.', '/v2/rabbit/{item}', ['GET']),
    _rule('metering:rabbit:password_hash', ADMIN,
          'See the password hashes of the RabbitMQ users (without it '
          'they are left out of the answer).', '/v2/rabbit/users', ['GET']),
    _rule('metering:logs:get', ADMIN,
          'Read the system event log.', '/v2/logs', ['GET']),
]


def list_rules() -> typing.List[policy.RuleDefault]:
    return _base_rules + _api_rules + _metering_rules


_LOCK = threading.Lock()
_ENFORCER: typing.Optional[policy.Enforcer] = None


def get_enforcer() -> policy.Enforcer:
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = policy.Enforcer(CONF)
            enforcer.register_defaults(list_rules())
            _ENFORCER = enforcer
        return _ENFORCER


def reset() -> None:
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is not None:
            _ENFORCER.clear()
        _ENFORCER = None


def allowed(context: oslo_context.RequestContext, rule: str,
            target: typing.Optional[dict] = None) -> bool:
    if CONF.auth_strategy == conf.default.NOAUTH:
        return True
    if target is None:
        target = {'project_id': context.project_id}
    return get_enforcer().authorize(rule, target, context, do_raise=False)


def authorize(context: oslo_context.RequestContext, rule: str,
              target: typing.Optional[dict] = None) -> None:
    """Raise :class:`Forbidden` (403) unless ``rule`` allows the request."""
    if not allowed(context, rule, target):
        raise exceptions.Forbidden()
