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

"""Start, stop and describe the functional test stack.

Everything runs on 127.0.0.1 under ``$OMS_STACK_DIR`` (default ``.stack/``
in the repository): Keystone, RabbitMQ, PostgreSQL, two Nova providers and
two instances of the reference OpenMultiStack service. ``stackctl.py`` is
the command line; ``with-stack.sh`` wraps a command with it.
"""
