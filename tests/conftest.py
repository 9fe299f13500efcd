"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vcall.simulator import secrets


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    """Each test starts with no known secret (``Credentials`` register theirs when made)."""
    secrets.REGISTRY.forget_all()
    yield
    secrets.REGISTRY.forget_all()
