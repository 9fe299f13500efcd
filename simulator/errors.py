"""The one exception hierarchy of the vcall library.

Every error the library raises on purpose derives from :class:`VcallError`. The CLI maps each
subclass to a one-line message and an exit code in a single place (``vcall.cli.errors``).
"""

from __future__ import annotations

from collections.abc import Sequence


class VcallError(Exception):
    """Base of every error vcall raises on purpose. ``str(err)`` is a one-line message."""


class UsageError(VcallError):
    """The caller asked for something that cannot be done (bad option value, missing input)."""


class InputNotFoundError(UsageError):
    """A file or directory named by the user does not exist or cannot be read."""


class FixtureError(VcallError):
    """A fixture file is malformed. The message starts with ``file:line``.

    A file with several mistakes raises one error naming the first and counting the rest;
    :attr:`all` holds each of them (``vcall fixtures check`` lists every one).
    """

    def __init__(self, message: str, *, file: str = "", line: int | None = None) -> None:
        location = file if line is None else f"{file}:{line}"
        super().__init__(f"{location}: {message}" if location else message)
        self.file = file
        self.line = line
        self.detail = message
        self.all: tuple[FixtureError, ...] = (self,)

    @classmethod
    def of_many(cls, errors: Sequence[FixtureError]) -> FixtureError:
        """One error for several mistakes in one file, first by line."""
        ordered = sorted(errors, key=lambda error: error.line or 0)
        first = ordered[0]
        if len(ordered) == 1:
            return first
        more = len(ordered) - 1
        combined = cls(
            f"{first.detail} (and {more} more mistake{'s' if more > 1 else ''} in this file; "
            "'vcall fixtures check' lists them all)",
            file=first.file,
            line=first.line,
        )
        combined.all = tuple(ordered)
        return combined


class DurationError(UsageError):
    """A duration such as ``800ms``, ``12s`` or ``1m`` could not be parsed."""


class EndpointUnreachableError(VcallError):
    """The target endpoint could not be reached at all (connection refused, DNS failure)."""


class TargetError(UsageError):
    """A target (URL or ``module:attr`` app) could not be resolved."""


class CredentialsError(VcallError):
    """No usable Alibaba Cloud credentials were found, or they are malformed."""


class NoCredentialsError(CredentialsError):
    """No credentials anywhere: no flags, no environment variables, no profile file."""


class ApiError(VcallError):
    """The SmartCall API answered with an error ``Code``."""

    def __init__(self, code: str, message: str, *, request_id: str = "", hint: str = "") -> None:
        text = f"{code}: {message}" + (f" ({hint})" if hint else "")
        super().__init__(text)
        self.code = code
        self.api_message = message
        self.request_id = request_id
        self.hint = hint
