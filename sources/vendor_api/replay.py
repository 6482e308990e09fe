"""The `vendor_replay` dlt source: the raw vendor tables rebuilt from the raw archive alone.

The client archives every response body (see `sources.spapi.archive`). Replaying those
bodies through the same row functions and column hints as `vendor_api_source` rebuilds
the tables without calling Amazon, after a parser fix or the loss of the warehouse file.

Orders: the last archived version of each purchase order (and order status) wins, as it
did when it was loaded. Reports (forecast, inventory, sales, traffic, net pure product margin
and real-time inventory): each DONE report's document, found through the `getReport`
responses that name its document id.
"""

import gzip
import json
import logging
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
from dlt.sources import DltResource

from . import columns
from .rows import (
    forecast_rows,
    inventory_rows,
    net_pure_product_margin_rows,
    real_time_inventory_rows,
    sales_rows,
    traffic_rows,
    purchase_order_item_rows,
    purchase_order_row,
    purchase_order_status_acknowledgement_rows,
    purchase_order_status_item_rows,
    purchase_order_status_quantity_change_rows,
    purchase_order_status_row,
)
from .settings import (
    DISTRIBUTOR_VIEW,
    FORECAST_REPORT,
    INVENTORY_REPORT,
    NET_PURE_PRODUCT_MARGIN_REPORT,
    REAL_TIME_INVENTORY_REPORT,
    SALES_REPORT,
    SELLING_PROGRAM,
    TRAFFIC_REPORT,
)

logger = logging.getLogger("acorn.sources.vendor_api")

# Operation names under which the client archives responses.
ORDERS_OPERATION = "getPurchaseOrders"
STATUS_OPERATION = "getPurchaseOrdersStatus"
REPORT_OPERATION = "getReport"
DOCUMENT_OPERATION = "reportDocument"


