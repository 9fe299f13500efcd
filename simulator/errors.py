"""The one exception hierarchy of the vcall library.

Every error the library raises on purpose derives from :class:`VcallError`. The CLI maps each
subclass to a one-line message and an exit code in a single place (``vcall.cli.errors``).
"""

from __future__ import annotations


class VcallError(Exception):
    """Base of every error vcall raises on purpose. ``str(err)`` is a one-line message."""


class UsageError(VcallError):
    """The caller asked for something that cannot be done (bad option value, missing input)."""


class InputNotFoundError(UsageError):
    """A file or directory named by the user does not exist or cannot be read."""


class FixtureError(VcallError):
    """A fixture file is malformed. The message starts with ``file:line``."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None) -> None:
        location = file if line is None else f"{file}:{line}"
        super().__init__(f"{location}: {message}" if location else message)
        self.file = file
        self.line = line
        self.detail = message


class DurationError(UsageError):
    """A duration such as ``800ms``, ``12s`` or ``1m`` could not be parsed."""


class EndpointUnreachableError(VcallError):
    """The target endpoint could not be reached at all (connection refused, DNS failure)."""


class TargetError(UsageError):
    """A target (URL or ``module:attr`` app) could not be resolved."""


class CredentialsError(VcallError):
    """No usable Alibaba Cloud credentials were found, or they are malformed."""


class ApiError(VcallError):
    """The SmartCall API answered with an error ``Code``."""

    def __init__(self, code: str, message: str, *, request_id: str = "", hint: str = "") -> None:
        text = f"{code}: {message}" + (f" ({hint})" if hint else "")
        super().__init__(text)
        self.code = code
        self.api_message = message
        self.request_id = request_id
        self.hint = hint
