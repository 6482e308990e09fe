"""A raw warehouse of six purchase orders, one per hard case of reconciliation, written by hand.

On 2026-12-04, with 14 grace days, a 0.01 price tolerance and invoices billing what shipped:
- PO200001: 10 Cases of 6 split over two shipments (30 + 30 eaches) with 52 received, so the
  later shipment is 8 short. Amazon took both invoices. A second, Eaches line has no issue.
- PO200002: changed by Amazon, 20 Cases of 12 ordered, 5 cases cancelled (the PO view shows
  the 15 that remain), 15 shipped and received (reported in Cases), not invoiced; and a line
  cancelled in full.
- PO200003: invoiced at 3.20 against a PO cost of 3.00, and 26 received of 24 shipped.
- PO200004: shipped two days ago and invoiced before any receipt, still in transit.
- PO200005: shipped 33 days ago, invoiced, and nothing received.
- PO200006: 4 Cases of 6 ordered and packed as 24 Eaches.
The expected mart rows in test_scenario.py are worked out from these rows.
"""

import hashlib
from decimal import Decimal

import duckdb

from raw_warehouse import TABLES, USD, _insert

CASE6_ASIN = "B0SCNCASE6"
EACH_ASIN = "B0SCNEACH1"
CASE12_ASIN = "B0SCNCS12X"
MISPRICED_ASIN = "B0SCNPRICE"
TRANSIT_ASIN = "B0SCNTRANS"
LOOSE_ASIN = "B0SCNLOOSE"

CATALOGUE_COST = {
    CASE6_ASIN: ("4.00", 6),
    EACH_ASIN: ("2.50", 1),
    CASE12_ASIN: ("8.50", 12),
    MISPRICED_ASIN: ("3.20", 1),
    TRANSIT_ASIN: ("5.00", 1),
    LOOSE_ASIN: ("1.00", 6),
}


def invoice_id(shipment_id: str, purchase_order_number: str) -> str:
    """Return the invoice number acorn gives one shipment and PO: PO, hyphen, 11 MD5 hex digits."""
    digest = hashlib.md5(f"{shipment_id}|{purchase_order_number}".encode()).hexdigest()
    return f"{purchase_order_number[:8]}-{digest[:11].upper()}"


def _purchase_order(number, ordered_at, changed_at=None):
    return {
        "account": "sandbox", "purchase_order_number": number, "purchase_order_state": "Acknowledged",
        "purchase_order_type": "RegularOrder", "purchase_order_date": ordered_at,
        "purchase_order_changed_date": changed_at, "purchase_order_state_changed_date": ordered_at,
        "payment_method": "Invoice", "deal_code": None, "buying_party_id": "AMAZONBUY",
        "selling_party_id": "VENDOR1", "ship_to_party_id": "FC1", "bill_to_party_id": "AMAZONBILL",
        "ship_window_start": None, "ship_window_end": None,
        "delivery_window_start": None, "delivery_window_end": None,
    }


PURCHASE_ORDERS = [
    _purchase_order("PO200001", "2026-11-01 09:00:00+00"),
    _purchase_order("PO200002", "2026-11-05 09:00:00+00", changed_at="2026-11-08 09:00:00+00"),
    _purchase_order("PO200003", "2026-11-10 09:00:00+00"),
    _purchase_order("PO200004", "2026-11-25 09:00:00+00"),
    _purchase_order("PO200005", "2026-10-25 09:00:00+00"),
    _purchase_order("PO200006", "2026-11-15 09:00:00+00"),
]

# (PO, line, ASIN, ordered amount, unit, unit size, PO cost)
LINES = [
    ("PO200001", "1", CASE6_ASIN, 10, "Cases", 6, "4.00"),
    ("PO200001", "2", EACH_ASIN, 12, "Eaches", 1, "2.50"),
    ("PO200002", "1", CASE12_ASIN, 20, "Cases", 12, "8.50"),
    ("PO200002", "2", EACH_ASIN, 6, "Eaches", 1, "2.50"),
    ("PO200003", "1", MISPRICED_ASIN, 24, "Eaches", 1, "3.00"),
    ("PO200004", "1", TRANSIT_ASIN, 24, "Eaches", 1, "5.00"),
    ("PO200005", "1", TRANSIT_ASIN, 12, "Eaches", 1, "5.00"),
    ("PO200006", "1", LOOSE_ASIN, 4, "Cases", 6, "1.00"),
]

