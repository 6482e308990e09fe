"""The raw-feed suites pass a good row and fail each broken row on exactly its expectation.

Failed rows are then stored in quality.failed_rows with their keys."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest
from expectation_rows import purchase_order_item, vendor_shipment

from expectations import validate_table
from expectations.failed_rows import FAILED_ROWS_TABLE, failed_rows_query, store_failed_rows

ORDERED_AT = datetime(2026, 11, 2, 9, tzinfo=UTC)
WEEK = date(2026, 11, 29)

COLUMNS = {
    "raw_vendor.purchase_orders": {
        "account": "varchar", "purchase_order_number": "varchar", "purchase_order_state": "varchar",
        "purchase_order_date": "timestamptz", "ship_window_start": "timestamptz",
        "ship_window_end": "timestamptz", "delivery_window_start": "timestamptz",
        "delivery_window_end": "timestamptz",
    },
    "raw_vendor.purchase_order_status": {
        "account": "varchar", "purchase_order_number": "varchar", "purchase_order_status": "varchar",
        "purchase_order_date": "timestamptz", "last_updated_date": "timestamptz",
    },
    "raw_vendor.purchase_order_status_items": {
        "account": "varchar", "purchase_order_number": "varchar", "item_sequence_number": "varchar",
        "net_cost_currency_code": "varchar", "list_price_currency_code": "varchar",
        **{
            f"{name}_quantity_{part}": kind
            for name in ["ordered", "cancelled", "accepted", "rejected", "received"]
            for part, kind in [("amount", "bigint"), ("unit_of_measure", "varchar"), ("unit_size", "bigint")]
        },
        "confirmation_status": "varchar", "receive_status": "varchar",
        "last_receive_date": "timestamptz",
    },
    "raw_vendor.vendor_forecasts": {
        "account": "varchar", "marketplace_id": "varchar", "selling_program": "varchar",
        "forecast_generation_date": "date", "asin": "varchar", "start_date": "date",
        "end_date": "date", "mean_forecast_units": "decimal(38, 9)",
        "p70_forecast_units": "decimal(38, 9)", "p80_forecast_units": "decimal(38, 9)",
        "p90_forecast_units": "decimal(38, 9)",
    },
    "raw_vendor.vendor_inventory": {
        "account": "varchar", "marketplace_id": "varchar", "distributor_view": "varchar",
        "selling_program": "varchar", "asin": "varchar", "start_date": "date", "end_date": "date",
        "sellable_on_hand_inventory_units": "bigint", "unsellable_on_hand_inventory_units": "bigint",
        "open_purchase_order_units": "bigint", "currency_code": "varchar",
    },
    "raw_vendor.vendor_traffic": {
        "account": "varchar", "marketplace_id": "varchar", "report_period": "varchar", "asin": "varchar",
        "start_date": "date", "end_date": "date", "glance_views": "bigint",
    },
    "raw_vendor.vendor_net_pure_product_margin": {
        "account": "varchar", "marketplace_id": "varchar", "report_period": "varchar", "asin": "varchar",
        "start_date": "date", "end_date": "date", "net_pure_product_margin": "decimal(38, 9)",
    },
    "raw_vendor.vendor_real_time_inventory": {
        "account": "varchar", "marketplace_id": "varchar", "asin": "varchar",
        "start_time": "timestamptz", "end_time": "timestamptz", "highly_available_inventory": "bigint",
    },
    "raw_vendor.vendor_stock": {
        "snapshot_date": "date", "warehouse_code": "varchar", "vendor_sku": "varchar",
        "asin": "varchar", "on_hand_units": "bigint", "reserved_units": "bigint",
    },
    "raw_vendor.vendor_catalogue": {
        "asin": "varchar", "vendor_sku": "varchar", "case_size": "bigint",
        "unit_cost_amount": "decimal(38, 9)", "currency_code": "varchar", "lead_time_days": "bigint",
    },
}


def _row(table, **changes):
    good = {
        "raw_vendor.purchase_orders": {
            "account": "sandbox", "purchase_order_number": "2JK3S9VC", "purchase_order_state": "Acknowledged",
            "purchase_order_date": ORDERED_AT, "ship_window_start": ORDERED_AT + timedelta(days=5),
            "ship_window_end": ORDERED_AT + timedelta(days=9),
            "delivery_window_start": ORDERED_AT + timedelta(days=12),
            "delivery_window_end": ORDERED_AT + timedelta(days=16),
        },
        "raw_vendor.purchase_order_status": {
            "account": "sandbox", "purchase_order_number": "2JK3S9VC", "purchase_order_status": "OPEN",
            "purchase_order_date": ORDERED_AT, "last_updated_date": ORDERED_AT + timedelta(days=3),
        },
        "raw_vendor.purchase_order_status_items": {
            "account": "sandbox", "purchase_order_number": "2JK3S9VC", "item_sequence_number": "1",
            "net_cost_currency_code": "USD", "list_price_currency_code": "USD",
            **{
                f"{name}_quantity_{part}": value
                for name, amount in [("ordered", 10), ("cancelled", 0), ("accepted", 10), ("rejected", 0), ("received", 115)]
                for part, value in [("amount", amount), ("unit_of_measure", "Eaches" if name == "received" else "Cases"),
                                    ("unit_size", 1 if name == "received" else 12)]
            },
            "confirmation_status": "ACCEPTED", "receive_status": "PARTIALLY_RECEIVED",
            "last_receive_date": ORDERED_AT + timedelta(days=20),
        },
        "raw_vendor.vendor_forecasts": {
            "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "selling_program": "RETAIL",
            "forecast_generation_date": date(2026, 11, 28), "asin": "B07DFVDRAB",
            "start_date": WEEK, "end_date": WEEK + timedelta(days=6),
            "mean_forecast_units": Decimal("10"), "p70_forecast_units": Decimal("12"),
            "p80_forecast_units": Decimal("15"), "p90_forecast_units": Decimal("20"),
        },
        "raw_vendor.vendor_inventory": {
            "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "distributor_view": "MANUFACTURING",
            "selling_program": "RETAIL", "asin": "B07DFVDRAB", "start_date": date(2026, 11, 22),
            "end_date": date(2026, 11, 28), "sellable_on_hand_inventory_units": 50,
            "unsellable_on_hand_inventory_units": 0, "open_purchase_order_units": 120,
            "currency_code": "USD",
        },
        "raw_vendor.vendor_traffic": {
            "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "report_period": "WEEK",
            "asin": "B07DFVDRAB", "start_date": date(2026, 11, 22), "end_date": date(2026, 11, 28),
            "glance_views": 412,
        },
        "raw_vendor.vendor_net_pure_product_margin": {
            "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "report_period": "MONTH",
            "asin": "B07DFVDRAB", "start_date": date(2026, 10, 1), "end_date": date(2026, 10, 31),
            "net_pure_product_margin": Decimal("0.1234"),
        },
        "raw_vendor.vendor_real_time_inventory": {
            "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "asin": "B07DFVDRAB",
            "start_time": ORDERED_AT, "end_time": ORDERED_AT + timedelta(hours=1),
            "highly_available_inventory": 270,
        },
        "raw_vendor.vendor_stock": {
            "snapshot_date": date(2026, 12, 3), "warehouse_code": "WH1", "vendor_sku": "ACRN-KETTLE",
            "asin": "B07DFVDRAB", "on_hand_units": 500, "reserved_units": 20,
        },
        "raw_vendor.vendor_catalogue": {
            "asin": "B07DFVDRAB", "vendor_sku": "ACRN-KETTLE", "case_size": 12,
            "unit_cost_amount": Decimal("8.50"), "currency_code": "USD", "lead_time_days": 10,
        },
    }[table]
    return {**good, **changes}


def _validate(warehouse, write, table, rows):
    write(table, rows, columns=COLUMNS.get(table))
    return validate_table(warehouse, table)


def _failed(outcome):
    return {failed.description or failed.name for failed in outcome.failed_expectations}


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_good_row_passes(warehouse, write, table):
    outcome = _validate(warehouse, write, table, [_row(table)])

    assert outcome.success, outcome.failed_expectations
    assert outcome.blocking is False


FAR_FUTURE = datetime.now(UTC) + timedelta(days=3)

BROKEN = [
    ("raw_vendor.purchase_orders", {"purchase_order_state": "Open"},
     "purchase_order_state must be one of New, Acknowledged, Closed"),
    ("raw_vendor.purchase_orders", {"purchase_order_date": FAR_FUTURE},
     "purchase_order_date must lie between 2000-01-01 and 1 day(s) after today"),
    ("raw_vendor.purchase_orders", {"ship_window_end": datetime(1999, 12, 31, tzinfo=UTC)},
     "ship_window_end must lie between 2000-01-01 and 730 day(s) after today"),
    ("raw_vendor.purchase_order_status", {"purchase_order_status": "Closed"},
     "purchase_order_status must be one of OPEN, CLOSED"),
    ("raw_vendor.purchase_order_status_items", {"received_quantity_amount": -5},
     "received_quantity_amount must not be negative"),
    ("raw_vendor.purchase_order_status_items", {"cancelled_quantity_unit_of_measure": "Pallets"},
     "cancelled_quantity_unit_of_measure must be one of Cases, Eaches"),
    ("raw_vendor.purchase_order_status_items", {"receive_status": "DONE"},
     "receive_status must be one of NOT_RECEIVED, PARTIALLY_RECEIVED, RECEIVED"),
    ("raw_vendor.purchase_order_status_items", {"net_cost_currency_code": "US$"},
     "net_cost_currency_code must be 3 upper-case letters"),
    ("raw_vendor.vendor_forecasts", {"p90_forecast_units": Decimal("14")},
     "p90_forecast_units must not be below p80_forecast_units"),
    ("raw_vendor.vendor_forecasts", {"mean_forecast_units": Decimal("-1")},
     "mean_forecast_units must not be negative"),
    ("raw_vendor.vendor_forecasts", {"asin": None}, "asin must be present"),
    ("raw_vendor.vendor_inventory", {"sellable_on_hand_inventory_units": -3},
     "sellable_on_hand_inventory_units must not be negative"),
    ("raw_vendor.vendor_traffic", {"report_period": "HOUR"},
     "report_period must be one of DAY, WEEK, MONTH, QUARTER, YEAR"),
    ("raw_vendor.vendor_traffic", {"glance_views": -1}, "glance_views must not be negative"),
    ("raw_vendor.vendor_traffic", {"end_date": date(2026, 11, 21)}, "end_date must not be before start_date"),
    ("raw_vendor.vendor_net_pure_product_margin", {"net_pure_product_margin": Decimal("1.5")},
     "net_pure_product_margin must not exceed 1 (100 %)"),
    ("raw_vendor.vendor_net_pure_product_margin", {"start_date": date(1999, 12, 1)},
     "start_date must lie between 2000-01-01 and 1 day(s) after today"),
    ("raw_vendor.vendor_real_time_inventory", {"end_time": ORDERED_AT + timedelta(hours=2)},
     "end_time must be one hour after start_time"),
    ("raw_vendor.vendor_real_time_inventory", {"highly_available_inventory": -3},
     "highly_available_inventory must not be negative"),
    ("raw_vendor.vendor_real_time_inventory",
     {"start_time": datetime(1999, 12, 31, 23, tzinfo=UTC), "end_time": datetime(2000, 1, 1, tzinfo=UTC)},
     "start_time must lie between 2000-01-01 and 1 day(s) after today"),
    ("raw_vendor.vendor_stock", {"reserved_units": -1}, "reserved_units must not be negative"),
    ("raw_vendor.vendor_stock", {"snapshot_date": date(1990, 1, 1)},
     "snapshot_date must lie between 2000-01-01 and 1 day(s) after today"),
    ("raw_vendor.vendor_catalogue", {"case_size": 0}, "case size must be greater than 0"),
    ("raw_vendor.vendor_catalogue", {"currency_code": "eur"}, "currency_code must be 3 upper-case letters"),
]


@pytest.mark.parametrize(("table", "changes", "expected_failure"), BROKEN)
def test_broken_row_fails_its_expectation(warehouse, write, table, changes, expected_failure):
    outcome = _validate(warehouse, write, table, [_row(table, **changes)])

    assert _failed(outcome) == {expected_failure}
    assert len(outcome.failed_rows) == 1


def test_duplicate_forecast_keys_fail(warehouse, write):
    table = "raw_vendor.vendor_forecasts"
    outcome = _validate(warehouse, write, table, [_row(table), _row(table, mean_forecast_units=Decimal("11"))])

    assert _failed(outcome) == {
        "(account, marketplace_id, selling_program, forecast_generation_date, asin, start_date) must be unique"
    }


@pytest.mark.parametrize("table", ["raw_vendor.purchase_orders", "raw_vendor.purchase_order_status"])
def test_same_po_two_accounts_passes(warehouse, write, table):
    rows = [_row(table, account="acme-us"), _row(table, account="acme-eu")]

    outcome = _validate(warehouse, write, table, rows)

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize("table", ["raw_vendor.purchase_orders", "raw_vendor.purchase_order_status"])
def test_same_po_one_account_fails(warehouse, write, table):
    outcome = _validate(warehouse, write, table, [_row(table), _row(table)])

    assert _failed(outcome) == {"(account, purchase_order_number) must be unique"}


def test_negative_margin_passes(warehouse, write):
    # A product sold below its cost has a negative margin, which Amazon may report.
    table = "raw_vendor.vendor_net_pure_product_margin"

    outcome = _validate(warehouse, write, table, [_row(table, net_pure_product_margin=Decimal("-0.05"))])

    assert outcome.success, outcome.failed_expectations


def test_duplicate_real_time_hour_fails(warehouse, write):
    table = "raw_vendor.vendor_real_time_inventory"

    outcome = _validate(warehouse, write, table, [_row(table), _row(table, highly_available_inventory=250)])

    assert _failed(outcome) == {"(account, marketplace_id, asin, start_time) must be unique"}


def test_local_ship_time_fails_utc_check(warehouse, write):
    table = "raw_vendor.vendor_shipments"
    row = vendor_shipment()
    columns = {
        name: ("timestamp" if name == "ship_date" else kind)
        for name, kind in _shipment_columns().items()
    }
    write(table, [row], columns=columns)

    outcome = validate_table(warehouse, table)

    assert _failed(outcome) == {"ship_date must be a timestamp with time zone (UTC)"}


def test_shipment_unit_and_duplicate_keys(warehouse, write):
    outcome = _validate(
        warehouse, write, "raw_vendor.vendor_shipments",
        [vendor_shipment(), vendor_shipment(unit_of_measure="Pallets")],
    )

    assert _failed(outcome) == {
        "(shipment_id, carton_id, purchase_order_number, item_sequence_number) must be unique",
        "unit_of_measure must be one of Cases, Eaches",
    }


def _shipment_columns():
    from expectation_rows import TABLE_COLUMNS

    return TABLE_COLUMNS["raw_vendor.vendor_shipments"]


# --- quality.failed_rows ------------------------------------------------------------------


def test_failed_rows_are_stored_with_keys(warehouse, write):
    items = [
        purchase_order_item(),
        purchase_order_item(item_sequence_number="2", ordered_quantity_amount=-4),
        purchase_order_item(purchase_order_number="3XY7QQ1A", net_cost_currency_code="usd"),
    ]
    outcome = _validate(warehouse, write, "raw_vendor.purchase_order_items", items)
    validated_at = datetime(2026, 12, 4, 6, tzinfo=UTC)

    validation_id, count = store_failed_rows(warehouse, outcome, validated_at=validated_at)

    assert count == 2
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = connection.execute(
            f"select suite, blocking, expectation, row_keys, validated_at from ({failed_rows_query(validation_id)}) "
            "order by expectation"
        ).fetchall()
    assert found == [
        ("raw_vendor.purchase_order_items", False, "net_cost_currency_code must be 3 upper-case letters",
         json.dumps({"account": "sandbox", "item_sequence_number": "1", "purchase_order_number": "3XY7QQ1A"}), validated_at),
        ("raw_vendor.purchase_order_items", False, "ordered quantity must not be negative",
         json.dumps({"account": "sandbox", "item_sequence_number": "2", "purchase_order_number": "2JK3S9VC"}), validated_at),
    ]


def test_table_level_failure_is_stored_without_keys(warehouse, write):
    write("raw_vendor.purchase_order_items", [purchase_order_item()])
    outcome = validate_table(warehouse, "raw_vendor.vendor_shipments")

    validation_id, count = store_failed_rows(warehouse, outcome)

    assert count == 1
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            f"select expectation, row_keys, message from {FAILED_ROWS_TABLE} where validation_id = ?",
            [validation_id],
        ).fetchone()
    assert row[0] == "validation did not run"
    assert row[1] is None
    assert row[2].startswith("table raw_vendor.vendor_shipments does not exist")


def test_passed_validation_stores_nothing(warehouse, write):
    outcome = _validate(warehouse, write, "raw_vendor.purchase_order_items", [purchase_order_item()])

    _, count = store_failed_rows(warehouse, outcome)

    assert count == 0
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        schemas = connection.execute(
            "select count(*) from information_schema.schemata where schema_name = 'quality'"
        ).fetchone()
    assert schemas == (0,)


def test_missing_warehouse_is_not_created(tmp_path):
    outcome = validate_table(tmp_path / "absent.duckdb", "raw_vendor.vendor_shipments")

    with pytest.raises(FileNotFoundError, match=r"cannot store failed rows of raw_vendor.vendor_shipments: .*absent.duckdb does not exist; run the pipeline first"):
        store_failed_rows(tmp_path / "absent.duckdb", outcome)
    assert not (tmp_path / "absent.duckdb").exists()
