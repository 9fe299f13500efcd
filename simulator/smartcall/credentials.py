"""Find the Alibaba Cloud AccessKey to sign SmartCall requests with.

Order, as the official CLI and SDKs look: explicit values (command-line flags), then the
environment (``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``_SECRET`` / ``ALIBABA_CLOUD_SECURITY_TOKEN``),
then a profile of ``~/.aliyun/config.json``. Which profile is used in that third place is chosen
by ``--profile``, else ``ALIBABA_CLOUD_PROFILE``, else the file's ``current``: a named profile
never beats the environment. The secret and the STS token never appear in a repr or message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vcall.simulator import secrets, spec
from vcall.simulator.errors import CredentialsError, NoCredentialsError

MASK = secrets.MASK
SOURCE_FLAGS = "flags"
SOURCE_ENVIRONMENT = "environment"
FLAG_ACCESS_KEY_ID = "--access-key-id"
FLAG_ACCESS_KEY_SECRET = "--access-key-secret"
FLAG_SECURITY_TOKEN = "--security-token"
SUPPORTED_PROFILE_MODES = ("AK", "StsToken")
MAX_CONFIG_BYTES = 4 * 1024 * 1024
"""vcall's choice: a profile file larger than this is refused before it is read."""
MAX_CONFIG_DEPTH = 64
"""vcall's choice: the profile file is a few levels deep; deeper nesting is refused."""


def mask_access_key_id(access_key_id: str) -> str:
    """``LTAI5tAbcdEfgh1234`` -> ``LTAI****1234``; short ids keep only two characters."""
    if len(access_key_id) > 8:
        return f"{access_key_id[:4]}{MASK}{access_key_id[-4:]}"
    return f"{access_key_id[:2]}{MASK}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """An AccessKey pair, an optional STS token, and where they were found."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None
    source: str = SOURCE_FLAGS

    def __post_init__(self) -> None:
        secrets.register(self.access_key_secret, self.security_token)

    def __repr__(self) -> str:
        token = None if self.security_token is None else MASK
        return (
            f"Credentials(access_key_id={mask_access_key_id(self.access_key_id)!r}, "
            f"access_key_secret={MASK!r}, security_token={token!r}, source={self.source!r})"
        )

    __str__ = __repr__

    def secrets(self) -> tuple[str, ...]:
        """The strings that must never be shown: the secret and, when set, the token."""
        return tuple(value for value in (self.access_key_secret, self.security_token) if value)


def resolve_credentials(
    *,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
    security_token: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] = os.environ,
    config_path: Path | None = None,
) -> Credentials:
    """The first complete set of credentials, in the official order. Raises
    :class:`CredentialsError` naming every place looked when there is none."""
    path = config_path or default_config_path(environ)
    if access_key_id or access_key_secret or security_token:
        return _from_flags(access_key_id, access_key_secret, security_token)
    from_env = _from_environment(environ)
    if from_env is not None:
        return from_env
    chosen = profile or environ.get(spec.ENV_PROFILE) or None
    if chosen is not None or path.exists():
        return _from_profile_file(path, chosen)
    raise NoCredentialsError(_nothing_found_message(path))


def default_config_path(environ: Mapping[str, str]) -> Path:
    """``~/.aliyun/config.json``, with ``~`` taken from ``environ["HOME"]`` when set."""
    home = environ.get("HOME")
    relative = spec.PROFILE_FILE.removeprefix("~/")
    return Path(home) / relative if home else Path(spec.PROFILE_FILE).expanduser()


def _nothing_found_message(path: Path) -> str:
    return (
        "no Alibaba Cloud credentials found: looked at the flags "
        f"{FLAG_ACCESS_KEY_ID}/{FLAG_ACCESS_KEY_SECRET}, the environment variables "
        f"{spec.ENV_ACCESS_KEY_ID}/{spec.ENV_ACCESS_KEY_SECRET}, and the profile file "
        f"{_display(path)} (absent)"
    )


def _from_flags(key_id: str | None, secret: str | None, token: str | None) -> Credentials:
    if not key_id and not secret:
        raise CredentialsError(
            f"{FLAG_SECURITY_TOKEN} given without {FLAG_ACCESS_KEY_ID}/{FLAG_ACCESS_KEY_SECRET}"
        )
    if not key_id:
        raise CredentialsError(f"{FLAG_ACCESS_KEY_SECRET} given without {FLAG_ACCESS_KEY_ID}")
    if not secret:
        raise CredentialsError(f"{FLAG_ACCESS_KEY_ID} given without {FLAG_ACCESS_KEY_SECRET}")
    return Credentials(key_id, secret, token or None, SOURCE_FLAGS)


