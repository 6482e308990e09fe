"""Helpers shared by the sandbox tests: the fixed date, authenticated clients, Amazon's models."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxServer

TODAY = date(2026, 12, 4)  # a Friday
PROJECT_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_CANDIDATES = (
    PROJECT_ROOT.parent / "shared" / "reference" / "sp-api",
    Path("/work/shared/reference/sp-api"),
)


def reference_dir() -> Path:
    """Amazon's models and report schemas beside the project; skip the test when they are absent."""
    for candidate in REFERENCE_CANDIDATES:
        if (candidate / "models").is_dir():
            return candidate
    pytest.skip("Amazon's SP-API models are not beside the project (../shared/reference/sp-api), so this check is skipped")


def load_model(name: str) -> dict[str, Any]:
    return json.loads((reference_dir() / "models" / name).read_text())


def token_for(base_url: str) -> str:
    response = httpx.post(
        base_url + "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": SANDBOX_REFRESH_TOKEN,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


def client_for(server: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"x-amz-access-token": token_for(server.base_url)})


def truth_line(truth: dict[str, Any], tag: str) -> dict[str, Any]:
    """The first ground-truth line carrying `tag`."""
    key = truth["tags"][tag][0]
    return next(
        line
        for line in truth["lines"]
        if line["purchase_order_number"] == key["purchase_order_number"]
        and line["item_sequence_number"] == key["item_sequence_number"]
    )
