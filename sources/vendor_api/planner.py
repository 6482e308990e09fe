"""Report planner: which vendor report requests a run makes, worked out from dates alone.

The planner is pure: it takes today's date, the periods already loaded and the reports still
pending from an earlier run, and returns the requests to make. It never calls Amazon.

Rules it applies, all from Amazon's report documentation:
- A period of WEEK runs Sunday to Saturday; MONTH, QUARTER and YEAR run from their first day
  to their last. Requests for these periods must start and end on those days, or the report
  ends FATAL.
- A DAY request spans at most `MAX_DAY_SPAN` days.
- Amazon serves data only `lookback_days` back, so older periods are not requested.
- A period is published `publication_delay_days` after it ends. Unpublished periods are not
  requested, so the set of loaded periods never runs ahead of published data.
- A period already loaded is not requested again unless a restatement from a date on or
  before its end is asked for.
- A report requested by an earlier run that did not finish is resumed by its report id
  instead of being requested again.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")

# Amazon rejects DAY vendor reports that span more than 15 days.
MAX_DAY_SPAN = 15


class ReportSpecificationError(ValueError):
    """A report document describes a different report than the one requested."""


@dataclass(frozen=True)
class ReportFeed:
    """One kind of report request: type, options, period and Amazon's limits for it.

    `period` is None for reports without dates (the forecast). `periods_per_request` caps how
    many periods one request covers (at most `MAX_DAY_SPAN` for DAY).
    """

    name: str
    report_type: str
    options: tuple[tuple[str, str], ...]
    period: str | None = None
    lookback_days: int = 730
    publication_delay_days: int = 3
    periods_per_request: int = 1

    def __post_init__(self) -> None:
        if self.period is not None and self.period not in PERIODS:
            raise ValueError(
                f"report feed {self.name}: period {self.period!r} is not one of {', '.join(PERIODS)}"
            )
        if self.periods_per_request < 1:
            raise ValueError(
                f"report feed {self.name}: periods_per_request is {self.periods_per_request}; "
                "it must be at least 1"
            )
        if self.period == "DAY" and self.periods_per_request > MAX_DAY_SPAN:
            raise ValueError(
                f"report feed {self.name}: a DAY request of {self.periods_per_request} days is longer "
                f"than Amazon accepts ({MAX_DAY_SPAN} days); set periods_per_request to {MAX_DAY_SPAN} "
                "or less"
            )
        if self.lookback_days < 1 or self.publication_delay_days < 0:
            raise ValueError(
                f"report feed {self.name}: lookback_days must be at least 1 and "
                f"publication_delay_days at least 0, got {self.lookback_days} and "
                f"{self.publication_delay_days}"
            )

    @property
    def option_map(self) -> dict[str, str]:
        return dict(self.options)


def parse_period_start(value: str) -> date:
    """Read a period start kept in the dlt state: a day (`2024-05-12`) or an hour's UTC time."""
    if "T" in value:
        return datetime.fromisoformat(value).astimezone(UTC)
    return date.fromisoformat(value)


