"""Build the reconciliation marts on the six-PO scenario of scenario_warehouse.py and compare
every row with rows worked out by hand.

The scenario covers cases against eaches, split shipments, receipts allocated across
shipments, cancellations, a changed PO, a price mismatch, an over receipt, a unit mismatch,
and invoices sent before anything was received."""

from datetime import datetime, timezone
from decimal import Decimal

import duckdb
import pytest

from scenario_warehouse import build_scenario_warehouse, invoice_id
from test_dbt_project import rows, run_dbt, use_warehouse

SELECTION = ["+po_line_reconciliation", "+invoice_reconciliation", "+shortage_claims"]

PO_LINE_COLUMNS = [
    "purchase_order_number", "item_sequence_number", "ordered_unit_of_measure", "ordered_unit_size",
    "ordered_eaches", "cancelled_eaches", "accepted_eaches", "shipped_eaches", "received_eaches",
    "invoiced_eaches", "short_received_eaches", "over_received_eaches", "shipped_not_received_eaches",
    "invoiced_not_received_eaches", "received_not_invoiced_eaches", "price_mismatch_eaches",
    "unit_mismatch_eaches", "money_at_risk_amount", "short_received_amount", "over_received_amount",
    "shipped_not_received_amount", "invoiced_not_received_amount", "received_not_invoiced_amount",
    "price_mismatch_amount", "unit_mismatch_amount", "is_short_received", "is_over_received",
    "is_shipped_not_received", "is_invoiced_not_received", "is_received_not_invoiced",
    "is_price_mismatch", "is_unit_mismatch",
]


def _line(po, line, unit, size, ordered, cancelled, accepted, shipped, received, invoiced,
          eaches=(0, 0, 0, 0, 0, 0, 0), amounts=("0",) * 8, flags=""):
    """One expected po_line_reconciliation row. eaches: short, over, shipped not received,
    invoiced not received, received not invoiced, price mismatch, unit mismatch. amounts:
    money at risk, then the same seven. flags: letters S O N I R P U for the true flags."""
    values = [po, line, unit, size, ordered, cancelled, accepted, shipped, received, invoiced,
              *eaches, *(Decimal(amount) for amount in amounts),
              *(letter in flags for letter in "SONIRPU")]
    return dict(zip(PO_LINE_COLUMNS, values, strict=True))


EXPECTED_PO_LINES = [
    # 60 eaches shipped in two shipments, 52 received, 60 invoiced: 8 short at 4.00, and 8
    # billed that Amazon did not receive.
    _line("PO200001", "1", "Cases", 6, 60, 0, 60, 60, 52, 60,
          eaches=(8, 0, 0, 8, 0, 0, 0), amounts=("32", "32", "0", "0", "32", "0", "0", "0"), flags="SI"),
    _line("PO200001", "2", "Eaches", 1, 12, 0, 12, 12, 12, 12),
    # Changed PO: 20 Cases of 12, 5 cancelled, 15 shipped, 15 Cases received, nothing invoiced.
    _line("PO200002", "1", "Cases", 12, 240, 60, 180, 180, 180, 0,
          eaches=(0, 0, 0, 0, 180, 0, 0), amounts=("0", "0", "0", "0", "0", "1530", "0", "0"), flags="R"),
    # Cancelled in full: nothing to reconcile.
    _line("PO200002", "2", "Eaches", 1, 6, 6, 0, 0, 0, 0),
    # Invoiced 24 at 3.20 against 3.00 (4.80), and 26 received of 24 shipped (2 over at 3.00).
    _line("PO200003", "1", "Eaches", 1, 24, 0, 24, 24, 26, 24,
          eaches=(0, 2, 0, 0, 2, 24, 0), amounts=("4.80", "0", "6", "0", "0", "6", "4.80", "0"), flags="ORP"),
    # Invoiced two days after shipping, nothing received yet: in transit, no flag.
    _line("PO200004", "1", "Eaches", 1, 24, 0, 24, 24, 0, 24),
    # Shipped 33 days ago, invoiced, nothing received: 12 short, lost and billed.
    _line("PO200005", "1", "Eaches", 1, 12, 0, 12, 12, 0, 12,
          eaches=(12, 0, 12, 12, 0, 0, 0), amounts=("60", "60", "0", "60", "60", "0", "0", "0"), flags="SNI"),
    # 4 Cases of 6 packed as 24 Eaches, received, not invoiced.
    _line("PO200006", "1", "Cases", 6, 24, 0, 24, 24, 24, 0,
          eaches=(0, 0, 0, 0, 24, 0, 24), amounts=("0", "0", "0", "0", "0", "24", "0", "24"), flags="RU"),
]

