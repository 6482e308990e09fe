"""Small hand-written warehouses for the validation suites.

Each table is created with the column types of docs/warehouse.md and the outbound model
contract: money DECIMAL(38,9), quantities BIGINT, times TIMESTAMPTZ.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "analytics.outbound_acknowledgement_lines": {
        "account": "varchar",
        "purchase_order_number": "varchar",
        "item_sequence_number": "varchar",
        "selling_party_id": "varchar",
        "ship_to_party_id": "varchar",
        "amazon_product_identifier": "varchar",
        "vendor_product_identifier": "varchar",
        "ordered_quantity_amount": "bigint",
        "ordered_quantity_unit_of_measure": "varchar",
        "ordered_quantity_unit_size": "bigint",
        "net_cost_amount": "decimal(38, 9)",
        "net_cost_currency_code": "varchar",
        "list_price_amount": "decimal(38, 9)",
        "list_price_currency_code": "varchar",
        "acknowledgement_code": "varchar",
        "acknowledged_quantity_amount": "bigint",
        "acknowledged_quantity_unit_of_measure": "varchar",
        "acknowledged_quantity_unit_size": "bigint",
        "rejection_reason": "varchar",
        "scheduled_ship_date": "timestamptz",
        "scheduled_delivery_date": "timestamptz",
    },
    "analytics.outbound_shipment_confirmations": {
        "account": "varchar",
        "shipment_id": "varchar",
        "shipment_confirmation_type": "varchar",
        "ship_date": "timestamptz",
        "shipment_type": "varchar",
        "carrier_scac": "varchar",
        "carrier_reference": "varchar",
        "bill_of_lading_number": "varchar",
        "selling_party_id": "varchar",
        "ship_from_party_id": "varchar",
        "ship_to_party_id": "varchar",
        "carton_count": "bigint",
        "total_shipped_eaches": "bigint",
    },
    "analytics.outbound_shipment_lines": {
        "account": "varchar",
        "shipment_id": "varchar",
        "carton_id": "varchar",
        "purchase_order_number": "varchar",
        "item_sequence_number": "varchar",
        "amazon_product_identifier": "varchar",
        "vendor_product_identifier": "varchar",
        "shipped_quantity_amount": "bigint",
        "shipped_quantity_unit_of_measure": "varchar",
        "shipped_quantity_unit_size": "bigint",
        "shipped_eaches": "bigint",
        "ordered_eaches": "bigint",
        "accepted_eaches": "bigint",
    },
    "analytics.outbound_invoices": {
        "account": "varchar",
        "invoice_id": "varchar",
        "invoice_type": "varchar",
        "invoice_date": "timestamptz",
        "purchase_order_number": "varchar",
        "selling_party_id": "varchar",
        "bill_to_party_id": "varchar",
        "ship_to_party_id": "varchar",
        "currency_code": "varchar",
        "line_total_amount": "decimal(38, 9)",
        "tax_total_amount": "decimal(38, 9)",
        "charge_total_amount": "decimal(38, 9)",
        "allowance_total_amount": "decimal(38, 9)",
        "invoice_total_amount": "decimal(38, 9)",
        "hold_reason": "varchar",
    },
    "analytics.outbound_invoice_lines": {
        "account": "varchar",
        "invoice_id": "varchar",
        "invoice_line_number": "bigint",
        "purchase_order_number": "varchar",
        "item_sequence_number": "varchar",
        "amazon_product_identifier": "varchar",
        "vendor_product_identifier": "varchar",
        "invoiced_quantity_amount": "bigint",
        "invoiced_quantity_unit_of_measure": "varchar",
        "invoiced_quantity_unit_size": "bigint",
        "invoiced_eaches": "bigint",
        "net_cost_amount": "decimal(38, 9)",
        "po_net_cost_amount": "decimal(38, 9)",
        "net_cost_currency_code": "varchar",
        "line_amount": "decimal(38, 9)",
        "tax_rate": "decimal(38, 9)",
        "tax_amount": "decimal(38, 9)",
        "hold_reason": "varchar",
    },
    "raw_vendor.purchase_order_items": {
        "account": "varchar",
        "purchase_order_number": "varchar",
        "item_sequence_number": "varchar",
        "amazon_product_identifier": "varchar",
        "vendor_product_identifier": "varchar",
        "ordered_quantity_amount": "bigint",
        "ordered_quantity_unit_of_measure": "varchar",
        "ordered_quantity_unit_size": "bigint",
        "is_back_order_allowed": "boolean",
        "net_cost_amount": "decimal(38, 9)",
        "net_cost_currency_code": "varchar",
        "list_price_amount": "decimal(38, 9)",
        "list_price_currency_code": "varchar",
    },
    "raw_vendor.vendor_shipments": {
        "shipment_id": "varchar",
        "ship_date": "timestamptz",
        "shipment_type": "varchar",
        "carrier_scac": "varchar",
        "carrier_reference": "varchar",
        "bill_of_lading_number": "varchar",
        "ship_from_party_id": "varchar",
        "ship_to_party_id": "varchar",
        "purchase_order_number": "varchar",
        "item_sequence_number": "varchar",
        "asin": "varchar",
        "vendor_sku": "varchar",
        "carton_id": "varchar",
        "quantity": "bigint",
        "unit_of_measure": "varchar",
        "unit_size": "bigint",
    },
}

# SSCC-18 identifiers whose check digits were worked out by hand (weights 3,1,3,… from the
# left over the 17 data digits, then 10 minus the sum's last digit).
SSCC_A = "106141411234567897"
SSCC_B = "123456789012345675"
SHIPPED_AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def acknowledgement_line(**changes: Any) -> dict[str, Any]:
    row = {
        "account": "sandbox",
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "selling_party_id": "ACRN1",
        "ship_to_party_id": "ABE8",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "ordered_quantity_amount": 10,
        "ordered_quantity_unit_of_measure": "Cases",
        "ordered_quantity_unit_size": 12,
        "net_cost_amount": Decimal("8.50"),
        "net_cost_currency_code": "USD",
        "list_price_amount": None,
        "list_price_currency_code": None,
        "acknowledgement_code": "Accepted",
        "acknowledged_quantity_amount": 10,
        "acknowledged_quantity_unit_of_measure": "Cases",
        "acknowledged_quantity_unit_size": 12,
        "rejection_reason": None,
        "scheduled_ship_date": SHIPPED_AT,
        "scheduled_delivery_date": datetime(2026, 3, 5, 14, 30, tzinfo=UTC),
    }
    row.update(changes)
    return row


def shipment_confirmation(**changes: Any) -> dict[str, Any]:
    row = {
        "account": "sandbox",
        "shipment_id": "ACRN-SHP-0001",
        "shipment_confirmation_type": "Original",
        "ship_date": SHIPPED_AT,
        "shipment_type": "LessThanTruckLoad",
        "carrier_scac": "ABFS",
        "carrier_reference": "PRO123456",
        "bill_of_lading_number": "BOL-778899",
        "selling_party_id": "ACRN1",
        "ship_from_party_id": "SZX-WH1",
        "ship_to_party_id": "ABE8",
        "carton_count": 2,
        "total_shipped_eaches": 36,
    }
    row.update(changes)
    return row


def shipment_line(**changes: Any) -> dict[str, Any]:
    row = {
        "account": "sandbox",
        "shipment_id": "ACRN-SHP-0001",
        "carton_id": SSCC_A,
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "shipped_quantity_amount": 2,
        "shipped_quantity_unit_of_measure": "Cases",
        "shipped_quantity_unit_size": 12,
        "shipped_eaches": 24,
        "ordered_eaches": 120,
        "accepted_eaches": 120,
    }
    row.update(changes)
    return row


def invoice(**changes: Any) -> dict[str, Any]:
    # 264.00 + 21.12 + 15.00 - 5.00 = 295.12
    row = {
        "account": "sandbox",
        "invoice_id": "INV-0001",
        "invoice_type": "Invoice",
        "invoice_date": datetime(2026, 3, 3, tzinfo=UTC),
        "purchase_order_number": "2JK3S9VC",
        "selling_party_id": "ACRN1",
        "bill_to_party_id": "AMZN-US",
        "ship_to_party_id": "ABE8",
        "currency_code": "USD",
        "line_total_amount": Decimal("264.00"),
        "tax_total_amount": Decimal("21.12"),
        "charge_total_amount": Decimal("15.00"),
        "allowance_total_amount": Decimal("5.00"),
        "invoice_total_amount": Decimal("295.12"),
        "hold_reason": None,
    }
    row.update(changes)
    return row


def invoice_line(**changes: Any) -> dict[str, Any]:
    # 12 eaches × 8.50 = 102.00
    row = {
        "account": "sandbox",
        "invoice_id": "INV-0001",
        "invoice_line_number": 1,
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "invoiced_quantity_amount": 1,
        "invoiced_quantity_unit_of_measure": "Cases",
        "invoiced_quantity_unit_size": 12,
        "invoiced_eaches": 12,
        "net_cost_amount": Decimal("8.50"),
        "po_net_cost_amount": Decimal("8.50"),
        "net_cost_currency_code": "USD",
        "line_amount": Decimal("102.00"),
        "tax_rate": Decimal("0"),
        "tax_amount": Decimal("0"),
        "hold_reason": None,
    }
    row.update(changes)
    return row


def purchase_order_item(**changes: Any) -> dict[str, Any]:
    row = {
        "account": "sandbox",
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "ordered_quantity_amount": 10,
        "ordered_quantity_unit_of_measure": "Cases",
        "ordered_quantity_unit_size": 12,
        "is_back_order_allowed": False,
        "net_cost_amount": Decimal("8.50"),
        "net_cost_currency_code": "USD",
        "list_price_amount": Decimal("12.99"),
        "list_price_currency_code": "USD",
    }
    row.update(changes)
    return row


def vendor_shipment(**changes: Any) -> dict[str, Any]:
    row = {
        "shipment_id": "ACRN-SHP-0001",
        "ship_date": SHIPPED_AT,
        "shipment_type": "LessThanTruckLoad",
        "carrier_scac": "ABFS",
        "carrier_reference": "PRO123456",
        "bill_of_lading_number": "BOL-778899",
        "ship_from_party_id": "SZX-WH1",
        "ship_to_party_id": "ABE8",
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "asin": "B07DFVDRAB",
        "vendor_sku": "ACRN-KETTLE",
        "carton_id": SSCC_A,
        "quantity": 2,
        "unit_of_measure": "Cases",
        "unit_size": 12,
    }
    row.update(changes)
    return row


def write_table(
    warehouse: Path,
    table: str,
    rows: list[dict[str, Any]],
    columns: dict[str, str] | None = None,
) -> None:
    """Create `table` in the DuckDB file with the contract's column types and insert rows."""
    columns = columns if columns is not None else TABLE_COLUMNS[table]
    schema = table.split(".", 1)[0]
    column_list = ", ".join(columns)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"create schema if not exists {schema}")
        definition = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        connection.execute(f"create or replace table {table} ({definition})")
        if not rows:
            return
        placeholders = ", ".join("?" for _ in columns)
        connection.executemany(
            f"insert into {table} ({column_list}) values ({placeholders})",
            [[row[name] for name in columns] for row in rows],
        )
