"""A raw feed validated before is read again only for its new dlt loads, and whole after a suite change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from expectation_rows import TABLE_COLUMNS, vendor_shipment, write_table

import expectations.runner as runner
import expectations.suites as suites
from expectations import validate_table
from expectations.scope import NEW_LOADS, VALIDATED_LOADS_TABLE, WHOLE_TABLE
from orchestration.commands.backup import backup_warehouse
from orchestration.commands.restore import restore_warehouse

SHIPMENTS = "raw_vendor.vendor_shipments"
SHIPMENT_COLUMNS = {**TABLE_COLUMNS[SHIPMENTS], "_dlt_load_id": "varchar"}
KEY_RULE = "(shipment_id, carton_id, purchase_order_number, item_sequence_number) must be unique"
UNIT_RULE = "unit_of_measure must be one of Cases, Eaches"
FIRST_LOAD = "1764892800.123456"
SECOND_LOAD = "1764979200.654321"


def shipment(sequence: int, load_id: str | None, **changes) -> dict:
    return {**vendor_shipment(item_sequence_number=str(sequence), **changes), "_dlt_load_id": load_id}


def append(warehouse: Path, rows: list[dict]) -> None:
    """Insert rows as a later dlt load would, keeping the rows already there."""
    names = list(SHIPMENT_COLUMNS)
    with duckdb.connect(str(warehouse)) as connection:
        connection.executemany(
            f"insert into {SHIPMENTS} ({', '.join(names)}) values ({', '.join('?' for _ in names)})",
            [[row[name] for name in names] for row in rows],
        )


@pytest.fixture
def seen(monkeypatch):
    """The frames GX validates, as (row count, column names), one entry per chunk."""
    frames: list[tuple[int, set[str]]] = []
    validate = runner._validate_chunk

    def counting(frame, spec):
        frames.append((len(frame), set(frame.columns)))
        return validate(frame, spec)

    monkeypatch.setattr(runner, "_validate_chunk", counting)
    return frames


@pytest.fixture
def first_load(warehouse):
    """Five clean shipment rows from one load, validated once."""
    write_table(warehouse, SHIPMENTS, [shipment(index, FIRST_LOAD) for index in range(1, 6)], SHIPMENT_COLUMNS)
    outcome = validate_table(warehouse, SHIPMENTS)
    assert outcome.success is True
    assert outcome.scope == WHOLE_TABLE
    assert outcome.row_count == 5
    return warehouse


def rows_seen(frames: list[tuple[int, set[str]]]) -> int:
    return sum(count for count, _ in frames)


def by_rule(outcome) -> dict[str, int]:
    return {failed.description: failed.unexpected_count for failed in outcome.failed_expectations}


def test_second_validation_reads_new_rows(first_load, seen):
    append(first_load, [shipment(6, SECOND_LOAD), shipment(7, SECOND_LOAD)])

    outcome = validate_table(first_load, SHIPMENTS)

    assert outcome.success is True
    assert outcome.scope == NEW_LOADS
    assert rows_seen(seen) == 2
    assert outcome.row_count == 2
    assert outcome.table_row_count == 7
    assert outcome.validated_load_ids == (SECOND_LOAD,)


def test_unchanged_table_reads_no_rows(first_load, seen):
    outcome = validate_table(first_load, SHIPMENTS)

    assert outcome.success is True
    assert outcome.scope == NEW_LOADS
    assert rows_seen(seen) == 0
    assert outcome.table_row_count == 5


def test_bad_new_row_caught(first_load, seen):
    append(first_load, [shipment(6, SECOND_LOAD), shipment(7, SECOND_LOAD, unit_of_measure="Pallets")])

    outcome = validate_table(first_load, SHIPMENTS)

    assert rows_seen(seen) == 2
    assert outcome.success is False
    assert by_rule(outcome) == {UNIT_RULE: 1}
    assert [row["item_sequence_number"] for row in outcome.failed_rows] == ["7"]


def test_failed_load_read_again(first_load, seen):
    append(first_load, [shipment(6, SECOND_LOAD, unit_of_measure="Pallets")])

    first = validate_table(first_load, SHIPMENTS)
    second = validate_table(first_load, SHIPMENTS)

    # A failed validation stores no loads, so the failing row is read and reported again.
    assert first.success is False
    assert second.success is False
    assert by_rule(second) == {UNIT_RULE: 1}
    assert [count for count, _ in seen] == [1, 1]


def test_duplicate_across_old_and_new_caught(first_load, seen):
    # Row 6 repeats the key of row 2, which the first load wrote.
    append(first_load, [shipment(6, SECOND_LOAD), shipment(2, SECOND_LOAD)])

    outcome = validate_table(first_load, SHIPMENTS)

    assert rows_seen(seen) == 2
    assert outcome.success is False
    assert by_rule(outcome) == {KEY_RULE: 2}
    assert [row["item_sequence_number"] for row in outcome.failed_rows] == ["2", "2"]
    assert outcome.validated_load_ids == (SECOND_LOAD,)


def test_changed_suite_reads_whole_table(first_load, seen, monkeypatch):
    append(first_load, [shipment(6, SECOND_LOAD)])
    spec = suites.SUITES[SHIPMENTS]

    def suite_without_quantity_check():
        suite = spec.build_suite()
        kept = [item for item in suite.expectations if item.description != "shipped quantity must be greater than 0"]
        assert len(kept) == len(suite.expectations) - 1
        suite.expectations = kept
        return suite

    monkeypatch.setitem(suites.SUITES, SHIPMENTS, dataclasses.replace(spec, build_suite=suite_without_quantity_check))

    changed = validate_table(first_load, SHIPMENTS)
    again = validate_table(first_load, SHIPMENTS)

    assert changed.scope == WHOLE_TABLE
    assert changed.success is True
    assert [count for count, _ in seen] == [6, 0]
    assert again.scope == NEW_LOADS
    assert changed.validated_load_ids == (FIRST_LOAD, SECOND_LOAD)


def test_row_without_load_id_always_read(warehouse, seen):
    rows = [shipment(1, FIRST_LOAD), shipment(2, None)]
    write_table(warehouse, SHIPMENTS, rows, SHIPMENT_COLUMNS)

    validate_table(warehouse, SHIPMENTS)
    second = validate_table(warehouse, SHIPMENTS)

    assert [count for count, _ in seen] == [2, 1]
    assert second.validated_load_ids == ()


def test_only_checked_columns_read(first_load, seen):
    append(first_load, [shipment(6, SECOND_LOAD)])

    validate_table(first_load, SHIPMENTS)

    # The suite checks the four key columns, quantity and unit_of_measure, and three columns
    # that DuckDB computes from ship_date and carton_id.
    assert seen[0][1] == {
        "shipment_id",
        "carton_id",
        "purchase_order_number",
        "item_sequence_number",
        "quantity",
        "unit_of_measure",
        "computed_ship_date_in_range",
        "computed_ship_date_type",
        "computed_carton_id_check_digit_valid",
    }


def test_validated_loads_survive_backup_and_restore(first_load, seen, tmp_path):
    backup_warehouse(first_load, tmp_path / "backup")
    restored = tmp_path / "restored.duckdb"
    restore_warehouse(tmp_path / "backup", restored)
    append(restored, [shipment(6, SECOND_LOAD)])

    outcome = validate_table(restored, SHIPMENTS)

    assert outcome.scope == NEW_LOADS
    assert rows_seen(seen) == 1


def test_blocking_suite_reads_whole_table(warehouse, seen):
    table = "analytics.outbound_shipment_confirmations"
    columns = {**TABLE_COLUMNS[table], "_dlt_load_id": "varchar"}
    row = {name: None for name in columns}
    row.update(account="acme", shipment_id="ACRN-SHP-0001", carton_count=1, _dlt_load_id=FIRST_LOAD)
    write_table(warehouse, table, [row], columns)

    first = validate_table(warehouse, table)
    second = validate_table(warehouse, table)

    assert first.scope == second.scope == WHOLE_TABLE
    assert [count for count, _ in seen] == [1, 1]


def test_stored_loads_keep_one_fingerprint(first_load, monkeypatch):
    monkeypatch.setattr("expectations.scope.SCOPE_VERSION", -1)
    validate_table(first_load, SHIPMENTS)

    with duckdb.connect(str(first_load), read_only=True) as connection:
        stored = connection.execute(
            f"select count(distinct suite_fingerprint), count(*) from {VALIDATED_LOADS_TABLE}"
        ).fetchone()

    assert stored == (1, 1)
