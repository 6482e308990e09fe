"""Calls of several acknowledgements with a scripted client: verdicts the sandbox does not give."""

import itertools

import duckdb
import pytest

from orchestration.outbound.config import OutboundSettingsError, load_outbound_settings
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, PlannedDocument, poll_transactions, record_and_submit
from sources.spapi.exceptions import SpApiError


def acknowledgement(po_number: str) -> PlannedDocument:
    payload = {"acknowledgements": [{"purchaseOrderNumber": po_number, "items": []}]}
    return PlannedDocument(f"acknowledgement:{po_number}", po_number, payload)


class ScriptedClient:
    """Numbers each call's transaction T1, T2, ... and returns statuses from `verdicts`.

    `verdicts[transaction id]` is the list of statuses returned one request after another (the
    last repeats); a transaction not listed is a Success. `rejects` lists PO numbers whose
    presence makes a POST fail with HTTP 400.
    """

    def __init__(self, verdicts=None, rejects=()):
        self.verdicts = verdicts or {}
        self.rejects = set(rejects)
        self.calls: list[list[str]] = []
        self.status_requests: list[str] = []
        self._numbers = itertools.count(1)

    def submit_acknowledgement(self, payload: dict) -> str:
        numbers = [item["purchaseOrderNumber"] for item in payload["acknowledgements"]]
        self.calls.append(numbers)
        if self.rejects & set(numbers):
            raise SpApiError("submitAcknowledgement", 400, "InvalidInput", "the request body is invalid")
        return f"T{next(self._numbers)}"

    def get_transaction(self, transaction_id: str) -> dict:
        self.status_requests.append(transaction_id)
        sequence = self.verdicts.get(transaction_id, [{"status": "Success"}])
        answer = sequence[min(self.status_requests.count(transaction_id), len(sequence)) - 1]
        return {"transactionId": transaction_id, **answer}


