"""The `vendor_api` dlt source: purchase orders, order status and the vendor reports.

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

Reports: `planner.plan_reports` decides which periods each report feed requests, and
`hourly.plan_hourly_reports` which hours the real-time inventory feed requests. Each request
ends in one typed outcome (`outcomes.Outcome`). The resource state keeps the periods loaded,
the reports still pending and the last run's outcomes, which the run summary lists.
"""

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, partial
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.sources import DltResource

from sources.clock import utc_now
from sources.spapi import (
    ListingPage,
    ReportCancelledError,
    ReportDocumentError,
    ReportFatalError,
    ReportTimeoutError,
    SpApiError,
)

from . import columnar, columns, report_columns
from .arrow import arrow_schema, to_arrow
from .fields import new_order_fields, new_report_fields, new_status_fields
from .hourly import HourlyReportFeed, plan_hourly_reports
from .outcomes import LAST_RUN_KEY, NEW_FIELDS_KEY, SETTLED, Outcome, RequestOutcome, classify_cancelled, classify_error_document
from .parsing import RecordError
from .report_columns import forecast_table, real_time_inventory_table, usual_table
from .planner import (
    LoadedPeriods,
    PlannedReport,
    ReportFeed,
    ReportSpecificationError,
    check_specification,
    plan_reports,
)
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
from .settings import FORECAST_FEEDS, INVENTORY_FEEDS, MAX_LOOKBACK
from .windows import day_end, day_start, require_aware, slices, window_start

logger = logging.getLogger("acorn.sources.vendor_api")

# Every table reaches dlt as an Arrow table, which skips its row-by-row normaliser, the slowest
# step. The order tables' schemas are in `columnar`. The reports' rows (260,000 forecast rows for
# 5,000 ASINs) are built row by row and typed with these.
FORECASTS_SCHEMA = report_columns.FORECASTS_SCHEMA
INVENTORY_SCHEMA = arrow_schema(columns.VENDOR_INVENTORY)
SALES_SCHEMA = arrow_schema(columns.VENDOR_SALES)
TRAFFIC_SCHEMA = arrow_schema(columns.VENDOR_TRAFFIC)
NET_PURE_PRODUCT_MARGIN_SCHEMA = arrow_schema(columns.VENDOR_NET_PURE_PRODUCT_MARGIN)
REAL_TIME_INVENTORY_SCHEMA = report_columns.REAL_TIME_INVENTORY_SCHEMA


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
# Builds one order table from a page's records as Arrow structs, or returns None (see `columnar`).
ColumnBuilder = Callable[[pa.StructArray, str], pa.Table | None]
# Builds the rows of one order table from one record parsed as a dict (see `rows`).
RowBuilder = Callable[[dict[str, Any], str], list[dict[str, Any]]]
# Builder of a whole report's table from (document, account, report id, marketplace, vendor
# code). It returns None where the row builder must take over.
TableBuilder = Callable[[dict[str, Any], str, str, str, str | None], pa.Table | None]


@dataclass(frozen=True)
class PageOrders:
    """The orders of one listing page that are new in this run.

    When the page's JSON reads as the model types it, `records` contains them as Arrow structs
    and `positions` their places in the page, and the order tables are built column by column
    (`columnar`). Otherwise `parsed` contains them as dicts. Either way, `dicts` gives them as
    dicts for the row builders, which take over when a value needs their checks.
    """

    records: pa.StructArray | None = None
    page_json: bytes | None = None
    positions: tuple[int, ...] = ()
    parsed: tuple[dict[str, Any], ...] = ()

    @cached_property
    def dicts(self) -> list[dict[str, Any]]:
        if self.page_json is None:
            return list(self.parsed)
        records = json.loads(self.page_json, parse_float=Decimal) or []
        return [records[position] for position in self.positions]

    @property
    def count(self) -> int:
        return len(self.positions) if self.records is not None else len(self.parsed)

    def table(self, build_columns: ColumnBuilder, build_rows: RowBuilder, account: str, schema: pa.Schema) -> pa.Table:
        """Return one order table of this page, column by column when the values allow it."""
        if self.records is not None:
            table = build_columns(self.records, account)
            if table is not None:
                return table
        return to_arrow([row for record in self.dicts for row in build_rows(record, account)], schema)


