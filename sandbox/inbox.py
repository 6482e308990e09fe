"""Write the vendor's own exports (shipments, stock, catalogue) as the CSV files of the inbox."""

import csv
import functools
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sandbox.scenario import Scenario, Shipment

SHIPMENTS_COLUMNS = (
    "shipment_id",
    "ship_date",
    "shipment_type",
    "carrier_scac",
    "carrier_reference",
    "bill_of_lading_number",
    "ship_from_party_id",
    "ship_to_party_id",
    "purchase_order_number",
    "item_sequence_number",
    "asin",
    "vendor_sku",
    "carton_id",
    "quantity",
    "unit_of_measure",
    "unit_size",
    "pallet_id",
    "lot_number",
    "expiry_date",
)
STOCK_COLUMNS = ("snapshot_date", "warehouse_code", "vendor_sku", "asin", "on_hand_units", "reserved_units")
CATALOGUE_COLUMNS = (
    "asin",
    "vendor_sku",
    "title",
    "case_size",
    "unit_cost_amount",
    "currency_code",
    "is_discontinued",
    "lead_time_days",
    "requires_lot_and_expiry",
)


# Listing pages and shipments.csv format the same moments many times: an order's date recurs
# on each of its lines, and a shipment's date on each of its cartons. On status pages of the
# large profile, 85% of calls hit the cache. An entry keeps a datetime and its text alive,
# an estimated 200 bytes, so a full cache takes about 2 MB.
@functools.lru_cache(maxsize=8192)
def format_timestamp(moment: datetime) -> str:
    """Format a UTC moment as ISO 8601 with a `Z` zone, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_inbox(scenario: Scenario, inbox_dir: Path) -> list[Path]:
    """Write shipments.csv, stock.csv and catalogue.csv into `inbox_dir` and return their paths."""
    inbox_dir.mkdir(parents=True, exist_ok=True)
    shipments = sorted(scenario.shipments, key=lambda item: (item.ship_date, item.shipment_id))
    return [_write(inbox_dir / "shipments.csv", SHIPMENTS_COLUMNS, shipment_rows(shipments))] + write_catalogue_and_stock(
        scenario, inbox_dir
    )


def write_catalogue_and_stock(scenario: Scenario, inbox_dir: Path) -> list[Path]:
    """Write stock.csv and catalogue.csv into `inbox_dir` and return their paths."""
    inbox_dir.mkdir(parents=True, exist_ok=True)
    return [
        _write(inbox_dir / "stock.csv", STOCK_COLUMNS, _stock_rows(scenario)),
        _write(inbox_dir / "catalogue.csv", CATALOGUE_COLUMNS, _catalogue_rows(scenario)),
    ]


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> Path:
    # Write to a temporary name first so a reader never sees half a file.
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    partial.replace(path)
    return path


def shipment_rows(shipments: Iterable[Shipment]) -> list[tuple[object, ...]]:
    """Return one row per carton content of each shipment, in the order given."""
    rows = []
    for shipment in shipments:
        for content in shipment.contents:
            rows.append(
                (
                    shipment.shipment_id,
                    format_timestamp(shipment.ship_date),
                    shipment.shipment_type,
                    shipment.carrier_scac,
                    shipment.carrier_reference,
                    shipment.bill_of_lading_number,
                    shipment.ship_from,
                    shipment.ship_to,
                    content.purchase_order_number,
                    content.item_sequence_number,
                    content.asin,
                    content.vendor_sku,
                    content.carton_id,
                    content.quantity,
                    content.unit_of_measure,
                    content.unit_size,
                    content.pallet_id,
                    content.lot_number,
                    content.expiry_date.isoformat() if content.expiry_date is not None else "",
                )
            )
    return rows


def _stock_rows(scenario: Scenario) -> list[tuple[object, ...]]:
    return [
        (
            row.snapshot_date.isoformat(),
            row.warehouse_code,
            row.vendor_sku,
            row.asin,
            row.on_hand_units,
            row.reserved_units,
        )
        for row in scenario.stock
    ]


def _catalogue_rows(scenario: Scenario) -> list[tuple[object, ...]]:
    return [
        (
            product.asin,
            product.vendor_sku,
            product.title,
            product.case_size,
            f"{product.catalogue_cost:.2f}",
            scenario.currency_code,
            "true" if product.is_discontinued else "false",
            product.lead_time_days,
            "true" if product.requires_lot_and_expiry else "false",
        )
        for product in scenario.products
        if product.in_catalogue
    ]
