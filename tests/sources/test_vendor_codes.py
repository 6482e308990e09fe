"""The account and vendor_code columns, and two accounts with the same PO numbers in one warehouse."""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from vendor_fakes import FakeVendorClient, make_order, make_status

from sources.pipeline import make_pipeline
from sources.vendor_api import vendor_api_source

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)  # a Wednesday


def world(lines: int):
    orders = {"PO000001": make_order("PO000001", NOW - timedelta(days=5), lines=lines)}
    statuses = {number: make_status(order, NOW - timedelta(days=4)) for number, order in orders.items()}
    return orders, statuses


def load(warehouse, pipelines, pipeline_name, account, lines, **options):
    client = FakeVendorClient(*world(lines))
    pipeline = make_pipeline(warehouse, pipelines, pipeline_name=pipeline_name)
    pipeline.run(vendor_api_source(lambda: client, account=account, now=lambda: NOW, lookback_days=14, **options))


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_report_rows_carry_account_codes(tmp_path):
    warehouse = tmp_path / "w.duckdb"

    load(warehouse, tmp_path / "p", "one", "acme-us", 1, vendor_codes=["ACMUS", "ACMU2"])

    for table in ("vendor_forecasts", "vendor_inventory"):
        assert query(warehouse, f"select distinct account, vendor_code from raw_vendor.{table}") == [
            ("acme-us", "ACMUS,ACMU2")
        ], table


def test_order_rows_carry_selling_party(tmp_path):
    warehouse = tmp_path / "w.duckdb"

    # The fake orders' selling party is ACRNV, whatever codes the account lists.
    load(warehouse, tmp_path / "p", "one", "acme-us", 2, vendor_codes=["ACMUS"])

    for table in (
        "purchase_orders",
        "purchase_order_items",
        "purchase_order_status",
        "purchase_order_status_items",
    ):
        assert query(warehouse, f"select distinct vendor_code from raw_vendor.{table}") == [("ACRNV",)], table


def test_report_code_null_without_codes(tmp_path):
    warehouse = tmp_path / "w.duckdb"

    load(warehouse, tmp_path / "p", "one", "sandbox", 1)

    assert query(warehouse, "select distinct vendor_code from raw_vendor.vendor_forecasts") == [(None,)]


def test_same_po_number_two_accounts(tmp_path):
    warehouse = tmp_path / "w.duckdb"

    # Both accounts have PO000001: with 2 lines in acme-us and 3 in acme-eu.
    for _ in range(2):
        load(warehouse, tmp_path / "p", "us", "acme-us", 2)
        load(warehouse, tmp_path / "p", "eu", "acme-eu", 3)

    assert query(
        warehouse, "select account, count(*) from raw_vendor.purchase_orders group by account order by account"
    ) == [("acme-eu", 1), ("acme-us", 1)]
    assert query(
        warehouse, "select account, count(*) from raw_vendor.purchase_order_items group by account order by account"
    ) == [("acme-eu", 3), ("acme-us", 2)]
    assert query(
        warehouse, "select account, count(*) from raw_vendor.purchase_order_status_items group by account order by account"
    ) == [("acme-eu", 3), ("acme-us", 2)]


def test_changed_order_replaces_only_its_account(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load(warehouse, tmp_path / "p", "us", "acme-us", 3)
    load(warehouse, tmp_path / "p", "eu", "acme-eu", 3)

    # acme-us's PO000001 now has 1 line: its two other lines go, acme-eu's three stay.
    client = FakeVendorClient(*world(1))
    client.orders["PO000001"]["orderDetails"]["purchaseOrderChangedDate"] = (NOW - timedelta(hours=1)).isoformat()
    pipeline = make_pipeline(warehouse, tmp_path / "p", pipeline_name="us")
    pipeline.run(vendor_api_source(lambda: client, account="acme-us", now=lambda: NOW + timedelta(minutes=5), lookback_days=14))

    assert query(
        warehouse, "select account, count(*) from raw_vendor.purchase_order_items group by account order by account"
    ) == [("acme-eu", 3), ("acme-us", 1)]


def test_vendor_codes_text_rejected():
    with pytest.raises(ValueError, match=r"vendor_codes must be a list such as \['ACMEV'\], got 'ACMUS'"):
        vendor_api_source(lambda: None, account="acme-us", vendor_codes="ACMUS")
