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

"""Horizon in a real browser: headless Chromium driven by Selenium.

Debian's ``chromium`` and ``chromium-driver`` (``tools/stack/install.sh``)
are used as installed: Selenium is given the driver's path, so it never
tries to download a browser. Every test saves screenshots under the
stack's ``screenshots/`` folder (git-ignored with the rest of
``.stack/``); ``doc/source/user/images`` keeps copies of the main ones.
"""

import os
import pathlib
import shutil
import tempfile
import time

from omsclient.tests.functional import base

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
# Seconds an element or a page may take to appear: a bound, not a measure.
WAIT = 60


class BrowserTestCase(base.TestCase):
    """A functional test that drives Horizon through Chromium."""

    def setUp(self):
        super().setUp()
        try:
            from selenium import webdriver
        except ImportError:
            self.fail('selenium is not installed: run through tox -e '
                      'functional')
        if 'horizon' not in self.stack:
            self.fail('this stack runs no Horizon')
        for path in (CHROMIUM, CHROMEDRIVER):
            if not os.access(path, os.X_OK):
                self.fail('%s is missing: run tools/stack/install.sh' % path)
        self.horizon = self.stack['horizon']['url'].rstrip('/')
        self.require_http(self.horizon + '/auth/login/', 'Horizon')
        self.downloads = pathlib.Path(tempfile.mkdtemp(prefix='oms-dl-'))
        self.addCleanup(shutil.rmtree, self.downloads, True)
        self.screenshots = pathlib.Path(
            self.stack['logs']).parent / 'screenshots'
        self.screenshots.mkdir(exist_ok=True)

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ('--headless=new', '--no-sandbox',
                         '--disable-dev-shm-usage', '--disable-gpu',
                         '--window-size=1280,900'):
            options.add_argument(argument)
        options.add_experimental_option('prefs', {
            'download.default_directory': str(self.downloads),
            'download.prompt_for_download': False,
        })
        service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
        self.driver = webdriver.Chrome(service=service, options=options)
        self.addCleanup(self.driver.quit)
        self.driver.set_page_load_timeout(WAIT)
        self.addOnException(self._screenshot_on_failure)

    # Finding things --------------------------------------------------------

    def wait(self, condition, what: str, timeout: float = WAIT):
        from selenium.common import exceptions
        from selenium.webdriver.support.ui import WebDriverWait
        # Horizon replaces table rows as it updates them: an element found
        # a moment ago may be gone, and the condition is simply asked again.
        return WebDriverWait(
            self.driver, timeout, poll_frequency=0.5,
            ignored_exceptions=(exceptions.NoSuchElementException,
                                exceptions.StaleElementReferenceException),
        ).until(condition, 'timed out waiting for %s' % what)

    def find(self, css: str, timeout: float = WAIT):
        """The first visible element matching ``css``."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        return self.wait(ec.visibility_of_element_located(
            (By.CSS_SELECTOR, css)), css, timeout)

    def find_all(self, css: str) -> list:
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def open(self, path: str) -> None:
        self.driver.get(self.horizon + path)
        self.assert_no_error_page()

    def assert_no_error_page(self) -> None:
        self.assertIsNone(self.error_page(), self.driver.current_url)

    def error_page(self) -> str | None:
        """What shows the page is an error page, else None."""
        source = self.driver.page_source
        # Horizon's own error page says "Something went wrong!".
        for sign in ('Traceback', 'Server Error (500)', 'Exception Value',
                     'Something went wrong'):
            if sign in source:
                return sign
        return None

    def error_banners(self) -> list[str]:
        return [alert.text for alert in
                self.find_all('.messages .alert-danger')]

    # Sessions --------------------------------------------------------------

    def login(self, user: str) -> None:
        """Log in through Horizon's login form."""
        password = self.stack['keystone']['users'][user]['password']
        self.driver.get(self.horizon + '/auth/login/')
        self.find('#id_username').send_keys(user)
        self.find('#id_password').send_keys(password)
        self.find('#loginBtn').click()
        self.wait(lambda driver: '/auth/login' not in driver.current_url,
                  'the login to complete')
        self.find('.navbar')

    # Pictures --------------------------------------------------------------

    def screenshot(self, name: str) -> pathlib.Path:
        path = self.screenshots / ('%s.png' % name)
        self.driver.save_screenshot(str(path))
        return path

    def _screenshot_on_failure(self, exc_info) -> None:
        try:
            self.screenshot('failed-%s' % self.id().rsplit('.', 1)[-1])
        except Exception:  # noqa: S110 - the test's own error matters
            pass

    # Downloads -------------------------------------------------------------

    def downloaded(self, timeout: float = WAIT) -> pathlib.Path:
        """The one completed download."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Chromium writes to a hidden or .crdownload file, then
            # renames it.
            done = [p for p in self.downloads.iterdir()
                    if not p.name.startswith('.')
                    and not p.name.endswith('.crdownload')]
            if done:
                return done[0]
            time.sleep(0.2)
        self.fail('no download completed in %d s' % timeout)
