"""Several acknowledgements in one submitAcknowledgement call, against the sandbox.

The sandbox applies a transaction whole or not at all, and each error's `details` names the
document by its position, e.g. `acknowledgements[1]`. Its `/_sandbox/submissions` lists every
acknowledgement it received with its transaction id and verdict, so the tests count calls and
repeats there. With `processing_seconds=0` a transaction has its verdict at the first poll.
"""

import copy
import sys
from pathlib import Path

import duckdb
import httpx
import pytest

from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, PlannedDocument, poll_transactions, record_and_submit
from sandbox import SandboxConfig, SandboxServer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sandbox_acknowledgements import acknowledgement, killed_run, sandbox_client  # noqa: E402

SEED = 3
UNKNOWN_PO = "ZZNOSUCH1"


@pytest.fixture(scope="module")
def sandbox():
    config = SandboxConfig(seed=SEED, profile="small", port=0, processing_seconds=0, throttle=False)
    with SandboxServer(config) as server:
        yield server


@pytest.fixture(scope="module")
def orders(sandbox) -> dict[str, list[str]]:
    """PO numbers by state, leaving out POs with a cancelled line (the test helper acknowledges 0 of it)."""
    by_state: dict[str, list[str]] = {}
    with sandbox_client(sandbox.base_url) as client:
        for order in sandbox.state.ground_truth()["purchase_orders"]:
            number = order["purchase_order_number"]
            items = client.get_purchase_order(number)["orderDetails"]["items"]
            if all(int(item["orderedQuantity"]["amount"]) > 0 for item in items):
                by_state.setdefault(order["purchase_order_state"], []).append(number)
    return {state: sorted(numbers) for state, numbers in by_state.items()}


@pytest.fixture(scope="module")
def open_orders(orders) -> list[str]:
    """New and Acknowledged POs: the sandbox accepts an acknowledgement of either."""
    numbers = orders.get("New", []) + orders.get("Acknowledged", [])
    assert len(numbers) >= 7, f"seed {SEED} of the small profile should have at least 7 open POs, found {numbers}"
    return numbers


class CountingClient:
    """Passes calls to the sandbox client and counts the submissions and status requests."""

    def __init__(self, client):
        self.client = client
        self.submissions = 0
        self.status_requests = 0

    def submit_acknowledgement(self, payload: dict) -> str:
        self.submissions += 1
        return self.client.submit_acknowledgement(payload)

    def get_transaction(self, transaction_id: str) -> dict:
        self.status_requests += 1
        return self.client.get_transaction(transaction_id)


def received(sandbox, po_number: str) -> list[dict]:
    submissions = httpx.get(sandbox.base_url + "/_sandbox/submissions").json()["submissions"]
    return [entry for entry in submissions if entry["kind"] == "acknowledgement" and entry["business_id"] == po_number]


def unknown_po(document: PlannedDocument) -> PlannedDocument:
    """Copy an acknowledgement under a PO number the sandbox does not have."""
    payload = copy.deepcopy(document.payload)
    payload["acknowledgements"][0]["purchaseOrderNumber"] = UNKNOWN_PO
    return PlannedDocument(f"acknowledgement:{UNKNOWN_PO}", UNKNOWN_PO, payload)


