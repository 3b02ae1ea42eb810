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
    'oslo_policy.sphinxpolicygen',
    'openstackdocstheme',
]

# openstackdocstheme
# No source or bug tracker links: the project has no public repository
# or bug tracker to point them at.
openstackdocs_repo_name = ''
openstackdocs_auto_name = False

project = 'python-omsclient'
copyright = 'omsclient developers'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build']

# Show the command that produced a transcript, not a prompt guess.
pygments_style = 'native'
# Quotes and ellipses only: the default also turns the "--" of command
# options in help texts and tables into dashes ("–wait").
smartquotes_action = 'qe'
add_module_names = False

# autodoc: document what the code says, in source order.
autodoc_member_order = 'bysource'
autodoc_default_options = {
    'members': True,
    'show-inheritance': True,
}
autodoc_typehints = 'description'

# Every reference resolves (tox -e docs runs sphinx-build -n). The build
# has no network, hence no intersphinx: names of the standard library and
# of the libraries below are shown, not linked; so are type variables,
# the module aliases of annotations and the metering client's internal
# bases, which the reference does not document.
nitpick_ignore_regex = [
    ('py:.*', r'(abc|argparse|collections\.abc|logging|requests|'
              r'keystoneauth1|ksa_session|cliff|osc_lib|ceilometerclient)'
              r'\..*'),
    ('py:.*', r'(T|R|omsclient\.common\.base\.[RT]|'
              r'omsclient\.metering\.base\.T|http\.Endpoint)'),
    ('py:class', r'omsclient\.metering\.(base\.(Resource|Manager)|'
                 r'http\.SessionClient)'),
]

# cliff.sphinxext: commands are read from their entry points.
# The sample policy file of the admin guide, generated from the code.
policy_generator_config_file = 'admin/policy-generator.conf'
sample_policy_basename = '_static/openmultistack'

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

# -- The design notes --------------------------------------------------------

# contributor/design.rst (the shared contracts) is maintained with the
# code. It joins the contributor guide as soon as it parses without a
# warning; until then it is left out, so that one malformed table there
# does not fail the whole build.
_DESIGN = os.path.join(os.path.dirname(__file__), 'contributor', 'design.rst')


def _parses_cleanly(path: str) -> bool:
    import io

    from docutils import core
    stream = io.StringIO()
    with open(path, encoding='utf-8') as source:
        core.publish_doctree(source.read(), settings_overrides={
            'report_level': 2, 'halt_level': 5, 'warning_stream': stream})
    return not stream.getvalue()


_WITH_DESIGN = os.path.exists(_DESIGN) and _parses_cleanly(_DESIGN)
if not _WITH_DESIGN:
    exclude_patterns.append('contributor/design.rst')


def _add_design_to_toctree(app, docname, source):
    if docname == 'contributor/index':
        source[0] = source[0].replace('\n   testing\n',
                                      '\n   design\n   testing\n', 1)


def setup(app):
    if _WITH_DESIGN:
        app.connect('source-read', _add_design_to_toctree)
