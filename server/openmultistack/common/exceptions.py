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

"""Errors the views raise; each application renders them in its shape."""

import typing


class APIError(Exception):
    """An error answer: ``detail`` or per-field ``errors``."""

    def __init__(self, status: int, detail: typing.Optional[str] = None,
                 errors: typing.Optional[dict] = None,
                 headers: typing.Optional[dict] = None):
        super().__init__(detail or errors)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    @property
    def message(self) -> str:
        """The error as one line of text."""
        if self.detail is not None:
            return self.detail
        return '; '.join('%s: %s' % (field, ' '.join(messages))
                         for field, messages in (self.errors or {}).items())


class BadRequest(APIError):
    def __init__(self, detail=None, errors=None):
        super().__init__(400, detail, errors)


class NotAuthenticated(APIError):
    def __init__(self, detail='Authentication credentials were not '
                              'provided.'):
        super().__init__(401, detail)


class Forbidden(APIError):
    def __init__(self, detail='You do not have permission to perform this '
                              'action.'):
        super().__init__(403, detail)


class NotFound(APIError):
    def __init__(self, detail='Not found.'):
        super().__init__(404, detail)


class Conflict(APIError):
    def __init__(self, detail):
        super().__init__(409, detail)


class ServiceUnavailable(APIError):
    def __init__(self, detail):
        super().__init__(503, detail)


class BadGateway(APIError):
    def __init__(self, detail):
        super().__init__(502, detail)
