"""validate_table: missing inputs, failed-row limits, metadata and the DuckDB handle."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest
from expectation_rows import (
    TABLE_COLUMNS,
    acknowledgement_line,
    invoice_line,
    invoice,
    shipment_confirmation,
    write_table,
)

from expectations import UnknownTableError, validate_table
from expectations.runner import MAX_FAILED_ROWS

ACK = "analytics.outbound_acknowledgement_lines"


def test_missing_warehouse_file_fails_with_hint(tmp_path):
    outcome = validate_table(tmp_path / "absent.duckdb", ACK)

    assert outcome.success is False
    assert outcome.blocking is True
    assert outcome.evaluated_expectations == 0
    assert "absent.duckdb does not exist" in outcome.message
    assert ACK in outcome.message
    assert outcome.message.endswith("run the dbt build first")


def test_missing_table_names_table_and_dbt_build(warehouse, write):
    write("analytics.outbound_invoices", [invoice()])

    outcome = validate_table(warehouse, ACK)

    assert outcome.success is False
    assert outcome.message == (
        f"table {ACK} does not exist in {warehouse}; run the dbt build first"
    )
    assert outcome.to_metadata()["message"] == outcome.message


def test_missing_raw_table_points_to_load(warehouse, write):
    write("analytics.outbound_invoices", [invoice()])

    outcome = validate_table(warehouse, "raw_vendor.vendor_shipments")

    assert outcome.success is False
    assert outcome.blocking is False
    assert outcome.message.endswith("run the dlt load first")


def test_missing_column_fails_with_message(warehouse, write):
    columns = dict(TABLE_COLUMNS["analytics.outbound_invoices"])
    del columns["tax_total_amount"]

    write("analytics.outbound_invoices", [invoice()], columns=columns)
    outcome = validate_table(warehouse, "analytics.outbound_invoices")

    assert outcome.success is False
    assert "lacks a column that its suite needs" in outcome.message
    assert "tax_total_amount" in outcome.message


def test_unknown_table_raises(warehouse):
    with pytest.raises(UnknownTableError, match=r"no validation suite for table 'analytics\.nope'"):
        validate_table(warehouse, "analytics.nope")


def test_empty_table_passes(warehouse, write):
    write(ACK, [])

    outcome = validate_table(warehouse, ACK)

    assert outcome.success, outcome.failed_expectations
    assert outcome.row_count == 0


def test_failed_rows_stop_at_limit(warehouse, write):
    lines = [
        acknowledgement_line(item_sequence_number=str(number), acknowledged_quantity_amount=0)
        for number in range(1, 151)
    ]
    write(ACK, lines)

    outcome = validate_table(warehouse, ACK)

    assert [failed.unexpected_count for failed in outcome.failed_expectations] == [150]
    assert len(outcome.failed_rows) == MAX_FAILED_ROWS == 100


def test_metadata_is_json(warehouse, write):
    write(
        "analytics.outbound_shipment_confirmations",
        [shipment_confirmation(ship_date=datetime(2999, 1, 1, tzinfo=UTC), shipment_id=None)],
    )

    outcome = validate_table(warehouse, "analytics.outbound_shipment_confirmations")
    metadata = json.loads(json.dumps(outcome.to_metadata(), allow_nan=False))

    assert metadata["success"] is False
    assert metadata["failed_expectation_count"] == 2
    assert {row["failed_expectation"] for row in metadata["failed_rows"]} == {
        "shipment_id must be present",
        "ship_date must not be in the future",
    }
    future = next(
        row for row in metadata["failed_rows"] if row["failed_expectation"].startswith("ship_date")
    )
    assert future["ship_date"] == "2999-01-01T00:00:00+00:00"
    assert future["shipment_id"] is None


def test_connection_closed_after_validation(warehouse, write):
    write(ACK, [acknowledgement_line()])

    validate_table(warehouse, ACK)

    # DuckDB refuses a read-write connection in a process that still holds a read-only one.
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"delete from {ACK}")
    write_table(warehouse, ACK, [acknowledgement_line()])


def test_repeated_costs_compared_as_text(warehouse, write):
    # Invoice lines 1-5 cost 8.50 as on the PO; line 6 is held at 9.00 against a PO cost of 8.75.
    # Both cost columns repeat, so they would become categories with different category sets.
    lines = [invoice_line(invoice_line_number=number, item_sequence_number=str(number)) for number in range(1, 6)]
    lines.append(
        invoice_line(
            invoice_line_number=6,
            item_sequence_number="6",
            net_cost_amount=Decimal("9.00"),
            po_net_cost_amount=Decimal("8.75"),
            line_amount=Decimal("108.00"),
            hold_reason="cost 9.00 differs from the PO cost 8.75",
        )
    )
    write("analytics.outbound_invoice_lines", lines)

    outcome = validate_table(warehouse, "analytics.outbound_invoice_lines")

    assert outcome.success, outcome.to_metadata()
    assert outcome.evaluated_expectations > 0