# Pages are handed to dlt about this many orders at a time: dlt's work per item (hints,
# schema checks) then costs little beside the rows.
BATCH_ORDERS = 1000


@dataclass(frozen=True)
class OrderBatch:
    """New orders of one or more consecutive listing pages, the unit the order transformers receive."""

    pages: tuple[PageOrders, ...]

    def table(self, build_columns: ColumnBuilder, build_rows: RowBuilder, account: str, schema: pa.Schema) -> pa.Table:
        """Return one order table of these pages; a page with new fields adds their columns."""
        tables = [page.table(build_columns, build_rows, account, schema) for page in self.pages]
        if len(tables) == 1:
            return tables[0]
        return pa.concat_tables(tables, promote_options="default")


def _single_row(build_row: Callable[[dict[str, Any], str], dict[str, Any]]) -> RowBuilder:
    return lambda record, account: [build_row(record, account)]


def _listing(client: VendorClient, paged_json: str, paged_dicts: str, **filters: Any) -> Iterator[Any]:
    """Return a listing's pages: `ListingPage`s where the client offers them, else payload dicts."""
    fetch = getattr(client, paged_json, None) or getattr(client, paged_dicts)
    return fetch(**filters)


# Pages a listing may read ahead of the pages being built into tables: about 70 MB of the large
# profile's statuses (2.1 MB a page).
PAGES_AHEAD = 32


@dataclass(frozen=True)
class _ListingFailed:
    error: BaseException


_LISTING_DONE = object()


def _window_pages(client: VendorClient, fetch: Callable[..., Iterator[Any]], queries: list[dict[str, Any]]) -> Iterator[Any]:
    """Yield the pages of each query in turn, read ahead on a thread of their own.

    Amazon's rate limit, not the caller, should set the pace of a listing. The pages are read one
    after another on a second thread, across query windows, up to `PAGES_AHEAD` pages ahead of
    the caller, so a slow page or a busy caller does not leave the limit unused. An error in
    the listing surfaces when the caller reaches the page that failed.
    """
    if not queries:
        return
    pages: queue.Queue[Any] = queue.Queue(maxsize=PAGES_AHEAD)
    stopped = threading.Event()

    def put(item: Any) -> bool:
        while not stopped.is_set():
            try:
                pages.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for query in queries:
                for page in fetch(client, **query):
                    if not put(page):
                        return
            put(_LISTING_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            put(_ListingFailed(error))

    reader = threading.Thread(target=read, name="acorn-listing", daemon=True)
    reader.start()
    try:
        while True:
            item = pages.get()
            if item is _LISTING_DONE:
                return
            if isinstance(item, _ListingFailed):
                raise item.error
            yield item
    finally:
        stopped.set()


def _new_orders(page: Any, listing_key: str, seen: set[str]) -> PageOrders | None:
    """Return the orders of `page` not in `seen`, and add their numbers to `seen`; None when none are new."""
    if isinstance(page, ListingPage):
        records = columnar.read_records(page.records_json, listing_key)
        if records is not None:
            numbers = pc.struct_field(records, "purchaseOrderNumber").to_pylist()
            kept = []
            for position, number in enumerate(numbers):
                if number not in seen:
                    seen.add(number)
                    kept.append(position)
            if not kept:
                return None
            selected = records if len(kept) == len(records) else records.take(pa.array(kept))
            return PageOrders(records=selected, page_json=page.records_json, positions=tuple(kept))
        orders = json.loads(page.records_json, parse_float=Decimal) or []
    else:
        orders = (page or {}).get(listing_key) or []
    fresh = []
    for order in orders:
        number = order.get("purchaseOrderNumber")
        if number in seen:
            continue
        seen.add(number)
        fresh.append(order)
    return PageOrders(parsed=tuple(fresh)) if fresh else None


def _utc_now() -> datetime:
    return utc_now()


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
    new_fields: Callable[[list[dict[str, Any]]], set[str]] = lambda records: set(),
) -> Iterator[OrderBatch]:
    """Page through one listing over every window since the cursor; yield its new orders in batches.

    `window_filters` names the (after, before) filter pairs queried for each window. An order
    seen earlier in the run is not yielded again. `fetch` yields `ListingPage`s, or payload
    dicts as `get_purchase_orders` does.
    """
    state = dlt.current.resource_state()
    run_start = _run_start(now)
    begin = window_start(run_start, state.get("window_end"), start, lookback_days, name)
    seen: set[str] = set()
    unknown: set[str] = set()
    pending: list[PageOrders] = []
    fetched = 0
    queries = [
        {after: lower, before: upper} for lower, upper in slices(begin, run_start) for after, before in window_filters
    ]
    with client_factory() as client:
        for page in _window_pages(client, fetch, queries):
            orders = _new_orders(page, listing_key, seen)
            if orders is None:
                continue
            fetched += orders.count
            # A page read as Arrow structs has no field the model lacks, and no parsed dicts.
            unknown |= new_fields(list(orders.parsed))
            pending.append(orders)
            if sum(part.count for part in pending) >= BATCH_ORDERS:
                yield OrderBatch(tuple(pending))
                pending = []
        if pending:
            yield OrderBatch(tuple(pending))
    state["window_end"] = run_start.isoformat()
    _report_new_fields(state, name, unknown)
    logger.info(
        "%s: %d orders from %s to %s", name, fetched, begin.isoformat(), run_start.isoformat()
    )


