"""The `vendor_api` dlt source: purchase orders, order status, forecasts and inventory.

Orders and order status are read incrementally in 7-day windows. Each feed is a hidden
resource that pages through the API once. Two transformers per feed split every order into
its header row and its line rows, so one API call fills two tables.

Cursor: each feed stores in its dlt resource state the time its last successful run ended
(`window_end`). The next run queries from that time minus `CURSOR_OVERLAP` up to its own start.
The cursor follows the query windows, not a value in the data, for two reasons: the created
window returns orders with no change date, and windows without orders must advance it too.

Purchase orders are queried twice per window, by creation time and by change time:
`purchaseOrderChangedDate` is set only when Amazon changed an order after creating it, so the
changed window alone could miss new orders. Order status is queried by last update and by
creation time for the same reason.
"""

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import dlt
from dlt.sources import DltResource

from sources.spapi import ReportCancelledError

from . import columns
from .rows import (
    forecast_rows,
    inventory_rows,
    purchase_order_item_rows,
    purchase_order_row,
    purchase_order_status_item_rows,
    purchase_order_status_row,
)
from .settings import (
    DISTRIBUTOR_VIEW,
    FORECAST_REPORT,
    INVENTORY_REPORT,
    MAX_LOOKBACK,
    REPORT_PERIOD,
    SELLING_PROGRAM,
    WEEKS_PER_INVENTORY_REPORT,
)
from .windows import day_end, day_start, report_weeks, require_aware, slices, window_start

logger = logging.getLogger("acorn.sources.vendor_api")


class VendorClient(Protocol):
    """The methods of `sources.spapi.SpApiClient` that the source calls."""

    def get_purchase_orders(self, **filters: Any) -> Iterator[dict[str, Any]]: ...

    def get_purchase_orders_status(self, **filters: Any) -> Iterator[dict[str, Any]]: ...

    def create_report(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        report_options: dict[str, str] | None = None,
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
    ) -> str: ...

    def wait_for_report(self, report_id: str, deadline: float | None = None) -> dict[str, Any]: ...

    def fetch_report_document(self, report: dict[str, Any]) -> dict[str, Any]: ...


