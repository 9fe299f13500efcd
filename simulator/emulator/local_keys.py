"""An AccessKey pair made for one emulator run, when the user gave none.

The emulator needs a key to verify signatures; inventing one is a chore with nothing to learn.
The pair is random, registered as a secret (so it is masked in every output like a real one),
valid only for this emulator while it runs, and handed to ``vcall smartcall`` through a file
only the user can read: the start-up hint sources it, so it runs as printed without the secret
ever being printed.
"""

from __future__ import annotations

import os
import secrets as random_tokens
import shlex
import string
from pathlib import Path

from vcall.simulator import spec
from vcall.simulator.smartcall.credentials import Credentials

SOURCE_LOCAL = "made for this run"
ENV_FILE = "credentials.env"
_ALPHABET = string.ascii_letters + string.digits


def make_local_credentials() -> Credentials:
    """A fresh random AccessKey pair (shaped like Alibaba Cloud's: ``LTAI…``)."""
    key_id = "LTAI" + "".join(random_tokens.choice(_ALPHABET) for _ in range(20))
    secret = "".join(random_tokens.choice(_ALPHABET) for _ in range(30))
    return Credentials(key_id, secret, None, SOURCE_LOCAL)


def write_credentials_env(credentials: Credentials, folder: Path) -> Path:
    """``export`` lines for the pair, in a new file readable by its owner only (never replaced:
    the file is created exclusively)."""
    lines = [
        f"export {spec.ENV_ACCESS_KEY_ID}={shlex.quote(credentials.access_key_id)}",
        f"export {spec.ENV_ACCESS_KEY_SECRET}={shlex.quote(credentials.access_key_secret)}",
    ]
    if credentials.security_token:
        lines.append(f"export {spec.ENV_SECURITY_TOKEN}={shlex.quote(credentials.security_token)}")
    path = folder / ENV_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path