def _report_new_fields(state: dict[str, Any], feed: str, fields: set[str]) -> None:
    """Log the fields Amazon sent that no column contains, and keep them for the run summary."""
    state[NEW_FIELDS_KEY] = sorted(fields)
    if fields:
        logger.warning(
            "%s: Amazon sent fields that acorn does not load yet: %s. They are kept in the raw "
            "archive; map them to columns and run 'acorn replay' to load them",
            feed,
            ", ".join(sorted(fields)),
        )


def _execute(
    client: VendorClient, planned: PlannedReport, pending: list[dict[str, Any]]
) -> tuple[PlannedReport, RequestOutcome, dict[str, Any] | None]:
    """Create (or resume) one planned report, wait for it and return its outcome and document.

    A newly created report is added to `pending` before the wait, so a run that gives up on a
    queued report resumes it by its id next time instead of requesting it again.
    """
    outcome = partial(
        RequestOutcome,
        planned.feed,
        planned.marketplace_id,
        planned.first_day,
        planned.last_day,
        start_time=planned.start_time,
        end_time=planned.end_time,
    )
    if planned.report_id is None:
        data_start, data_end = planned.start_time, planned.end_time
        if planned.first_day is not None and planned.last_day is not None:
            data_start, data_end = day_start(planned.first_day), day_end(planned.last_day)
        try:
            report_id = client.create_report(
                planned.report_type, [planned.marketplace_id], dict(planned.options), data_start, data_end
            )
        except SpApiError as error:
            kind = {403: Outcome.NO_ACCESS, 429: Outcome.THROTTLED}.get(error.status or 0, Outcome.FAILED)
            return planned, outcome(kind, detail=str(error)), None
        planned = replace(planned, report_id=report_id)
        pending.append(planned.to_state())
    report_id = str(planned.report_id)
    try:
        report = client.wait_for_report(report_id)
        document = client.fetch_report_document(report)
        check_specification(planned, document)
    except ReportCancelledError as error:
        return planned, outcome(classify_cancelled(error.report), report_id=report_id, detail=str(error)), None
    except ReportFatalError as error:
        kind = classify_error_document(error.error_details)
        return planned, outcome(kind, report_id=report_id, detail=error.error_details or str(error)), None
    except ReportTimeoutError as error:
        return planned, outcome(Outcome.TIMED_OUT, report_id=report_id, detail=str(error)), None
    except ReportSpecificationError as error:
        return planned, outcome(Outcome.SPECIFICATION_MISMATCH, report_id=report_id, detail=str(error)), None
    except (SpApiError, ReportDocumentError) as error:
        return planned, outcome(Outcome.FAILED, report_id=report_id, detail=str(error)), None
    return planned, outcome(Outcome.LOADED, report_id=report_id), document


