"""Typed outcomes of report requests, and the action each one requires of the vendor.

Amazon ends a report DONE, CANCELLED or FATAL, or leaves it queued. A FATAL report's reason is
free text in its error document, so `classify_error_document` maps the known kinds of message
to an outcome. Every planned request ends in exactly one outcome, and the run summary lists
them per feed and period, so a period never goes missing without a reason.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .planner import format_hour


class Outcome(StrEnum):
    LOADED = "loaded"
    NO_DATA = "no_data"
    THROTTLED = "throttled"
    BAD_OPTIONS = "bad_options"
    MISALIGNED_DATES = "misaligned_dates"
    NOT_YET_AVAILABLE = "not_yet_available"
    NO_ACCESS = "no_access"
    TIMED_OUT = "timed_out"
    SPECIFICATION_MISMATCH = "specification_mismatch"
    FAILED = "failed"


# Key of the resource state under which each report resource keeps its last run's outcomes.
LAST_RUN_KEY = "last_run_outcomes"
# Key under which each feed keeps the fields Amazon sent in its last run that no column holds.
NEW_FIELDS_KEY = "new_fields"
REPORT_RESOURCES = (
    "vendor_forecasts",
    "vendor_inventory",
    "vendor_sales",
    "vendor_traffic",
    "vendor_net_pure_product_margin",
    "vendor_real_time_inventory",
)

# Action for each outcome, addressed to the vendor (or to acorn's maintainers).
ACTIONS = {
    Outcome.LOADED: "none",
    Outcome.NO_DATA: "none: Amazon has no figures for this period; ask for a restatement if that is wrong",
    Outcome.THROTTLED: "none: requested again next run",
    Outcome.BAD_OPTIONS: "correct the report options in the acorn configuration; the error document names the option",
    Outcome.MISALIGNED_DATES: (
        "report a bug in acorn's report planner: the request broke Amazon's date rules for this report "
        "(period boundaries, span or lookback)"
    ),
    Outcome.NOT_YET_AVAILABLE: "none: Amazon has not published the period yet, so it is requested again next run",
    Outcome.NO_ACCESS: (
        "grant the application the role this report needs in Vendor Central's developer console, "
        "then authorise it again"
    ),
    Outcome.TIMED_OUT: "none: the report is still processing and is resumed by its report id next run",
    Outcome.SPECIFICATION_MISMATCH: "none: requested again next run; if it repeats, report it to Amazon with the report id",
    Outcome.FAILED: "read the detail and the raw archive; the period is requested again next run",
}

# Outcomes after which a period counts as settled: it is not requested again without restatement.
SETTLED = frozenset({Outcome.LOADED, Outcome.NO_DATA})

# Patterns of the error documents, checked in this order. Dates come first because the
# misaligned-date messages also name reportPeriod. Besides period boundaries, a request breaks
# the date rules with a DAY range longer than 15 days, missing dates, or a real-time range
# that starts more than 168 hours before the request or spans more than 24 hours.
_ERROR_PATTERNS: tuple[tuple[Outcome, re.Pattern[str]], ...] = (
    (
        Outcome.MISALIGNED_DATES,
        re.compile(
            r"start on a sunday|end on a saturday|first day of|last day of|align|spans? at most \d+ days"
            r"|needs dataStartTime and dataEndTime|more than \d+ hours (before|after)",
            re.IGNORECASE,
        ),
    ),
    (
        Outcome.NO_ACCESS,
        re.compile(r"access|not authori[sz]ed|permission|unauthori[sz]ed|\brole\b", re.IGNORECASE),
    ),
    (
        Outcome.BAD_OPTIONS,
        re.compile(
            r"reportoption|reportPeriod|sellingProgram|distributorView|missing or invalid", re.IGNORECASE
        ),
    ),
    (
        Outcome.NOT_YET_AVAILABLE,
        re.compile(
            r"unavailable|not (yet )?available|different date range|no data|try again later", re.IGNORECASE
        ),
    ),
)


def classify_error_document(details: str | None) -> Outcome:
    """Return the outcome that a FATAL report's error document describes."""
    text = details or ""
    for outcome, pattern in _ERROR_PATTERNS:
        if pattern.search(text):
            return outcome
    return Outcome.FAILED


def classify_cancelled(report: Mapping[str, Any] | None) -> Outcome:
    """Return NO_DATA or THROTTLED for a CANCELLED report.

    Amazon cancels a report that found no data after processing it, and cancels requests made
    too often before processing starts. A report with a `processingStartTime` was processed.
    """
    # NOTE: Amazon documents both causes but no field that distinguishes them; this rule relies
    # on the processing start time, and a throttled report that did start is counted as no data.
    if report and report.get("processingStartTime"):
        return Outcome.NO_DATA
    return Outcome.THROTTLED


@dataclass(frozen=True)
class RequestOutcome:
    """The result of one planned report request, as the run summary lists it."""

    feed: str
    marketplace_id: str
    first_day: date | None
    last_day: date | None
    outcome: Outcome
    rows: int = 0
    report_id: str | None = None
    detail: str | None = None
    # Hourly reports only: the requested range, in place of first_day and last_day.
    start_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def action(self) -> str:
        return ACTIONS[self.outcome]

    @property
    def period(self) -> str:
        if self.start_time is not None and self.end_time is not None:
            return f"{format_hour(self.start_time)}..{format_hour(self.end_time)}"
        if self.first_day is None or self.last_day is None:
            return "latest"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def row(self, account: str, run_started_at: datetime) -> dict[str, Any]:
        """Return the outcome as JSON values, the form the dlt state keeps."""
        return {
            "account": account,
            "run_started_at": run_started_at.isoformat(),
            "feed": self.feed,
            "marketplace_id": self.marketplace_id,
            "period": self.period,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "outcome": str(self.outcome),
            "rows": self.rows,
            "report_id": self.report_id,
            "detail": self.detail,
            "action": self.action,
        }


def last_run_outcomes(pipeline_state: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the outcome rows of the last run of each report feed, from a dlt pipeline state.

    Each row also names the `resource` (and so the raw table) its feed loads.
    """
    resources = (
        pipeline_state.get("sources", {}).get("vendor_api", {}).get("resources", {})
    )
    rows = []
    for resource in REPORT_RESOURCES:
        for feed_rows in (resources.get(resource, {}).get(LAST_RUN_KEY) or {}).values():
            rows.extend({**row, "resource": resource} for row in feed_rows)
    return rows


def unsettled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows whose period was not loaded, so the summary can list them."""
    return [row for row in rows if row["outcome"] not in SETTLED]


def outcome_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Return one line per request: feed, marketplace, period, outcome, rows and the action."""
    lines = []
    for row in sorted(rows, key=lambda item: (item["feed"], item["marketplace_id"], item["period"])):
        line = f"{row['feed']} {row['marketplace_id']} {row['period']}: {row['outcome']}, {row['rows']} rows"
        if row["outcome"] not in SETTLED:
            line += f"; action: {row['action']}"
        lines.append(line)
    return lines


def new_fields_from_state(pipeline_state: Mapping[str, Any]) -> list[str]:
    """Return every field Amazon sent in the last run that no column holds, from a dlt state."""
    resources = pipeline_state.get("sources", {}).get("vendor_api", {}).get("resources", {})
    found: set[str] = set()
    for resource_state in resources.values():
        found.update(resource_state.get(NEW_FIELDS_KEY) or [])
        for feed_state in (resource_state.get("feeds") or {}).values():
            found.update(feed_state.get(NEW_FIELDS_KEY) or [])
    return sorted(found)
