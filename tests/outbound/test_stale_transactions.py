"""Transactions still Processing past the configured age, settled from the purchase order status."""

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.outbound.config import OutboundSettingsError, load_outbound_settings
from orchestration.outbound.followup import check_purchase_orders
from orchestration.outbound.ledger import Ledger, LedgerEntry
from orchestration.outbound.submit import ACKNOWLEDGEMENT, poll_transactions, record_and_submit
from sandbox import SandboxConfig, SandboxServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_acknowledgements import acknowledgement, sandbox_client  # noqa: E402

DAY = timedelta(hours=24)


class AlwaysProcessing:
    """The sandbox client, except that getTransaction always returns Processing, as for a stuck transaction."""

    def __init__(self, client, send: bool = True):
        self.client = client
        self.send = send
        self.sent = 0

    def submit_acknowledgement(self, payload: dict) -> str:
        self.sent += 1
        if self.send:
            return self.client.submit_acknowledgement(payload)
        return "20261204120000-never-sent"

    def get_transaction(self, transaction_id: str) -> dict:
        return {"transactionId": transaction_id, "status": "Processing"}

    def get_purchase_orders_status(self, **filters):
        return self.client.get_purchase_orders_status(**filters)


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(SandboxConfig(seed=3, profile="small", port=0, processing_seconds=0.0, throttle=False)) as server:
        yield server


@pytest.fixture(scope="module")
def new_orders(sandbox) -> list[str]:
    orders = sandbox.state.ground_truth()["purchase_orders"]
    return sorted(order["purchase_order_number"] for order in orders if order["purchase_order_state"] == "New")


