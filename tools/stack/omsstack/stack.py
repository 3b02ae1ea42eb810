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

"""Bring the whole stack up in dependency order, and down again."""

import concurrent.futures
import secrets
import shutil
import time

from omsstack import coordinates
from omsstack import glance
from omsstack import horizon
from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import no_network
from omsstack import nova
from omsstack import oms
from omsstack import placement
from omsstack import postgres
from omsstack import process
from omsstack import proxy
from omsstack import rabbitmq
from omsstack import tls

# Stopped in this order: clients of a service before the service.
STOP_ORDER = (
    ('horizon', 'oms-noauth', 'oms-proxy', 'oms-worker', 'oms-api',
     'oms-metering') +
    tuple(nova.service(name, role) for name in nova.PROVIDERS
          for role in nova.ROLES) +
    ('placement', 'glance', no_network.NAME, 'keystone', 'rabbitmq', 'epmd',
     'postgres'))
# The users of the OpenStack services, all with the role ``service``.
SERVICE_USERS = (keystone.SERVICE_USER, nova.SERVICE_USER,
                 placement.SERVICE_USER, glance.SERVICE_USER)


def _say(message: str) -> None:
    print('stack: %s' % message, flush=True)


def _postgres(layout, password):
    postgres.prepare(layout)
    process.run(layout, postgres.spec(layout))
    postgres.create_database(layout, password)


def _rabbitmq(layout):
    rabbitmq.prepare(layout)
    process.run(layout, rabbitmq.epmd_spec(layout))
    process.run(layout, rabbitmq.spec(layout))
    for name in nova.PROVIDERS:
        rabbitmq.create_vhost(name)


def _keystone(layout, passwords):
    conf = keystone.prepare(layout, passwords['admin'])
    process.run(layout, keystone.spec(layout, conf))
    users = [('member', passwords['member'], keystone.MEMBER_PROJECT,
              'member')]
    users += [(user, passwords[user], keystone.SERVICE_PROJECT, 'service')
              for user in SERVICE_USERS if user != nova.SERVICE_USER]
    nova_users, nova_endpoints = nova.identities(passwords)
    users += nova_users
    endpoints = [
        ('multistack', layout_mod.url('oms-api'), keystone.REGION),
        ('metering', layout_mod.url('oms-metering'), keystone.REGION),
    ] + nova_endpoints
    # Placement and Glance serve both regions.
    for region in sorted(set(nova.PROVIDERS.values())):
        endpoints += [('placement', placement.endpoint(), region),
                      ('image', glance.endpoint(), region)]
    keystone.register(passwords['admin'], users, endpoints)


def _placement(layout, passwords, postgres_job):
    postgres_job.result()
    config_dir = placement.prepare(
        layout, passwords[placement.SERVICE_USER], passwords['database'])
    process.run(layout, placement.spec(layout, config_dir))


def _glance(layout, passwords, keystone_job):
    config_dir = glance.prepare(layout, passwords[glance.SERVICE_USER])
    process.run(layout, glance.spec(layout, config_dir))
    keystone_job.result()
    glance.upload_images(keystone.password_session(passwords['admin']))


def _nova(layout, name, passwords, postgres_job, after):
    """One provider: its databases, then its four processes.

    ``after``: the jobs whose services its processes need (RabbitMQ,
    Keystone's users, Placement).
    """
    postgres_job.result()
    conf = nova.prepare(layout, name, passwords[nova.SERVICE_USER],
                        passwords['database'])
    for job in after:
        job.result()
    specs = nova.specs(layout, name, conf)
    for spec in specs:
        process.start(layout, spec)
    for spec in specs:
        try:
            process.wait_ready(layout, spec)
        except process.ExitedWhileStarting as exc:
            # As a service manager would (systemd's Restart=on-failure),
            # once, and said: a second exit ends the start.
            _say('%s\nstarting %s once more' % (exc, spec.name))
            process.run(layout, spec)
    session = keystone.password_session(passwords['admin'])
    nova.wait_for_compute(layout, session, name)
    nova.create_flavors(session, name)


def _proxy(layout):
    process.run(layout, proxy.spec(layout, proxy.prepare(layout)))


