"""Fixtures for the SmartCall client tests: credentials, a fake API, a virtual clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from smartcall_fakes import ACCESS_KEY_ID, SECRET, TOKEN, FakeApi

from vcall.simulator.smartcall.client import SmartCallClient
from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.retry import RetryPolicy


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(ACCESS_KEY_ID, SECRET, None, "flags")


@pytest.fixture
def sts_credentials() -> Credentials:
    return Credentials(ACCESS_KEY_ID, SECRET, TOKEN, "environment")


@pytest.fixture
def clock() -> VirtualSyncClock:
    return VirtualSyncClock()


@pytest.fixture
def fake_api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def make_client(
    credentials: Credentials, clock: VirtualSyncClock, fake_api: FakeApi
) -> Iterator[Callable[..., SmartCallClient]]:
    made: list[SmartCallClient] = []

    def build(**options: object) -> SmartCallClient:
        settings: dict[str, object] = {
            "transport": fake_api.transport(),
            "clock": clock,
            "rand": lambda: 0.5,
            "retry": RetryPolicy(),
        }
        settings.update(options)
        creds = settings.pop("credentials", credentials)
        client = SmartCallClient(creds, **settings)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()
