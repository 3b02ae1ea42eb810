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

The defaults follow Keystone's personas, for project-scoped tokens
only: a project's *readers* see its queue entries and instances, its
*members* also create and delete entries and read the private keys of
its instances, *administrators* (``role:admin``) see every project and
manage the provider accounts. Keystone's role implication (``admin``
implies ``member`` implies ``reader``) gives members and administrators
what readers may do.

The rules of earlier releases (``role:admin``, or any role in the
project) are kept as deprecated rules: until ``[oslo_policy]
enforce_new_defaults`` is set, either the new or the old rule lets a
request through, and oslo.policy warns once about each rule that
changed (see :func:`set_defaults`).
"""

import threading
import typing

from oslo_context import context as oslo_context
from oslo_policy import opts as policy_opts
from oslo_policy import policy

from openmultistack.common import exceptions
from openmultistack import conf

CONF = conf.CONF

ADMIN = 'rule:context_is_admin'
PROJECT_READER = 'rule:project_reader_api'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
OWNER = 'project_id:%(project_id)s'
SCOPES = ['project']

# The default of earlier releases for a project's resources.
LEGACY_ADMIN_OR_OWNER = 'rule:admin_or_owner'
DEPRECATED_REASON = (
    'The default rules now tell the readers, members and administrators '
    'of a project apart (Keystone\'s reader, member and admin roles) and '
    'apply to project-scoped tokens only; before, any role in a project '
    'allowed writes in it.')
# The release series that introduced the personas.
DEPRECATED_SINCE = '2027.1'

QUEUES = '/api/queues/'
QUEUE = '/api/queues/{queue_id}/'
ACCOUNTS = '/api/accounts/'
ACCOUNT = '/api/accounts/{account_id}/'
PROVIDERS = '/api/providers/'
PROVIDER = '/api/providers/{provider}/'
INSTANCES = '/api/instances/'
INSTANCE = '/api/instances/{instance_id}/'


def _rule(name, check, description, path, methods, deprecated=None):
    """An API rule; ``deprecated`` is the check string it replaces."""
    deprecated_rule = None
    if deprecated is not None:
        deprecated_rule = policy.DeprecatedRule(
            name=name, check_str=deprecated,
            deprecated_reason=DEPRECATED_REASON,
            deprecated_since=DEPRECATED_SINCE)
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'path': path, 'method': method}
                    for method in methods],
        scope_types=SCOPES, deprecated_rule=deprecated_rule)


_base_rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Administrators.'),
    policy.RuleDefault('admin_or_owner',
                       'rule:context_is_admin or ' + OWNER,
                       description='Administrators, or any role in the '
                                   'project that owns the resource: the '
                                   'default of earlier releases, no longer '
                                   'used by the default rules.',
                       deprecated_for_removal=True,
                       deprecated_reason=DEPRECATED_REASON,
                       deprecated_since=DEPRECATED_SINCE),
    policy.RuleDefault('project_reader_api',
                       'role:reader and ' + OWNER,
                       description='Readers of the project that owns the '
                                   'resource.'),
    policy.RuleDefault('project_member_api',
                       'role:member and ' + OWNER,
                       description='Members of the project that owns the '
                                   'resource.'),
    policy.RuleDefault('project_reader_or_admin',
                       PROJECT_READER + ' or ' + ADMIN,
                       description='Readers of the project that owns the '
                                   'resource, or administrators.'),
    policy.RuleDefault('project_member_or_admin',
                       PROJECT_MEMBER + ' or ' + ADMIN,
                       description='Members of the project that owns the '
                                   'resource, or administrators.'),
]

_api_rules = [
    _rule('multistack:queue:list', PROJECT_READER_OR_ADMIN,
          'List queue entries of the own project.', QUEUES, ['GET'],
          deprecated=LEGACY_ADMIN_OR_OWNER),
    _rule('multistack:queue:list:all_projects', ADMIN,
          'See the queue entries and instances of every project.',
          QUEUES, ['GET']),
    _rule('multistack:queue:create', PROJECT_MEMBER_OR_ADMIN,
          'Ask for a new instance.', QUEUES, ['POST'],
          deprecated=LEGACY_ADMIN_OR_OWNER),
    _rule('multistack:queue:get', PROJECT_READER_OR_ADMIN,
          'Show one queue entry.', QUEUE, ['GET'],
          deprecated=LEGACY_ADMIN_OR_OWNER),
    _rule('multistack:queue:delete', PROJECT_MEMBER_OR_ADMIN,
          'Destroy the instance of a queue entry and forget it.', QUEUE,
          ['DELETE'], deprecated=LEGACY_ADMIN_OR_OWNER),
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
    _rule('multistack:provider:get_all', ADMIN,
          'List the providers: each account\'s reachability, quota and '
          'entries.', PROVIDERS, ['GET']),
    _rule('multistack:provider:get', ADMIN,
          'Show a provider: an account\'s reachability, quota and entries.',
          PROVIDER, ['GET']),
    _rule('multistack:instance:list', PROJECT_READER_OR_ADMIN,
          'List instances of the own project.', INSTANCES, ['GET'],
          deprecated=LEGACY_ADMIN_OR_OWNER),
    _rule('multistack:instance:get', PROJECT_READER_OR_ADMIN,
          'Show an instance.', INSTANCE, ['GET'],
          deprecated=LEGACY_ADMIN_OR_OWNER),
    _rule('multistack:instance:private_key', PROJECT_MEMBER,
          'Read the private key of an instance, which logs in to it: '
          'members of the project that asked for it only, neither its '
          'readers nor administrators of other projects.',
          INSTANCE + 'private_key/', ['GET'], deprecated=OWNER),
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


def set_defaults() -> None:
    """Defaults of ``[oslo_policy]`` for this service, set on import.

    Scopes are enforced: every rule is for project-scoped tokens, and a
    system- or domain-scoped token is refused (403). The deprecated
    rules of earlier releases stay honoured until an operator sets
    ``enforce_new_defaults = true`` (a later release will make it the
    default and drop them). Also the hook of oslo-config-generator
    (entry point ``oslo.config.opts.defaults``), so that the sample
    file shows these defaults.
    """
    # Older oslo.policy releases have an enforce_scope option; newer ones
    # always enforce scopes.
    policy_opts.set_defaults(CONF, enforce_scope=True,
                             enforce_new_defaults=False)


set_defaults()


def list_rules() -> typing.List[policy.RuleDefault]:
    return _base_rules + _api_rules + _metering_rules


_LOCK = threading.Lock()
_ENFORCER: typing.Optional[policy.Enforcer] = None


def get_enforcer() -> policy.Enforcer:
    # The lock only while there is none: every check of every request
    # comes here, from every request thread.
    enforcer = _ENFORCER
    if enforcer is not None:
        return enforcer
    return _create_enforcer()


def _create_enforcer() -> policy.Enforcer:
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
