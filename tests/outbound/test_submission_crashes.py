"""A process killed at each step of a submission, then a second run, against the sandbox.

The sandbox's `/_sandbox/submissions` is the record of what Amazon received. Whatever the step,
every acknowledgement is received at most once, and ends either in Success or in needs_review.
"""

import sys
from pathlib import Path

import duckdb
import httpx
import pytest

from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, poll_transactions, record_and_submit
from sandbox import SandboxConfig, SandboxServer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sandbox_acknowledgements import acknowledgement, killed_run, sandbox_client  # noqa: E402

# The small profile with this seed has three New purchase orders, one for each step.
SEED = 3


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(SandboxConfig(seed=SEED, profile="small", port=0, processing_seconds=0.1, throttle=False)) as server:
        yield server


@pytest.fixture(scope="module")
def new_orders(sandbox) -> list[str]:
    orders = sandbox.state.ground_truth()["purchase_orders"]
    numbers = sorted(order["purchase_order_number"] for order in orders if order["purchase_order_state"] == "New")
    assert len(numbers) == 3, f"seed {SEED} of the small profile should have 3 New purchase orders, found {numbers}"
    return numbers


def received(sandbox, po_number: str) -> list[dict]:
    submissions = httpx.get(sandbox.base_url + "/_sandbox/submissions").json()["submissions"]
    return [entry for entry in submissions if entry["kind"] == "acknowledgement" and entry["business_id"] == po_number]


def rerun(sandbox, tmp_path, po_number: str):
    """Run again: plan the same document, then poll every accepted one to a verdict."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con, sandbox_client(sandbox.base_url) as client:
        ledger = Ledger(con, tmp_path / "ledger")
        summary = record_and_submit(ledger, client, ACKNOWLEDGEMENT, [acknowledgement(client, po_number)])
        poll_transactions(ledger, client, deadline_seconds=30, first_delay=0.2)
        entry = ledger.get(f"acknowledgement:{po_number}")
    return summary, entry


def test_killed_before_the_post(sandbox, new_orders, tmp_path):
    po_number = new_orders[0]
    killed_run(sandbox.base_url, tmp_path, [po_number], "before_post")
    assert received(sandbox, po_number) == []

    summary, entry = rerun(sandbox, tmp_path, po_number)

    # The run cannot know the POST never left, so the document waits for a person.
    assert summary.recovered == [f"acknowledgement:{po_number}"]
    assert entry.state == "needs_review"
    assert entry.transaction_id is None
    assert received(sandbox, po_number) == []


def test_killed_after_the_post_before_recording(sandbox, new_orders, tmp_path):
    po_number = new_orders[1]
    killed_run(sandbox.base_url, tmp_path, [po_number], "after_post")
    assert len(received(sandbox, po_number)) == 1

    summary, entry = rerun(sandbox, tmp_path, po_number)

    assert summary.recovered == [f"acknowledgement:{po_number}"]
    assert summary.submitted == 0
    assert entry.state == "needs_review"
    sent = received(sandbox, po_number)
    assert len(sent) == 1
    assert sent[0]["verdict"] == "Success"


def test_killed_after_recording(sandbox, new_orders, tmp_path):
    po_number = new_orders[2]
    killed_run(sandbox.base_url, tmp_path, [po_number], "after_recording")

    summary, entry = rerun(sandbox, tmp_path, po_number)

    assert summary.recovered == []
    assert summary.already_in_ledger == 1
    assert summary.submitted == 0
    assert entry.state == "success"
    sent = received(sandbox, po_number)
    assert len(sent) == 1
    assert sent[0]["transaction_id"] == entry.transaction_id
