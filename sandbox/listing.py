"""Query parameters, date windows and pagination of getPurchaseOrders and getPurchaseOrdersStatus.

Rules the sandbox applies (Amazon's models state the first two; the rest are sandbox choices):
- A date window (createdAfter..createdBefore, changedAfter..changedBefore,
  updatedAfter..updatedBefore) spans at most 7 days, and no bound may be older than
  6 calendar months before now.
- `limit` is an integer from 1 to 100 (default 100).
- A window includes its After bound and excludes its Before bound, so back-to-back
  windows neither overlap nor leave gaps. A missing Before bound means now; a missing
  After bound means 7 days before the Before bound.
- Without any window, getPurchaseOrders lists POs created in the last 7 days, and
  getPurchaseOrdersStatus (unless `purchaseOrderNumber` is given) lists POs updated in
  the last 7 days.
- A PO's "changed" time is the latest of its creation, Amazon's last change
  (`purchaseOrderChangedDate`) and its last state change. So an incremental reader
  that follows changedAfter gets new, changed, acknowledged and closed POs.
- `nextToken` must come back with the same filters, though `limit` may change. The token
  also pins the default window, so paging does not drift while time passes.
"""

import base64
import binascii
import calendar
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.inbox import format_timestamp
from sandbox.scenario import PurchaseOrder, Scenario
from sandbox.views import render_order, render_order_status

MAX_WINDOW = timedelta(days=7)
HISTORY_MONTHS = 6
MAX_LIMIT = 100

_ORDER_ENUMS = {
    "sortOrder": ("ASC", "DESC"),
    "includeDetails": ("true", "false"),
    "isPOChanged": ("true", "false"),
    "poItemState": ("Cancelled",),
    "purchaseOrderState": ("New", "Acknowledged", "Closed"),
}
_STATUS_ENUMS = {
    "sortOrder": ("ASC", "DESC"),
    "purchaseOrderStatus": ("OPEN", "CLOSED"),
    "itemConfirmationStatus": ("ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED"),
    "itemReceiveStatus": ("NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED"),
}


