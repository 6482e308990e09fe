"""Fixtures for the extraction layer's tests."""

import httpx
import pytest
from spapi_fakes import CLIENT_ID, CLIENT_SECRET, ENDPOINT, REFRESH_TOKEN, TOKEN_URL, FakeAmazon, FakeClock

from sources.spapi import SpApiClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def amazon() -> FakeAmazon:
    return FakeAmazon()


@pytest.fixture
def make_client(amazon, clock, tmp_path):
    """Build an SpApiClient wired to FakeAmazon and the fake clock."""
    clients: list[SpApiClient] = []

    def build(**overrides) -> SpApiClient:
        options = dict(
            endpoint=ENDPOINT,
            token_url=TOKEN_URL,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            refresh_token=REFRESH_TOKEN,
            archive_dir=tmp_path / "archive",
            transport=httpx.MockTransport(amazon),
            clock=clock,
            sleep=clock.sleep,
        )
        options.update(overrides)
        client = SpApiClient(**options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
