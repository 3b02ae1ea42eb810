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

"""One Glance for both regions: PyPI ``glance`` under gunicorn.

``glance.wsgi.api:application`` (Glance's WSGI entry point, as devstack
serves it under uWSGI) on SQLite with the file store, behind Keystone.
At each start it holds a few tiny public images with ``os_distro`` and
``os_version`` properties: Nova's fake virt driver never reads them.
"""

import textwrap

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import process

NAME = 'glance'
SERVICE_USER = 'glance'
# name, os_distro, os_version.
IMAGES = (
    ('cirros-0.6.2', 'cirros', '0.6.2'),
    ('debian-12', 'debian', '12'),
    ('ubuntu-22.04', 'ubuntu', '22.04'),
    ('ubuntu-24.04', 'ubuntu', '24.04'),
)


def venv(layout: layout_mod.Layout):
    return layout.venvs / NAME


def endpoint() -> str:
    return layout_mod.url(NAME)


def prepare(layout: layout_mod.Layout, service_password: str) -> str:
    """Write glance-api.conf, create the schema; return the config dir."""
    state = layout.state(NAME)
    stores = {name: state / name
              for name in ('images', 'staging', 'tasks', 'locks')}
    for path in stores.values():
        path.mkdir(exist_ok=True)
    conf = state / 'glance-api.conf'
    conf.touch(mode=0o600)
    conf.write_text(textwrap.dedent('''\
        [DEFAULT]
        use_stderr = true
        enabled_backends = file:file
        image_cache_dir = {state}/cache

        [database]
        connection = sqlite:///{state}/glance.db

        [glance_store]
        default_backend = file

        [file]
        filesystem_store_datadir = {images}

        [os_glance_staging_store]
        filesystem_store_datadir = {staging}

        [os_glance_tasks_store]
        filesystem_store_datadir = {tasks}

        [oslo_concurrency]
        lock_path = {locks}

        [paste_deploy]
        flavor = keystone
        config_file = {paste}

        {authtoken}''').format(
        state=state, paste=venv(layout) / 'etc' / 'glance' /
        'glance-api-paste.ini',
        authtoken=keystone.authtoken_section(SERVICE_USER, service_password),
        **stores))
    process.check_call(
        [str(venv(layout) / 'bin' / 'glance-manage'),
         '--config-file', str(conf), 'db_sync'], 'glance-manage db_sync')
    return str(state)


def spec(layout: layout_mod.Layout, config_dir: str) -> process.Spec:
    return process.gunicorn_spec(
        layout, NAME, venv(layout), 'glance.wsgi.api:application', NAME,
        endpoint(), {'OS_GLANCE_CONFIG_DIR': config_dir})


def upload_images(session) -> None:
    """The public images, each a few bytes of nothing."""
    image = {'service_type': 'image', 'interface': 'public',
             'region_name': keystone.REGION}
    for name, distro, version in IMAGES:
        created = session.post(
            '/v2/images', endpoint_filter=image,
            json={'name': name, 'disk_format': 'raw',
                  'container_format': 'bare', 'visibility': 'public',
                  'os_distro': distro, 'os_version': version}).json()
        session.put('/v2/images/%s/file' % created['id'],
                    endpoint_filter=image, data=b'\0' * 1024,
                    headers={'Content-Type': 'application/octet-stream'})
