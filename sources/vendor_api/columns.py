"""Column hints of the raw tables, as the warehouse contract lists them.

Declaring every column fixes its type even when the first rows hold only nulls, and keeps
money as DECIMAL(38,9) and times as TIMESTAMP WITH TIME ZONE.

`account` names the vendor account a row was loaded for. `vendor_code` is the PO's selling
party in the order tables, and the account's vendor codes, comma-separated, in the report
tables. Amazon scopes a vendor report by the account's authorization, which covers all its
vendor codes.
"""

from typing import Any

Column = dict[str, Any]


def text(nullable: bool = True) -> Column:
    return {"data_type": "text", "nullable": nullable}


def bigint(nullable: bool = True) -> Column:
    return {"data_type": "bigint", "nullable": nullable}


def boolean(nullable: bool = True) -> Column:
    return {"data_type": "bool", "nullable": nullable}


def decimal(nullable: bool = True) -> Column:
    return {"data_type": "decimal", "precision": 38, "scale": 9, "nullable": nullable}


def timestamp(nullable: bool = True) -> Column:
    return {"data_type": "timestamp", "timezone": True, "nullable": nullable}


def day(nullable: bool = True) -> Column:
    return {"data_type": "date", "nullable": nullable}


def quantity(prefix: str) -> dict[str, Column]:
    return {
        f"{prefix}_amount": bigint(),
        f"{prefix}_unit_of_measure": text(),
        f"{prefix}_unit_size": bigint(),
    }


def money(prefix: str) -> dict[str, Column]:
    return {f"{prefix}_amount": decimal(), f"{prefix}_currency_code": text()}


PURCHASE_ORDERS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "purchase_order_state": text(False),
    "purchase_order_type": text(),
    "purchase_order_date": timestamp(False),
    "purchase_order_changed_date": timestamp(),
    "purchase_order_state_changed_date": timestamp(False),
    "payment_method": text(),
    "deal_code": text(),
    "buying_party_id": text(),
    "selling_party_id": text(),
    "ship_to_party_id": text(),
    "bill_to_party_id": text(),
    "ship_window_start": timestamp(),
    "ship_window_end": timestamp(),
    "delivery_window_start": timestamp(),
    "delivery_window_end": timestamp(),
}

PURCHASE_ORDER_ITEMS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "item_sequence_number": text(False),
    "amazon_product_identifier": text(),
    "vendor_product_identifier": text(),
    **quantity("ordered_quantity"),
    "is_back_order_allowed": boolean(),
    **money("net_cost"),
    **money("list_price"),
}

PURCHASE_ORDER_STATUS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "purchase_order_status": text(False),
    "purchase_order_date": timestamp(False),
    "last_updated_date": timestamp(),
    "selling_party_id": text(),
    "ship_to_party_id": text(),
}

PURCHASE_ORDER_STATUS_ITEMS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "item_sequence_number": text(False),
    "buyer_product_identifier": text(),
    "vendor_product_identifier": text(),
    **money("net_cost"),
    **money("list_price"),
    **quantity("ordered_quantity"),
    **quantity("cancelled_quantity"),
    "confirmation_status": text(),
    **quantity("accepted_quantity"),
    **quantity("rejected_quantity"),
    "receive_status": text(),
    **quantity("received_quantity"),
    "last_receive_date": timestamp(),
}

# One row per entry of itemStatus[].acknowledgementStatus.acknowledgementStatusDetails: each
# time the vendor confirmed the line, with what it accepted and rejected then.
PURCHASE_ORDER_STATUS_ACKNOWLEDGEMENTS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "item_sequence_number": text(False),
    "detail_index": bigint(False),
    "acknowledgement_date": timestamp(),
    **quantity("accepted_quantity"),
    **quantity("rejected_quantity"),
}

# One row per entry of itemStatus[].orderedQuantity.orderedQuantityDetails: each change Amazon
# made to the ordered quantity, with the part it cancelled.
PURCHASE_ORDER_STATUS_QUANTITY_CHANGES: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "purchase_order_number": text(False),
    "item_sequence_number": text(False),
    "detail_index": bigint(False),
    "updated_date": timestamp(),
    **quantity("ordered_quantity"),
    **quantity("cancelled_quantity"),
}

VENDOR_FORECASTS: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "selling_program": text(False),
    "forecast_generation_date": day(False),
    "asin": text(False),
    "start_date": day(False),
    "end_date": day(False),
    "mean_forecast_units": decimal(),
    "p70_forecast_units": decimal(),
    "p80_forecast_units": decimal(),
    "p90_forecast_units": decimal(),
    "report_id": text(),
}