def archive_records(archive_dir: Path, operation: str) -> list[dict[str, Any]]:
    """Return the successful archived responses of one operation, oldest first.

    JSON numbers are read as Decimal, so money and forecast units keep their digits.
    """
    records = []
    for path in sorted(Path(archive_dir).glob(f"*/{operation}.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line, parse_float=Decimal)
                except ValueError as error:
                    raise ValueError(
                        f"{path} line {number} is not JSON ({error}); move the damaged file aside and "
                        "replay again"
                    ) from None
                if 200 <= int(record.get("status") or 0) < 300:
                    records.append(record)
    records.sort(key=lambda record: record.get("received_at") or "")
    return records


def latest_orders(archive_dir: Path, operation: str, listing_key: str) -> list[dict[str, Any]]:
    """Return the last archived version of each purchase order in one listing."""
    latest: dict[str, dict[str, Any]] = {}
    for record in archive_records(archive_dir, operation):
        payload = (record.get("body") or {}).get("payload") or {}
        for order in payload.get(listing_key) or []:
            number = order.get("purchaseOrderNumber")
            if number:
                latest[number] = order
    return [latest[number] for number in sorted(latest)]


def done_reports(archive_dir: Path) -> dict[str, str]:
    """Map each report document id to the id of the DONE report that produced it."""
    by_document = {}
    for record in archive_records(archive_dir, REPORT_OPERATION):
        report = record.get("body") or {}
        if report.get("processingStatus") == "DONE" and report.get("reportDocumentId"):
            by_document[str(report["reportDocumentId"])] = str(report.get("reportId"))
    return by_document


def report_documents(archive_dir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (report id, document) for every archived document of a DONE report."""
    reports = done_reports(archive_dir)
    for record in archive_records(archive_dir, DOCUMENT_OPERATION):
        document_id = str((record.get("params") or {}).get("reportDocumentId"))
        body = record.get("body")
        if document_id in reports and isinstance(body, dict):
            yield reports[document_id], body


def _scope(document: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    specification = document.get("reportSpecification") or {}
    marketplaces = specification.get("marketplaceIds") or [""]
    return str(specification.get("reportType")), str(marketplaces[0]), specification.get("reportOptions") or {}


def _last_per_key(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """Keep the last row of each primary key, as the live loads' merges did report by report.

    dlt keeps an arbitrary one of several rows with one key in a single load, so the replay
    removes the earlier ones itself.
    """
    latest = {tuple(row[column] for column in key): row for row in rows}
    return list(latest.values())


def _with_vendor_code(rows: list[dict[str, Any]], vendor_code: str | None) -> list[dict[str, Any]]:
    """Set the `vendor_code` of report rows, which their documents do not carry."""
    for row in rows:
        row["vendor_code"] = vendor_code
    return rows


@dlt.source(name="vendor_api", max_table_nesting=0)
def vendor_replay_source(archive_dir: Path, account: str = "sandbox", vendor_codes: Sequence[str] = ()) -> list[DltResource]:
    """Rebuild the raw tables of `raw_vendor` from the archived responses under `archive_dir`.

    `archive_dir` is one vendor account's archive; `account` and `vendor_codes` name that
    account, as `vendor_api_source` does.
    """
    if not Path(archive_dir).is_dir():
        raise ValueError(f"archive folder {archive_dir} does not exist; check ACORN_DATA_DIR or the archive path")
    if not account:
        raise ValueError("account is empty: name the vendor account, e.g. 'sandbox'")
    report_vendor_code = ",".join(vendor_codes) or None

    @dlt.resource(
        name="purchase_orders",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_orders"],
        columns=columns.PURCHASE_ORDERS,
    )
    def purchase_orders() -> Iterator[list[dict[str, Any]]]:
        yield [purchase_order_row(order, account) for order in latest_orders(archive_dir, ORDERS_OPERATION, "orders")]

    @dlt.resource(
        name="purchase_order_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_items"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_ITEMS,
    )
    def purchase_order_items() -> Iterator[list[dict[str, Any]]]:
        orders = latest_orders(archive_dir, ORDERS_OPERATION, "orders")
        yield [row for order in orders for row in purchase_order_item_rows(order, account)]

    @dlt.resource(
        name="purchase_order_status",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status"],
        columns=columns.PURCHASE_ORDER_STATUS,
    )
    def purchase_order_status() -> Iterator[list[dict[str, Any]]]:
        statuses = latest_orders(archive_dir, STATUS_OPERATION, "ordersStatus")
        yield [purchase_order_status_row(status, account) for status in statuses]

    @dlt.resource(
        name="purchase_order_status_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_items"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_ITEMS,
    )
    def purchase_order_status_items() -> Iterator[list[dict[str, Any]]]:
        statuses = latest_orders(archive_dir, STATUS_OPERATION, "ordersStatus")
        yield [row for status in statuses for row in purchase_order_status_item_rows(status, account)]

    @dlt.resource(
        name="purchase_order_status_acknowledgements",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_acknowledgements"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_ACKNOWLEDGEMENTS,
    )
    def purchase_order_status_acknowledgements() -> Iterator[list[dict[str, Any]]]:
        statuses = latest_orders(archive_dir, STATUS_OPERATION, "ordersStatus")
        yield [row for status in statuses for row in purchase_order_status_acknowledgement_rows(status, account)]

    @dlt.resource(
        name="purchase_order_status_quantity_changes",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_quantity_changes"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_QUANTITY_CHANGES,
    )
    def purchase_order_status_quantity_changes() -> Iterator[list[dict[str, Any]]]:
        statuses = latest_orders(archive_dir, STATUS_OPERATION, "ordersStatus")
        yield [row for status in statuses for row in purchase_order_status_quantity_change_rows(status, account)]

    @dlt.resource(
        name="vendor_forecasts",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_forecasts"],
        columns=columns.VENDOR_FORECASTS,
    )
    def vendor_forecasts() -> Iterator[list[dict[str, Any]]]:
        rows = []
        for report_id, document in report_documents(archive_dir):
            report_type, marketplace_id, options = _scope(document)
            if report_type == FORECAST_REPORT:
                program = str(options.get("sellingProgram") or SELLING_PROGRAM)
                rows += forecast_rows(document, account, report_id, marketplace_id, program)
        yield _last_per_key(_with_vendor_code(rows, report_vendor_code), columns.PRIMARY_KEYS["vendor_forecasts"])

    @dlt.resource(
        name="vendor_inventory",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_inventory"],
        columns=columns.VENDOR_INVENTORY,
    )
    def vendor_inventory() -> Iterator[list[dict[str, Any]]]:
        rows = []
        for report_id, document in report_documents(archive_dir):
            report_type, marketplace_id, options = _scope(document)
            if report_type == INVENTORY_REPORT:
                rows += inventory_rows(
                    document,
                    account,
                    report_id,
                    marketplace_id,
                    str(options.get("distributorView") or DISTRIBUTOR_VIEW),
                    str(options.get("sellingProgram") or SELLING_PROGRAM),
                )
        yield _last_per_key(_with_vendor_code(rows, report_vendor_code), columns.PRIMARY_KEYS["vendor_inventory"])

    def period_report(name: str, hints: dict[str, columns.Column], report_type: str, to_rows: Any) -> DltResource:
        """Build the resource of a report whose rows depend on its reportOptions (sales, traffic, margin)."""

        @dlt.resource(name=name, write_disposition="merge", primary_key=columns.PRIMARY_KEYS[name], columns=hints)
        def rows_of_type() -> Iterator[list[dict[str, Any]]]:
            rows = []
            for report_id, document in report_documents(archive_dir):
                found_type, marketplace_id, options = _scope(document)
                if found_type == report_type:
                    rows += to_rows(document, account, report_id, marketplace_id, {k: str(v) for k, v in options.items()})
            yield _last_per_key(_with_vendor_code(rows, report_vendor_code), columns.PRIMARY_KEYS[name])

        return rows_of_type

    @dlt.resource(
        name="vendor_real_time_inventory",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_real_time_inventory"],
        columns=columns.VENDOR_REAL_TIME_INVENTORY,
    )
    def vendor_real_time_inventory() -> Iterator[list[dict[str, Any]]]:
        rows = []
        for report_id, document in report_documents(archive_dir):
            report_type, marketplace_id, _ = _scope(document)
            if report_type == REAL_TIME_INVENTORY_REPORT:
                rows += real_time_inventory_rows(document, account, report_id, marketplace_id)
        yield _last_per_key(
            _with_vendor_code(rows, report_vendor_code), columns.PRIMARY_KEYS["vendor_real_time_inventory"]
        )

    return [
        purchase_orders,
        purchase_order_items,
        purchase_order_status,
        purchase_order_status_items,
        purchase_order_status_acknowledgements,
        purchase_order_status_quantity_changes,
        vendor_forecasts,
        vendor_inventory,
        period_report("vendor_sales", columns.VENDOR_SALES, SALES_REPORT, sales_rows),
        period_report("vendor_traffic", columns.VENDOR_TRAFFIC, TRAFFIC_REPORT, traffic_rows),
        period_report(
            "vendor_net_pure_product_margin",
            columns.VENDOR_NET_PURE_PRODUCT_MARGIN,
            NET_PURE_PRODUCT_MARGIN_REPORT,
            net_pure_product_margin_rows,
        ),
        vendor_real_time_inventory,
    ]
