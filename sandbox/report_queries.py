"""getReports and the report schedule operations of the Reports API 2021-06-30.

Rules from Amazon's model:
- getReports needs `reportTypes` (1 to 10) or `nextToken`, and a `nextToken` must be the
  only parameter. `processingStatuses` (at least 1), `marketplaceIds` (1 to 10), `pageSize`
  (1 to 100, default 10), `createdSince` (default 90 days ago) and `createdUntil`
  (default now) narrow the list.
- Reports are kept 90 days: an older report is neither listed nor found by getReport.
- createReportSchedule takes `reportType`, `marketplaceIds` (1 to 25), `period` from a
  fixed list of ISO 8601 durations, optional `reportOptions` and
  `nextReportCreationTime`. It replaces a schedule of the same report type and
  marketplaces.

Sandbox choices:
- Report types and marketplaces follow createReport: a type the sandbox does not serve
  is rejected with 400, in filters too, and a schedule must name this vendor's marketplace.
- getReports lists the newest report first. Its nextToken pins the filters, the
  createdSince..createdUntil range and the newest report of the first page, so reports
  created while paging do not shift the pages.
  NOTE: a report whose processingStatus changes while paging with a processingStatuses
  filter can still move between pages, because statuses are read again for each page.
- A schedule never creates reports. Its nextReportCreationTime is the requested time, or
  one period after the schedule was created, and it does not move.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.inbox import format_timestamp
from sandbox.listing import ParameterError, months_before, parse_timestamp
from sandbox.reports import SUPPORTED_REPORT_TYPES

RETENTION = timedelta(days=90)
PROCESSING_STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
MAX_REPORT_TYPES = 10
MAX_FILTER_MARKETPLACES = 10
MAX_SCHEDULE_MARKETPLACES = 25
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
# The periods createReportSchedule accepts, in the model's order. P1M is one calendar month.
SCHEDULE_PERIODS: dict[str, timedelta | None] = {
    "PT5M": timedelta(minutes=5),
    "PT15M": timedelta(minutes=15),
    "PT30M": timedelta(minutes=30),
    "PT1H": timedelta(hours=1),
    "PT2H": timedelta(hours=2),
    "PT4H": timedelta(hours=4),
    "PT8H": timedelta(hours=8),
    "PT12H": timedelta(hours=12),
    "P1D": timedelta(days=1),
    "P2D": timedelta(days=2),
    "P3D": timedelta(days=3),
    "PT84H": timedelta(hours=84),
    "P7D": timedelta(days=7),
    "P14D": timedelta(days=14),
    "P15D": timedelta(days=15),
    "P18D": timedelta(days=18),
    "P30D": timedelta(days=30),
    "P1M": None,
}


@dataclass(frozen=True)
class ReportQuery:
    """The filters of one getReports listing, with its date range resolved."""

    report_types: tuple[str, ...]
    processing_statuses: tuple[str, ...] | None
    marketplace_ids: tuple[str, ...] | None
    page_size: int
    created_since: datetime
    created_until: datetime
    offset: int = 0
    # The newest report id when the first page was built; later reports stay off the pages of a nextToken.
    last_report_id: int | None = None

    def to_token(self, offset: int) -> str:
        content = {
            "offset": offset,
            "reportTypes": list(self.report_types),
            "processingStatuses": list(self.processing_statuses) if self.processing_statuses is not None else None,
            "marketplaceIds": list(self.marketplace_ids) if self.marketplace_ids is not None else None,
            "pageSize": self.page_size,
            "createdSince": self.created_since.isoformat(),
            "createdUntil": self.created_until.isoformat(),
            "lastReportId": self.last_report_id,
        }
        return base64.urlsafe_b64encode(json.dumps(content).encode()).decode()


def _list_parameter(params: dict[str, str], name: str, maximum: int | None) -> tuple[str, ...] | None:
    """Split a comma-separated array parameter; raise ParameterError when it is empty or too long."""
    raw = params.get(name)
    if raw is None:
        return None
    values = tuple(value.strip() for value in raw.split(",") if value.strip())
    bound = f"1 to {maximum}" if maximum is not None else "at least 1"
    if not values or (maximum is not None and len(values) > maximum):
        raise ParameterError(
            "InvalidInput", name, f"{name} lists {len(values)} values; send {bound}, separated by commas."
        )
    return values


def _check_report_types(name: str, report_types: tuple[str, ...]) -> None:
    for report_type in report_types:
        if report_type not in SUPPORTED_REPORT_TYPES:
            raise ParameterError(
                "InvalidInput",
                name,
                f"{name} contains {report_type}, which the sandbox does not serve; use {', '.join(SUPPORTED_REPORT_TYPES)}.",
            )


def parse_report_query(params: dict[str, str], now: datetime) -> ReportQuery:
    """Check getReports' parameters and resolve its filters; raise ParameterError naming the parameter to fix."""
    if "nextToken" in params:
        others = sorted(name for name in params if name != "nextToken")
        if others:
            raise ParameterError(
                "InvalidInput",
                others[0],
                f"nextToken must be the only parameter, but {', '.join(others)} came with it; "
                "send nextToken alone, because it carries the filters of the first request.",
            )
        return _decode_report_token(params["nextToken"])

    report_types = _list_parameter(params, "reportTypes", MAX_REPORT_TYPES)
    if report_types is None:
        raise ParameterError(
            "InvalidInput", "reportTypes", "reportTypes is missing; send 1 to 10 report types, or a nextToken alone."
        )
    _check_report_types("reportTypes", report_types)

    statuses = _list_parameter(params, "processingStatuses", None)
    for status in statuses or ():
        if status not in PROCESSING_STATUSES:
            raise ParameterError(
                "InvalidInput",
                "processingStatuses",
                f"processingStatuses contains {status!r}; use {', '.join(PROCESSING_STATUSES)}.",
            )
    marketplace_ids = _list_parameter(params, "marketplaceIds", MAX_FILTER_MARKETPLACES)
    page_size = _page_size(params.get("pageSize"))

    created_since = now - RETENTION
    if "createdSince" in params:
        created_since = parse_timestamp("createdSince", params["createdSince"], "InvalidInput")
    created_until = now
    if "createdUntil" in params:
        created_until = parse_timestamp("createdUntil", params["createdUntil"], "InvalidInput")
    if "createdSince" in params and created_since > created_until:
        raise ParameterError(
            "InvalidInput",
            "createdSince",
            f"createdSince {format_timestamp(created_since)} is later than createdUntil "
            f"{format_timestamp(created_until)}; send a createdSince before the createdUntil.",
        )
    return ReportQuery(report_types, statuses, marketplace_ids, page_size, created_since, created_until)


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        page_size = int(raw)
    except ValueError:
        raise ParameterError(
            "InvalidInput", "pageSize", f"pageSize {raw!r} is not an integer; send 1 to {MAX_PAGE_SIZE}."
        ) from None
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ParameterError("InvalidInput", "pageSize", f"pageSize {page_size} is out of range; send 1 to {MAX_PAGE_SIZE}.")
    return page_size


