"""Reports API 2021-06-30: request checks, processing status and the vendor report documents.

Supported report types: GET_VENDOR_FORECASTING_REPORT, GET_VENDOR_INVENTORY_REPORT,
GET_VENDOR_SALES_REPORT, GET_VENDOR_TRAFFIC_REPORT, GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT
and GET_VENDOR_REAL_TIME_INVENTORY_REPORT. Any other type is rejected with 400 at
createReport. A report waits IN_QUEUE for the first 30 % of its processing time, is
IN_PROGRESS until the time is over, then ends:
- FATAL, with an error document `{"errorDetails": ...}` that names the fix, when a
  required reportOption is missing or invalid, when dates are missing or break the
  period's rules (see sandbox/periods.py), when a sales, traffic or margin range ends on
  a day not published yet, or when a real-time range starts more than 168 hours before
  the request or spans more than 24 hours;
- CANCELLED when there is no data: sellingProgram FRESH (the sandbox vendor sells
  RETAIL only), or a range before the first week of inventory figures, or a real-time
  range without a whole hour;
- DONE otherwise, with a GZIP-compressed JSON document whose `reportSpecification`
  repeats the request.

Sandbox differences from Amazon:
- The forecast document carries one forecast generation per past week of the generated
  history, not only the current one, so that a fresh warehouse has forecasts to compare
  shipments against. Each generation is dated on a Sunday and forecasts the 26 weeks
  that follow it.
- The inventory report supports reportPeriod WEEK only. DAY, MONTH, QUARTER and YEAR end
  FATAL, and the error document names WEEK as the fix. A week is published 3 days after
  its Saturday, and a range without a published week ends CANCELLED.
- Sales, traffic and margin figures are worked out per day (sandbox/analytics.py) and
  summed per period, so a week equals its seven days.
- distributorView SOURCING returns the same figures as MANUFACTURING; the sales report
  leaves out the ordered figures there, as Amazon's does.
"""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.analytics import MARGIN_REPORT, SALES_REPORT, TRAFFIC_REPORT, AnalyticsFigures
from sandbox.analytics_reports import (
    PERIOD_REPORT_TYPES,
    REAL_TIME_INVENTORY_REPORT,
    margin_document,
    period_report_outcome,
    real_time_inventory_document,
    real_time_outcome,
    sales_document,
    traffic_document,
)
from sandbox.inbox import format_timestamp
from sandbox.jsonio import RawJson, encode, number
from sandbox.listing import ParameterError, parse_timestamp
from sandbox.periods import REPORT_PERIODS, date_rule_problem
from sandbox.scenario import InventoryRow, Scenario

FORECASTING_REPORT = "GET_VENDOR_FORECASTING_REPORT"
INVENTORY_REPORT = "GET_VENDOR_INVENTORY_REPORT"
SUPPORTED_REPORT_TYPES = (
    FORECASTING_REPORT,
    INVENTORY_REPORT,
    SALES_REPORT,
    TRAFFIC_REPORT,
    MARGIN_REPORT,
    REAL_TIME_INVENTORY_REPORT,
)
SELLING_PROGRAMS = ("RETAIL", "FRESH")
DISTRIBUTOR_VIEWS = ("MANUFACTURING", "SOURCING")
# The reportOptions each type requires, with their valid values, as Amazon's report schemas list them.
REQUIRED_OPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    FORECASTING_REPORT: {"sellingProgram": SELLING_PROGRAMS},
    INVENTORY_REPORT: {"reportPeriod": REPORT_PERIODS, "distributorView": DISTRIBUTOR_VIEWS, "sellingProgram": SELLING_PROGRAMS},
    SALES_REPORT: {
        "reportPeriod": REPORT_PERIODS,
        "distributorView": DISTRIBUTOR_VIEWS,
        "sellingProgram": ("RETAIL", "BUSINESS", "FRESH"),
    },
    TRAFFIC_REPORT: {"reportPeriod": REPORT_PERIODS},
    MARGIN_REPORT: {"reportPeriod": REPORT_PERIODS},
    REAL_TIME_INVENTORY_REPORT: {},
}
QUEUE_SHARE = 0.3  # share of the processing time spent IN_QUEUE
MAX_MARKETPLACES = 25