# dlt reads its resources in turn on one thread, so a report's wait (seconds to minutes) or its
# row building (seconds for a forecast) there would stop every listing. Both run on this worker
# instead, one report at a time, because a parsed document takes hundreds of MB. With the
# documents of several feeds held at once, the large profile's run peaked at 1,673 MB.
_REPORT_WORK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acorn-report")


def _off_thread(pool: ThreadPoolExecutor, call: Callable[..., Any], *args: Any) -> Iterator[None]:
    """Run `call` on `pool`, yielding None until it returns, and return its result.

    dlt takes a None from a resource as "nothing yet" and reads the other resources meanwhile.
    """
    future = pool.submit(call, *args)
    while not future.done():
        yield None
    return future.result()


def _report_rows(
    to_rows: Callable[[dict[str, Any], str, str, str], list[dict[str, Any]]],
    to_table: TableBuilder | None,
    document: dict[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    vendor_code: str | None,
    schema: Any,
) -> tuple[int, pa.Table | None]:
    """Build a report document's rows as one Arrow table; a `RecordError` names the bad value.

    `to_table` builds the table column by column where it can, and `to_rows` row by row.
    """
    if to_table is not None:
        table = usual_table(to_table, document, account, report_id, marketplace_id, vendor_code)
        if table is not None:
            return table.num_rows, (table if table.num_rows else None)
    rows = to_rows(document, account, report_id, marketplace_id)
    for row in rows:
        row["vendor_code"] = vendor_code
    return len(rows), (to_arrow(rows, schema) if rows else None)


def _plan(
    feed: ReportFeed | HourlyReportFeed,
    marketplace_id: str,
    run_start: datetime,
    plan_from: date,
    loaded: set[date],
    pending: list[PlannedReport],
    restate_from: date | None,
) -> list[PlannedReport]:
    if isinstance(feed, HourlyReportFeed):
        assert isinstance(plan_from, datetime), "an hourly feed plans from a UTC time, not a day"
        return plan_hourly_reports(feed, marketplace_id, run_start, plan_from, loaded, pending)
    return plan_reports(feed, marketplace_id, run_start.date(), plan_from, loaded, pending, restate_from)


def _oldest_planned(feed: ReportFeed | HourlyReportFeed, run_start: datetime) -> date:
    """Return the oldest period start the planner may still request; older loaded ones need no record."""
    if isinstance(feed, HourlyReportFeed):
        return feed.oldest_hour(run_start)
    return run_start.date() - timedelta(days=feed.lookback_days)


def _report_feed(
    feed: ReportFeed | HourlyReportFeed,
    client_factory: ClientFactory,
    account: str,
    marketplace_ids: Sequence[str],
    plan_from: Callable[[datetime], date],
    restate_from: date | None,
    to_rows: Callable[[dict[str, Any], str, str, str], list[dict[str, Any]]],
    now: Callable[[], datetime],
    schema: Any,
    vendor_code: str | None = None,
    to_table: TableBuilder | None = None,
) -> Iterator[Any]:
    """Plan, request and load one report feed; yield its rows and record one outcome per request.

    `plan_from(run_start)` returns where the plan begins: a day for period feeds, a UTC time
    for hourly ones. The resource state keeps the periods loaded and the reports still
    pending. Both are saved with the rows of the same run, so a run that fails before loading
    changes neither.
    """
    state = dlt.current.resource_state()
    run_start = _run_start(now)
    loaded = LoadedPeriods(state.setdefault("loaded", {}))
    pending_by_feed = state.setdefault("pending", {})
    pending_before = [PlannedReport.from_state(item) for item in pending_by_feed.get(feed.name) or []]
    pending: list[dict[str, Any]] = []
    outcomes: list[RequestOutcome] = []
    unknown: set[str] = set()
    keep_after = _oldest_planned(feed, run_start)
    with client_factory() as client:
        for marketplace_id in marketplace_ids:
            plan = _plan(
                feed,
                marketplace_id,
                run_start,
                plan_from(run_start),
                loaded.get(feed.name, marketplace_id),
                pending_before,
                restate_from,
            )
            if not plan:
                logger.info("%s: nothing to request for %s; every published period is loaded", feed.name, marketplace_id)
            for planned in plan:
                planned, result, document = yield from _off_thread(_REPORT_WORK, _execute, client, planned, pending)
                if document is not None:
                    unknown |= new_report_fields(document)
                    try:
                        count, table = yield from _off_thread(
                            _REPORT_WORK, _report_rows, to_rows, to_table, document, account, str(planned.report_id),
                            marketplace_id, vendor_code, schema,
                        )  # fmt: skip
                    except RecordError as error:
                        # One bad value keeps the whole report out, so no period is half loaded.
                        count, table, document = 0, None, None
                        result = replace(result, outcome=Outcome.FAILED, detail=str(error))
                    result = replace(result, rows=count)
                if document is not None:
                    logger.info("%s: %d rows for %s from report %s", feed.name, count, planned.label, planned.report_id)
                    if table is not None:
                        yield table
                else:
                    logger.warning(
                        "%s: %s for %s (report %s): %s. Action: %s",
                        feed.name,
                        result.outcome,
                        planned.label,
                        planned.report_id,
                        result.detail,
                        result.action,
                    )
                if result.outcome in SETTLED and planned.periods:
                    loaded.add(feed.name, marketplace_id, planned.periods, keep_after)
                if result.outcome is not Outcome.TIMED_OUT:
                    pending[:] = [item for item in pending if item.get("report_id") != planned.report_id]
                elif planned.to_state() not in pending:
                    pending.append(planned.to_state())
                outcomes.append(result)
    pending_by_feed[feed.name] = pending
    _report_new_fields(state.setdefault("feeds", {}).setdefault(feed.name, {}), feed.name, unknown)
    # Kept in the state rather than a table: the run summary and Dagster read the last run's
    # outcomes from there, and a resource's column hints would apply to any table it writes.
    state.setdefault(LAST_RUN_KEY, {})[feed.name] = [result.row(account, run_start) for result in outcomes]


@dlt.source(name="vendor_api", max_table_nesting=0)
def vendor_api_source(
    client_factory: ClientFactory,
    account: str = "sandbox",
    start: datetime | None = None,
    lookback_days: int = 90,
    marketplace_ids: Sequence[str] = ("ATVPDKIKX0DER",),
    now: Callable[[], datetime] | None = None,
    forecast_feeds: Sequence[ReportFeed] = FORECAST_FEEDS,
    inventory_feeds: Sequence[ReportFeed] = INVENTORY_FEEDS,
    restate_from: date | None = None,
    sales_feeds: Sequence[ReportFeed] = (),
    vendor_codes: Sequence[str] = (),
    traffic_feeds: Sequence[ReportFeed] = (),
    net_pure_product_margin_feeds: Sequence[ReportFeed] = (),
    real_time_inventory_feeds: Sequence[HourlyReportFeed] = (),
) -> list[DltResource]:
    """Amazon's Vendor Orders and Reports APIs as the raw tables of `raw_vendor`.

    `account` and `vendor_codes` name the vendor account the client reaches, for the
    `account` and `vendor_code` columns. `client_factory()` returns a new `SpApiClient` (a
    context manager) of that account. `start` is where the
    first run's order windows begin (default: `lookback_days` before now, at most 179 days);
    it also bounds the report periods and hours requested. `now` returns the current aware
    time. The sales, traffic, margin and real-time inventory reports are requested only for
    the feeds passed (`settings.sales_feeds` and its neighbours build them).
    """
    if not account:
        raise ValueError("account is empty: name the vendor account, e.g. 'sandbox'")
    if lookback_days < 1:
        raise ValueError(f"lookback_days is {lookback_days}; it must be at least 1")
    if isinstance(marketplace_ids, str) or not marketplace_ids:
        raise ValueError(
            f"marketplace_ids must be a non-empty list such as ['ATVPDKIKX0DER'], got {marketplace_ids!r}"
        )
    if isinstance(vendor_codes, str):
        raise ValueError(f"vendor_codes must be a list such as ['ACMEV'], got {vendor_codes!r}")
    if start is not None:
        require_aware(start, "start")
    clock = now or _utc_now
    report_vendor_code = ",".join(vendor_codes) or None

    @dlt.resource(name="purchase_order_feed", selected=False)
    def purchase_order_feed() -> Iterator[list[dict[str, Any]]]:
        yield from _feed(
            "purchase_order_feed",
            client_factory,
            partial(_listing, paged_json="purchase_order_listing", paged_dicts="get_purchase_orders"),
            "orders",
            (("created_after", "created_before"), ("changed_after", "changed_before")),
            start,
            lookback_days,
            clock,
            new_order_fields,
        )

    @dlt.transformer(
        data_from=purchase_order_feed,
        name="purchase_orders",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_orders"],
        columns=columns.PURCHASE_ORDERS,
    )
    def purchase_orders(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(columnar.purchase_orders_table, _single_row(purchase_order_row), account, columnar.ORDERS_SCHEMA)

    # merge_key: a changed order replaces all its stored lines, so a line Amazon removed from
    # the order does not linger.
    @dlt.transformer(
        data_from=purchase_order_feed,
        name="purchase_order_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_items"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_ITEMS,
    )
    def purchase_order_items(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(columnar.purchase_order_items_table, purchase_order_item_rows, account, columnar.ITEMS_SCHEMA)

    @dlt.resource(name="purchase_order_status_feed", selected=False)
    def purchase_order_status_feed() -> Iterator[list[dict[str, Any]]]:
        yield from _feed(
            "purchase_order_status_feed",
            client_factory,
            partial(_listing, paged_json="purchase_order_status_listing", paged_dicts="get_purchase_orders_status"),
            "ordersStatus",
            (("updated_after", "updated_before"), ("created_after", "created_before")),
            start,
            lookback_days,
            clock,
            new_status_fields,
        )

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status"],
        columns=columns.PURCHASE_ORDER_STATUS,
    )
    def purchase_order_status(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(
            columnar.purchase_order_status_table, _single_row(purchase_order_status_row), account, columnar.STATUS_SCHEMA
        )

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status_items",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_items"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_ITEMS,
    )
    def purchase_order_status_items(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(
            columnar.purchase_order_status_items_table, purchase_order_status_item_rows, account, columnar.STATUS_ITEMS_SCHEMA
        )

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status_acknowledgements",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_acknowledgements"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_ACKNOWLEDGEMENTS,
    )
    def purchase_order_status_acknowledgements(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(
            columnar.purchase_order_status_acknowledgements_table,
            purchase_order_status_acknowledgement_rows,
            account,
            columnar.STATUS_ACKNOWLEDGEMENTS_SCHEMA,
        )

    @dlt.transformer(
        data_from=purchase_order_status_feed,
        name="purchase_order_status_quantity_changes",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["purchase_order_status_quantity_changes"],
        merge_key=columns.ORDER_MERGE_KEY,
        columns=columns.PURCHASE_ORDER_STATUS_QUANTITY_CHANGES,
    )
    def purchase_order_status_quantity_changes(batch: OrderBatch) -> Iterator[Any]:
        yield batch.table(
            columnar.purchase_order_status_quantity_changes_table,
            purchase_order_status_quantity_change_rows,
            account,
            columnar.STATUS_QUANTITY_CHANGES_SCHEMA,
        )

    @dlt.resource(
        name="vendor_forecasts",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_forecasts"],
        columns=columns.VENDOR_FORECASTS,
    )
    def vendor_forecasts() -> Iterator[Any]:
        for feed in forecast_feeds:
            program = feed.option_map["sellingProgram"]
            yield from _report_feed(
                feed,
                client_factory,
                account,
                marketplace_ids,
                lambda run_start: run_start.date(),
                None,
                lambda document, account, report_id, marketplace_id, program=program: forecast_rows(
                    document, account, report_id, marketplace_id, program
                ),
                clock,
                FORECASTS_SCHEMA,
                vendor_code=report_vendor_code,
                to_table=lambda document, account, report_id, marketplace_id, vendor_code, program=program: forecast_table(
                    document, account, report_id, marketplace_id, program, vendor_code
                ),
            )

    @dlt.resource(
        name="vendor_inventory",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_inventory"],
        columns=columns.VENDOR_INVENTORY,
    )
    def vendor_inventory() -> Iterator[Any]:
        for feed in inventory_feeds:
            options = feed.option_map
            yield from _report_feed(
                feed,
                client_factory,
                account,
                marketplace_ids,
                lambda run_start: _report_first_day(run_start, start, lookback_days),
                restate_from,
                lambda document, account, report_id, marketplace_id, options=options: inventory_rows(
                    document,
                    account,
                    report_id,
                    marketplace_id,
                    options["distributorView"],
                    options["sellingProgram"],
                ),
                clock,
                INVENTORY_SCHEMA,
                vendor_code=report_vendor_code,
            )

    def period_report(name: str, feeds: Sequence[Any], build_rows: Callable[..., Any], schema: Any) -> DltResource:
        """Return the resource of a report requested per period, whose rows depend on its options."""

        def rows() -> Iterator[Any]:
            for feed in feeds:
                yield from _report_feed(
                    feed,
                    client_factory,
                    account,
                    marketplace_ids,
                    lambda run_start: _report_first_day(run_start, start, lookback_days),
                    restate_from,
                    lambda document, account, report_id, marketplace_id, options=feed.option_map: build_rows(
                        document, account, report_id, marketplace_id, options
                    ),
                    clock,
                    schema,
                    vendor_code=report_vendor_code,
                )

        return dlt.resource(
            rows,
            name=name,
            write_disposition="merge",
            primary_key=columns.PRIMARY_KEYS[name],
            columns=columns.REPORT_COLUMNS[name],
        )

    vendor_sales = period_report("vendor_sales", sales_feeds, sales_rows, SALES_SCHEMA)
    vendor_traffic = period_report("vendor_traffic", traffic_feeds, traffic_rows, TRAFFIC_SCHEMA)
    vendor_net_pure_product_margin = period_report(
        "vendor_net_pure_product_margin",
        net_pure_product_margin_feeds,
        net_pure_product_margin_rows,
        NET_PURE_PRODUCT_MARGIN_SCHEMA,
    )

    @dlt.resource(
        name="vendor_real_time_inventory",
        write_disposition="merge",
        primary_key=columns.PRIMARY_KEYS["vendor_real_time_inventory"],
        columns=columns.VENDOR_REAL_TIME_INVENTORY,
    )
    def vendor_real_time_inventory() -> Iterator[Any]:
        for feed in real_time_inventory_feeds:
            yield from _report_feed(
                feed,
                client_factory,
                account,
                marketplace_ids,
                lambda run_start: start.astimezone(UTC) if start is not None else run_start - timedelta(days=lookback_days),
                None,
                real_time_inventory_rows,
                clock,
                REAL_TIME_INVENTORY_SCHEMA,
                vendor_code=report_vendor_code,
                to_table=real_time_inventory_table,
            )

    return [
        purchase_order_feed,
        purchase_orders,
        purchase_order_items,
        purchase_order_status_feed,
        purchase_order_status,
        purchase_order_status_items,
        purchase_order_status_acknowledgements,
        purchase_order_status_quantity_changes,
        vendor_forecasts,
        vendor_inventory,
        vendor_sales,
        vendor_traffic,
        vendor_net_pure_product_margin,
        vendor_real_time_inventory,
    ]


def _report_first_day(run_start: datetime, start: datetime | None, lookback_days: int) -> date:
    """Return the first day the report periods must cover, within the orders' 6 months."""
    first = start.astimezone(UTC) if start is not None else run_start - timedelta(days=lookback_days)
    return max(first, run_start - MAX_LOOKBACK).date()