def format_hour(moment: datetime) -> str:
    """Format a UTC hour as Amazon writes it, e.g. `2024-06-12T10:00:00Z`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class PlannedReport:
    """One request to make, or to resume when `report_id` is set.

    Reports by day, week, month, quarter or year set `first_day` and `last_day`, and
    `periods` lists the first day of each period the request covers. Hourly reports set
    `start_time` and `end_time` instead (sent as dataStartTime and dataEndTime), and
    `periods` lists the start of each whole hour between them. Reports without dates (the
    forecast) set neither.
    """

    feed: str
    report_type: str
    marketplace_id: str
    options: tuple[tuple[str, str], ...]
    first_day: date | None = None
    last_day: date | None = None
    periods: tuple[date, ...] = ()
    report_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def label(self) -> str:
        """The period a person reads in the run summary, e.g. `2024-05-12..2024-06-08`."""
        if self.start_time is not None and self.end_time is not None:
            return f"{format_hour(self.start_time)}..{format_hour(self.end_time)}"
        if self.first_day is None or self.last_day is None:
            return "latest"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def to_state(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "report_type": self.report_type,
            "marketplace_id": self.marketplace_id,
            "options": [list(pair) for pair in self.options],
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "periods": [day.isoformat() for day in self.periods],
            "report_id": self.report_id,
            "start_time": self.start_time.isoformat() if self.start_time else None,
            "end_time": self.end_time.isoformat() if self.end_time else None,
        }

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> "PlannedReport":
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value).astimezone(UTC) if value else None

        return cls(
            feed=data["feed"],
            report_type=data["report_type"],
            marketplace_id=data["marketplace_id"],
            options=tuple((str(key), str(value)) for key, value in data["options"]),
            first_day=day(data.get("first_day")),
            last_day=day(data.get("last_day")),
            periods=tuple(parse_period_start(value) for value in data.get("periods") or ()),
            report_id=data.get("report_id"),
            start_time=moment(data.get("start_time")),
            end_time=moment(data.get("end_time")),
        )


def period_start(day: date, period: str) -> date:
    """Return the first day of the period that contains `day`."""
    if period == "DAY":
        return day
    if period == "WEEK":
        # date.weekday(): Monday 0 ... Sunday 6; Amazon's weeks start on Sunday.
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "YEAR":
        return date(day.year, 1, 1)
    raise ValueError(f"period {period!r} is not one of {', '.join(PERIODS)}")


def next_period(start: date, period: str) -> date:
    """Return the first day of the period after the one starting on `start`."""
    if period == "DAY":
        return start + timedelta(days=1)
    if period == "WEEK":
        return start + timedelta(days=7)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_end(start: date, period: str) -> date:
    return next_period(start, period) - timedelta(days=1)


def published_periods(
    feed: ReportFeed, today: date, first_day: date
) -> list[date]:
    """Return the starts of the periods from `first_day` that Amazon serves and has published.

    The period containing `first_day` is included when Amazon still serves all of it;
    otherwise the plan begins with the next whole period.
    """
    assert feed.period is not None
    oldest = today - timedelta(days=feed.lookback_days)
    last_published = today - timedelta(days=feed.publication_delay_days)
    start = period_start(max(first_day, oldest), feed.period)
    if start < oldest:
        start = next_period(start, feed.period)
    starts = []
    while period_end(start, feed.period) <= last_published:
        starts.append(start)
        start = next_period(start, feed.period)
    return starts


def plan_reports(
    feed: ReportFeed,
    marketplace_id: str,
    today: date,
    first_day: date,
    loaded: Collection[date] = (),
    pending: Sequence[PlannedReport] = (),
    restate_from: date | None = None,
) -> list[PlannedReport]:
    """Return the requests for one feed and marketplace: pending ones first, then new ones.

    `loaded` contains the starts of periods already in the warehouse. `pending` contains requests of
    earlier runs that have a report id but were never loaded. `restate_from` asks for every
    period ending on or after that day again, loaded or not.
    """
    resumed = [
        report
        for report in pending
        if report.feed == feed.name
        and report.marketplace_id == marketplace_id
        and report.report_id
        and not _all_loaded(report, loaded, restate_from, feed)
    ]
    if feed.period is None:
        if resumed:
            return resumed[:1]
        return [PlannedReport(feed.name, feed.report_type, marketplace_id, feed.options)]
    covered = {day for report in resumed for day in report.periods}
    needed = [
        start
        for start in published_periods(feed, today, first_day)
        if start not in covered and _needs_load(start, loaded, restate_from, feed)
    ]
    new = [
        PlannedReport(
            feed.name,
            feed.report_type,
            marketplace_id,
            feed.options,
            run[0],
            period_end(run[-1], feed.period),
            tuple(run),
        )
        for run in _chunks(_consecutive_runs(needed, feed.period), feed.periods_per_request)
    ]
    return resumed + new


def _needs_load(start: date, loaded: Collection[date], restate_from: date | None, feed: ReportFeed) -> bool:
    if start not in loaded:
        return True
    assert feed.period is not None
    return restate_from is not None and period_end(start, feed.period) >= restate_from


def _all_loaded(
    report: PlannedReport, loaded: Collection[date], restate_from: date | None, feed: ReportFeed
) -> bool:
    if not report.periods:
        return False
    return not any(_needs_load(start, loaded, restate_from, feed) for start in report.periods)


def _consecutive_runs(starts: Iterable[date], period: str) -> list[list[date]]:
    runs: list[list[date]] = []
    for start in starts:
        if runs and next_period(runs[-1][-1], period) == start:
            runs[-1].append(start)
        else:
            runs.append([start])
    return runs


def _chunks(runs: list[list[date]], size: int) -> Iterable[list[date]]:
    for run in runs:
        for index in range(0, len(run), size):
            yield run[index : index + size]


def check_specification(planned: PlannedReport, document: Mapping[str, Any]) -> None:
    """Raise `ReportSpecificationError` unless the document describes the requested report.

    Compares the report type, the marketplace, every requested option and the requested dates
    (Amazon's vendor documents give dates as `YYYY-MM-DD`).
    """
    specification = document.get("reportSpecification")
    if not isinstance(specification, Mapping):
        raise ReportSpecificationError(
            f"report {planned.report_id} ({planned.report_type}) has no reportSpecification, so "
            "acorn cannot confirm it covers the period requested; its rows are not loaded. Check "
            "the report document in the raw archive"
        )
    problems = []
    if specification.get("reportType") != planned.report_type:
        problems.append(f"reportType is {specification.get('reportType')!r}, not {planned.report_type!r}")
    marketplaces = specification.get("marketplaceIds") or []
    if planned.marketplace_id not in marketplaces:
        problems.append(f"marketplaceIds {marketplaces!r} lack {planned.marketplace_id!r}")
    options = specification.get("reportOptions") or {}
    for key, value in planned.options:
        if str(options.get(key)) != value:
            problems.append(f"reportOptions.{key} is {options.get(key)!r}, not {value!r}")
    if planned.start_time is not None and planned.end_time is not None:
        problems += _time_problems(specification, planned.start_time, planned.end_time)
    for field_name, expected in (("dataStartTime", planned.first_day), ("dataEndTime", planned.last_day)):
        if expected is None:
            continue
        actual = str(specification.get(field_name) or "")[:10]
        if actual != expected.isoformat():
            problems.append(f"{field_name} is {actual or 'missing'!r}, not {expected.isoformat()!r}")
    if problems:
        raise ReportSpecificationError(
            f"report {planned.report_id} ({planned.report_type}, {planned.label}) does not match "
            f"the request: {'; '.join(problems)}. Its rows are not loaded; the period is requested "
            "again next run"
        )


def _time_problems(specification: Mapping[str, Any], start: datetime, end: datetime) -> list[str]:
    """Compare an hourly report's dataStartTime and dataEndTime, which Amazon gives as UTC times."""
    problems = []
    for field_name, expected in (("dataStartTime", start), ("dataEndTime", end)):
        actual = specification.get(field_name)
        try:
            matches = datetime.fromisoformat(str(actual)) == expected
        except ValueError:
            matches = False
        if not matches:
            problems.append(f"{field_name} is {actual!r}, not {format_hour(expected)!r}")
    return problems


@dataclass
class LoadedPeriods:
    """The periods each feed has loaded, kept in the source's dlt state as ISO dates (UTC times for hours)."""

    by_scope: dict[str, list[str]] = field(default_factory=dict)

    @staticmethod
    def scope(feed: str, marketplace_id: str) -> str:
        return f"{feed}|{marketplace_id}"

    def get(self, feed: str, marketplace_id: str) -> set[date]:
        return {parse_period_start(value) for value in self.by_scope.get(self.scope(feed, marketplace_id), [])}

    def add(self, feed: str, marketplace_id: str, starts: Iterable[date], keep_after: date) -> None:
        """Record loaded period starts. `keep_after` is a date for period feeds and a UTC time for hourly ones."""
        key = self.scope(feed, marketplace_id)
        days = {parse_period_start(value) for value in self.by_scope.get(key, [])} | set(starts)
        # Periods older than Amazon's lookback are never planned again, so they need no record.
        self.by_scope[key] = [day.isoformat() for day in sorted(day for day in days if day >= keep_after)]
