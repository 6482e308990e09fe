"""`restore_before_daily` puts back the tables a daily run's dbt step met, and only those."""

import duckdb

from benchmarks.transform import restore_before_daily

SCHEMAS = "create schema analytics; create schema outbound; create schema raw_vendor;"


def write(path, orders: int, lines: int, documents: int, summary: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMAS)
        con.execute(f"create table raw_vendor.purchase_orders as select range as n from range({orders})")
        con.execute(f"create table analytics.int_lines as select range as n from range({lines})")
        con.execute(f"create table outbound.documents as select range as n from range({documents})")
        con.execute(f"create table analytics.replenishment_plan as select range as n from range({summary})")


def counts(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("raw_vendor.purchase_orders", "analytics.int_lines", "outbound.documents", "analytics.replenishment_plan")
        }


def test_restores_incremental_models_and_outbound_tables(tmp_path):
    before, after = tmp_path / "before.duckdb", tmp_path / "warehouse.duckdb"
    write(before, orders=10, lines=20, documents=3, summary=5)
    write(after, orders=12, lines=25, documents=4, summary=6)

    restore_before_daily(after, before, ["int_lines"])

    # The raw table and the table model keep the daily run's rows; the incremental model and the
    # outbound table are back to the earlier copy's.
    assert counts(after) == {
        "raw_vendor.purchase_orders": 12,
        "analytics.int_lines": 20,
        "outbound.documents": 3,
        "analytics.replenishment_plan": 6,
    }