def send_and_poll(sandbox, tmp_path, po_numbers: list[str], per_call: int, bad: str | None = None):
    """Send the POs' acknowledgements, `per_call` to a call, with `bad` (if any) second; poll to a verdict."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con, sandbox_client(sandbox.base_url) as client:
        ledger = Ledger(con, tmp_path / "ledger")
        documents = [acknowledgement(client, number) for number in po_numbers]
        if bad == "unknown":
            documents.insert(1, unknown_po(documents[0]))
        elif bad is not None:
            documents.insert(1, acknowledgement(client, bad))
        counting = CountingClient(client)
        messages: list[str] = []
        sent = record_and_submit(ledger, counting, ACKNOWLEDGEMENT, documents, on_event=messages.append, per_call=per_call)
        submissions = counting.submissions
        accepted = {document.document_id: ledger.get(document.document_id) for document in documents}
        polled = poll_transactions(ledger, counting, deadline_seconds=30, first_delay=0.05)
        final = {document.document_id: ledger.get(document.document_id) for document in documents}
        histories = {document.document_id: ledger.history(document.document_id) for document in documents}
    return sent, submissions, accepted, polled, counting.status_requests, final, histories, messages


def test_five_acknowledgements_in_three_calls(sandbox, open_orders, tmp_path):
    numbers = open_orders[:5]
    ids = [f"acknowledgement:{number}" for number in numbers]

    sent, submissions, accepted, polled, status_requests, final, _, messages = send_and_poll(sandbox, tmp_path, numbers, per_call=2)

    # 5 documents, 2 to a call: calls of 2, 2 and 1.
    assert sent.submitted == 5
    assert submissions == 3
    assert accepted[ids[0]].transaction_id == accepted[ids[1]].transaction_id
    assert accepted[ids[2]].transaction_id == accepted[ids[3]].transaction_id
    assert len({accepted[document_id].transaction_id for document_id in ids}) == 3
    assert [accepted[document_id].transaction_index for document_id in ids] == [0, 1, 0, 1, 0]
    # One log line per call.
    transactions = [accepted[document_id].transaction_id for document_id in (ids[0], ids[2], ids[4])]
    assert messages == [
        f"2 documents submitted, transaction {transactions[0]}: {ids[0]}, {ids[1]}",
        f"2 documents submitted, transaction {transactions[1]}: {ids[2]}, {ids[3]}",
        f"{ids[4]} submitted, transaction {transactions[2]}",
    ]
    # One status request per transaction, each settling all of its documents.
    assert status_requests == 3
    assert polled.polled == 3
    assert polled.success == 5
    assert [final[document_id].state for document_id in ids] == ["success"] * 5
    for number, document_id in zip(numbers, ids, strict=True):
        sandbox_record = received(sandbox, number)[-1]
        assert sandbox_record["transaction_id"] == final[document_id].transaction_id
        assert sandbox_record["verdict"] == "Success"


@pytest.mark.parametrize("bad", ["unknown", "closed"])
def test_bad_po_fails_alone_and_neighbours_go_again(sandbox, orders, open_orders, tmp_path, bad):
    good = open_orders[5:7] if bad == "unknown" else open_orders[7:9]
    assert len(good) == 2, f"seed {SEED} of the small profile should have at least 9 open POs"
    bad_po = UNKNOWN_PO if bad == "unknown" else orders["Closed"][0]
    expected_code = "INVALID_ORDER_ID" if bad == "unknown" else "PURCHASE_ORDER_CLOSED"
    good_ids = [f"acknowledgement:{number}" for number in good]
    bad_id = f"acknowledgement:{bad_po}"
    before = {number: len(received(sandbox, number)) for number in [*good, bad_po]}

    sent, submissions, accepted, polled, status_requests, final, histories, _ = send_and_poll(
        sandbox, tmp_path, good, per_call=3, bad=bad if bad == "unknown" else bad_po
    )

    # One call of three: good, bad, good, so the bad PO is acknowledgements[1].
    assert submissions == 1
    assert sent.submitted == 3
    first_transaction = accepted[bad_id].transaction_id
    assert [accepted[document_id].transaction_index for document_id in (good_ids[0], bad_id, good_ids[1])] == [0, 1, 2]

    # The bad PO fails with the sandbox's error on position 1.
    assert final[bad_id].state == "failure"
    assert final[bad_id].transaction_id == first_transaction
    assert [error["code"] for error in final[bad_id].errors] == [expected_code]
    assert final[bad_id].errors[0]["details"] == "acknowledgements[1]"
    assert len(received(sandbox, bad_po)) == before[bad_po] + 1

    # Its neighbours were not applied, went back to validated, and were sent again together.
    for document_id in good_ids:
        assert final[document_id].state == "success"
        assert final[document_id].transaction_id != first_transaction
        states = [state for state, _detail, _at in histories[document_id]]
        assert states == ["built", "validated", "submitting", "accepted", "validated", "submitting", "accepted", "success"]
        not_applied = histories[document_id][4][1]
        assert first_transaction in not_applied
        assert "acknowledgements[1]" in not_applied
    assert final[good_ids[0]].transaction_id == final[good_ids[1]].transaction_id
    assert [final[document_id].transaction_index for document_id in good_ids] == [0, 1]
    for number in good:
        verdicts = [record["verdict"] for record in received(sandbox, number)[before[number] :]]
        assert verdicts == ["Failure", "Success"]

    # Two status requests: the failed transaction, then the one that carried the neighbours again.
    assert status_requests == 2
    assert polled.failure == 1
    assert polled.resent == 2
    assert polled.success == 2
    assert polled.still_processing == 0


@pytest.mark.parametrize("step", ["before_post", "after_post"])
def test_killed_call_leaves_every_document_in_review(sandbox, open_orders, tmp_path, step):
    numbers = open_orders[9:12] if step == "before_post" else open_orders[12:15]
    assert len(numbers) == 3, f"seed {SEED} of the small profile should have at least 15 open POs"
    ids = [f"acknowledgement:{number}" for number in numbers]
    before = {number: len(received(sandbox, number)) for number in numbers}

    killed_run(sandbox.base_url, tmp_path, numbers, step)

    arrived = 1 if step == "after_post" else 0
    for number in numbers:
        assert len(received(sandbox, number)) == before[number] + arrived
    if step == "after_post":
        transaction_ids = {received(sandbox, number)[-1]["transaction_id"] for number in numbers}
        assert len(transaction_ids) == 1

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con, sandbox_client(sandbox.base_url) as client:
        ledger = Ledger(con, tmp_path / "ledger")
        documents = [acknowledgement(client, number) for number in numbers]
        summary = record_and_submit(ledger, client, ACKNOWLEDGEMENT, documents, per_call=3)
        polled = poll_transactions(ledger, client, deadline_seconds=5, first_delay=0.05)
        entries = [ledger.get(document_id) for document_id in ids]

    # Every document of the interrupted call waits for a person; none is sent again.
    assert sorted(summary.recovered) == sorted(ids)
    assert summary.submitted == 0
    assert polled.polled == 0
    assert [entry.state for entry in entries] == ["needs_review"] * 3
    assert [entry.transaction_id for entry in entries] == [None] * 3
    for number in numbers:
        assert len(received(sandbox, number)) == before[number] + arrived
