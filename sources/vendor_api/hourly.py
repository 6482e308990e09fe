"""Hourly report planner: the hour ranges a real-time report requests, worked out from the clock alone.

GET_VENDOR_REAL_TIME_INVENTORY_REPORT reports every whole UTC hour between dataStartTime and
dataEndTime. Amazon's report schema sets two limits: dataStartTime lies at most 168 hours
before the request, and dataEndTime at most 24 hours after dataStartTime. So the planner:
- requests whole hours only, starting on the hour, at most `max_span` of them per request;
- starts no earlier than `start_margin` inside the lookback, because the request reaches
  Amazon a little later than the run planned it, and an hour that slipped out of the
  lookback meanwhile would make Amazon reject the whole request;
- requests an hour only once it ended `publication_delay` ago, never an hour still running;
- does not request an hour already loaded, and resumes an earlier run's unfinished report
  by its id instead of requesting its hours again.

Like `planner.plan_reports`, it is pure: it takes the current time, the hours already loaded
and the reports still pending, and never calls Amazon.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .planner import PlannedReport

HOUR = timedelta(hours=1)


def floor_hour(moment: datetime) -> datetime:
    """Return the start of the UTC hour that contains `moment`."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    """Return `moment` when it starts an hour, else the start of the next UTC hour."""
    floored = floor_hour(moment)
    return floored if floored == moment else floored + HOUR


@dataclass(frozen=True)
class HourlyReportFeed:
    """One kind of hourly report request and Amazon's limits for it.

    `lookback` is how far before the request dataStartTime may lie, and `max_span` how far
    dataEndTime may lie after it. An hour is requested once `publication_delay` has passed
    since it ended. The oldest hour requested starts at least `start_margin` after the
    lookback's limit.
    """

    name: str
    report_type: str
    options: tuple[tuple[str, str], ...] = ()
    lookback: timedelta = timedelta(hours=168)
    max_span: timedelta = timedelta(hours=24)
    publication_delay: timedelta = HOUR
    start_margin: timedelta = HOUR

    def __post_init__(self) -> None:
        for label, span in (("lookback", self.lookback), ("max_span", self.max_span)):
            if span < HOUR or span % HOUR:
                raise ValueError(
                    f"hourly report feed {self.name}: {label} is {span}; it must be a whole number of hours, at least 1"
                )
        if self.publication_delay < timedelta(0) or self.start_margin < timedelta(0):
            raise ValueError(
                f"hourly report feed {self.name}: publication_delay and start_margin must not be negative, "
                f"got {self.publication_delay} and {self.start_margin}"
            )
        if self.start_margin >= self.lookback:
            raise ValueError(
                f"hourly report feed {self.name}: start_margin {self.start_margin} leaves no hour inside the "
                f"lookback of {self.lookback}; make it shorter than the lookback"
            )

    @property
    def option_map(self) -> dict[str, str]:
        return dict(self.options)

    def oldest_hour(self, now: datetime) -> datetime:
        """Return the start of the oldest hour a request made at `now` may include."""
        return ceil_hour(now - self.lookback + self.start_margin)

    def published_until(self, now: datetime) -> datetime:
        """Return the end of the last hour that is published at `now`."""
        return floor_hour(now - self.publication_delay)


def plan_hourly_reports(
    feed: HourlyReportFeed,
    marketplace_id: str,
    now: datetime,
    first_time: datetime,
    loaded: Collection[date] = (),
    pending: Sequence[PlannedReport] = (),
) -> list[PlannedReport]:
    """Return the requests for one hourly feed and marketplace: pending ones first, then new ones.

    `first_time` is the earliest time the plan must cover, moved forward to the lookback's
    limit when it is older. `loaded` contains the starts of the hours already in the
    warehouse. `pending` contains requests of earlier runs that have a report id but were
    never loaded.
    """
    if now.tzinfo is None or first_time.tzinfo is None:
        raise ValueError(
            f"now {now.isoformat()} and first_time {first_time.isoformat()} must both carry a time zone, "
            "such as datetime(2024, 6, 12, 15, 30, tzinfo=UTC)"
        )
    resumed = [
        report
        for report in pending
        if report.feed == feed.name
        and report.marketplace_id == marketplace_id
        and report.report_id
        and (not report.periods or any(hour not in loaded for hour in report.periods))
    ]
    covered = {hour for report in resumed for hour in report.periods}
    hour = max(feed.oldest_hour(now), ceil_hour(first_time))
    end = feed.published_until(now)
    needed = []
    while hour + HOUR <= end:
        if hour not in loaded and hour not in covered:
            needed.append(hour)
        hour += HOUR
    new = [
        PlannedReport(
            feed.name,
            feed.report_type,
            marketplace_id,
            feed.options,
            periods=tuple(run),
            start_time=run[0],
            end_time=run[-1] + HOUR,
        )
        for run in _runs(needed, feed.max_span // HOUR)
    ]
    return resumed + new


def _runs(hours: list[datetime], size: int) -> list[list[datetime]]:
    """Group consecutive hours into runs of at most `size` hours."""
    runs: list[list[datetime]] = []
    for hour in hours:
        if runs and runs[-1][-1] + HOUR == hour and len(runs[-1]) < size:
            runs[-1].append(hour)
        else:
            runs.append([hour])
    return runs
