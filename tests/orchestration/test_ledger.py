"""The outbound ledger and submission rules, with a fake API client and a real DuckDB file."""

import itertools

import duckdb
import pytest

from orchestration.outbound.ledger import Ledger, LedgerError, read_ledger_files
from orchestration.outbound.submit import INVOICE, PlannedDocument, poll_transactions, record_and_submit
from sources.spapi.exceptions import SpApiError


class FakeClient:
    """Records every submission as the receiving end would, and returns transaction statuses."""

    def __init__(self, fail_with: Exception | None = None, crash_after_post: bool = False, verdicts=None):
        self.received: list[dict] = []
        self.fail_with = fail_with
        self.crash_after_post = crash_after_post
        self.verdicts = verdicts or {}
        self.polls: dict[str, int] = {}
        self._ids = itertools.count(1)

    def submit_invoices(self, payload: dict) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.received.append(payload)
        if self.crash_after_post:
            raise KeyboardInterrupt("process stopped after the POST")
        return f"20261204120000-{next(self._ids):04d}"

    def get_transaction(self, transaction_id: str) -> dict:
        self.polls[transaction_id] = self.polls.get(transaction_id, 0) + 1
        sequence = self.verdicts.get(transaction_id, ["Success"])
        status = sequence[min(self.polls[transaction_id], len(sequence)) - 1]
        result = {"transactionId": transaction_id, "status": status}
        if status == "Failure":
            result["errors"] = [{"code": "DUPLICATE_INVOICE", "message": "invoice id already used"}]
        return result