class ParameterError(Exception):
    """A query parameter that Amazon would reject with 400; `code` is InvalidInput or InvalidRequest."""

    def __init__(self, code: str, parameter: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Window:
    after: datetime
    before: datetime

    def contains(self, moment: datetime) -> bool:
        return self.after <= moment < self.before


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def parse_timestamp(name: str, raw: str, code: str = "InvalidRequest") -> datetime:
    """Parse an ISO 8601 date-time with a time zone; raise ParameterError with `code` otherwise."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ParameterError(
            code,
            name,
            f"{name} {raw!r} is not an ISO 8601 date-time; send a value such as 2026-11-30T00:00:00Z.",
        ) from None
    if value.tzinfo is None:
        raise ParameterError(
            code,
            name,
            f"{name} {raw!r} has no time zone; add one, for example 2026-11-30T00:00:00Z.",
        )
    return value.astimezone(UTC)


def parse_limit(params: dict[str, str], maximum: int = MAX_LIMIT) -> int:
    """Return `limit`, an integer from 1 to `maximum` that defaults to `maximum`."""
    raw = params.get("limit")
    if raw is None:
        return maximum
    try:
        limit = int(raw)
    except ValueError:
        raise ParameterError("InvalidInput", "limit", f"limit {raw!r} is not an integer; send 1 to {maximum}.") from None
    if not 1 <= limit <= maximum:
        raise ParameterError("InvalidInput", "limit", f"limit {limit} is out of range; send 1 to {maximum}.")
    return limit


def _check_enums(params: dict[str, str], enums: dict[str, tuple[str, ...]]) -> None:
    for name, allowed in enums.items():
        value = params.get(name)
        if value is not None and value not in allowed:
            raise ParameterError(
                "InvalidInput", name, f"{name} {value!r} is not valid; use one of {', '.join(allowed)}."
            )


def _resolve_window(params: dict[str, str], prefix: str, now: datetime) -> Window | None:
    after_name, before_name = f"{prefix}After", f"{prefix}Before"
    raw_after, raw_before = params.get(after_name), params.get(before_name)
    if raw_after is None and raw_before is None:
        return None
    after = parse_timestamp(after_name, raw_after) if raw_after is not None else None
    before = parse_timestamp(before_name, raw_before) if raw_before is not None else None

    earliest = months_before(now, HISTORY_MONTHS)
    for name, value in ((after_name, after), (before_name, before)):
        if value is not None and value < earliest:
            raise ParameterError(
                "InvalidInput",
                name,
                f"{name} {format_timestamp(value)} is older than {HISTORY_MONTHS} months; data is available "
                f"from {format_timestamp(earliest)} on. Request a later window.",
            )
    if before is None:
        before = now
    if after is None:
        after = max(before - MAX_WINDOW, earliest)
    if after > before:
        raise ParameterError(
            "InvalidInput",
            after_name,
            f"{after_name} {format_timestamp(after)} is later than {before_name} {format_timestamp(before)}; "
            f"send an {after_name} before the {before_name}.",
        )
    if before - after > MAX_WINDOW:
        days = (before - after) / timedelta(days=1)
        raise ParameterError(
            "InvalidInput",
            before_name,
            f"The window {after_name} {format_timestamp(after)} to {before_name} {format_timestamp(before)} "
            f"spans {days:g} days; the maximum is 7 days. Narrow {after_name} and {before_name} to 7 days or less.",
        )
    return Window(after, before)


def filters_digest(params: dict[str, str]) -> str:
    filters = sorted((name, value) for name, value in params.items() if name not in ("nextToken", "limit"))
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:16]


def encode_token(offset: int, digest: str, default_window: Window | None) -> str:
    content: dict[str, Any] = {"offset": offset, "filters": digest}
    if default_window is not None:
        content["window"] = [default_window.after.isoformat(), default_window.before.isoformat()]
    return base64.urlsafe_b64encode(json.dumps(content).encode()).decode()


@dataclass(frozen=True)
class Cursor:
    offset: int
    default_window: Window | None


def decode_token(params: dict[str, str]) -> Cursor:
    raw = params.get("nextToken")
    if raw is None:
        return Cursor(0, None)
    invalid = ParameterError(
        "InvalidInput",
        "nextToken",
        "nextToken is not valid for this request; send it unchanged with the same filters as the request that returned it.",
    )
    try:
        content = json.loads(base64.urlsafe_b64decode(raw.encode()))
        offset = int(content["offset"])
        digest = content["filters"]
        window = content.get("window")
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise invalid from None
    if digest != filters_digest(params) or offset < 0:
        raise invalid
    default_window = None
    if window is not None:
        default_window = Window(datetime.fromisoformat(window[0]), datetime.fromisoformat(window[1]))
    return Cursor(offset, default_window)


def _paginate(
    orders: list[PurchaseOrder],
    params: dict[str, str],
    limit: int,
    cursor: Cursor,
    default_window: Window | None,
) -> tuple[list[PurchaseOrder], dict[str, str] | None]:
    page = orders[cursor.offset : cursor.offset + limit]
    end = cursor.offset + limit
    if end >= len(orders):
        return page, None
    return page, {"nextToken": encode_token(end, filters_digest(params), default_window)}


def _sorted(orders: list[PurchaseOrder], params: dict[str, str]) -> list[PurchaseOrder]:
    ordered = sorted(orders, key=lambda order: (order.purchase_order_date, order.number))
    if params.get("sortOrder") == "DESC":
        ordered.reverse()
    return ordered


def check_token_fault(params: dict[str, str], reject_once: Callable[[str], bool] | None) -> None:
    token = params.get("nextToken")
    if token is not None and reject_once is not None and reject_once(token):
        raise ParameterError(
            "InvalidInput",
            "nextToken",
            "Invalid Input: this nextToken was rejected once on purpose (flaky_next_token); retry the same request.",
        )


def list_purchase_orders(
    scenario: Scenario,
    params: dict[str, str],
    now: datetime,
    reject_token_once: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """Build the payload of getPurchaseOrders, or raise ParameterError."""
    created = _resolve_window(params, "created", now)
    changed = _resolve_window(params, "changed", now)
    limit = parse_limit(params)
    _check_enums(params, _ORDER_ENUMS)
    cursor = decode_token(params)
    check_token_fault(params, reject_token_once)
    default_window = None
    if created is None and changed is None:
        default_window = cursor.default_window or Window(now - MAX_WINDOW, now)
        created = default_window

    def select() -> list[PurchaseOrder]:
        book = scenario.orders
        if created is not None:
            candidates = book.created_between(created.after, created.before)
        else:
            assert changed is not None
            candidates = book.touched_between(changed.after, changed.before)
        selected = []
        for order in candidates:
            if created is not None and not created.contains(order.purchase_order_date):
                continue
            if changed is not None and not changed.contains(order.last_change):
                continue
            if params.get("isPOChanged") == "true" and order.changed_at is None:
                continue
            if params.get("poItemState") == "Cancelled" and not any(line.cancelled_amount > 0 for line in order.lines):
                continue
            if "purchaseOrderState" in params and order.state != params["purchaseOrderState"]:
                continue
            if "orderingVendorCode" in params and params["orderingVendorCode"] != scenario.vendor_code:
                continue
            selected.append(order)
        return _sorted(selected, params)

    listing = scenario.orders.cached_listing(("orders", filters_digest(params), created, changed), select)
    page, pagination = _paginate(listing, params, limit, cursor, default_window)
    include_details = params.get("includeDetails", "true") == "true"
    payload: dict[str, Any] = {}
    if pagination is not None:
        payload["pagination"] = pagination
    payload["orders"] = [render_order(order, scenario, include_details) for order in page]
    return payload


def list_purchase_order_statuses(
    scenario: Scenario,
    params: dict[str, str],
    now: datetime,
    reject_token_once: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """Build the payload of getPurchaseOrdersStatus, or raise ParameterError."""
    created = _resolve_window(params, "created", now)
    updated = _resolve_window(params, "updated", now)
    limit = parse_limit(params)
    _check_enums(params, _STATUS_ENUMS)
    cursor = decode_token(params)
    check_token_fault(params, reject_token_once)
    default_window = None
    if created is None and updated is None and "purchaseOrderNumber" not in params:
        default_window = cursor.default_window or Window(now - MAX_WINDOW, now)
        updated = default_window

    def select() -> list[PurchaseOrder]:
        book = scenario.orders
        if created is not None:
            candidates = book.created_between(created.after, created.before)
        elif updated is not None:
            candidates = book.touched_between(updated.after, updated.before)
        else:
            found = book.find(params["purchaseOrderNumber"])
            candidates = [found] if found is not None else []
        selected = []
        for order in candidates:
            last_updated = order.last_updated_at or order.purchase_order_date
            if created is not None and not created.contains(order.purchase_order_date):
                continue
            if updated is not None and not updated.contains(last_updated):
                continue
            if "purchaseOrderNumber" in params and order.number != params["purchaseOrderNumber"]:
                continue
            if "purchaseOrderStatus" in params and order.status != params["purchaseOrderStatus"]:
                continue
            confirmation_filter = params.get("itemConfirmationStatus")
            if confirmation_filter and not any(line.confirmation_status == confirmation_filter for line in order.lines):
                continue
            receipt_filter = params.get("itemReceiveStatus")
            if receipt_filter and not any(line.receive_status == receipt_filter for line in order.lines):
                continue
            if "orderingVendorCode" in params and params["orderingVendorCode"] != scenario.vendor_code:
                continue
            if "shipToPartyId" in params and order.ship_to != params["shipToPartyId"]:
                continue
            selected.append(order)
        return _sorted(selected, params)

    listing = scenario.orders.cached_listing(("statuses", filters_digest(params), created, updated), select)
    page, pagination = _paginate(listing, params, limit, cursor, default_window)
    payload: dict[str, Any] = {}
    if pagination is not None:
        payload["pagination"] = pagination
    payload["ordersStatus"] = [render_order_status(order, scenario) for order in page]
    return payload
