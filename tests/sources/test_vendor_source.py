"""The vendor_api source loaded into DuckDB from an in-memory client (no server)."""

import shutil
import threading
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from vendor_fakes import FakeVendorClient, iso, make_order, make_status

from sources.pipeline import make_pipeline
from sources.vendor_api import source as source_module
from sources.vendor_api import vendor_api_source

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)  # a Wednesday

# The raw tables' columns as docs/warehouse.md lists them.
CONTRACT = {
    "purchase_orders": {
        "account", "vendor_code", "purchase_order_number", "purchase_order_state", "purchase_order_type",
        "purchase_order_date", "purchase_order_changed_date", "purchase_order_state_changed_date",
        "payment_method", "deal_code", "buying_party_id", "selling_party_id", "ship_to_party_id",
        "bill_to_party_id", "ship_window_start", "ship_window_end", "delivery_window_start",
        "delivery_window_end",
    },
    "purchase_order_items": {
        "account", "vendor_code", "purchase_order_number", "item_sequence_number", "amazon_product_identifier",
        "vendor_product_identifier", "ordered_quantity_amount", "ordered_quantity_unit_of_measure",
        "ordered_quantity_unit_size", "is_back_order_allowed", "net_cost_amount",
        "net_cost_currency_code", "list_price_amount", "list_price_currency_code",
    },
    "purchase_order_status": {
        "account", "vendor_code", "purchase_order_number", "purchase_order_status", "purchase_order_date",
        "last_updated_date", "selling_party_id", "ship_to_party_id",
    },
    "purchase_order_status_items": {
        "account", "vendor_code", "purchase_order_number", "item_sequence_number", "buyer_product_identifier",
        "vendor_product_identifier", "net_cost_amount", "net_cost_currency_code",
        "list_price_amount", "list_price_currency_code", "ordered_quantity_amount",
        "ordered_quantity_unit_of_measure", "ordered_quantity_unit_size",
        "cancelled_quantity_amount", "cancelled_quantity_unit_of_measure",
        "cancelled_quantity_unit_size", "confirmation_status", "accepted_quantity_amount",
        "accepted_quantity_unit_of_measure", "accepted_quantity_unit_size",
        "rejected_quantity_amount", "rejected_quantity_unit_of_measure",
        "rejected_quantity_unit_size", "receive_status", "received_quantity_amount",
        "received_quantity_unit_of_measure", "received_quantity_unit_size", "last_receive_date",
    },
    "vendor_forecasts": {
        "account", "vendor_code", "marketplace_id", "selling_program", "forecast_generation_date", "asin",
        "start_date", "end_date", "mean_forecast_units", "p70_forecast_units",
        "p80_forecast_units", "p90_forecast_units", "report_id",
    },
    "vendor_inventory": {
        "account", "vendor_code", "marketplace_id", "distributor_view", "selling_program", "asin", "start_date",
        "end_date", "sellable_on_hand_inventory_units", "unsellable_on_hand_inventory_units",
        "open_purchase_order_units", "net_received_inventory_units",
        "unfilled_customer_ordered_units", "aged90_plus_days_sellable_inventory_units",
        "unhealthy_inventory_units", "average_vendor_lead_time_days", "sell_through_rate",
        "vendor_confirmation_rate", "sellable_on_hand_inventory_cost_amount",
        "net_received_inventory_cost_amount", "currency_code", "report_id",
    },
}  # fmt: skip


@pytest.fixture
def world():
    """Three orders: two created in the lookback, one created long ago but changed lately."""
    orders = {
        "PO000001": make_order("PO000001", NOW - timedelta(days=40), lines=2),
        "PO000002": make_order("PO000002", NOW - timedelta(days=3), lines=3),
        "PO000003": make_order("PO000003", NOW - timedelta(days=150), lines=1),
    }
    orders["PO000003"]["orderDetails"]["purchaseOrderChangedDate"] = iso(NOW - timedelta(days=10))
    statuses = {
        number: make_status(order, datetime.fromisoformat(order["orderDetails"]["purchaseOrderDate"]))
        for number, order in orders.items()
    }
    statuses["PO000003"]["lastUpdatedDate"] = iso(NOW - timedelta(days=10))
    return orders, statuses


def counts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from raw_vendor.{table}").fetchone()[0]
            for table in CONTRACT
        }


