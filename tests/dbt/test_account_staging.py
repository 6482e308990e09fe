"""Build the purchase order staging models on two accounts' rows that share PO numbers.

Both accounts have PO 7SHARED1 with line 1, so a key without the account would fail its
unique test. purchase_order_status is created without vendor_code, as a warehouse loaded
before the column existed has it.
"""

from datetime import UTC, datetime

import duckdb
import pytest

from raw_warehouse import TABLES
from test_dbt_project import rows, run_dbt, use_warehouse

MODELS = [
    "stg_vendor__purchase_orders",
    "stg_vendor__purchase_order_items",
    "stg_vendor__purchase_order_status",
    "stg_vendor__purchase_order_status_items",
]
ORDERED_AT = datetime(2026, 11, 20, 10, tzinfo=UTC)
ACCOUNTS = (("acme-us", "ACMUS", 10), ("acme-eu", "ACMDE", 4))


def insert(con, table: str, values: dict) -> None:
    columns = [*values, "_dlt_load_id", "_dlt_id"]
    con.execute(
        f"insert into raw_vendor.{table} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
        [*values.values(), "1", f"{table}-{values['account']}-{values.get('item_sequence_number', '')}"],
    )


def write_raw(warehouse) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_vendor")
        for table in ("purchase_orders", "purchase_order_items", "purchase_order_status", "purchase_order_status_items"):
            columns = TABLES[table]
            if table == "purchase_order_status":
                columns = columns.replace("vendor_code varchar, ", "")
            assert "vendor_code" in TABLES[table]
            con.execute(f"create table raw_vendor.{table} ({columns}, _dlt_load_id varchar, _dlt_id varchar)")
        for account, vendor_code, cases in ACCOUNTS:
            po = {"account": account, "purchase_order_number": "7SHARED1"}
            insert(con, "purchase_orders", {
                **po, "vendor_code": vendor_code, "purchase_order_state": "New", "purchase_order_date": ORDERED_AT,
                "purchase_order_state_changed_date": ORDERED_AT, "selling_party_id": vendor_code,
            })  # fmt: skip
            insert(con, "purchase_order_items", {
                **po, "vendor_code": vendor_code, "item_sequence_number": "1", "ordered_quantity_amount": cases,
                "ordered_quantity_unit_of_measure": "Cases", "ordered_quantity_unit_size": 12,
                "net_cost_amount": 8.5, "net_cost_currency_code": "USD",
            })  # fmt: skip
            insert(con, "purchase_order_status", {
                **po, "purchase_order_status": "OPEN", "purchase_order_date": ORDERED_AT,
                "selling_party_id": vendor_code,
            })  # fmt: skip
            insert(con, "purchase_order_status_items", {
                **po, "vendor_code": vendor_code, "item_sequence_number": "1", "ordered_quantity_amount": cases,
                "ordered_quantity_unit_of_measure": "Cases", "ordered_quantity_unit_size": 12,
                "cancelled_quantity_amount": 0, "cancelled_quantity_unit_of_measure": "Cases",
                "cancelled_quantity_unit_size": 12,
            })  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("account_staging")
    warehouse = work_dir / "warehouse.duckdb"
    write_raw(warehouse)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_warehouse(monkeypatch, warehouse)
        sources = [f"source:vendor.{model.removeprefix('stg_vendor__')}" for model in MODELS]
        # Cautious: leave out tests that also read models outside this selection.
        result = run_dbt(["build", "--indirect-selection", "cautious", "--select", *MODELS, *sources], work_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield result, con


def test_key_tests_pass_per_account(built):
    result, _ = built
    statuses = {node.node.name: str(node.status) for node in result.result.results}
    key_tests = {name: status for name, status in statuses.items() if name.startswith("primary_key_")}

    assert result.success, {name: status for name, status in statuses.items() if status not in ("pass", "success")}
    # The grain tests of the two order models and the two line models.
    assert len(key_tests) == 4
    assert set(key_tests.values()) == {"pass"}


def test_shared_po_stays_two_rows(built):
    _, con = built

    found = rows(
        con,
        "select account, vendor_code, ordered_quantity_amount, ordered_eaches "
        "from analytics.stg_vendor__purchase_order_items order by account",
    )

    # 4 cases of 12 are 48 eaches; 10 cases of 12 are 120.
    assert found == [
        {"account": "acme-eu", "vendor_code": "ACMDE", "ordered_quantity_amount": 4, "ordered_eaches": 48},
        {"account": "acme-us", "vendor_code": "ACMUS", "ordered_quantity_amount": 10, "ordered_eaches": 120},
    ]


def test_missing_vendor_code_column_is_null(built):
    _, con = built

    found = rows(con, "select account, vendor_code from analytics.stg_vendor__purchase_order_status order by account")

    assert found == [{"account": "acme-eu", "vendor_code": None}, {"account": "acme-us", "vendor_code": None}]