INVOICE_COLUMNS = [
    "invoice_id", "purchase_order_number", "shipment_id", "line_count", "invoiced_eaches",
    "matched_received_eaches", "unmatched_invoiced_eaches", "header_total_amount",
    "expected_payable_amount", "payable_shortfall_amount", "price_mismatch_amount",
    "has_price_mismatch", "is_total_mismatch", "ledger_state", "transaction_status",
]


def _invoice(shipment, po, lines, invoiced, matched, total, payable, mismatch, ledger=(None, None)):
    values = [invoice_id(shipment, po), po, shipment, lines, invoiced, matched, invoiced - matched,
              Decimal(total), Decimal(payable), Decimal(total) - Decimal(payable), Decimal(mismatch),
              mismatch != "0", False, *ledger]
    return dict(zip(INVOICE_COLUMNS, values, strict=True))


EXPECTED_INVOICES = sorted(
    [
        # 30 × 4.00 + 12 × 2.50, all received.
        _invoice("SH-2001", "PO200001", 2, 42, 42, "150", "150", "0", ("success", "Success")),
        # 30 × 4.00 billed. Of the line's 52 receipts, 22 are left for the later shipment.
        _invoice("SH-2002", "PO200001", 1, 30, 22, "120", "88", "0", ("accepted", "Processing")),
        _invoice("SH-2003", "PO200002", 1, 180, 180, "1530", "1530", "0"),
        # 24 × 3.20 billed, payable at the PO's 3.00.
        _invoice("SH-2004", "PO200003", 1, 24, 24, "76.80", "72", "4.80", ("success", "Success")),
        _invoice("SH-2005", "PO200004", 1, 24, 0, "120", "0", "0", ("accepted", "Processing")),
        _invoice("SH-2006", "PO200005", 1, 12, 0, "60", "0", "0", ("success", "Success")),
        _invoice("SH-2007", "PO200006", 1, 24, 24, "24", "24", "0"),
    ],
    key=lambda invoice: invoice["invoice_id"],
)

EXPECTED_CLAIMS = [
    {
        "purchase_order_number": "PO200001", "item_sequence_number": "1", "shipment_id": "SH-2002",
        "invoice_id": invoice_id("SH-2002", "PO200001"), "carrier_reference": "1Z-SH-2002",
        "carton_count": 2, "carton_ids": "000000000000200021, 000000000000200022",
        "shipped_eaches": 30, "received_allocated_eaches": 22, "claimed_eaches": 8,
        "claim_amount": Decimal("32"), "is_shipped_not_received": False,
        "ship_date": datetime(2026, 11, 15, 14, tzinfo=timezone.utc),
    },
    {
        "purchase_order_number": "PO200005", "item_sequence_number": "1", "shipment_id": "SH-2006",
        "invoice_id": invoice_id("SH-2006", "PO200005"), "carrier_reference": "1Z-SH-2006",
        "carton_count": 1, "carton_ids": "000000000000200061",
        "shipped_eaches": 12, "received_allocated_eaches": 0, "claimed_eaches": 12,
        "claim_amount": Decimal("60"), "is_shipped_not_received": True,
        "ship_date": datetime(2026, 11, 1, 14, tzinfo=timezone.utc),
    },
]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("scenario")
    warehouse = work_dir / "warehouse.duckdb"
    build_scenario_warehouse(warehouse)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_warehouse(monkeypatch, warehouse)
        result = run_dbt(
            ["build", "--select", *SELECTION, "--indirect-selection", "cautious",
             "--exclude-resource-type", "unit_test", "--vars", "{run_date: '2026-12-04'}"],
            work_dir,
        )
    assert result.exception is None
    failed = {str(node.node.unique_id): str(node.status) for node in result.result.results
              if str(node.status) not in ("success", "pass")}
    assert failed == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield con


def test_po_lines_row_by_row(scenario):
    found = rows(
        scenario,
        f"select {', '.join(PO_LINE_COLUMNS)} from analytics.po_line_reconciliation "
        "order by purchase_order_number, item_sequence_number",
    )
    assert [(row["purchase_order_number"], row["item_sequence_number"]) for row in found] == [
        (row["purchase_order_number"], row["item_sequence_number"]) for row in EXPECTED_PO_LINES
    ]
    for actual, expected in zip(found, EXPECTED_PO_LINES, strict=True):
        assert actual == expected


def test_invoices_row_by_row(scenario):
    found = rows(
        scenario,
        f"select {', '.join(INVOICE_COLUMNS)} from analytics.invoice_reconciliation order by invoice_id",
    )
    assert len(found) == len(EXPECTED_INVOICES)
    for actual, expected in zip(found, EXPECTED_INVOICES, strict=True):
        assert actual == expected


def test_shortage_claims_row_by_row(scenario):
    found = rows(
        scenario,
        f"select {', '.join(EXPECTED_CLAIMS[0])} from analytics.shortage_claims "
        "order by purchase_order_number, item_sequence_number, shipment_id",
    )
    assert found == EXPECTED_CLAIMS