def _from_environment(environ: Mapping[str, str]) -> Credentials | None:
    key_id = environ.get(spec.ENV_ACCESS_KEY_ID, "")
    secret = environ.get(spec.ENV_ACCESS_KEY_SECRET, "")
    if not key_id and not secret:
        return None
    if not secret:
        raise CredentialsError(
            f"{spec.ENV_ACCESS_KEY_ID} is set but {spec.ENV_ACCESS_KEY_SECRET} is not"
        )
    if not key_id:
        raise CredentialsError(
            f"{spec.ENV_ACCESS_KEY_SECRET} is set but {spec.ENV_ACCESS_KEY_ID} is not"
        )
    token = environ.get(spec.ENV_SECURITY_TOKEN) or None
    return Credentials(key_id, secret, token, SOURCE_ENVIRONMENT)


def _from_profile_file(path: Path, name: str | None) -> Credentials:
    if not path.exists():
        raise CredentialsError(
            f"profile {name!r} was asked for but {_display(path)} does not exist"
        )
    document = _load_config(path)
    chosen = name or document.get("current") or "default"
    entry = _find_profile(document, chosen, path)
    return _credentials_from_profile(entry, chosen, path)


def _load_config(path: Path) -> dict[str, Any]:
    try:
        text = _read_config_text(path)
        _check_depth(text, path)
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise CredentialsError(
            f"{_display(path)}: not valid JSON (line {err.lineno}: {err.msg})"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise CredentialsError(f"{_display(path)}: cannot be read ({err})") from None
    except ValueError as err:  # a number too long to read
        raise CredentialsError(f"{_display(path)}: not valid JSON ({err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("profiles", []), list):
        raise CredentialsError(
            f'{_display(path)}: expected an object with a "profiles" list of profiles'
        )
    return document


def _read_config_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise CredentialsError(f"{_display(path)}: {size} bytes, too large for a profile file")
    return path.read_text(encoding="utf-8")


def _check_depth(text: str, path: Path) -> None:
    """Refuse JSON nested deeper than :data:`MAX_CONFIG_DEPTH` (``file:line``), before the
    parser recurses into it."""
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_CONFIG_DEPTH:
                raise CredentialsError(
                    f"{_display(path)}:{line}: nested more than {MAX_CONFIG_DEPTH} levels deep"
                )
        elif char in "]}":
            depth -= 1


def _find_profile(document: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    profiles = [entry for entry in document.get("profiles", []) if isinstance(entry, dict)]
    for entry in profiles:
        if entry.get("name") == name:
            return entry
    known = ", ".join(str(entry.get("name")) for entry in profiles) or "none"
    raise CredentialsError(f"{_display(path)}: no profile named {name!r} (profiles: {known})")


def _credentials_from_profile(entry: Mapping[str, Any], name: str, path: Path) -> Credentials:
    where = f"{_display(path)}: profile {name!r}"
    mode = str(entry.get("mode") or "AK")
    if mode not in SUPPORTED_PROFILE_MODES:
        supported = " or ".join(SUPPORTED_PROFILE_MODES)
        raise CredentialsError(
            f"{where} uses mode {mode}, which vcall does not support ({supported})"
        )
    key_id = _text_field(entry, "access_key_id", where)
    secret = _text_field(entry, "access_key_secret", where)
    token = _text_field(entry, "sts_token", where) if mode == "StsToken" else ""
    if not key_id or not secret:
        raise CredentialsError(f"{where} has no access_key_id/access_key_secret")
    if mode == "StsToken" and not token:
        raise CredentialsError(f"{where} has mode StsToken but no sts_token")
    return Credentials(key_id, secret, token or None, f"profile {name} in {_display(path)}")


def _text_field(entry: Mapping[str, Any], field: str, where: str) -> str:
    value = entry.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CredentialsError(f"{where}: {field} must be a string")
    return value.strip()


def _display(path: Path) -> str:
    """The path as the user knows it: ``~/.aliyun/config.json`` when it is under HOME."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
