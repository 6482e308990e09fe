"""Date windows: 7-day slices for the order listings, and report days as UTC times."""

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from .settings import CURSOR_OVERLAP, MAX_LOOKBACK, WINDOW

logger = logging.getLogger("acorn.sources.vendor_api")


def require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} {value.isoformat()} has no time zone: pass an aware datetime such as "
            "datetime(2024, 5, 1, tzinfo=UTC)"
        )
    return value.astimezone(UTC)


def slices(start: datetime, end: datetime, size: timedelta = WINDOW) -> Iterator[tuple[datetime, datetime]]:
    """Cut [start, end) into consecutive windows of at most `size`."""
    cursor = start
    while cursor < end:
        upper = min(cursor + size, end)
        yield cursor, upper
        cursor = upper


def window_start(
    now: datetime,
    previous_end: str | None,
    start: datetime | None,
    lookback_days: int,
    feed: str,
) -> datetime:
    """Pick where a run's windows begin.

    The first run begins at `start`, or `lookback_days` before `now`. Later runs begin
    `CURSOR_OVERLAP` before the previous run's end. Either way the start is moved forward to
    `MAX_LOOKBACK` before `now` when it is older, because Amazon keeps 6 months of orders.
    """
    if previous_end is not None:
        begin = datetime.fromisoformat(previous_end) - CURSOR_OVERLAP
    elif start is not None:
        begin = require_aware(start, "start")
    else:
        begin = now - timedelta(days=lookback_days)
    oldest = now - MAX_LOOKBACK
    if begin < oldest:
        logger.warning(
            "%s: start %s is older than Amazon keeps orders; starting at %s instead "
            "(changes before then can no longer be fetched)",
            feed,
            begin.isoformat(),
            oldest.isoformat(),
        )
        begin = oldest
    return begin


def day_start(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=UTC)


def day_end(value: date) -> datetime:
    return datetime.combine(value, time(23, 59, 59), tzinfo=UTC)