def _horizon(layout):
    horizon.prepare(layout)
    process.run(layout, horizon.spec(layout))


def _register_accounts(layout: layout_mod.Layout,
                       passwords: dict[str, str]) -> None:
    session = keystone.password_session(passwords['admin'],
                                        verify=str(tls.ca_file(layout)))
    for name in nova.PROVIDERS:
        response = session.post(
            layout_mod.url('oms-api', '/api/accounts/'),
            json=nova.account(name, passwords[nova.ACCOUNT_USER]),
            raise_exc=False)
        if response.status_code != 201:
            raise process.StackError(
                'registering the %s account failed: HTTP %d %s'
                % (name, response.status_code, response.text[:500]))


def start(layout: layout_mod.Layout) -> dict:
    if any(process.pid_of(layout, name)
           for name in process.known_services(layout)):
        raise process.AlreadyRunning(
            'a stack is already running from %s: stop it first '
            '(tools/stack/stackctl.py stop)' % layout.root)
    if layout.run.exists():
        shutil.rmtree(layout.run)
    layout.run.mkdir(parents=True)
    layout.logs.mkdir(parents=True, exist_ok=True)
    for log in layout.logs.glob('*.log'):
        if not log.name.startswith('install-'):
            log.unlink()
    passwords = {name: secrets.token_urlsafe(16)
                 for name in ('admin', 'member', 'database',
                              nova.ACCOUNT_USER) + SERVICE_USERS}
    database_url = postgres.database_url(passwords['database'])
    tls.prepare(layout)
    noauth_conf = oms.write_noauth_conf(layout)
    oms_conf = oms.write_keystone_conf(
        layout, database_url, passwords[keystone.SERVICE_USER])
    # Written first, so that a stack that fails half-way can be examined.
    stack = coordinates.describe(layout, passwords, database_url,
                                 oms_conf, noauth_conf)
    coordinates.write(layout, stack)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        _say('starting PostgreSQL, RabbitMQ, Keystone, Placement, Glance, '
             'the Nova providers, Horizon and the no-auth service')
        jobs = {
            'postgres': pool.submit(_postgres, layout,
                                    passwords['database']),
            'rabbitmq': pool.submit(_rabbitmq, layout),
            'keystone': pool.submit(_keystone, layout, passwords),
            'oms-noauth': pool.submit(
                process.run, layout, oms.noauth_spec(layout, noauth_conf)),
            'horizon': pool.submit(_horizon, layout),
            proxy.NAME: pool.submit(_proxy, layout),
        }
        jobs[no_network.NAME] = pool.submit(
            process.run, layout, no_network.spec(layout, nova.venv(layout)))
        jobs[placement.NAME] = pool.submit(
            _placement, layout, passwords, jobs['postgres'])
        jobs[glance.NAME] = pool.submit(
            _glance, layout, passwords, jobs['keystone'])
        for name in nova.PROVIDERS:
            jobs[name] = pool.submit(
                _nova, layout, name, passwords, jobs['postgres'],
                [jobs['rabbitmq'], jobs['keystone'], jobs[placement.NAME],
                 jobs[no_network.NAME]])
        errors = []
        for name, job in jobs.items():
            try:
                job.result()
                _say('%s ready (%d s)' % (name, time.monotonic() - started))
            except Exception as exc:
                errors.append('%s: %s' % (name, exc))
        if errors:
            raise process.StackError('\n'.join(errors))

    oms.db_sync(oms_conf)
    for spec in oms.keystone_specs(layout, oms_conf):
        process.run(layout, spec)
        _say('%s ready' % spec.name)
    _register_accounts(layout, passwords)
    _say('Nova providers registered as accounts')
    _say('ready in %d s: %s' % (time.monotonic() - started,
                                layout.stack_file))
    return stack


def stop(layout: layout_mod.Layout) -> None:
    names = process.known_services(layout)
    ordered = [n for n in STOP_ORDER if n in names]
    ordered += [n for n in names if n not in ordered]
    for name in ordered:
        if process.stop(layout, name):
            _say('stopped %s' % name)