class ReportRequestError(Exception):
    """A createReport body that Amazon would reject with 400 InvalidInput."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass
class ReportRequest:
    report_type: str
    marketplace_ids: list[str]
    options: dict[str, str]
    data_start: datetime | None
    data_end: datetime | None


@dataclass
class Report:
    report_id: str
    request: ReportRequest
    created_at: datetime
    created_monotonic: float
    processing_seconds: float
    outcome: str  # DONE, FATAL or CANCELLED once processing is over
    error_details: str | None = None
    document_id: str | None = None
    document: bytes | None = None
    cancelled: bool = False
    # False while the data a DONE report needs is still being generated (the large profile).
    data_ready: Callable[[], bool] = lambda: True

    def status(self, now_monotonic: float) -> str:
        if self.cancelled:
            return "CANCELLED"
        elapsed = now_monotonic - self.created_monotonic
        if elapsed < self.processing_seconds * QUEUE_SHARE:
            return "IN_QUEUE"
        if elapsed < self.processing_seconds or (self.outcome == "DONE" and not self.data_ready()):
            return "IN_PROGRESS"
        return self.outcome

    def render(self, now_monotonic: float) -> dict[str, Any]:
        status = self.status(now_monotonic)
        rendered: dict[str, Any] = {
            "reportId": self.report_id,
            "reportType": self.request.report_type,
            "marketplaceIds": list(self.request.marketplace_ids),
        }
        if self.request.data_start is not None:
            rendered["dataStartTime"] = format_timestamp(self.request.data_start)
        if self.request.data_end is not None:
            rendered["dataEndTime"] = format_timestamp(self.request.data_end)
        rendered["createdTime"] = format_timestamp(self.created_at)
        rendered["processingStatus"] = status
        if status != "IN_QUEUE" and not self.cancelled:
            started = self.created_at + timedelta(seconds=self.processing_seconds * QUEUE_SHARE)
            rendered["processingStartTime"] = format_timestamp(started)
        if status in ("DONE", "FATAL", "CANCELLED") and not self.cancelled:
            ended = self.created_at + timedelta(seconds=self.processing_seconds)
            rendered["processingEndTime"] = format_timestamp(ended)
        if status in ("DONE", "FATAL") and self.document_id is not None:
            rendered["reportDocumentId"] = self.document_id
        return rendered


def parse_report_request(body: object, marketplace_id: str) -> ReportRequest:
    """Check a createReport body; raise ReportRequestError naming the field to fix."""
    if not isinstance(body, dict):
        raise ReportRequestError("The request body must be a JSON object (CreateReportSpecification).", "body")
    report_type = body.get("reportType")
    if not isinstance(report_type, str) or not report_type:
        raise ReportRequestError("reportType is missing; send one of " + ", ".join(SUPPORTED_REPORT_TYPES) + ".", "reportType")
    if report_type not in SUPPORTED_REPORT_TYPES:
        raise ReportRequestError(
            f"reportType {report_type} is not supported by the sandbox; use one of {', '.join(SUPPORTED_REPORT_TYPES)}.",
            "reportType",
        )
    marketplace_ids = body.get("marketplaceIds")
    if (
        not isinstance(marketplace_ids, list)
        or not 1 <= len(marketplace_ids) <= MAX_MARKETPLACES
        or not all(isinstance(value, str) for value in marketplace_ids)
    ):
        raise ReportRequestError(
            f"marketplaceIds must be a list of 1 to {MAX_MARKETPLACES} marketplace ids, such as [\"{marketplace_id}\"].",
            "marketplaceIds",
        )
    for value in marketplace_ids:
        if value != marketplace_id:
            raise ReportRequestError(
                f"marketplaceIds contains {value}, which is not a marketplace of this vendor account; use {marketplace_id}.",
                "marketplaceIds",
            )
    options = body.get("reportOptions", {})
    if not isinstance(options, dict) or not all(isinstance(value, str) for value in options.values()):
        raise ReportRequestError("reportOptions must be an object whose values are strings.", "reportOptions")

    bounds: dict[str, datetime | None] = {}
    for name in ("dataStartTime", "dataEndTime"):
        raw = body.get(name)
        if raw is None:
            bounds[name] = None
            continue
        try:
            bounds[name] = parse_timestamp(name, str(raw))
        except ParameterError as error:
            raise ReportRequestError(error.message, name) from None
    start, end = bounds["dataStartTime"], bounds["dataEndTime"]
    if start is not None and end is not None and start > end:
        raise ReportRequestError("dataStartTime is later than dataEndTime; send the start first.", "dataStartTime")
    return ReportRequest(report_type, list(marketplace_ids), dict(options), start, end)


def decide_outcome(request: ReportRequest, scenario: Scenario, now: datetime) -> tuple[str, str | None]:
    """Return (DONE | FATAL | CANCELLED, error details for FATAL) for a report requested at `now`."""
    problem = _option_problem(request)
    if problem is None and "reportPeriod" in REQUIRED_OPTIONS[request.report_type]:
        problem = _period_problem(request)
    if problem is not None:
        return "FATAL", problem
    if request.report_type in PERIOD_REPORT_TYPES:
        return period_report_outcome(request, scenario)
    if request.report_type == REAL_TIME_INVENTORY_REPORT:
        return real_time_outcome(request, scenario, now)
    if request.options["sellingProgram"] == "FRESH":
        return "CANCELLED", None  # the sandbox vendor sells RETAIL only
    if request.report_type == INVENTORY_REPORT:
        assert request.data_start is not None and request.data_end is not None
        if not scenario.has_inventory_between(request.data_start.date(), request.data_end.date()):
            return "CANCELLED", None
    return "DONE", None


def _option_problem(request: ReportRequest) -> str | None:
    """Name every required reportOption that is missing or invalid, with the values to send."""
    problems = []
    for name, values in REQUIRED_OPTIONS[request.report_type].items():
        value = request.options.get(name)
        if value is None:
            problems.append(
                f"reportOptions.{name} is missing; {request.report_type} requires it, so send one of {', '.join(values)}."
            )
        elif value not in values:
            problems.append(f"reportOptions.{name} {value!r} is invalid for {request.report_type}; send one of {', '.join(values)}.")
    return " ".join(problems) or None


def _period_problem(request: ReportRequest) -> str | None:
    period = request.options["reportPeriod"]
    if request.report_type == INVENTORY_REPORT and period != "WEEK":
        return f"reportPeriod {period} is not available in the sandbox, which generates weekly figures; use WEEK."
    if request.data_start is None or request.data_end is None:
        return (
            f"A {period} {request.report_type} needs dataStartTime and dataEndTime; send both as ISO 8601 "
            "date-times, such as 2026-11-01T00:00:00Z and 2026-11-28T23:59:59Z (the time of day is ignored)."
        )
    return date_rule_problem(period, request.data_start.date(), request.data_end.date())


def _inventory_rows(request: ReportRequest, scenario: Scenario) -> list[InventoryRow]:
    assert request.data_start is not None and request.data_end is not None
    start, end = request.data_start.date(), request.data_end.date()
    return [row for row in scenario.inventory if start <= row.start_date and row.end_date <= end]


def build_document(request: ReportRequest, scenario: Scenario, figures: AnalyticsFigures, requested_at: datetime) -> bytes:
    """Build the gzip-compressed JSON document of a report that ended DONE."""
    if request.report_type == FORECASTING_REPORT:
        document = _forecast_document(request, scenario)
    elif request.report_type == INVENTORY_REPORT:
        document = _inventory_document(request, scenario)
    elif request.report_type == SALES_REPORT:
        document = sales_document(request, scenario, figures)
    elif request.report_type == TRAFFIC_REPORT:
        document = traffic_document(request, scenario, figures)
    elif request.report_type == MARGIN_REPORT:
        document = margin_document(request, scenario, figures)
    else:
        document = real_time_inventory_document(request, scenario, figures, requested_at)
    return gzip.compress(encode(document), mtime=0)


def build_error_document(error_details: str) -> bytes:
    return gzip.compress(json.dumps({"errorDetails": error_details}).encode(), mtime=0)


def _forecast_document(request: ReportRequest, scenario: Scenario) -> dict[str, Any]:
    rows = [
        RawJson(
            f'{{"forecastGenerationDate":"{row.generation_date.isoformat()}","asin":"{row.asin}",'
            f'"startDate":"{row.start_date.isoformat()}","endDate":"{row.end_date.isoformat()}",'
            f'"meanForecastUnits":{number(row.mean_units)},"p70ForecastUnits":{number(row.p70_units)},'
            f'"p80ForecastUnits":{number(row.p80_units)},"p90ForecastUnits":{number(row.p90_units)}}}'
        )
        for row in scenario.forecasts
    ]
    last_generation = max(scenario.forecast_generation_dates, default=scenario.today)
    return {
        "reportSpecification": {
            "reportType": FORECASTING_REPORT,
            "reportOptions": {"sellingProgram": request.options["sellingProgram"]},
            "lastUpdatedDate": last_generation.isoformat(),
            "marketplaceIds": list(request.marketplace_ids),
        },
        "forecastByAsin": rows,
    }


def _money(amount: Any, currency_code: str) -> dict[str, Any]:
    return {"amount": amount, "currencyCode": currency_code}


def _inventory_document(request: ReportRequest, scenario: Scenario) -> dict[str, Any]:
    assert request.data_start is not None and request.data_end is not None
    rows = _inventory_rows(request, scenario)
    currency = scenario.currency_code
    by_asin = []
    for row in rows:
        entry: dict[str, Any] = {"startDate": row.start_date.isoformat(), "endDate": row.end_date.isoformat(), "asin": row.asin}
        if row.vendor_confirmation_rate is not None:
            entry["vendorConfirmationRate"] = row.vendor_confirmation_rate
        entry["netReceivedInventoryCost"] = _money(row.net_received_cost, currency)
        entry["netReceivedInventoryUnits"] = row.net_received_units
        entry["openPurchaseOrderUnits"] = row.open_purchase_order_units
        if row.average_vendor_lead_time_days is not None:
            entry["averageVendorLeadTimeDays"] = row.average_vendor_lead_time_days
        if row.sell_through_rate is not None:
            entry["sellThroughRate"] = row.sell_through_rate
        entry["unfilledCustomerOrderedUnits"] = row.unfilled_customer_ordered_units
        entry["sellableOnHandInventoryCost"] = _money(row.sellable_on_hand_cost, currency)
        entry["sellableOnHandInventoryUnits"] = row.sellable_on_hand_units
        entry["unsellableOnHandInventoryCost"] = _money(row.unsellable_on_hand_cost, currency)
        entry["unsellableOnHandInventoryUnits"] = row.unsellable_on_hand_units
        entry["aged90PlusDaysSellableInventoryCost"] = _money(row.aged90_plus_days_sellable_cost, currency)
        entry["aged90PlusDaysSellableInventoryUnits"] = row.aged90_plus_days_sellable_units
        entry["unhealthyInventoryCost"] = _money(row.unhealthy_cost, currency)
        entry["unhealthyInventoryUnits"] = row.unhealthy_units
        by_asin.append(entry)
    return {
        "reportSpecification": {
            "reportType": INVENTORY_REPORT,
            "reportOptions": {
                "distributorView": request.options["distributorView"],
                "reportPeriod": request.options["reportPeriod"],
                "sellingProgram": request.options["sellingProgram"],
            },
            "lastUpdatedDate": scenario.today.isoformat(),
            "dataStartTime": request.data_start.date().isoformat(),
            "dataEndTime": request.data_end.date().isoformat(),
            "marketplaceIds": list(request.marketplace_ids),
        },
        "inventoryAggregate": _inventory_aggregate(rows, currency),
        "inventoryByAsin": by_asin,
    }


def _inventory_aggregate(rows: list[InventoryRow], currency: str) -> list[dict[str, Any]]:
    weeks: dict[date, list[InventoryRow]] = {}
    for row in rows:
        weeks.setdefault(row.start_date, []).append(row)
    aggregate = []
    for start in sorted(weeks):
        week = weeks[start]
        aggregate.append(
            {
                "startDate": start.isoformat(),
                "endDate": week[0].end_date.isoformat(),
                "netReceivedInventoryCost": _money(sum(row.net_received_cost for row in week), currency),
                "netReceivedInventoryUnits": sum(row.net_received_units for row in week),
                "openPurchaseOrderUnits": sum(row.open_purchase_order_units for row in week),
                "unfilledCustomerOrderedUnits": sum(row.unfilled_customer_ordered_units for row in week),
                "sellableOnHandInventoryCost": _money(sum(row.sellable_on_hand_cost for row in week), currency),
                "sellableOnHandInventoryUnits": sum(row.sellable_on_hand_units for row in week),
                "unsellableOnHandInventoryCost": _money(sum(row.unsellable_on_hand_cost for row in week), currency),
                "unsellableOnHandInventoryUnits": sum(row.unsellable_on_hand_units for row in week),
                "aged90PlusDaysSellableInventoryCost": _money(
                    sum(row.aged90_plus_days_sellable_cost for row in week), currency
                ),
                "aged90PlusDaysSellableInventoryUnits": sum(row.aged90_plus_days_sellable_units for row in week),
                "unhealthyInventoryCost": _money(sum(row.unhealthy_cost for row in week), currency),
                "unhealthyInventoryUnits": sum(row.unhealthy_units for row in week),
            }
        )
    return aggregate
