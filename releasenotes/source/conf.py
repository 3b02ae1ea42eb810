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

"""Sphinx configuration of the python-omsclient release notes (reno)."""

extensions = [
    'reno.sphinxext',
    'openstackdocstheme',
]

# No source or bug tracker links: the project has no public repository
# or bug tracker to point them at.
openstackdocs_repo_name = ''
openstackdocs_auto_name = False

project = 'python-omsclient Release Notes'
copyright = 'omsclient developers'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build']

pygments_style = 'native'

html_theme = 'openstackdocs'
html_static_path = []

# Notes are read from git history: only committed notes appear.
locale_dirs = ['locale/']
