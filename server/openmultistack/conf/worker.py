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

"""Options of the ``[worker]`` group: the boot worker."""

from oslo_config import cfg

group = cfg.OptGroup('worker', title='Boot worker')

opts = [
    cfg.StrOpt('worker_id',
               help='Name this worker writes into the entries it claims. '
                    'Default: <host>:<pid>. Must be unique among running '
                    'workers.'),
    cfg.IntOpt('max_concurrent_boots', default=64, min=1,
               help='Queue entries one worker handles at the same time '
                    '(the size of its thread pool). A boot mostly waits '
                    'for its provider, so that many fit on one CPU; each '
                    'costs a thread, a database connection while it '
                    'writes, and at its start an RSA key pair (some 65 ms '
                    'of one CPU). Lower it if the providers must not get '
                    'that many boot requests at once.'),
    cfg.StrOpt('key_type', default='ed25519',
               choices=[('ed25519', 'Ed25519, as openstack keypair create '
                         'generates; the private key in the OpenSSH form '
                         '(BEGIN OPENSSH PRIVATE KEY), read by OpenSSH 6.5 '
                         'and later; the image must accept ssh-ed25519 '
                         'keys. Under a millisecond per key.'),
                        ('rsa', 'RSA of 2048 bits; the private key in the '
                         'traditional PEM form (BEGIN RSA PRIVATE KEY) that '
                         'the original service handed out and every ssh '
                         'client reads (images of OpenSSH before 6.5, '
                         'hosts in FIPS mode). Some 70 ms of one CPU per '
                         'key, more than the rest of what a worker spends '
                         'on an entry.')],
               help='The type of the SSH key pair generated for each new '
                    'server.'),
    cfg.FloatOpt('poll_interval', default=1.0, min=0.01,
                 help='Seconds between two looks for new entries while '
                      'the worker has free slots.'),
    cfg.IntOpt('lease_duration', default=60, min=3,
               help='Seconds a claim on an entry lasts. A working worker '
                    'renews its claims every third of it; the entries of '
                    'a worker that died are taken over once it expires.'),
    cfg.IntOpt('boot_timeout', default=300, min=1,
               help='Seconds a server may stay in BUILD before its '
                    'provider counts as failed and the next is tried.'),
    cfg.FloatOpt('status_poll_initial_interval', default=0.5, min=0.01,
                 help='Seconds between the first look at a server just '
                      'asked for (at once) and the second. Each pause '
                      'after is 1.5 times the one before, up to '
                      'status_poll_interval, and shortened by a random '
                      'fraction of up to a fifth, so that servers booted '
                      'together are not looked at in step.'),
    cfg.FloatOpt('status_poll_interval', default=2.0, min=0.01,
                 help='The longest pause, in seconds, between two looks at '
                      'a building server (see status_poll_initial_'
                      'interval), and the pause between two looks at a '
                      'server being deleted.'),
    cfg.FloatOpt('provider_timeout', default=30.0, min=0.1,
                 help='Seconds allowed for each request to a provider.'),
    cfg.IntOpt('delete_timeout', default=120, min=1,
               help='Seconds a deleted server may take to disappear before '
                    'the deletion counts as failed (and is tried again).'),
    cfg.IntOpt('destroy_retry_interval', default=60, min=1,
               help='Seconds before a failed deletion on a provider is '
                    'tried again.'),
    cfg.StrOpt('default_image',
               help='Image (name or id) booted when a request names none. '
                    'Default: the first active image of the provider.'),
    cfg.StrOpt('default_flavor',
               help='Flavor (name or id) booted when a request names none. '
                    'Default: the smallest flavor of the provider.'),
    cfg.StrOpt('resource_prefix', default='oms',
               help='Prefix of the names of the key pairs (and, when a '
                    'request names none, servers) the worker creates: '
                    '<prefix>-<queue id>. Give each deployment sharing '
                    'provider accounts its own prefix.'),
    cfg.IntOpt('graceful_shutdown_timeout', default=30, min=0,
               help='On SIGTERM, seconds to let entries in progress finish '
                    'before they are handed back to the queue (what was '
                    'created for them on a provider is deleted).'),
    cfg.IntOpt('event_max_age_days', default=0, min=0,
               help='Days the events of the system log (GET /v2/logs) '
                    'are kept: every hour, the workers delete the older '
                    'ones. 0 keeps them until "openmultistack-manage '
                    'events purge" deletes them.'),
    cfg.StrOpt('provider_order', default='ordered',
               choices=[
                   ('ordered', 'the provider accounts in the order they '
                               'were registered (by id)'),
                   ('most-free', 'the accounts with the most quota left '
                                 'first (the share left of their scarcest '
                                 'limit); those whose limits are unknown '
                                 'last'),
                   ('spread', 'round robin: each entry a worker boots '
                              'starts one account further'),
               ],
               help='How the worker orders the provider accounts it tries '
                    'for an entry. The provider an entry asks for is '
                    'always tried first. The order taken is written to '
                    'the event log of each entry.'),
    cfg.IntOpt('limits_cache_seconds', default=10, min=0,
               help='Seconds a worker trusts the absolute limits (quota '
                    'used and allowed) it read from a provider account '
                    'before reading them again. 0 reads them for every '
                    'entry.'),
    cfg.IntOpt('provider_check_interval', default=60, min=0,
               help='Seconds between two checks of every provider account '
                    'by the worker: it reads their limits and records '
                    'whether they answer, shown by GET /api/providers/. '
                    '0: no periodic check (the state is then recorded '
                    'only when an entry is booted).'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
