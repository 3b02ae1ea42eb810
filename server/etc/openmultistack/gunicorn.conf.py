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

"""gunicorn settings for both APIs of openmultistack, behind a proxy.

One file for both; the command line gives the address and the
application::

    OMS_CONFIG_FILES=/etc/openmultistack/openmultistack.conf \\
    gunicorn -c /etc/openmultistack/gunicorn.conf.py \\
        --bind 127.0.0.1:8766 openmultistack.api.wsgi:application
    gunicorn -c /etc/openmultistack/gunicorn.conf.py \\
        --bind 127.0.0.1:8778 openmultistack.metering.wsgi:application

gunicorn listens on loopback only: clients reach it through the
TLS-terminating proxy (nginx-openmultistack.conf), which reads whole
requests before it passes them on and takes the answers as fast as they
come. That is what lets gunicorn's sync workers, one request at a time
each, serve slow clients without being held by them; the settings for
slow clients, header sizes and connections are the proxy's.
"""

import multiprocessing

# Processes, one request at a time each. The APIs spend their time on
# the CPU and in the database: two per CPU keep the CPUs busy while some
# wait on the database.
workers = 2 * multiprocessing.cpu_count()
worker_class = 'sync'
# Seconds a request may take before its worker is killed and replaced
# (the longest are lists of many thousand entries).
timeout = 60
# Seconds the running requests have to end on SIGTERM.
graceful_timeout = 30
# Connections the kernel queues before a worker takes them.
backlog = 2048
# Each worker loads the application itself: its own database
# connections, and a configuration or database problem stops the start
# with one line (exit status 3 of the worker, see the WSGI modules).
preload_app = False
# Request heads: far below the proxy's own limits, which refuse larger
# heads first.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy's headers (X-Forwarded-Proto, -Host) are read by
# oslo.middleware in the application, with [oslo_middleware]
# enable_proxy_headers_parsing = true; gunicorn leaves them alone.
forwarded_allow_ips = ''
# The applications write one line per request themselves.
accesslog = None
errorlog = '-'
proc_name = 'openmultistack'
# No control socket (gunicorn 24 and later): its default path in the
# home directory would be shared by every gunicorn of the user. Older
# gunicorn ignores the setting.
control_socket_disable = True
