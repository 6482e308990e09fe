"""A planner's acknowledgement decisions, held documents rebuilt from corrected data, and the
invoice settings (remit-to party, tax, charge and allowance types) applied when planning."""

import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.outbound.config import OutboundSettings
from orchestration.outbound.decisions import DecisionFileError, apply_decisions, read_decisions
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, INVOICE, plan_documents, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_payloads as rows  # noqa: E402

HEADER = "purchase_order_number,item_sequence_number,acknowledgement_code,acknowledged_quantity,rejection_reason\n"
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


class RecordingClient:
    def __init__(self):
        self.received: list[dict] = []

    def submit_acknowledgement(self, payload: dict) -> str:
        self.received.append(payload)
        return f"20260301100000-{len(self.received):04d}"


def warehouse(tmp_path) -> duckdb.DuckDBPyConnection:
    """A warehouse whose outbound models hold the acknowledgement and invoice rows of test_payloads."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    con.execute("create schema analytics")
    header, lines = rows.taxed_invoice()
    tables = {
        "outbound_acknowledgement_lines": rows.acknowledgement_lines(),
        "outbound_invoices": [header],
        "outbound_invoice_lines": lines,
    }
    for name, records in tables.items():
        con.register("records", pa.Table.from_pylist(records))
        con.execute(f"create table analytics.{name} as select * from records")
        con.unregister("records")
    return con


def write_decisions(inbox: Path, text: str) -> None:
    inbox.mkdir(exist_ok=True)
    (inbox / "acknowledgement_decisions.csv").write_text(HEADER + text)


def test_decisions_override_the_default(tmp_path):
    write_decisions(tmp_path, "2JK3S9VC,1,Backordered,8,\n2JK3S9VC,02,Rejected,24,TemporarilyUnavailable\n")
    decisions = read_decisions(tmp_path / "acknowledgement_decisions.csv")

    lines, reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions)

    by_line = {line["item_sequence_number"]: line for line in lines}
    assert reasons == []
    assert (by_line["1"]["acknowledgement_code"], by_line["1"]["acknowledged_quantity_amount"]) == ("Backordered", 8)
    assert by_line["1"]["acknowledged_quantity_unit_of_measure"] == "Cases"
    assert (by_line["2"]["acknowledgement_code"], by_line["2"]["rejection_reason"]) == ("Rejected", "TemporarilyUnavailable")
    # Line 10 has no row, so the model's decision is kept.
    assert (by_line["10"]["acknowledgement_code"], by_line["10"]["rejection_reason"]) == ("Rejected", "ObsoleteProduct")


def test_invalid_rows_are_reasons_to_hold(tmp_path):
    write_decisions(
        tmp_path,
        "2JK3S9VC,1,Maybe,ten,\n"
        "2JK3S9VC,2,Rejected,24,\n"
        "2JK3S9VC,10,Accepted,6,ObsoleteProduct\n"
        "2JK3S9VC,99,Accepted,1,\n"
        "OTHERPO1,1,Accepted,1,\n",
    )
    decisions = read_decisions(tmp_path / "acknowledgement_decisions.csv")

    _lines, reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions)

    assert reasons == [
        "acknowledgement_decisions.csv row 2: acknowledgement_code 'Maybe' is not one of Accepted, Backordered, Rejected; "
        "acknowledged_quantity 'ten' is not a whole number",
        "acknowledgement_decisions.csv row 3: rejection_reason None is not one of TemporarilyUnavailable, "
        "InvalidProductIdentifier, ObsoleteProduct",
        "acknowledgement_decisions.csv row 4: rejection_reason 'ObsoleteProduct' is set on a line that is not Rejected",
        "acknowledgement_decisions.csv row 5: PO 2JK3S9VC has no line 99",
    ]


def test_decisions_split_a_line(tmp_path):
    # Line 1 ordered 10 cases of 12: 6 accepted and 4 backordered.
    write_decisions(tmp_path, "2JK3S9VC,1,Accepted,6,\n2JK3S9VC,1,Backordered,4,\n")
    decisions = read_decisions(tmp_path / "acknowledgement_decisions.csv")

    lines, reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions)

    line_1 = [(line["acknowledgement_code"], line["acknowledged_quantity_amount"]) for line in lines if line["item_sequence_number"] == "1"]
    assert reasons == []
    assert line_1 == [("Accepted", 6), ("Backordered", 4)]
    assert len(lines) == 4


def test_decision_replaces_split_model_rows(tmp_path):
    write_decisions(tmp_path, "2JK3S9VC,1,Rejected,10,TemporarilyUnavailable\n")
    decisions = read_decisions(tmp_path / "acknowledgement_decisions.csv")
    model_rows = [
        rows.acknowledgement_line(acknowledged_quantity_amount=6),
        rows.acknowledgement_line(acknowledgement_code="Backordered", acknowledged_quantity_amount=4),
    ]

    lines, reasons = apply_decisions("2JK3S9VC", model_rows, decisions)

    assert reasons == []
    assert [(line["acknowledgement_code"], line["acknowledged_quantity_amount"], line["rejection_reason"]) for line in lines] == [
        ("Rejected", 10, "TemporarilyUnavailable")
    ]


def test_repeated_line_and_code_is_held(tmp_path):
    write_decisions(tmp_path, "2JK3S9VC,1,Accepted,6,\n2JK3S9VC,01,Accepted,4,\n")
    decisions = read_decisions(tmp_path / "acknowledgement_decisions.csv")

    lines, reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions)

    assert reasons == ["acknowledgement_decisions.csv row 3: repeats the line and acknowledgement_code of row 2"]
    # The model's rows stay until the file is fixed.
    assert [line["acknowledged_quantity_amount"] for line in lines if line["item_sequence_number"] == "1"] == [10]


def test_file_without_the_columns_is_named(tmp_path):
    (tmp_path / "acknowledgement_decisions.csv").write_text("po,line\n2JK3S9VC,1\n")

    with pytest.raises(DecisionFileError, match="lacks the columns purchase_order_number, item_sequence_number"):
        read_decisions(tmp_path / "acknowledgement_decisions.csv")


def test_excess_quantity_held_then_rebuilt(tmp_path):
    inbox = tmp_path / "inbox"
    # Line 1 ordered 10 cases of 12; 11 cases is 132 eaches, more than the 120 ordered.
    write_decisions(inbox, "2JK3S9VC,1,Accepted,11,\n")
    client = RecordingClient()
    with warehouse(tmp_path) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        first = record_and_submit(ledger, client, ACKNOWLEDGEMENT, plan_documents(con, ACKNOWLEDGEMENT, NOW, inbox_dir=inbox))
        held = ledger.get("acknowledgement:2JK3S9VC")

        write_decisions(inbox, "2JK3S9VC,1,Accepted,9,\n")
        second = record_and_submit(ledger, client, ACKNOWLEDGEMENT, plan_documents(con, ACKNOWLEDGEMENT, NOW, inbox_dir=inbox))
        sent = ledger.get("acknowledgement:2JK3S9VC")
        third = record_and_submit(ledger, client, ACKNOWLEDGEMENT, plan_documents(con, ACKNOWLEDGEMENT, NOW, inbox_dir=inbox))

    assert first.held == 1
    assert held.hold_reason == (
        "PO 2JK3S9VC line 1: acknowledges 132 eaches (11 Cases of 12), more than the 120 ordered (10 Cases of 12)"
    )
    assert second.rebuilt == 1
    assert sent.state == "accepted"
    assert len(client.received) == 1
    item = client.received[0]["acknowledgements"][0]["items"][0]
    assert item["itemAcknowledgements"][0]["acknowledgedQuantity"] == {"amount": 9, "unitOfMeasure": "Cases", "unitSize": 12}
    assert third.already_in_ledger == 1
    assert len(client.received) == 1


def test_unchanged_held_document_stays_held(tmp_path):
    inbox = tmp_path / "inbox"
    write_decisions(inbox, "2JK3S9VC,1,Accepted,11,\n")
    with warehouse(tmp_path) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        for _ in range(2):
            summary = record_and_submit(
                ledger, RecordingClient(), ACKNOWLEDGEMENT, plan_documents(con, ACKNOWLEDGEMENT, NOW, inbox_dir=inbox)
            )
        history = [state for state, _detail, _at in ledger.history("acknowledgement:2JK3S9VC")]

    assert summary.rebuilt == 0
    assert summary.already_in_ledger == 1
    assert history == ["built", "held"]


def test_invoice_settings_are_applied(tmp_path):
    settings = OutboundSettings(remit_to_party_id="ACRN-REMIT", tax_type="VAT", charge_type="Freight", allowance_type="Discount")
    with warehouse(tmp_path) as con:
        (document,) = plan_documents(con, INVOICE, NOW, settings)

    invoice = document.payload["invoices"][0]
    assert document.hold_reasons == []
    assert invoice["remitToParty"] == {"partyId": "ACRN-REMIT"}
    assert invoice["taxDetails"][0]["taxType"] == "VAT"
    assert invoice["chargeDetails"][0]["type"] == "Freight"
    assert invoice["allowanceDetails"][0]["type"] == "Discount"
    # 264.00 + 8.16 tax + 15.00 freight - 5.00 discount
    assert invoice["invoiceTotal"]["amount"] == "282.16"


def test_invoice_without_tax_type_held(tmp_path):
    with warehouse(tmp_path) as con:
        (document,) = plan_documents(con, INVOICE, NOW, OutboundSettings())

    assert "tax_type" in document.hold_reasons[0]


def test_held_acknowledgement_built_later_is_not_rebuilt(tmp_path):
    inbox = tmp_path / "inbox"
    write_decisions(inbox, "2JK3S9VC,1,Accepted,11,\n")
    with warehouse(tmp_path) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        record_and_submit(ledger, RecordingClient(), ACKNOWLEDGEMENT, plan_documents(con, ACKNOWLEDGEMENT, NOW, inbox_dir=inbox))
        # The same decisions an hour later: only the acknowledgement date differs.
        later = plan_documents(con, ACKNOWLEDGEMENT, NOW.replace(hour=11), inbox_dir=inbox)
        summary = record_and_submit(ledger, RecordingClient(), ACKNOWLEDGEMENT, later)

    assert summary.rebuilt == 0
    assert summary.already_in_ledger == 1