# (PO, line) -> cancelled and accepted in the ordered unit, received amount, its unit and
# size, receive status, last receipt.
STATUS = {
    ("PO200001", "1"): (0, 10, 52, "Eaches", 1, "PARTIALLY_RECEIVED", "2026-11-20 15:00:00+00"),
    ("PO200001", "2"): (0, 12, 12, "Eaches", 1, "RECEIVED", "2026-11-14 15:00:00+00"),
    ("PO200002", "1"): (5, 15, 15, "Cases", 12, "RECEIVED", "2026-11-29 15:00:00+00"),
    ("PO200002", "2"): (6, 0, 0, "Eaches", 1, "NOT_RECEIVED", None),
    ("PO200003", "1"): (0, 24, 26, "Eaches", 1, "RECEIVED", "2026-11-24 15:00:00+00"),
    ("PO200004", "1"): (0, 24, 0, "Eaches", 1, "NOT_RECEIVED", None),
    ("PO200005", "1"): (0, 12, 0, "Eaches", 1, "NOT_RECEIVED", None),
    ("PO200006", "1"): (0, 4, 24, "Eaches", 1, "RECEIVED", "2026-11-26 15:00:00+00"),
}

# (shipment, ship date, PO, line, carton SSCC, quantity, unit, unit size)
CARTONS = [
    ("SH-2001", "2026-11-10 14:00:00+00", "PO200001", "1", "000000000000200011", 5, "Cases", 6),
    ("SH-2001", "2026-11-10 14:00:00+00", "PO200001", "2", "000000000000200012", 12, "Eaches", 1),
    ("SH-2002", "2026-11-15 14:00:00+00", "PO200001", "1", "000000000000200022", 2, "Cases", 6),
    ("SH-2002", "2026-11-15 14:00:00+00", "PO200001", "1", "000000000000200021", 3, "Cases", 6),
    ("SH-2003", "2026-11-25 14:00:00+00", "PO200002", "1", "000000000000200031", 5, "Cases", 12),
    ("SH-2003", "2026-11-25 14:00:00+00", "PO200002", "1", "000000000000200032", 5, "Cases", 12),
    ("SH-2003", "2026-11-25 14:00:00+00", "PO200002", "1", "000000000000200033", 5, "Cases", 12),
    ("SH-2004", "2026-11-20 14:00:00+00", "PO200003", "1", "000000000000200041", 24, "Eaches", 1),
    ("SH-2005", "2026-12-02 14:00:00+00", "PO200004", "1", "000000000000200051", 24, "Eaches", 1),
    ("SH-2006", "2026-11-01 14:00:00+00", "PO200005", "1", "000000000000200061", 12, "Eaches", 1),
    ("SH-2007", "2026-11-22 14:00:00+00", "PO200006", "1", "000000000000200071", 24, "Eaches", 1),
]

# Invoices Amazon has taken, by shipment and PO, with their ledger state.
LEDGER = [
    ("SH-2001", "PO200001", "success", "Success"),
    ("SH-2002", "PO200001", "accepted", "Processing"),
    ("SH-2004", "PO200003", "success", "Success"),
    ("SH-2005", "PO200004", "accepted", "Processing"),
    ("SH-2006", "PO200005", "success", "Success"),
]


def _items():
    # Amazon's PO view shows what remains after a cancellation; the status view what was ordered.
    return [
        {
            "account": "sandbox", "purchase_order_number": po, "item_sequence_number": line,
            "amazon_product_identifier": asin, "vendor_product_identifier": f"SKU-{asin}",
            "ordered_quantity_amount": amount - STATUS[(po, line)][0], "ordered_quantity_unit_of_measure": unit,
            "ordered_quantity_unit_size": size, "is_back_order_allowed": False,
            "net_cost_amount": Decimal(cost), "net_cost_currency_code": USD,
            "list_price_amount": Decimal("9.99"), "list_price_currency_code": USD,
        }
        for po, line, asin, amount, unit, size, cost in LINES
    ]