VENDOR_INVENTORY: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "distributor_view": text(False),
    "selling_program": text(False),
    "asin": text(False),
    "start_date": day(False),
    "end_date": day(False),
    "sellable_on_hand_inventory_units": bigint(),
    "unsellable_on_hand_inventory_units": bigint(),
    "open_purchase_order_units": bigint(),
    "net_received_inventory_units": bigint(),
    "unfilled_customer_ordered_units": bigint(),
    "aged90_plus_days_sellable_inventory_units": bigint(),
    "unhealthy_inventory_units": bigint(),
    "average_vendor_lead_time_days": decimal(),
    "sell_through_rate": decimal(),
    "vendor_confirmation_rate": decimal(),
    "sellable_on_hand_inventory_cost_amount": decimal(),
    "net_received_inventory_cost_amount": decimal(),
    "currency_code": text(),
    "report_id": text(),
}

VENDOR_SALES: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "distributor_view": text(False),
    "selling_program": text(False),
    "report_period": text(False),
    "asin": text(False),
    "start_date": day(False),
    "end_date": day(False),
    "customer_returns": bigint(),
    "ordered_units": bigint(),
    "ordered_revenue_amount": decimal(),
    "shipped_units": bigint(),
    "shipped_revenue_amount": decimal(),
    "shipped_cogs_amount": decimal(),
    "currency_code": text(),
    "report_id": text(),
}

VENDOR_TRAFFIC: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "report_period": text(False),
    "asin": text(False),
    "start_date": day(False),
    "end_date": day(False),
    "glance_views": bigint(),
    "report_id": text(),
}

# netPureProductMargin is a fraction (0.1234 is 12.34 %), not money.
VENDOR_NET_PURE_PRODUCT_MARGIN: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "report_period": text(False),
    "asin": text(False),
    "start_date": day(False),
    "end_date": day(False),
    "net_pure_product_margin": decimal(),
    "report_id": text(),
}

VENDOR_REAL_TIME_INVENTORY: dict[str, Column] = {
    "account": text(False),
    "vendor_code": text(),
    "marketplace_id": text(False),
    "asin": text(False),
    "start_time": timestamp(False),
    "end_time": timestamp(False),
    "highly_available_inventory": bigint(),
    "report_id": text(),
}

# Columns of the reports requested per period, by resource name.
REPORT_COLUMNS = {
    "vendor_sales": VENDOR_SALES,
    "vendor_traffic": VENDOR_TRAFFIC,
    "vendor_net_pure_product_margin": VENDOR_NET_PURE_PRODUCT_MARGIN,
}

# Every key starts with the account, so two vendor accounts' rows never merge, even where
# their purchase order numbers are the same.
PRIMARY_KEYS = {
    "purchase_orders": ("account", "purchase_order_number"),
    "purchase_order_items": ("account", "purchase_order_number", "item_sequence_number"),
    "purchase_order_status": ("account", "purchase_order_number"),
    "purchase_order_status_items": ("account", "purchase_order_number", "item_sequence_number"),
    "purchase_order_status_acknowledgements": ("account", "purchase_order_number", "item_sequence_number", "detail_index"),
    "purchase_order_status_quantity_changes": ("account", "purchase_order_number", "item_sequence_number", "detail_index"),
    "vendor_forecasts": (
        "account",
        "marketplace_id",
        "selling_program",
        "forecast_generation_date",
        "asin",
        "start_date",
        "end_date",
    ),
    "vendor_sales": (
        "account",
        "marketplace_id",
        "distributor_view",
        "selling_program",
        "report_period",
        "asin",
        "start_date",
        "end_date",
    ),
    "vendor_inventory": (
        "account",
        "marketplace_id",
        "distributor_view",
        "selling_program",
        "asin",
        "start_date",
        "end_date",
    ),
    "vendor_traffic": ("account", "marketplace_id", "report_period", "asin", "start_date", "end_date"),
    "vendor_net_pure_product_margin": ("account", "marketplace_id", "report_period", "asin", "start_date", "end_date"),
    "vendor_real_time_inventory": ("account", "marketplace_id", "asin", "start_time"),
}

# The tables with a row per PO line or more replace all rows of an order that changed, so a
# line Amazon removed does not linger.
ORDER_MERGE_KEY = ("account", "purchase_order_number")