def run(sandbox, tmp_path, po_number: str, send: bool, age: timedelta):
    """Submit one acknowledgement, then poll it as if `age` had passed since it was accepted."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con, sandbox_client(sandbox.base_url) as real:
        client = AlwaysProcessing(real, send=send)
        ledger = Ledger(con, tmp_path / "ledger")
        record_and_submit(ledger, client, ACKNOWLEDGEMENT, [acknowledgement(real, po_number)])
        summary = poll_transactions(
            ledger,
            client,
            deadline_seconds=0,
            review_after=DAY,
            now=lambda: datetime.now(UTC) + age,
        )
        return summary, ledger.get(f"acknowledgement:{po_number}"), ledger.history(f"acknowledgement:{po_number}")


def test_applied_acknowledgement_is_settled_as_success(sandbox, new_orders, tmp_path):
    po_number = new_orders[0]
    summary, entry, history = run(sandbox, tmp_path, po_number, send=True, age=DAY + timedelta(minutes=1))

    assert summary.settled_by_purchase_order == 1
    assert entry.state == "success"
    assert entry.transaction_status == "Processing"
    orders = sandbox.state.ground_truth()["purchase_orders"]
    line_count = next(order["line_count"] for order in orders if order["purchase_order_number"] == po_number)
    assert history[-1][1] == (
        f"transaction {entry.transaction_id} still Processing after 24 h; PO {po_number} shows all {line_count} lines confirmed"
    )


def test_acknowledgement_never_applied_goes_to_review(sandbox, new_orders, tmp_path):
    po_number = new_orders[1]
    summary, entry, _history = run(sandbox, tmp_path, po_number, send=False, age=DAY + timedelta(minutes=1))

    assert summary.sent_to_review == 1
    assert entry.state == "needs_review"
    assert f"PO {po_number} still shows" in entry.hold_reason
    assert "lines UNCONFIRMED" in entry.hold_reason


def test_young_transaction_keeps_waiting(sandbox, new_orders, tmp_path):
    summary, entry, _history = run(sandbox, tmp_path, new_orders[2], send=False, age=timedelta(hours=23))

    assert summary.still_processing == 1
    assert summary.sent_to_review == 0
    assert entry.state == "accepted"


# --- ASNs and invoices, against hand-written purchase order status -----------------------


class StatusOnly:
    """A client that returns fixed statuses from getPurchaseOrdersStatus and records each PO requested."""

    def __init__(self, statuses: dict[str, dict]):
        self.statuses = statuses
        self.asked: list[str] = []

    def get_purchase_orders_status(self, purchase_order_number: str):
        self.asked.append(purchase_order_number)
        status = self.statuses.get(purchase_order_number)
        return iter([{"ordersStatus": [status] if status else []}])


def item_status(asin: str, receive_status: str) -> dict:
    return {"buyerProductIdentifier": asin, "receivingStatus": {"receiveStatus": receive_status}}


def asn_entry(lines: list[tuple[str, str]]) -> LedgerEntry:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    items = [
        {"amazonProductIdentifier": asin, "itemDetails": {"purchaseOrderNumber": po_number}} for po_number, asin in lines
    ]
    return LedgerEntry(
        "shipment_confirmation:SHIP1", "shipment_confirmation", "SHIP1", "0" * 64,
        {"shipmentConfirmations": [{"shipmentIdentifier": "SHIP1", "shippedItems": items}]},
        "accepted", None, "20261201000000-1", "Processing", None, now, now,
    )  # fmt: skip


def test_asn_received_on_every_line_is_success():
    client = StatusOnly(
        {
            "PO000001": {"purchaseOrderNumber": "PO000001", "itemStatus": [item_status("B01", "RECEIVED")]},
            "PO000002": {
                "purchaseOrderNumber": "PO000002",
                "itemStatus": [item_status("B02", "PARTIALLY_RECEIVED"), item_status("B03", "NOT_RECEIVED")],
            },
        }
    )

    finding = check_purchase_orders(client, asn_entry([("PO000001", "B01"), ("PO000002", "B02"), ("PO000001", "B01")]))

    assert finding.state == "success"
    assert finding.detail == "every shipped line shows goods received (2 PO lines)"
    assert client.asked == ["PO000001", "PO000002"]


def test_asn_with_a_line_not_received_needs_review():
    client = StatusOnly(
        {"PO000002": {"purchaseOrderNumber": "PO000002", "itemStatus": [item_status("B02", "RECEIVED"), item_status("B03", "NOT_RECEIVED")]}}
    )

    finding = check_purchase_orders(client, asn_entry([("PO000002", "B02"), ("PO000002", "B03"), ("PO000009", "B09")]))

    assert finding.state == "needs_review"
    assert finding.detail == "not received yet: PO000002 B03 (NOT_RECEIVED), PO000009 B09 (not found)"


def test_invoice_always_needs_review():
    entry = asn_entry([])
    invoice = LedgerEntry(**{**entry.__dict__, "document_type": "invoice", "document_id": "invoice:INV1"})

    finding = check_purchase_orders(StatusOnly({}), invoice)

    assert finding.state == "needs_review"
    assert finding.detail.startswith("the purchase order status does not show invoices")


# --- settings -----------------------------------------------------------------------------


def test_settings_from_config_and_environment(tmp_path):
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text("[acorn.outbound]\nprocessing_review_hours = 48\nacknowledgement_warning_hours = 4\n")

    settings = load_outbound_settings(tmp_path, {"ACORN_OUTBOUND_ACKNOWLEDGEMENT_WARNING_HOURS": "2"})

    assert settings.processing_review_age == timedelta(hours=48)
    assert settings.acknowledgement_warning == timedelta(hours=2)
    assert settings.acknowledgement_limit == timedelta(hours=24)


def test_settings_reject_a_warning_longer_than_the_limit(tmp_path):
    with pytest.raises(OutboundSettingsError, match=r"acknowledgement_warning_hours \(30.0\) must be less than acknowledgement_hours \(24.0\)"):
        load_outbound_settings(tmp_path, {"ACORN_OUTBOUND_ACKNOWLEDGEMENT_WARNING_HOURS": "30"})


def test_settings_reject_text(tmp_path):
    with pytest.raises(OutboundSettingsError, match=r"processing_review_hours is 'soon'; set it to a number of hours"):
        load_outbound_settings(tmp_path, {"ACORN_OUTBOUND_PROCESSING_REVIEW_HOURS": "soon"})
