"""validate_table on a table read in several chunks: counts add up, duplicates across chunks found."""

from __future__ import annotations

import pytest
from expectation_rows import SSCC_B, vendor_shipment

import expectations.runner as runner
from expectations import validate_table

SHIPMENTS = "raw_vendor.vendor_shipments"
KEY_RULE = "(shipment_id, carton_id, purchase_order_number, item_sequence_number) must be unique"
UNIT_RULE = "unit_of_measure must be one of Cases, Eaches"


def shipments(count: int, **changes_by_index: dict) -> list[dict]:
    """`count` shipment rows with distinct keys; `changes_by_index` changes row i (key 'r<i>')."""
    rows = [vendor_shipment(item_sequence_number=str(index + 1)) for index in range(count)]
    for name, changes in changes_by_index.items():
        rows[int(name[1:])].update(changes)
    return rows


@pytest.fixture
def chunks_of_three(monkeypatch):
    monkeypatch.setattr(runner, "CHUNK_ROWS", 3)


def by_rule(outcome):
    return {failed.description: failed.unexpected_count for failed in outcome.failed_expectations}


def test_failures_in_several_chunks_add_up(warehouse, write, chunks_of_three):
    # Rows 1 and 7 sit in the first and third chunk of three rows each.
    rows = shipments(8, r1={"unit_of_measure": "Pallets"}, r7={"unit_of_measure": "Boxes"})
    write(SHIPMENTS, rows)

    outcome = validate_table(warehouse, SHIPMENTS)

    assert outcome.row_count == 8
    assert outcome.success is False
    assert by_rule(outcome) == {UNIT_RULE: 2}
    assert sorted(row["item_sequence_number"] for row in outcome.failed_rows) == ["2", "8"]


def test_duplicate_keys_in_different_chunks_found(warehouse, write, chunks_of_three):
    # Row 6 repeats the key of row 0; each chunk alone has distinct keys.
    rows = shipments(7, r6={"item_sequence_number": "1"})
    write(SHIPMENTS, rows)

    outcome = validate_table(warehouse, SHIPMENTS)

    assert by_rule(outcome) == {KEY_RULE: 2}
    assert [row["item_sequence_number"] for row in outcome.failed_rows] == ["1", "1"]
    assert {row["failed_expectation"] for row in outcome.failed_rows} == {KEY_RULE}


def test_same_rows_same_outcome_in_one_chunk(warehouse, write, monkeypatch):
    rows = shipments(7, r6={"item_sequence_number": "1"}, r2={"carton_id": SSCC_B, "unit_of_measure": "Pallets"})
    write(SHIPMENTS, rows)
    whole = validate_table(warehouse, SHIPMENTS)

    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    chunked = validate_table(warehouse, SHIPMENTS)

    assert by_rule(whole) == {KEY_RULE: 2, UNIT_RULE: 1}
    assert by_rule(chunked) == by_rule(whole)
    assert whole.row_count == chunked.row_count == 7
    assert whole.evaluated_expectations == chunked.evaluated_expectations


def test_clean_table_in_chunks_passes(warehouse, write, chunks_of_three):
    write(SHIPMENTS, shipments(7))

    outcome = validate_table(warehouse, SHIPMENTS)

    assert outcome.success is True
    assert outcome.failed_expectations == []