def _status_items():
    rows = []
    for po, line, asin, amount, unit, size, cost in LINES:
        cancelled, accepted, received, received_unit, received_size, status, last_receive = STATUS[(po, line)]
        row = {
            "account": "sandbox", "purchase_order_number": po, "item_sequence_number": line,
            "buyer_product_identifier": asin, "vendor_product_identifier": f"SKU-{asin}",
            "net_cost_amount": Decimal(cost), "net_cost_currency_code": USD,
            "list_price_amount": Decimal("9.99"), "list_price_currency_code": USD,
            "confirmation_status": "ACCEPTED" if accepted else "REJECTED",
            "receive_status": status, "last_receive_date": last_receive,
        }
        for name, value, value_unit, value_size in [
            ("ordered", amount, unit, size),
            ("cancelled", cancelled, unit, size),
            ("accepted", accepted, unit, size),
            ("rejected", 0, unit, size),
            ("received", received, received_unit, received_size),
        ]:
            row[f"{name}_quantity_amount"] = value
            row[f"{name}_quantity_unit_of_measure"] = value_unit
            row[f"{name}_quantity_unit_size"] = value_size
        rows.append(row)
    return rows


def _shipments():
    asin_of = {(po, line): asin for po, line, asin, *_ in LINES}
    return [
        {
            "shipment_id": shipment, "ship_date": shipped_at, "shipment_type": "SmallParcel",
            "carrier_scac": "UPSN", "carrier_reference": f"1Z-{shipment}",
            "bill_of_lading_number": None, "ship_from_party_id": "WH1", "ship_to_party_id": "FC1",
            "purchase_order_number": po, "item_sequence_number": line,
            "asin": asin_of[(po, line)], "vendor_sku": f"SKU-{asin_of[(po, line)]}",
            "carton_id": carton, "quantity": quantity, "unit_of_measure": unit, "unit_size": size,
        }
        for shipment, shipped_at, po, line, carton, quantity, unit, size in CARTONS
    ]


def build_scenario_warehouse(path) -> None:
    """Create `raw_vendor` with the six purchase orders above and `outbound.documents` with
    the invoices Amazon has taken."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_vendor")
        for table, columns in TABLES.items():
            con.execute(f"create table raw_vendor.{table} ({columns}, _dlt_load_id varchar not null, _dlt_id varchar not null)")
        _insert(con, "purchase_orders", PURCHASE_ORDERS)
        _insert(con, "purchase_order_items", _items())
        _insert(con, "purchase_order_status", [
            {"account": "sandbox", "purchase_order_number": order["purchase_order_number"],
             "purchase_order_status": "OPEN", "purchase_order_date": order["purchase_order_date"],
             "last_updated_date": "2026-12-03 06:00:00+00", "selling_party_id": "VENDOR1",
             "ship_to_party_id": "FC1"}
            for order in PURCHASE_ORDERS
        ])
        _insert(con, "purchase_order_status_items", _status_items())
        _insert(con, "vendor_shipments", _shipments())
        _insert(con, "vendor_catalogue", [
            {"asin": asin, "vendor_sku": f"SKU-{asin}", "title": asin, "case_size": case_size,
             "unit_cost_amount": Decimal(cost), "currency_code": USD, "is_discontinued": False,
             "lead_time_days": 14}
            for asin, (cost, case_size) in CATALOGUE_COST.items()
        ])
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
        for shipment, po, state, status in LEDGER:
            business_id = invoice_id(shipment, po)
            con.execute(
                "insert into outbound.documents values (?, 'invoice', ?, 'sha', '{}', ?, null, ?, ?, null, "
                "'2026-12-01 00:00:00+00', '2026-12-01 00:00:00+00')",
                [f"invoice:{business_id}", business_id, state, f"tx-{shipment}", status],
            )