@pytest.fixture
def ledger(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield Ledger(con, tmp_path / "ledger")
    con.close()


def poll(ledger, client):
    return poll_transactions(ledger, client, deadline_seconds=60, sleep=lambda _seconds: None, clock=lambda: 0.0)


def test_seven_documents_three_calls_two_passes(ledger):
    # Every transaction is Processing at the first request and Success at the second.
    processing_then_success = [{"status": "Processing"}, {"status": "Success"}]
    client = ScriptedClient({f"T{number}": processing_then_success for number in (1, 2, 3)})
    documents = [acknowledgement(f"PO{number}") for number in range(1, 8)]

    sent = record_and_submit(ledger, client, ACKNOWLEDGEMENT, documents, per_call=3)
    summary = poll(ledger, client)

    assert client.calls == [["PO1", "PO2", "PO3"], ["PO4", "PO5", "PO6"], ["PO7"]]
    assert sent.submitted == 7
    # 3 transactions, each read twice: 6 status requests for 7 documents.
    assert client.status_requests == ["T1", "T2", "T3", "T1", "T2", "T3"]
    assert summary.polled == 6
    assert summary.success == 7
    assert {ledger.get(document.document_id).state for document in documents} == {"success"}


def test_error_naming_no_document_sends_neighbours_to_review(ledger):
    errors = [
        {"code": "INVALID_ORDER_ID", "message": "PO2 is unknown", "details": "acknowledgements[1]"},
        {"code": "INTERNAL", "message": "the transaction could not be processed"},
    ]
    client = ScriptedClient({"T1": [{"status": "Failure", "errors": errors}]})
    record_and_submit(ledger, client, ACKNOWLEDGEMENT, [acknowledgement(f"PO{number}") for number in (1, 2, 3)], per_call=3)

    summary = poll(ledger, client)

    named = ledger.get("acknowledgement:PO2")
    assert named.state == "failure"
    assert named.errors == [errors[0]]
    for document_id in ("acknowledgement:PO1", "acknowledgement:PO3"):
        entry = ledger.get(document_id)
        assert entry.state == "needs_review"
        assert entry.errors == [errors[1]]
        assert "INTERNAL" in entry.hold_reason
    # Nothing is sent again while an error could belong to any document.
    assert client.calls == [["PO1", "PO2", "PO3"]]
    assert summary.failure == 1
    assert summary.sent_to_review == 2
    assert summary.resent == 0


def test_second_failure_on_others_goes_to_review(ledger):
    # T1 fails on PO2. PO1 and PO3 go again as T2, which fails on a position of PO3.
    client = ScriptedClient(
        {
            "T1": [{"status": "Failure", "errors": [{"code": "INVALID_ORDER_ID", "message": "x", "details": "acknowledgements[1]"}]}],
            "T2": [{"status": "Failure", "errors": [{"code": "PURCHASE_ORDER_CLOSED", "message": "y", "details": "acknowledgements[1]"}]}],
        }
    )
    record_and_submit(ledger, client, ACKNOWLEDGEMENT, [acknowledgement(f"PO{number}") for number in (1, 2, 3)], per_call=3)

    summary = poll(ledger, client)

    assert client.calls == [["PO1", "PO2", "PO3"], ["PO1", "PO3"]]
    assert client.status_requests == ["T1", "T2"]
    assert ledger.get("acknowledgement:PO2").state == "failure"
    assert ledger.get("acknowledgement:PO3").state == "failure"
    assert ledger.get("acknowledgement:PO3").errors[0]["code"] == "PURCHASE_ORDER_CLOSED"
    # PO1 was not applied twice; a person decides instead of a third call.
    po1 = ledger.get("acknowledgement:PO1")
    assert po1.state == "needs_review"
    assert po1.transaction_id == "T2"
    assert "already been sent again once" in po1.hold_reason
    assert summary.resent == 2
    assert summary.failure == 2
    assert summary.sent_to_review == 1


def test_rejected_call_sends_each_alone(ledger):
    client = ScriptedClient(rejects={"PO2"})
    documents = [acknowledgement(f"PO{number}") for number in (1, 2, 3)]

    sent = record_and_submit(ledger, client, ACKNOWLEDGEMENT, documents, per_call=3)

    assert client.calls == [["PO1", "PO2", "PO3"], ["PO1"], ["PO2"], ["PO3"]]
    assert sent.submitted == 2
    assert sent.rejected == 1
    assert ledger.get("acknowledgement:PO1").transaction_id == "T1"
    assert ledger.get("acknowledgement:PO2").state == "failure"
    assert ledger.get("acknowledgement:PO3").transaction_id == "T2"
    assert [entry.transaction_index for entry in (ledger.get("acknowledgement:PO1"), ledger.get("acknowledgement:PO3"))] == [0, 0]


def test_per_call_below_one_is_rejected(ledger):
    with pytest.raises(ValueError, match="per_call is 0"):
        record_and_submit(ledger, ScriptedClient(), ACKNOWLEDGEMENT, [acknowledgement("PO1")], per_call=0)


def test_acknowledgements_per_call_setting(tmp_path):
    assert load_outbound_settings(tmp_path, environ={}).acknowledgements_per_call == 100
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text("[acorn.outbound]\nacknowledgements_per_call = 25\n")
    assert load_outbound_settings(tmp_path, environ={}).acknowledgements_per_call == 25
    environ = {"ACORN_OUTBOUND_ACKNOWLEDGEMENTS_PER_CALL": "1"}
    assert load_outbound_settings(tmp_path, environ=environ).acknowledgements_per_call == 1


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "ten"])
def test_acknowledgements_per_call_invalid(tmp_path, value):
    environ = {"ACORN_OUTBOUND_ACKNOWLEDGEMENTS_PER_CALL": value}
    with pytest.raises(OutboundSettingsError, match="acknowledgements_per_call"):
        load_outbound_settings(tmp_path, environ=environ)