def _decode_report_token(raw: str) -> ReportQuery:
    try:
        content = json.loads(base64.urlsafe_b64decode(raw.encode()))
        statuses, marketplaces = content["processingStatuses"], content["marketplaceIds"]
        query = ReportQuery(
            report_types=tuple(content["reportTypes"]),
            processing_statuses=tuple(statuses) if statuses is not None else None,
            marketplace_ids=tuple(marketplaces) if marketplaces is not None else None,
            page_size=int(content["pageSize"]),
            created_since=datetime.fromisoformat(content["createdSince"]),
            created_until=datetime.fromisoformat(content["createdUntil"]),
            offset=int(content["offset"]),
            last_report_id=int(content["lastReportId"]),
        )
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise ParameterError(
            "InvalidInput", "nextToken", "nextToken is not valid; send the nextToken of the previous response unchanged."
        ) from None
    if query.offset < 0:
        raise ParameterError(
            "InvalidInput", "nextToken", "nextToken is not valid; send the nextToken of the previous response unchanged."
        )
    return query


# -- schedules ------------------------------------------------------------------------


class ScheduleRequestError(Exception):
    """A createReportSchedule body that Amazon would reject with 400 InvalidInput."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True)
class ReportSchedule:
    report_schedule_id: str
    report_type: str
    marketplace_ids: tuple[str, ...]
    report_options: dict[str, str] | None
    period: str
    next_report_creation_time: datetime

    def render(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "reportScheduleId": self.report_schedule_id,
            "reportType": self.report_type,
            "marketplaceIds": list(self.marketplace_ids),
        }
        if self.report_options is not None:
            rendered["reportOptions"] = dict(self.report_options)
        rendered["period"] = self.period
        rendered["nextReportCreationTime"] = format_timestamp(self.next_report_creation_time)
        return rendered


def one_period_after(moment: datetime, period: str) -> datetime:
    step = SCHEDULE_PERIODS[period]
    return months_before(moment, -1) if step is None else moment + step


def parse_schedule_request(body: object, marketplace_id: str, now: datetime, schedule_id: str) -> ReportSchedule:
    """Check a createReportSchedule body; raise ScheduleRequestError naming the field to fix."""
    if not isinstance(body, dict):
        raise ScheduleRequestError("The request body must be a JSON object (CreateReportScheduleSpecification).", "body")
    report_type = body.get("reportType")
    if not isinstance(report_type, str) or not report_type:
        raise ScheduleRequestError(
            "reportType is missing; send one of " + ", ".join(SUPPORTED_REPORT_TYPES) + ".", "reportType"
        )
    if report_type not in SUPPORTED_REPORT_TYPES:
        raise ScheduleRequestError(
            f"reportType {report_type} is not served by the sandbox; use one of {', '.join(SUPPORTED_REPORT_TYPES)}.",
            "reportType",
        )

    marketplace_ids = body.get("marketplaceIds")
    if (
        not isinstance(marketplace_ids, list)
        or not 1 <= len(marketplace_ids) <= MAX_SCHEDULE_MARKETPLACES
        or not all(isinstance(value, str) for value in marketplace_ids)
    ):
        raise ScheduleRequestError(
            f"marketplaceIds must be a list of 1 to {MAX_SCHEDULE_MARKETPLACES} marketplace ids, such as [\"{marketplace_id}\"].",
            "marketplaceIds",
        )
    for value in marketplace_ids:
        if value != marketplace_id:
            raise ScheduleRequestError(
                f"marketplaceIds contains {value}, which is not a marketplace of this vendor account; use {marketplace_id}.",
                "marketplaceIds",
            )

    period = body.get("period")
    if period is None:
        raise ScheduleRequestError(f"period is missing; send one of {', '.join(SCHEDULE_PERIODS)}.", "period")
    if not isinstance(period, str) or period not in SCHEDULE_PERIODS:
        raise ScheduleRequestError(
            f"period {period!r} is not valid; send one of {', '.join(SCHEDULE_PERIODS)}.", "period"
        )
    options = body.get("reportOptions")
    if options is not None and (not isinstance(options, dict) or not all(isinstance(value, str) for value in options.values())):
        raise ScheduleRequestError("reportOptions must be an object whose values are strings.", "reportOptions")

    raw_next = body.get("nextReportCreationTime")
    if raw_next is None:
        next_time = one_period_after(now, period)
    else:
        try:
            next_time = parse_timestamp("nextReportCreationTime", str(raw_next), "InvalidInput")
        except ParameterError as error:
            raise ScheduleRequestError(error.message, "nextReportCreationTime") from None
    return ReportSchedule(
        report_schedule_id=schedule_id,
        report_type=report_type,
        marketplace_ids=tuple(marketplace_ids),
        report_options=dict(options) if options is not None else None,
        period=period,
        next_report_creation_time=next_time,
    )


def parse_schedule_types(params: dict[str, str]) -> tuple[str, ...]:
    """Check getReportSchedules' required `reportTypes`; raise ParameterError naming it."""
    report_types = _list_parameter(params, "reportTypes", MAX_REPORT_TYPES)
    if report_types is None:
        raise ParameterError("InvalidInput", "reportTypes", "reportTypes is missing; send 1 to 10 report types.")
    _check_report_types("reportTypes", report_types)
    return report_types
