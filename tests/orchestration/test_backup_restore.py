"""`acorn backup` and `acorn restore` on a small hand-made warehouse."""

from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest

from orchestration.commands.backup import BackupError, backup_warehouse
from orchestration.commands.restore import restore_warehouse

ROWS = [
    ("PO1", "1", Decimal("12.340000000"), datetime(2024, 6, 1, 8, tzinfo=UTC), date(2024, 6, 2)),
    ("PO1", "2", Decimal("0.000000001"), datetime(2024, 6, 1, 9, 30, tzinfo=UTC), None),
    ("PO2", "1", None, None, date(2024, 6, 9)),
]


def make_warehouse(path):
    with duckdb.connect(str(path)) as con:
        con.execute("set timezone = 'UTC'")
        con.execute("create schema raw_vendor")
        con.execute(
            "create table raw_vendor.purchase_order_items (purchase_order_number text, item_sequence_number text, "
            "net_cost_amount decimal(38, 9), loaded_at timestamptz, ship_date date)"
        )
        con.executemany("insert into raw_vendor.purchase_order_items values (?, ?, ?, ?, ?)", ROWS)
        con.execute("create schema analytics")
        con.execute("create table analytics.replenishment_plan (asin text, units bigint)")
        con.execute("insert into analytics.replenishment_plan values ('B01', 4)")


def read_items(path):
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set timezone = 'UTC'")
        return con.execute("select * from raw_vendor.purchase_order_items order by 1, 2").fetchall()


def test_backup_then_restore_gives_same_rows(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)

    counts = backup_warehouse(warehouse, tmp_path / "backup")
    warehouse.unlink()
    restored = restore_warehouse(tmp_path / "backup", warehouse)

    assert counts == {"analytics.replenishment_plan": 1, "raw_vendor.purchase_order_items": 3}
    assert restored == counts
    assert read_items(warehouse) == ROWS
    assert (tmp_path / "backup" / "manifest.json").is_file()


def test_restore_keeps_existing_warehouse_aside(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    backup_warehouse(warehouse, tmp_path / "backup")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw_vendor.purchase_order_items where purchase_order_number = 'PO2'")

    with pytest.raises(BackupError, match="a warehouse already exists at .*pass --force to replace it"):
        restore_warehouse(tmp_path / "backup", warehouse)
    restore_warehouse(tmp_path / "backup", warehouse, force=True)

    assert len(read_items(warehouse)) == 3
    assert len(read_items(tmp_path / "warehouse.duckdb.before-restore")) == 2


def test_restore_rejects_folder_without_manifest(tmp_path):
    (tmp_path / "elsewhere").mkdir()

    with pytest.raises(BackupError, match="has no manifest.json, so it is not a folder written by 'acorn backup'"):
        restore_warehouse(tmp_path / "elsewhere", tmp_path / "warehouse.duckdb")


def test_restore_rejects_copy_that_lost_rows(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    backup_warehouse(warehouse, tmp_path / "backup")
    manifest = tmp_path / "backup" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"raw_vendor.purchase_order_items": 3', '"raw_vendor.purchase_order_items": 4'))

    with pytest.raises(BackupError, match="raw_vendor.purchase_order_items: backup 4, imported 3"):
        restore_warehouse(tmp_path / "backup", tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_backup_rejects_non_empty_folder(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "other.txt").write_text("x")

    with pytest.raises(BackupError, match="is not empty; name a new or empty folder with --to"):
        backup_warehouse(warehouse, tmp_path / "backup")
