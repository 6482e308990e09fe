"""Build the staging models of the traffic, margin and real-time inventory reports on rows
written here, and check their types, normalised values and data tests.

One margin row is above 1 on purpose, so exactly one data test fails.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest

from test_dbt_project import rows, run_dbt, use_warehouse

MODELS = [
    "stg_vendor__vendor_traffic",
    "stg_vendor__vendor_net_pure_product_margin",
    "stg_vendor__vendor_real_time_inventory",
]

RAW = """
create schema raw_vendor;
create table raw_vendor.vendor_traffic (
    account varchar, vendor_code varchar, marketplace_id varchar, report_period varchar, asin varchar,
    start_date date, end_date date, glance_views bigint, report_id varchar);
insert into raw_vendor.vendor_traffic values
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', ' week ', 'B000CASE01', '2026-11-22', '2026-11-28', 412, 'R1'),
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', 'DAY', 'B000CASE01', '2026-11-22', '2026-11-22', 60, 'R2');
create table raw_vendor.vendor_net_pure_product_margin (
    account varchar, vendor_code varchar, marketplace_id varchar, report_period varchar, asin varchar,
    start_date date, end_date date, net_pure_product_margin decimal(38, 9), report_id varchar);
insert into raw_vendor.vendor_net_pure_product_margin values
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', 'Month', 'B000CASE01', '2026-10-01', '2026-10-31', 0.1234, 'R3'),
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', 'MONTH', 'B000EACH02', '2026-10-01', '2026-10-31', -0.05, 'R3'),
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', 'MONTH', 'B000DISC03', '2026-10-01', '2026-10-31', 1.5, 'R3');
create table raw_vendor.vendor_real_time_inventory (
    account varchar, vendor_code varchar, marketplace_id varchar, asin varchar,
    start_time timestamptz, end_time timestamptz, highly_available_inventory bigint, report_id varchar);
insert into raw_vendor.vendor_real_time_inventory values
    ('sandbox', 'ACMEV', 'ATVPDKIKX0DER', 'B000CASE01',
     '2026-12-03 10:00:00+02', '2026-12-03 11:00:00+02', 270, 'R4');
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("report_staging")
    warehouse = work_dir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(RAW)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_warehouse(monkeypatch, warehouse)
        result = run_dbt(["build", "--select", *MODELS], work_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield result, con


def test_only_margin_above_one_fails(built):
    result, _ = built
    statuses = {str(node.node.unique_id): str(node.status) for node in result.result.results}

    failed = [node for node in result.result.results if str(node.status) not in ("success", "pass")]
    assert [node.node.name for node in failed] == ["stg_vendor__vendor_net_pure_product_margin_rules"]
    assert failed[0].failures == 1
    assert statuses["model.acorn.stg_vendor__vendor_traffic"] == "success"
    # The three models, each with a primary_key and a rules test.
    assert len(statuses) == 3 + 6


def test_traffic_period_normalised(built):
    _, con = built

    found = rows(con, "select report_period, start_date, glance_views from analytics.stg_vendor__vendor_traffic order by 1")

    assert found == [
        {"report_period": "DAY", "start_date": date(2026, 11, 22), "glance_views": 60},
        {"report_period": "WEEK", "start_date": date(2026, 11, 22), "glance_views": 412},
    ]


def test_margin_kept_exact(built):
    _, con = built

    found = rows(
        con,
        "select asin, report_period, net_pure_product_margin from analytics.stg_vendor__vendor_net_pure_product_margin "
        "order by asin",
    )

    assert found == [
        {"asin": "B000CASE01", "report_period": "MONTH", "net_pure_product_margin": Decimal("0.1234")},
        {"asin": "B000DISC03", "report_period": "MONTH", "net_pure_product_margin": Decimal("1.5")},
        {"asin": "B000EACH02", "report_period": "MONTH", "net_pure_product_margin": Decimal("-0.05")},
    ]


def test_real_time_hour_in_utc(built):
    _, con = built

    (row,) = rows(con, "select start_time, end_time, highly_available_inventory from analytics.stg_vendor__vendor_real_time_inventory")

    # 10:00 at UTC+2 is 08:00 UTC.
    assert row["start_time"] == datetime(2026, 12, 3, 8, tzinfo=UTC)
    assert row["end_time"] == datetime(2026, 12, 3, 9, tzinfo=UTC)
    assert row["highly_available_inventory"] == 270


def test_column_types(built):
    _, con = built

    types = dict(
        ((table, column), data_type)
        for table, column, data_type in con.execute(
            "select table_name, column_name, data_type from information_schema.columns where table_schema = 'analytics'"
        ).fetchall()
    )

    assert types[("stg_vendor__vendor_net_pure_product_margin", "net_pure_product_margin")] == "DECIMAL(38,9)"
    assert types[("stg_vendor__vendor_real_time_inventory", "start_time")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("stg_vendor__vendor_traffic", "glance_views")] == "BIGINT"
    assert types[("stg_vendor__vendor_traffic", "vendor_code")] == "VARCHAR"
