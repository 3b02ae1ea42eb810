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

"""Sphinx configuration of the python-omsclient documentation.

The build needs no network: the theme's assets ship with
openstackdocstheme, and every generated page (commands, configuration
options, Python API) is read from the installed code.
"""

import os
import sys

# doc/tools holds the transcript recorder, documented in the contributor
# guide.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', 'tools')))

# -- General configuration ---------------------------------------------------

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.viewcode',
    'cliff.sphinxext',
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
    'openstackdocstheme',
]

# openstackdocstheme
openstackdocs_repo_name = 'openstack/python-omsclient'
openstackdocs_bug_project = 'python-omsclient'
openstackdocs_bug_tag = 'doc'
openstackdocs_auto_name = False

project = 'python-omsclient'
copyright = 'omsclient developers'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
# contributor/design.rst does not build cleanly yet (a title overline, a
# definition list and a table row too wide for its column); it joins the
# contributor toctree once fixed.
exclude_patterns = ['_build', 'contributor/design.rst']

# Show the command that produced a transcript, not a prompt guess.
pygments_style = 'native'
add_module_names = False

# autodoc: document what the code says, in source order.
autodoc_member_order = 'bysource'
autodoc_default_options = {
    'members': True,
    'show-inheritance': True,
}
autodoc_typehints = 'description'

# cliff.sphinxext: commands are read from their entry points.
autoprogram_cliff_application = 'openstack'
# The output options every list and show command shares are described once,
# in the page of each command group, not under every command.
autoprogram_cliff_ignored = [
    '--help', '--format', '--column', '--noindent', '--prefix',
    '--max-width', '--fit-width', '--print-empty', '--quote',
    '--sort-column', '--sort-ascending', '--sort-descending',
]

# -- Options for HTML output -------------------------------------------------

html_theme = 'openstackdocs'
html_static_path = []
html_last_updated_fmt = '%Y-%m-%d %H:%M'
