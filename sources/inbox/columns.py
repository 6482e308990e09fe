"""The CSV files of the inbox: their columns, types and merge keys."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvColumn:
    name: str
    kind: str  # text, timestamp, date, bigint, decimal, bool
    required: bool = True  # False: a cell may be empty
    allowed: tuple[str, ...] = ()
    # False: the header may leave the column out, and every row then reads it as empty. Columns
    # added after vendors started sending the file are optional, so older exports still load.
    in_header: bool = True


# The vendor account of a row, by account name or by vendor code (the PO's selling party),
# for an installation with several accounts. Empty in files of a single-account installation.
ACCOUNT = CsvColumn("account", "text", required=False, in_header=False)
VENDOR_CODE = CsvColumn("vendor_code", "text", required=False, in_header=False)


@dataclass(frozen=True)
class CsvTable:
    table: str
    file_name: str
    columns: tuple[CsvColumn, ...]
    primary_key: tuple[str, ...]


VENDOR_SHIPMENTS = CsvTable(
    table="vendor_shipments",
    file_name="shipments.csv",
    columns=(
        CsvColumn("shipment_id", "text"),
        CsvColumn("ship_date", "timestamp"),
        CsvColumn("shipment_type", "text"),
        CsvColumn("carrier_scac", "text", required=False),
        CsvColumn("carrier_reference", "text", required=False),
        CsvColumn("bill_of_lading_number", "text", required=False),
        CsvColumn("ship_from_party_id", "text"),
        CsvColumn("ship_to_party_id", "text"),
        CsvColumn("purchase_order_number", "text"),
        CsvColumn("item_sequence_number", "text"),
        CsvColumn("asin", "text", required=False),
        CsvColumn("vendor_sku", "text", required=False),
        CsvColumn("carton_id", "text"),
        CsvColumn("quantity", "bigint"),
        CsvColumn("unit_of_measure", "text", allowed=("Cases", "Eaches")),
        CsvColumn("unit_size", "bigint"),
        # SSCC-18 of the pallet the carton is on; empty when the carton ships loose.
        CsvColumn("pallet_id", "text", required=False, in_header=False),
        CsvColumn("lot_number", "text", required=False, in_header=False),
        CsvColumn("expiry_date", "date", required=False, in_header=False),
        ACCOUNT,
        VENDOR_CODE,
    ),
    primary_key=("shipment_id", "carton_id", "purchase_order_number", "item_sequence_number"),
)

VENDOR_STOCK = CsvTable(
    table="vendor_stock",
    file_name="stock.csv",
    columns=(
        CsvColumn("snapshot_date", "date"),
        CsvColumn("warehouse_code", "text"),
        CsvColumn("vendor_sku", "text"),
        CsvColumn("asin", "text", required=False),
        CsvColumn("on_hand_units", "bigint"),
        CsvColumn("reserved_units", "bigint"),
        ACCOUNT,
    ),
    # NOTE: the key leaves out the account, so with several accounts a SKU's snapshot in one
    # warehouse belongs to one account. Adding it needs the rows loaded without one migrated.
    primary_key=("snapshot_date", "warehouse_code", "vendor_sku"),
)

VENDOR_CATALOGUE = CsvTable(
    table="vendor_catalogue",
    file_name="catalogue.csv",
    columns=(
        CsvColumn("asin", "text"),
        CsvColumn("vendor_sku", "text", required=False),
        CsvColumn("title", "text", required=False),
        CsvColumn("case_size", "bigint"),
        CsvColumn("unit_cost_amount", "decimal"),
        CsvColumn("currency_code", "text"),
        CsvColumn("is_discontinued", "bool"),
        CsvColumn("lead_time_days", "bigint", required=False),
        # True when the item's ASN lines need a lot number and an expiry date (perishables).
        CsvColumn("requires_lot_and_expiry", "bool", required=False, in_header=False),
        ACCOUNT,
    ),
    # NOTE: the key leaves out the account, so with several accounts an ASIN is listed for one
    # account only. Adding it needs the rows loaded without one migrated.
    primary_key=("asin",),
)

TABLES = (VENDOR_SHIPMENTS, VENDOR_STOCK, VENDOR_CATALOGUE)

_DLT_TYPES = {
    "text": {"data_type": "text"},
    "timestamp": {"data_type": "timestamp", "timezone": True},
    "date": {"data_type": "date"},
    "bigint": {"data_type": "bigint"},
    "decimal": {"data_type": "decimal", "precision": 38, "scale": 9},
    "bool": {"data_type": "bool"},
}


def dlt_columns(table: CsvTable) -> dict[str, dict]:
    return {
        column.name: {**_DLT_TYPES[column.kind], "nullable": not column.required}
        for column in table.columns
    }
