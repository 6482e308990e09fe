"""A shipment that changes after its ASN was sent gives one held `Replace` ASN per correction."""

import copy
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import SHIPMENT_CONFIRMATION, PlannedDocument, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_payloads as rows  # noqa: E402


class RecordingClient:
    def __init__(self):
        self.received: list[dict] = []

    def submit_shipment_confirmations(self, payload: dict) -> str:
        self.received.append(payload)
        return f"20260302143000-{len(self.received):04d}"


def asn(cases_in_first_carton: int = 2) -> PlannedDocument:
    payload = copy.deepcopy(rows.EXPECTED_ASN)
    confirmation = payload["shipmentConfirmations"][0]
    confirmation["cartons"][0]["items"][0]["shippedQuantity"]["amount"] = cases_in_first_carton
    confirmation["shippedItems"][0]["shippedQuantity"]["amount"] = cases_in_first_carton + 1
    return PlannedDocument("shipment_confirmation:ACRN-SHP-0001", "ACRN-SHP-0001", payload)


@pytest.fixture
def ledger(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        yield Ledger(con, tmp_path / "ledger")


def test_replace_held_then_sent(ledger):
    client = RecordingClient()
    record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn()])

    summary = record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn(cases_in_first_carton=1)])
    (held,) = ledger.entries(state="held")

    assert summary.held == 1
    assert held.document_id.startswith("shipment_confirmation:ACRN-SHP-0001:replace:")
    assert held.business_id == "ACRN-SHP-0001"
    assert held.hold_reason == (
        "shipment ACRN-SHP-0001 changed after its ASN shipment_confirmation:ACRN-SHP-0001 was sent; "
        "release this Replace ASN to correct it at Amazon, or retire it"
    )
    assert len(client.received) == 1

    ledger.release(held.document_id, "carton 1 held one case, not two")
    record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn(cases_in_first_carton=1)])

    assert len(client.received) == 2
    replacement = client.received[1]["shipmentConfirmations"][0]
    assert replacement["shipmentConfirmationType"] == "Replace"
    assert replacement["shipmentIdentifier"] == "ACRN-SHP-0001"
    # 1 case in carton 1 and 1 case in carton 2
    assert replacement["shippedItems"][0]["shippedQuantity"]["amount"] == 2
    assert ledger.get("shipment_confirmation:ACRN-SHP-0001").state == "accepted"


def test_same_correction_is_built_once(ledger):
    client = RecordingClient()
    record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn()])
    for _ in range(3):
        record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn(cases_in_first_carton=1)])

    assert len(ledger.entries(state="held")) == 1
    assert len(client.received) == 1


def test_unchanged_shipment_gives_no_replace(ledger):
    client = RecordingClient()
    for _ in range(2):
        record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, [asn()])

    assert [entry.document_id for entry in ledger.entries()] == ["shipment_confirmation:ACRN-SHP-0001"]
