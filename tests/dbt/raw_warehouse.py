"""A small raw warehouse written by hand, shaped like the tables dlt loads into `raw_vendor`.

The rows cover the cases the marts must handle:
- a line of 10 Cases of 12, shipped as 120 eaches, of which Amazon received 115;
- an Eaches line whose catalogue cost differs from the PO cost;
- a cancelled quantity, and a shipment packed in another unit than ordered;
- an old shipment with no receipt;
- a New PO with an unknown and a discontinued ASIN;
- forecasts and inventory for two ASINs.
The expected mart values in test_dbt_project.py are worked out from these rows.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import duckdb

LOAD_ID = "1796256000.000001"  # dlt writes load ids as epoch seconds in text: 2026-12-03 00:00 UTC

USD = "USD"
CASE_ASIN = "B000CASE01"
EACH_ASIN = "B000EACH02"
DISCONTINUED_ASIN = "B000DISC03"
UNKNOWN_ASIN = "B0UNKNOWN9"

# The forecast generation the replenishment plan uses, and the weekly P80 units per ASIN in it.
LATEST_GENERATION = date(2026, 11, 28)
PLAN_FIRST_WEEK = date(2026, 11, 29)
LATEST_FORECAST = {
    CASE_ASIN: {"mean": 10, "p70": 12, "p80": 15, "p90": 20},
    EACH_ASIN: {"mean": 5, "p70": 6, "p80": 7, "p90": 8},
}
# An older generation, used by forecast_vs_shipment for the weeks of 8, 15 and 22 November.
EARLY_GENERATION = date(2026, 11, 7)
EARLY_FORECAST = {
    CASE_ASIN: {"mean": 100, "p70": 110, "p80": 115, "p90": 130},
    EACH_ASIN: {"mean": 20, "p70": 25, "p80": 28, "p90": 35},
}
# Generated on the Sunday that starts its only week, so it must not count for that week.
SAME_DAY_GENERATION = date(2026, 11, 22)

# The selling party of every PO here, and the vendor code of the report rows. Rows that leave
# vendor_code out take it.
VENDOR_CODE = "VENDOR1"

TABLES = {
    "purchase_orders": """
        account varchar, vendor_code varchar, purchase_order_number varchar, purchase_order_state varchar,
        purchase_order_type varchar, purchase_order_date timestamptz,
        purchase_order_changed_date timestamptz, purchase_order_state_changed_date timestamptz,
        payment_method varchar, deal_code varchar, buying_party_id varchar,
        selling_party_id varchar, ship_to_party_id varchar, bill_to_party_id varchar,
        ship_window_start timestamptz, ship_window_end timestamptz,
        delivery_window_start timestamptz, delivery_window_end timestamptz""",
    "purchase_order_items": """
        account varchar, vendor_code varchar, purchase_order_number varchar, item_sequence_number varchar,
        amazon_product_identifier varchar, vendor_product_identifier varchar,
        ordered_quantity_amount bigint, ordered_quantity_unit_of_measure varchar,
        ordered_quantity_unit_size bigint, is_back_order_allowed boolean,
        net_cost_amount decimal(38,9), net_cost_currency_code varchar,
        list_price_amount decimal(38,9), list_price_currency_code varchar""",
    "purchase_order_status": """
        account varchar, vendor_code varchar, purchase_order_number varchar, purchase_order_status varchar,
        purchase_order_date timestamptz, last_updated_date timestamptz,
        selling_party_id varchar, ship_to_party_id varchar""",
    "purchase_order_status_items": """
        account varchar, vendor_code varchar, purchase_order_number varchar, item_sequence_number varchar,
        buyer_product_identifier varchar, vendor_product_identifier varchar,
        net_cost_amount decimal(38,9), net_cost_currency_code varchar,
        list_price_amount decimal(38,9), list_price_currency_code varchar,
        ordered_quantity_amount bigint, ordered_quantity_unit_of_measure varchar, ordered_quantity_unit_size bigint,
        cancelled_quantity_amount bigint, cancelled_quantity_unit_of_measure varchar, cancelled_quantity_unit_size bigint,
        confirmation_status varchar,
        accepted_quantity_amount bigint, accepted_quantity_unit_of_measure varchar, accepted_quantity_unit_size bigint,
        rejected_quantity_amount bigint, rejected_quantity_unit_of_measure varchar, rejected_quantity_unit_size bigint,
        receive_status varchar,
        received_quantity_amount bigint, received_quantity_unit_of_measure varchar, received_quantity_unit_size bigint,
        last_receive_date timestamptz""",
    "vendor_forecasts": """
        account varchar, vendor_code varchar, marketplace_id varchar, selling_program varchar,
        forecast_generation_date date, asin varchar, start_date date, end_date date,
        mean_forecast_units decimal(38,9), p70_forecast_units decimal(38,9),
        p80_forecast_units decimal(38,9), p90_forecast_units decimal(38,9), report_id varchar""",
    "vendor_inventory": """
        account varchar, vendor_code varchar, marketplace_id varchar, distributor_view varchar, selling_program varchar,
        asin varchar, start_date date, end_date date,
        sellable_on_hand_inventory_units bigint, unsellable_on_hand_inventory_units bigint,
        open_purchase_order_units bigint, net_received_inventory_units bigint,
        unfilled_customer_ordered_units bigint, aged90_plus_days_sellable_inventory_units bigint,
        unhealthy_inventory_units bigint, average_vendor_lead_time_days decimal(38,9),
        sell_through_rate decimal(38,9), vendor_confirmation_rate decimal(38,9),
        sellable_on_hand_inventory_cost_amount decimal(38,9),
        net_received_inventory_cost_amount decimal(38,9), currency_code varchar, report_id varchar""",
    "vendor_shipments": """
        shipment_id varchar, ship_date timestamptz, shipment_type varchar, carrier_scac varchar,
        carrier_reference varchar, bill_of_lading_number varchar, ship_from_party_id varchar,
        ship_to_party_id varchar, purchase_order_number varchar, item_sequence_number varchar,
        asin varchar, vendor_sku varchar, carton_id varchar,
        quantity bigint, unit_of_measure varchar, unit_size bigint""",
    "vendor_stock": """
        snapshot_date date, warehouse_code varchar, vendor_sku varchar, asin varchar,
        on_hand_units bigint, reserved_units bigint""",
    "vendor_catalogue": """
        asin varchar, vendor_sku varchar, title varchar, case_size bigint,
        unit_cost_amount decimal(38,9), currency_code varchar, is_discontinued boolean,
        lead_time_days bigint""",
}


def _purchase_order(number, state, ordered_at, ship_window, delivery_window):
    return {
        "account": "sandbox",
        "purchase_order_number": number,
        "purchase_order_state": state,
        "purchase_order_type": "RegularOrder",
        "purchase_order_date": ordered_at,
        "purchase_order_changed_date": None,
        "purchase_order_state_changed_date": ordered_at,
        "payment_method": "Invoice",
        "deal_code": None,
        "buying_party_id": "AMAZONBUY",
        "selling_party_id": "VENDOR1",
        "ship_to_party_id": "FC1",
        "bill_to_party_id": "AMAZONBILL",
        "ship_window_start": ship_window[0],
        "ship_window_end": ship_window[1],
        "delivery_window_start": delivery_window[0],
        "delivery_window_end": delivery_window[1],
    }


PURCHASE_ORDERS = [
    _purchase_order("PO099999", "Acknowledged", "2026-10-01 09:00:00+00",
                    ("2026-10-10 07:00:00+00", "2026-10-20 07:00:00+00"),
                    ("2026-10-25 07:00:00+00", "2026-10-30 07:00:00+00")),
    _purchase_order("PO100001", "ACKNOWLEDGED", "2026-11-10 09:00:00+00",
                    ("2026-11-20 07:00:00+00", "2026-11-25 07:00:00+00"),
                    ("2026-11-27 07:00:00+00", "2026-12-02 07:00:00+00")),
    _purchase_order("PO100002", "Acknowledged", "2026-11-12 09:00:00+00",
                    ("2026-11-28 07:00:00+00", "2026-12-03 07:00:00+00"),
                    ("2026-12-05 07:00:00+00", "2026-12-10 07:00:00+00")),
    _purchase_order("PO100003", "New", "2026-12-02 09:00:00+00",
                    ("2026-12-08 07:00:00+00", "2026-12-12 07:00:00+00"),
                    ("2026-12-15 07:00:00+00", "2026-12-19 07:00:00+00")),
]


def _item(po, seq, asin, sku, amount, unit, size, cost):
    return {
        "account": "sandbox",
        "purchase_order_number": po,
        "item_sequence_number": seq,
        "amazon_product_identifier": asin,
        "vendor_product_identifier": sku,
        "ordered_quantity_amount": amount,
        "ordered_quantity_unit_of_measure": unit,
        "ordered_quantity_unit_size": size,
        "is_back_order_allowed": False,
        "net_cost_amount": Decimal(cost),
        "net_cost_currency_code": USD,
        "list_price_amount": Decimal("19.99"),
        "list_price_currency_code": USD,
    }


PURCHASE_ORDER_ITEMS = [
    _item("PO099999", "1", EACH_ASIN, "SKU-EACH", 12, "Eaches", 1, "8.75"),
    # 10 Cases of 12 = 120 eaches; Amazon's own examples write the unit in capitals.
    _item("PO100001", "1", CASE_ASIN, "SKU-CASE", 10, "CASES", 12, "8.50"),
    # PO cost 8.50 against the catalogue's 8.75: a price mismatch.
    _item("PO100001", "2", EACH_ASIN, "SKU-EACH", 30, "Eaches", 1, "8.50"),
    _item("PO100002", "1", CASE_ASIN, "SKU-CASE", 20, "Cases", 12, "8.50"),
    _item("PO100003", "1", CASE_ASIN, "SKU-CASE", 5, "Cases", 12, "8.50"),
    _item("PO100003", "2", UNKNOWN_ASIN, "SKU-NONE", 4, "Eaches", 1, "3.00"),
    _item("PO100003", "3", DISCONTINUED_ASIN, "SKU-DISC", 6, "Eaches", 1, "2.00"),
]

PURCHASE_ORDER_STATUS = [
    {"account": "sandbox", "purchase_order_number": po, "purchase_order_status": "OPEN",
     "purchase_order_date": ordered_at, "last_updated_date": "2026-12-03 06:00:00+00",
     "selling_party_id": "VENDOR1", "ship_to_party_id": "FC1"}
    for po, ordered_at in [
        ("PO099999", "2026-10-01 09:00:00+00"),
        ("PO100001", "2026-11-10 09:00:00+00"),
        ("PO100002", "2026-11-12 09:00:00+00"),
    ]
]


def _status_item(po, seq, asin, cost, unit, size, ordered, cancelled, accepted, received,
                 receive_status, last_receive_date, received_unit="Eaches"):
    quantity = lambda amount, u=unit, s=size: {"amount": amount, "unit": u, "size": s}  # noqa: E731
    row = {
        "account": "sandbox", "purchase_order_number": po, "item_sequence_number": seq,
        "buyer_product_identifier": asin, "vendor_product_identifier": None,
        "net_cost_amount": Decimal(cost), "net_cost_currency_code": USD,
        "list_price_amount": Decimal("19.99"), "list_price_currency_code": USD,
        "confirmation_status": "ACCEPTED", "receive_status": receive_status,
        "last_receive_date": last_receive_date,
    }
    for name, q in [
        ("ordered", quantity(ordered)),
        ("cancelled", quantity(cancelled)),
        ("accepted", quantity(accepted)),
        ("rejected", quantity(0)),
        ("received", {"amount": received, "unit": received_unit, "size": 1}),
    ]:
        row[f"{name}_quantity_amount"] = q["amount"]
        row[f"{name}_quantity_unit_of_measure"] = q["unit"]
        row[f"{name}_quantity_unit_size"] = q["size"]
    return row


PURCHASE_ORDER_STATUS_ITEMS = [
    _status_item("PO099999", "1", EACH_ASIN, "8.75", "Eaches", 1, 12, 0, 12, 0, "NOT_RECEIVED", None),
    # Amazon received 115 of the 120 eaches shipped.
    _status_item("PO100001", "1", CASE_ASIN, "8.50", "Cases", 12, 10, 0, 10, 115,
                 "PARTIALLY_RECEIVED", "2026-11-28 15:00:00+00"),
    _status_item("PO100001", "2", EACH_ASIN, "8.50", "Eaches", 1, 30, 0, 30, 30,
                 "received", "2026-11-28 15:00:00+00"),
    # 2 of the 20 cases cancelled by Amazon after the vendor accepted all 20.
    _status_item("PO100002", "1", CASE_ASIN, "8.50", "Cases", 12, 20, 2, 20, 0, "NOT_RECEIVED", None),
]


def _carton(shipment, shipped_at, po, seq, asin, sku, carton, quantity, unit, size):
    return {
        "shipment_id": shipment, "ship_date": shipped_at, "shipment_type": "LessThanTruckLoad",
        "carrier_scac": "abcd", "carrier_reference": f"PRO-{shipment}",
        "bill_of_lading_number": f"BOL-{shipment}", "ship_from_party_id": "WH1",
        "ship_to_party_id": "FC1", "purchase_order_number": po, "item_sequence_number": seq,
        "asin": asin, "vendor_sku": sku, "carton_id": carton, "quantity": quantity,
        "unit_of_measure": unit, "unit_size": size,
    }


VENDOR_SHIPMENTS = [
    # Outside the outbound window and past the 14 grace days on 2026-12-04; nothing received.
    _carton("SH-0999", "2026-10-20 14:00:00+00", "PO099999", "1", EACH_ASIN, "SKU-EACH",
            "000000000000000099", 12, "Eaches", 1),
    _carton("SH-1001", "2026-11-24 14:00:00+00", "PO100001", "1", CASE_ASIN, "SKU-CASE",
            "000000000000000001", 5, "Cases", 12),
    _carton("SH-1001", "2026-11-24 14:00:00+00", "PO100001", "1", CASE_ASIN, "SKU-CASE",
            "000000000000000002", 5, "Cases", 12),
    _carton("SH-1001", "2026-11-24 14:00:00+00", "PO100001", "2", EACH_ASIN, "SKU-EACH",
            "000000000000000003", 30, "eaches", 1),
    # Ordered in Cases of 12, packed as 120 Eaches: a unit mismatch.
    _carton("SH-1002", "2026-12-01 14:00:00+00", "PO100002", "1", CASE_ASIN, "SKU-CASE",
            "000000000000000004", 120, "Eaches", 1),
]

VENDOR_CATALOGUE = [
    {"asin": CASE_ASIN, "vendor_sku": "SKU-CASE", "title": "Case item", "case_size": 12,
     "unit_cost_amount": Decimal("8.50"), "currency_code": USD, "is_discontinued": False,
     "lead_time_days": 10},
    {"asin": EACH_ASIN, "vendor_sku": "SKU-EACH", "title": "Each item", "case_size": 6,
     "unit_cost_amount": Decimal("8.75"), "currency_code": USD, "is_discontinued": False,
     "lead_time_days": 21},
    {"asin": DISCONTINUED_ASIN, "vendor_sku": "SKU-DISC", "title": "Old item", "case_size": 1,
     "unit_cost_amount": Decimal("2.00"), "currency_code": USD, "is_discontinued": True,
     "lead_time_days": None},
]

VENDOR_STOCK = [
    {"snapshot_date": date(2026, 12, 2), "warehouse_code": "WH1", "vendor_sku": "SKU-CASE",
     "asin": CASE_ASIN, "on_hand_units": 5000, "reserved_units": 0},
    {"snapshot_date": date(2026, 12, 3), "warehouse_code": "WH1", "vendor_sku": "SKU-CASE",
     "asin": CASE_ASIN, "on_hand_units": 1000, "reserved_units": 100},
    {"snapshot_date": date(2026, 12, 3), "warehouse_code": "WH2", "vendor_sku": "SKU-CASE",
     "asin": CASE_ASIN, "on_hand_units": 200, "reserved_units": 0},
    {"snapshot_date": date(2026, 12, 3), "warehouse_code": "WH1", "vendor_sku": "SKU-EACH",
     "asin": None, "on_hand_units": 40, "reserved_units": 0},
]


def _inventory(asin, view, week_start, sellable):
    return {
        "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "distributor_view": view,
        "selling_program": "RETAIL", "asin": asin, "start_date": week_start,
        "end_date": week_start + timedelta(days=6),
        "sellable_on_hand_inventory_units": sellable, "unsellable_on_hand_inventory_units": 0,
        "open_purchase_order_units": 0, "net_received_inventory_units": 0,
        "unfilled_customer_ordered_units": 0, "aged90_plus_days_sellable_inventory_units": 0,
        "unhealthy_inventory_units": 0, "average_vendor_lead_time_days": Decimal("9.5"),
        "sell_through_rate": Decimal("0.4"), "vendor_confirmation_rate": Decimal("0.95"),
        "sellable_on_hand_inventory_cost_amount": Decimal("0"),
        "net_received_inventory_cost_amount": Decimal("0"), "currency_code": USD,
        "report_id": "inventory-1",
    }


VENDOR_INVENTORY = [
    _inventory(CASE_ASIN, "SOURCING", date(2026, 11, 15), 80),
    _inventory(CASE_ASIN, "SOURCING", date(2026, 11, 22), 50),
    _inventory(CASE_ASIN, "MANUFACTURING", date(2026, 11, 22), 500),
    _inventory(EACH_ASIN, "MANUFACTURING", date(2026, 11, 22), 10),
]


def _forecast(generated, asin, week_start, units):
    return {
        "account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "selling_program": "RETAIL",
        "forecast_generation_date": generated, "asin": asin, "start_date": week_start,
        "end_date": week_start + timedelta(days=6),
        "mean_forecast_units": Decimal(units["mean"]), "p70_forecast_units": Decimal(units["p70"]),
        "p80_forecast_units": Decimal(units["p80"]), "p90_forecast_units": Decimal(units["p90"]),
        "report_id": f"forecast-{generated.isoformat()}",
    }


def _forecasts():
    rows = []
    for asin, units in EARLY_FORECAST.items():
        for week in range(3):
            rows.append(_forecast(EARLY_GENERATION, asin, date(2026, 11, 8) + timedelta(weeks=week), units))
    rows.append(_forecast(SAME_DAY_GENERATION, CASE_ASIN, date(2026, 11, 22),
                          {"mean": 99, "p70": 99, "p80": 99, "p90": 99}))
    for asin, units in LATEST_FORECAST.items():
        for week in range(30):
            rows.append(_forecast(LATEST_GENERATION, asin, PLAN_FIRST_WEEK + timedelta(weeks=week), units))
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    columns = re.findall(r"(\w+) (?:varchar|bigint|boolean|date|timestamptz|decimal)", TABLES[table])
    placeholders = ", ".join("?" for _ in columns)
    defaults = {"vendor_code": VENDOR_CODE} if "vendor_code" in columns else {}
    con.executemany(
        f"insert into raw_vendor.{table} ({', '.join(columns)}, _dlt_load_id, _dlt_id) "
        f"values ({placeholders}, ?, ?)",
        [
            [{**defaults, **row}[column] for column in columns] + [LOAD_ID, f"{table}-{index}"]
            for index, row in enumerate(rows)
        ],
    )


def build_raw_warehouse(path, *, with_ledger: bool = True) -> None:
    """Create `raw_vendor` with the contract's tables, dlt's bookkeeping columns and the rows
    above, plus an empty `outbound.documents` ledger unless `with_ledger` is false."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_vendor")
        for table, columns in TABLES.items():
            con.execute(f"create table raw_vendor.{table} ({columns}, _dlt_load_id varchar not null, _dlt_id varchar not null)")
        con.execute(
            "create table raw_vendor._dlt_loads (load_id varchar not null, schema_name varchar, "
            "status bigint not null, inserted_at timestamptz not null, schema_version_hash varchar)"
        )
        con.execute("insert into raw_vendor._dlt_loads values (?, 'vendor', 0, '2026-12-03 00:00:00+00', 'hash')", [LOAD_ID])

        _insert(con, "purchase_orders", PURCHASE_ORDERS)
        _insert(con, "purchase_order_items", PURCHASE_ORDER_ITEMS)
        _insert(con, "purchase_order_status", PURCHASE_ORDER_STATUS)
        _insert(con, "purchase_order_status_items", PURCHASE_ORDER_STATUS_ITEMS)
        _insert(con, "vendor_forecasts", _forecasts())
        _insert(con, "vendor_inventory", VENDOR_INVENTORY)
        _insert(con, "vendor_shipments", VENDOR_SHIPMENTS)
        _insert(con, "vendor_stock", VENDOR_STOCK)
        _insert(con, "vendor_catalogue", VENDOR_CATALOGUE)

        if not with_ledger:
            return
        con.execute("create schema outbound")
        con.execute(
            """
            create table outbound.documents (
                document_id varchar primary key, document_type varchar not null,
                business_id varchar not null, payload_sha256 varchar not null,
                payload varchar not null, state varchar not null, hold_reason varchar,
                transaction_id varchar, transaction_status varchar, errors varchar,
                created_at timestamptz not null, updated_at timestamptz not null
            )
            """
        )
