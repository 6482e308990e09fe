"""Calendar periods of Amazon's vendor reports and the date rules a request must follow.

A WEEK runs Sunday to Saturday; MONTH, QUARTER and YEAR run from their first day to their
last. A request for one of these periods starts on a period's first day and ends on a
period's last day, and may span several periods. A DAY request spans at most 15 days.
"""

from datetime import date, timedelta

REPORT_PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
MAX_DAY_SPAN = 15  # Amazon rejects DAY vendor reports that span more than 15 days

_FIRST_DAY = {
    "WEEK": "a Sunday",
    "MONTH": "the first day of a month",
    "QUARTER": "the first day of a quarter (1 January, 1 April, 1 July or 1 October)",
    "YEAR": "the first day of a year (1 January)",
}
_LAST_DAY = {
    "WEEK": "a Saturday",
    "MONTH": "the last day of a month",
    "QUARTER": "the last day of a quarter (31 March, 30 June, 30 September or 31 December)",
    "YEAR": "the last day of a year (31 December)",
}


def period_start(day: date, period: str) -> date:
    """Return the first day of the period that contains `day`."""
    if period == "DAY":
        return day
    if period == "WEEK":
        # date.weekday() counts Monday as 0 and Sunday as 6; Amazon's weeks start on Sunday.
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "YEAR":
        return date(day.year, 1, 1)
    raise ValueError(f"Report period {period!r} is not one of {', '.join(REPORT_PERIODS)}.")


def next_period_start(start: date, period: str) -> date:
    """Return the first day of the period after the one that starts on `start`."""
    if period == "DAY":
        return start + timedelta(days=1)
    if period == "WEEK":
        return start + timedelta(weeks=1)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    month_index = start.year * 12 + start.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def period_end(day: date, period: str) -> date:
    """Return the last day of the period that contains `day`."""
    return next_period_start(period_start(day, period), period) - timedelta(days=1)


def periods_between(first: date, last: date, period: str) -> list[tuple[date, date]]:
    """List (first day, last day) of every period from the one holding `first` to the one holding `last`."""
    periods = []
    start = period_start(first, period)
    while start <= last:
        following = next_period_start(start, period)
        periods.append((start, following - timedelta(days=1)))
        start = following
    return periods


def date_rule_problem(period: str, first: date, last: date) -> str | None:
    """Return why the dates break the rules of `period`, naming the dates to send instead, or None."""
    if period == "DAY":
        span = (last - first).days + 1
        if span > MAX_DAY_SPAN:
            split_end = first + timedelta(days=MAX_DAY_SPAN - 1)
            return (
                f"DAY reports span at most {MAX_DAY_SPAN} days, but {first.isoformat()} to {last.isoformat()} "
                f"is {span} days. Split the range into requests of {MAX_DAY_SPAN} days or fewer, "
                f"the first from {first.isoformat()} to {split_end.isoformat()}."
            )
        return None
    if first == period_start(first, period) and last == period_end(last, period):
        return None
    return (
        f"{period} reports must start on {_FIRST_DAY[period]} and end on {_LAST_DAY[period]}; "
        f"got {first.isoformat()} ({first:%A}) to {last.isoformat()} ({last:%A}). Send dataStartTime "
        f"{period_start(first, period).isoformat()} and dataEndTime {period_end(last, period).isoformat()}, "
        f"the whole {period.lower()}s that contain these dates."
    )
