"""Fixtures for the sandbox tests: fresh servers on 127.0.0.1 and authenticated clients."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_testkit import TODAY, client_for

from sandbox import SandboxConfig, SandboxServer


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., SandboxServer]]:
    """Start a fresh small-profile server; settings default to no throttling and instant processing."""
    started: list[SandboxServer] = []

    def start(**overrides: Any) -> SandboxServer:
        settings: dict[str, Any] = {
            "seed": 7,
            "profile": "small",
            "today": TODAY,
            "inbox_dir": tmp_path / f"inbox{len(started)}",
            "throttle": False,
            "processing_seconds": 0.0,
            "report_seconds": 0.0,
        }
        settings.update(overrides)
        server = SandboxServer(SandboxConfig(**settings)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: Callable[..., SandboxServer]) -> SandboxServer:
    return start_server()


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    with client_for(server) as client:
        yield client