def run(pipeline, client, now=NOW, **options):
    source = vendor_api_source(lambda: client, account="acct", now=lambda: now, **options)
    pipeline.run(source)


def test_first_load_fills_every_table(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    run(pipeline, client)

    # All three orders: two by creation time, PO000003 by its change 10 days ago.
    assert counts(tmp_path / "w.duckdb") == {
        "purchase_orders": 3,
        "purchase_order_items": 6,
        "purchase_order_status": 3,
        "purchase_order_status_items": 6,
        "vendor_forecasts": 2,
        "vendor_inventory": 1,
    }
    # 90 days in 7-day windows: 13 windows, each queried by creation and by change.
    listing_calls = [filters for name, filters in client.calls if name == "getPurchaseOrders"]
    assert len(listing_calls) == 26
    assert listing_calls[0] == {
        "created_after": datetime(2024, 3, 14, 15, 30, tzinfo=UTC),
        "created_before": datetime(2024, 3, 21, 15, 30, tzinfo=UTC),
    }
    assert listing_calls[-1]["changed_before"] == NOW


def test_tables_have_contract_columns_and_types(world, tmp_path):
    orders, statuses = world
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    run(pipeline, FakeVendorClient(orders, statuses))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        found = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_vendor' and column_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
    types = {(table, column): data_type for table, column, data_type in found}
    for table, expected in CONTRACT.items():
        assert {column for t, column in types if t == table} == expected, table

    assert types[("purchase_orders", "purchase_order_date")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("purchase_orders", "purchase_order_changed_date")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("purchase_order_items", "net_cost_amount")] == "DECIMAL(38,9)"
    assert types[("purchase_order_items", "ordered_quantity_amount")] == "BIGINT"
    assert types[("purchase_order_items", "is_back_order_allowed")] == "BOOLEAN"
    assert types[("purchase_order_status_items", "last_receive_date")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("vendor_forecasts", "forecast_generation_date")] == "DATE"
    assert types[("vendor_forecasts", "p90_forecast_units")] == "DECIMAL(38,9)"
    assert types[("vendor_inventory", "sellable_on_hand_inventory_units")] == "BIGINT"
    assert types[("vendor_inventory", "sell_through_rate")] == "DECIMAL(38,9)"


def test_values_land_exactly(world, tmp_path):
    orders, statuses = world
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    run(pipeline, FakeVendorClient(orders, statuses))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        total = con.execute("select sum(net_cost_amount)::varchar from raw_vendor.purchase_order_items").fetchone()[0]
        created = con.execute(
            "select purchase_order_date from raw_vendor.purchase_orders where purchase_order_number = 'PO000002'"
        ).fetchone()[0]
        forecast = con.execute("select sum(p90_forecast_units)::varchar from raw_vendor.vendor_forecasts").fetchone()[0]

    assert total == "74.040000000"  # 6 lines at 12.34
    assert created == NOW - timedelta(days=3)
    assert forecast == "10.100000000"  # 5.05 twice


def test_second_load_changes_no_counts(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    run(pipeline, client)
    first = counts(tmp_path / "w.duckdb")
    client.calls.clear()

    run(pipeline, client, now=NOW + timedelta(hours=6))

    assert counts(tmp_path / "w.duckdb") == first
    # The second run reads only from the first run's end minus a day.
    listing_calls = [filters for name, filters in client.calls if name == "getPurchaseOrders"]
    assert listing_calls == [
        {"created_after": NOW - timedelta(days=1), "created_before": NOW + timedelta(hours=6)},
        {"changed_after": NOW - timedelta(days=1), "changed_before": NOW + timedelta(hours=6)},
    ]


def test_changed_order_replaces_its_rows(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    run(pipeline, client)

    later = NOW + timedelta(hours=6)
    changed = make_order("PO000002", NOW - timedelta(days=3), lines=2, state="Acknowledged")
    changed["orderDetails"]["purchaseOrderChangedDate"] = iso(later - timedelta(hours=1))
    changed["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 1
    orders["PO000002"] = changed
    run(pipeline, client, now=later)

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        headers = con.execute(
            "select purchase_order_state from raw_vendor.purchase_orders where purchase_order_number = 'PO000002'"
        ).fetchall()
        lines = con.execute(
            "select item_sequence_number, ordered_quantity_amount from raw_vendor.purchase_order_items "
            "where purchase_order_number = 'PO000002' order by 1"
        ).fetchall()
    assert headers == [("Acknowledged",)]
    # Line 3 was dropped from the order, line 1 now orders 1 case.
    assert lines == [("1", 1), ("2", 3)]
    assert counts(tmp_path / "w.duckdb")["purchase_order_items"] == 5


def test_cursor_restored_from_warehouse(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    run(make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines"), client)
    shutil.rmtree(tmp_path / "pipelines")
    client.calls.clear()

    run(make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines"), client, now=NOW + timedelta(hours=1))

    listing_calls = [filters for name, filters in client.calls if name == "getPurchaseOrders"]
    assert listing_calls[0] == {
        "created_after": NOW - timedelta(days=1),
        "created_before": NOW + timedelta(hours=1),
    }


def test_inventory_requests_published_weeks(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    run(pipeline, client, lookback_days=30)

    forecast, inventory = client.reports
    assert forecast["reportType"] == "GET_VENDOR_FORECASTING_REPORT"
    assert forecast["reportOptions"] == {"sellingProgram": "RETAIL"}
    assert forecast["dataStartTime"] is None
    assert inventory["reportType"] == "GET_VENDOR_INVENTORY_REPORT"
    assert inventory["reportOptions"] == {
        "reportPeriod": "WEEK",
        "distributorView": "MANUFACTURING",
        "sellingProgram": "RETAIL",
    }
    # 30 days before Wednesday 12 June is Monday 13 May: from Sunday 12 May to Saturday 8 June.
    assert inventory["dataStartTime"] == datetime(2024, 5, 12, tzinfo=UTC)
    assert inventory["dataEndTime"] == datetime(2024, 6, 8, 23, 59, 59, tzinfo=UTC)


def test_naive_now_rejected(world, tmp_path):
    orders, statuses = world
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    with pytest.raises(Exception, match=r"now\(\) 2024-06-12T15:30:00 has no time zone"):
        run(pipeline, FakeVendorClient(orders, statuses), now=NOW.replace(tzinfo=None))


def test_failed_run_keeps_cursor(world, tmp_path):
    orders, statuses = world
    client = FakeVendorClient(orders, statuses)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    run(pipeline, client)
    orders["PO000009"] = make_order("PO000009", NOW + timedelta(hours=2), lines=1)
    orders["PO000009"]["orderDetails"]["purchaseOrderStateChangedDate"] = "2024-06-12T17:30:00"

    with pytest.raises(Exception, match="PO000009: orderDetails.purchaseOrderStateChangedDate .* has no time zone"):
        run(pipeline, client, now=NOW + timedelta(hours=3))
    client.calls.clear()
    del orders["PO000009"]
    run(pipeline, client, now=NOW + timedelta(hours=4))

    listing_calls = [filters for name, filters in client.calls if name == "getPurchaseOrders"]
    assert listing_calls[0]["created_after"] == NOW - timedelta(days=1)


class ReportsAwaitingListings(FakeVendorClient):
    """A client whose reports become ready only once both listings have served their last page.

    Amazon takes seconds to minutes to produce a report; the listings must not wait for it.
    """

    def __init__(self, *args, listing_calls: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.listing_calls = listing_calls
        self.listings_read = 0
        self.listings_done = threading.Event()
        self.waits_that_saw_listings_done: list[bool] = []

    def _paged(self, key, matches):
        yield from super()._paged(key, matches)
        self.listings_read += 1
        if self.listings_read == self.listing_calls:
            self.listings_done.set()

    def wait_for_report(self, report_id, deadline=None):
        self.waits_that_saw_listings_done.append(self.listings_done.wait(timeout=5))
        return super().wait_for_report(report_id, deadline)


def test_listings_run_during_report_wait(world, tmp_path, monkeypatch):
    orders, statuses = world
    # Each page reaches dlt as it is read, as the pages of a large listing do.
    monkeypatch.setattr(source_module, "BATCH_ORDERS", 1)
    # 13 windows of 7 days over 90 days, each listing queried two ways: 26 calls per listing.
    client = ReportsAwaitingListings(orders, statuses, listing_calls=52)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    run(pipeline, client)

    assert client.waits_that_saw_listings_done, "no report was requested"
    assert all(client.waits_that_saw_listings_done)
    assert counts(tmp_path / "w.duckdb")["vendor_forecasts"] == 2