@pytest.fixture
def ledger(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield Ledger(con, tmp_path / "ledger")
    con.close()


def invoice(number: str, hold_reasons=None) -> PlannedDocument:
    return PlannedDocument(
        document_id=f"invoice:{number}",
        business_id=number,
        payload={"invoices": [{"id": number, "invoiceTotal": {"amount": "10.00", "currencyCode": "USD"}}]},
        hold_reasons=hold_reasons or [],
    )


def test_new_documents_are_sent_once(ledger):
    client = FakeClient()
    first = record_and_submit(ledger, client, INVOICE, [invoice("INV1"), invoice("INV2")])
    second = record_and_submit(ledger, client, INVOICE, [invoice("INV1"), invoice("INV2")])

    assert first.submitted == 2
    assert second.submitted == 0
    assert second.already_in_ledger == 2
    assert [payload["invoices"][0]["id"] for payload in client.received] == ["INV1", "INV2"]
    assert ledger.get("invoice:INV1").state == "accepted"
    assert ledger.get("invoice:INV1").transaction_id == "20261204120000-0001"


def test_held_document_is_not_sent(ledger):
    client = FakeClient()
    summary = record_and_submit(
        ledger, client, INVOICE, [invoice("INV3", ["netCost 8.75 differs from PO netCost 8.50 on line 1"]), invoice("INV4")]
    )

    assert summary.held == 1
    assert summary.submitted == 1
    assert ledger.get("invoice:INV3").state == "held"
    assert ledger.get("invoice:INV3").hold_reason == "netCost 8.75 differs from PO netCost 8.50 on line 1"
    assert [payload["invoices"][0]["id"] for payload in client.received] == ["INV4"]


def test_rejected_submission_is_a_failure(ledger):
    error = SpApiError("submitInvoices", 400, "InvalidInput", "invoiceType is invalid", "req-1")
    summary = record_and_submit(ledger, FakeClient(fail_with=error), INVOICE, [invoice("INV5")])

    entry = ledger.get("invoice:INV5")
    assert summary.rejected == 1
    assert entry.state == "failure"
    assert entry.errors[0]["code"] == "InvalidInput"


def test_unknown_outcome_needs_review(ledger):
    summary = record_and_submit(ledger, FakeClient(fail_with=TimeoutError("read timed out")), INVOICE, [invoice("INV6")])

    assert summary.needs_review == 1
    assert ledger.get("invoice:INV6").state == "needs_review"


def test_crash_after_post_is_never_resent(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    client = FakeClient(crash_after_post=True)
    with duckdb.connect(str(path)) as con:
        with pytest.raises(KeyboardInterrupt):
            record_and_submit(Ledger(con, tmp_path / "ledger"), client, INVOICE, [invoice("INV7")])

    client.crash_after_post = False
    with duckdb.connect(str(path)) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        summary = record_and_submit(ledger, client, INVOICE, [invoice("INV7")])
        state = ledger.get("invoice:INV7").state

    assert summary.recovered == ["invoice:INV7"]
    assert state == "needs_review"
    assert len(client.received) == 1


def test_invalid_transition_is_rejected(ledger):
    record_and_submit(ledger, FakeClient(), INVOICE, [invoice("INV8")])

    with pytest.raises(LedgerError, match="cannot go from accepted to submitting"):
        ledger.transition("invoice:INV8", "submitting")


def test_polling_records_verdicts(ledger):
    client = FakeClient(
        verdicts={
            "20261204120000-0001": ["Processing", "Processing", "Success"],
            "20261204120000-0002": ["Failure"],
        }
    )
    record_and_submit(ledger, client, INVOICE, [invoice("INV9"), invoice("INV10")])
    sleeps = []

    summary = poll_transactions(ledger, client, deadline_seconds=60, sleep=sleeps.append, clock=lambda: 0.0)

    assert summary.success == 1
    assert summary.failure == 1
    assert summary.still_processing == 0
    assert sleeps == [0.5, 1.0]
    assert ledger.get("invoice:INV9").state == "success"
    assert ledger.get("invoice:INV10").errors[0]["code"] == "DUPLICATE_INVOICE"


def test_polling_stops_at_deadline(ledger):
    client = FakeClient(verdicts={"20261204120000-0001": ["Processing"]})
    record_and_submit(ledger, client, INVOICE, [invoice("INV11")])
    now = iter([0.0, 0.0, 5.0, 11.0])

    summary = poll_transactions(ledger, client, deadline_seconds=10, sleep=lambda _: None, clock=lambda: next(now))

    assert summary.still_processing == 1
    assert ledger.get("invoice:INV11").state == "accepted"


def test_ledger_files_keep_every_event(ledger, tmp_path):
    record_and_submit(ledger, FakeClient(), INVOICE, [invoice("INV12")])

    events = [(event["document_id"], event["state"]) for event in read_ledger_files(tmp_path / "ledger")]

    assert events == [
        ("invoice:INV12", "built"),
        ("invoice:INV12", "validated"),
        ("invoice:INV12", "submitting"),
        ("invoice:INV12", "accepted"),
    ]


def test_batch_writes_on_exit(ledger, tmp_path):
    with ledger.batch():
        ledger.record_built("invoice:INV20", "invoice", "INV20", {"invoices": []}, "sha")
        ledger.transition("invoice:INV20", "validated", "checked")
        # Inside the batch the warehouse shows the change and the file has no line yet.
        assert ledger.get("invoice:INV20").state == "validated"
        assert list(read_ledger_files(tmp_path / "ledger")) == []

    assert [event["state"] for event in read_ledger_files(tmp_path / "ledger")] == ["built", "validated"]


def test_batch_rolls_back_on_error(ledger, tmp_path):
    with pytest.raises(RuntimeError, match="stopped"):
        with ledger.batch():
            ledger.record_built("invoice:INV21", "invoice", "INV21", {"invoices": []}, "sha")
            raise RuntimeError("stopped")

    assert ledger.get("invoice:INV21") is None
    assert list(read_ledger_files(tmp_path / "ledger")) == []
    # The ledger works as before after the rollback.
    ledger.record_built("invoice:INV21", "invoice", "INV21", {"invoices": []}, "sha")
    assert ledger.get("invoice:INV21").state == "built"