ClientFactory = Callable[[], AbstractContextManager[VendorClient]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _run_start(now: Callable[[], datetime]) -> datetime:
    # Whole seconds, because Amazon's filters are sent with second precision.
    return require_aware(now(), "now()").replace(microsecond=0)


def _feed(
    name: str,
    client_factory: ClientFactory,
    fetch: Callable[..., Iterator[dict[str, Any]]],
    listing_key: str,
    window_filters: tuple[tuple[str, str], ...],
    start: datetime | None,
    lookback_days: int,
    now: Callable[[], datetime],
) -> Iterator[list[dict[str, Any]]]:
    """Page through one listing over every window since the cursor; yield pages of orders.

    `window_filters` names the (after, before) filter pairs queried for each window. An order
    seen earlier in the run is not yielded again.
    """
    state = dlt.current.resource_state()
    run_start = _run_start(now)
    begin = window_start(run_start, state.get("window_end"), start, lookback_days, name)
    seen: set[str] = set()
    fetched = 0
    with client_factory() as client:
        for lower, upper in slices(begin, run_start):
            for after, before in window_filters:
                for page in fetch(client, **{after: lower, before: upper}):
                    fresh = []
                    for order in (page or {}).get(listing_key) or []:
                        number = order.get("purchaseOrderNumber")
                        if number in seen:
                            continue
                        seen.add(number)
                        fresh.append(order)
                    fetched += len(fresh)
                    if fresh:
                        yield fresh
    state["window_end"] = run_start.isoformat()
    logger.info(
        "%s: %d orders from %s to %s", name, fetched, begin.isoformat(), run_start.isoformat()
    )


def _run_report(
    client: VendorClient,
    report_type: str,
    marketplace_id: str,
    options: dict[str, str],
    data_start: datetime | None = None,
    data_end: datetime | None = None,
) -> tuple[str, dict[str, Any]] | None:
    """Create a report and wait for it; None when Amazon cancelled it for lack of data."""
    report_id = client.create_report(report_type, [marketplace_id], options, data_start, data_end)
    try:
        report = client.wait_for_report(report_id)
    except ReportCancelledError as error:
        logger.warning("%s; its rows are skipped this run", error)
        return None
    return report_id, client.fetch_report_document(report)


@dlt.source(name="vendor_api", max_table_nesting=0)
def vendor_api_source(
    client_factory: ClientFactory,
    account: str = "sandbox",
    start: datetime | None = None,
    lookback_days: int = 90,
    marketplace_ids: Sequence[str] = ("ATVPDKIKX0DER",),
    now: Callable[[], datetime] | None = None,
) -> list[DltResource]:
    """Amazon's Vendor Orders and Reports APIs as the raw tables of `raw_vendor`.

    `client_factory()` returns a new `SpApiClient` (a context manager). `start` is where the
    first run's order windows begin (default: `lookback_days` before now, at most 179 days);
    it also bounds the inventory weeks requested. `now` returns the current aware time.
    """
    if not account:
        raise ValueError("account is empty: name the vendor account, e.g. 'sandbox'")
    if lookback_days < 1:
        raise ValueError(f"lookback_days is {lookback_days}; it must be at least 1")
    if isinstance(marketplace_ids, str) or not marketplace_ids:
        raise ValueError(
            f"marketplace_ids must be a non-empty list such as ['ATVPDKIKX0DER'], got {marketplace_ids!r}"
        )
    if start is not None:
        require_aware(start, "start")
    clock = now or _utc_now

    @dlt.resource(name="purchase_order_feed", selected=False)
    def purchase_order_feed() -> Iterator[list[dict[str, Any]]]:
        yield from _feed(
            "purchase_order_feed",
            client_factory,
            lambda client, **filters: client.get_purchase_orders(**filters),
            "orders",
            (("created_after", "created_before"), ("changed_after", "changed_before")),
            start,
            lookback_days,
            clock,
        )

    @dlt.transformer(
        data_from=purchase_order_feed,
        name="purchase_orders",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_orders"],
        columns=columns.PURCHASE_ORDERS,
    )
    def purchase_orders(orders: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [purchase_order_row(order, account) for order in orders]

    # merge_key: a changed order replaces all its stored lines, so a line Amazon removed from
    # the order does not linger.
    @dlt.transformer(
        data_from=purchase_order_feed,
        name="purchase_order_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_items"],
        merge_key="purchase_order_number",
        columns=columns.PURCHASE_ORDER_ITEMS,
    )
    def purchase_order_items(orders: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [row for order in orders for row in purchase_order_item_rows(order, account)]

    @dlt.resource(name="purchase_order_status_feed", selected=False)
    def purchase_order_status_feed() -> Iterator[list[dict[str, Any]]]:
        yield from _feed(
            "purchase_order_status_feed",
            client_factory,
            lambda client, **filters: client.get_purchase_orders_status(**filters),
            "ordersStatus",
            (("updated_after", "updated_before"), ("created_after", "created_before")),
            start,
            lookback_days,
            clock,
        )

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status"],
        columns=columns.PURCHASE_ORDER_STATUS,
    )
    def purchase_order_status(statuses: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [purchase_order_status_row(status, account) for status in statuses]

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_items"],
        merge_key="purchase_order_number",
        columns=columns.PURCHASE_ORDER_STATUS_ITEMS,
    )
    def purchase_order_status_items(
        statuses: list[dict[str, Any]],
    ) -> Iterator[list[dict[str, Any]]]:
        yield [row for status in statuses for row in purchase_order_status_item_rows(status, account)]

    @dlt.resource(
        name="vendor_forecasts",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_forecasts"],
        columns=columns.VENDOR_FORECASTS,
    )
    def vendor_forecasts() -> Iterator[list[dict[str, Any]]]:
        options = {"sellingProgram": SELLING_PROGRAM}
        with client_factory() as client:
            for marketplace_id in marketplace_ids:
                result = _run_report(client, FORECAST_REPORT, marketplace_id, options)
                if result is None:
                    continue
                report_id, document = result
                rows = forecast_rows(document, account, report_id, marketplace_id, SELLING_PROGRAM)
                logger.info("vendor_forecasts: %d rows from report %s", len(rows), report_id)
                yield rows

    @dlt.resource(
        name="vendor_inventory",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_inventory"],
        columns=columns.VENDOR_INVENTORY,
    )
    def vendor_inventory() -> Iterator[list[dict[str, Any]]]:
        run_start = _run_start(clock)
        first_day = _inventory_first_day(run_start, start, lookback_days)
        spans = report_weeks(first_day, run_start.date(), WEEKS_PER_INVENTORY_REPORT)
        if not spans:
            logger.warning("vendor_inventory: no published week since %s yet", first_day)
            return
        options = {
            "reportPeriod": REPORT_PERIOD,
            "distributorView": DISTRIBUTOR_VIEW,
            "sellingProgram": SELLING_PROGRAM,
        }
        with client_factory() as client:
            for marketplace_id in marketplace_ids:
                for sunday, saturday in spans:
                    result = _run_report(
                        client,
                        INVENTORY_REPORT,
                        marketplace_id,
                        options,
                        day_start(sunday),
                        day_end(saturday),
                    )
                    if result is None:
                        continue
                    report_id, document = result
                    rows = inventory_rows(
                        document,
                        account,
                        report_id,
                        marketplace_id,
                        DISTRIBUTOR_VIEW,
                        SELLING_PROGRAM,
                    )
                    logger.info(
                        "vendor_inventory: %d rows for %s to %s from report %s",
                        len(rows),
                        sunday,
                        saturday,
                        report_id,
                    )
                    yield rows

    return [
        purchase_order_feed,
        purchase_orders,
        purchase_order_items,
        purchase_order_status_feed,
        purchase_order_status,
        purchase_order_status_items,
        vendor_forecasts,
        vendor_inventory,
    ]


def _inventory_first_day(run_start: datetime, start: datetime | None, lookback_days: int) -> date:
    """Return the first day the inventory weeks must cover, within Amazon's 6 months."""
    first = start.astimezone(UTC) if start is not None else run_start - timedelta(days=lookback_days)
    return max(first, run_start - MAX_LOOKBACK).date()
