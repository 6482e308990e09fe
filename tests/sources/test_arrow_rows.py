"""PO lines loaded as Arrow tables: types from the column hints, dlt's row ids kept."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
from vendor_fakes import FakeVendorClient, make_order

from sources.pipeline import make_pipeline
from sources.vendor_api import vendor_api_source
from sources.vendor_api.arrow import arrow_schema, to_arrow
from sources.vendor_api.columns import PURCHASE_ORDER_ITEMS

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)


def test_schema_follows_column_hints():
    schema = arrow_schema(PURCHASE_ORDER_ITEMS)

    assert schema.field("account").type == pa.string()
    assert schema.field("account").nullable is False
    assert schema.field("ordered_quantity_amount").type == pa.int64()
    assert schema.field("is_back_order_allowed").type == pa.bool_()
    assert schema.field("net_cost_amount").type == pa.decimal128(38, 9)
    assert schema.names == list(PURCHASE_ORDER_ITEMS)


def test_decimals_stay_exact():
    schema = pa.schema([pa.field("net_cost_amount", pa.decimal128(38, 9))])

    table = to_arrow([{"net_cost_amount": Decimal("0.1")}, {"net_cost_amount": Decimal("123456.000000001")}], schema)

    assert table.column("net_cost_amount").to_pylist() == [Decimal("0.100000000"), Decimal("123456.000000001")]


def test_loaded_lines_keep_dlt_row_ids(tmp_path):
    client = FakeVendorClient({"PO000001": make_order("PO000001", NOW - timedelta(days=3), lines=3)}, {})
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(vendor_api_source(lambda: client, account="acct", now=lambda: NOW).with_resources("purchase_order_items"))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select item_sequence_number, _dlt_id is not null, _dlt_load_id is not null "
            "from raw_vendor.purchase_order_items order by 1"
        ).fetchall()
    assert rows == [("1", True, True), ("2", True, True), ("3", True, True)]
