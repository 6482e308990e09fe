"""Limits and choices of the vendor API source."""

from datetime import timedelta

from .hourly import HourlyReportFeed
from .planner import ReportFeed

# getPurchaseOrders and getPurchaseOrdersStatus accept date windows of at most 7 days.
WINDOW = timedelta(days=7)

# Both listings reach back 6 months. The shortest 6 calendar months have 181 days; the margin
# keeps the oldest window inside that limit while a long run proceeds.
OLDEST_DATA = timedelta(days=181)
OLDEST_MARGIN = timedelta(days=2)
MAX_LOOKBACK = OLDEST_DATA - OLDEST_MARGIN

# Each run starts this long before the previous run's end, so orders that became visible late
# (after the previous run had queried their creation time) are still fetched. Merging on the
# primary keys makes the repeated rows harmless.
CURSOR_OVERLAP = timedelta(days=1)

FORECAST_REPORT = "GET_VENDOR_FORECASTING_REPORT"
INVENTORY_REPORT = "GET_VENDOR_INVENTORY_REPORT"
SELLING_PROGRAM = "RETAIL"
DISTRIBUTOR_VIEW = "MANUFACTURING"
REPORT_PERIOD = "WEEK"

# Amazon publishes a week's vendor figures about 72 hours after it ends, so the inventory
# report requests only weeks that ended at least this long ago.
PUBLICATION_LAG = timedelta(days=3)

# Weeks requested in one inventory report; longer lookbacks are split into several requests.
WEEKS_PER_INVENTORY_REPORT = 26

# How far back inventory weeks are requested at most; the first load also stops at the
# configured start or lookback. NOTE: an estimate, because Amazon does not publish how far
# back the vendor analytics reports reach. An older week ends FATAL and the summary lists it.
REPORT_LOOKBACK_DAYS = 730

SELLING_PROGRAMS = ("RETAIL", "FRESH")
DISTRIBUTOR_VIEWS = ("MANUFACTURING", "SOURCING")


def report_feeds(
    selling_programs: tuple[str, ...] = (SELLING_PROGRAM,),
    distributor_views: tuple[str, ...] = (DISTRIBUTOR_VIEW,),
) -> tuple[tuple[ReportFeed, ...], tuple[ReportFeed, ...]]:
    """Return the forecast feeds (one per selling program) and the weekly inventory feeds (one
    per distributor view and selling program).

    A feed's name keys its loaded periods and pending reports in the dlt state, so the names
    must stay the same once data is loaded.
    """
    for value, allowed, name in (
        *((program, SELLING_PROGRAMS, "selling program") for program in selling_programs),
        *((view, DISTRIBUTOR_VIEWS, "distributor view") for view in distributor_views),
    ):
        if value not in allowed:
            raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}; correct the acorn configuration")
    forecasts = tuple(
        ReportFeed(f"forecast_{program.lower()}", FORECAST_REPORT, (("sellingProgram", program),))
        for program in selling_programs
    )
    inventory = tuple(
        ReportFeed(
            f"inventory_week_{view.lower()}_{program.lower()}",
            INVENTORY_REPORT,
            (("reportPeriod", REPORT_PERIOD), ("distributorView", view), ("sellingProgram", program)),
            period=REPORT_PERIOD,
            lookback_days=REPORT_LOOKBACK_DAYS,
            publication_delay_days=PUBLICATION_LAG.days,
            periods_per_request=WEEKS_PER_INVENTORY_REPORT,
        )
        for view in distributor_views
        for program in selling_programs
    )
    return forecasts, inventory


FORECAST_FEEDS, INVENTORY_FEEDS = report_feeds()

SALES_REPORT = "GET_VENDOR_SALES_REPORT"
SALES_PERIODS = ("DAY", "WEEK", "MONTH")


def sales_feeds(
    periods: tuple[str, ...],
    selling_programs: tuple[str, ...] = (SELLING_PROGRAM,),
    distributor_views: tuple[str, ...] = (DISTRIBUTOR_VIEW,),
    lookback_days: int = REPORT_LOOKBACK_DAYS,
) -> tuple[ReportFeed, ...]:
    """Return one sales feed per period, distributor view and selling program.

    DAY requests span at most 15 days, the longest Amazon accepts; WEEK and MONTH requests
    cover one period each.
    """
    unknown = [period for period in periods if period not in SALES_PERIODS]
    if unknown:
        raise ValueError(f"sales periods {unknown!r} are not among {', '.join(SALES_PERIODS)}; correct the acorn configuration")
    return tuple(
        ReportFeed(
            f"sales_{period.lower()}_{view.lower()}_{program.lower()}",
            SALES_REPORT,
            (("reportPeriod", period), ("distributorView", view), ("sellingProgram", program)),
            period=period,
            lookback_days=lookback_days,
            publication_delay_days=PUBLICATION_LAG.days,
            periods_per_request=15 if period == "DAY" else 1,
        )
        for period in periods
        for view in distributor_views
        for program in selling_programs
    )

TRAFFIC_REPORT = "GET_VENDOR_TRAFFIC_REPORT"
NET_PURE_PRODUCT_MARGIN_REPORT = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"
REAL_TIME_INVENTORY_REPORT = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
ANALYTICS_PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")

# Periods one traffic or margin request covers. Amazon's schemas let a request span several
# periods and cap only DAY requests (15 days), so longer spans mean fewer createReport calls,
# which Amazon allows about once a minute.
PERIODS_PER_ANALYTICS_REPORT = {"DAY": 15, "WEEK": WEEKS_PER_INVENTORY_REPORT, "MONTH": 12, "QUARTER": 4, "YEAR": 1}

# NOTE: Amazon states no publication delay for the real-time inventory report. An hour is
# requested once it has been over for an hour, the delay Amazon states for its real-time
# traffic report, so that a late-published hour is not settled as loaded without its rows.
REAL_TIME_PUBLICATION_DELAY = timedelta(hours=1)
# Time left between planning and the createReport call; the oldest hour is this far inside
# Amazon's 168 hours, so it is still inside them when the request arrives.
REAL_TIME_START_MARGIN = timedelta(hours=1)


def _analytics_feeds(prefix: str, report_type: str, periods: tuple[str, ...], lookback_days: int, setting: str) -> tuple[ReportFeed, ...]:
    unknown = [period for period in periods if period not in ANALYTICS_PERIODS]
    if unknown:
        raise ValueError(f"{setting} lists {unknown!r}, which are not among {', '.join(ANALYTICS_PERIODS)}; correct the acorn configuration")
    return tuple(
        ReportFeed(
            f"{prefix}_{period.lower()}",
            report_type,
            (("reportPeriod", period),),
            period=period,
            lookback_days=lookback_days,
            publication_delay_days=PUBLICATION_LAG.days,
            periods_per_request=PERIODS_PER_ANALYTICS_REPORT[period],
        )
        for period in periods
    )


def traffic_feeds(periods: tuple[str, ...], lookback_days: int = REPORT_LOOKBACK_DAYS) -> tuple[ReportFeed, ...]:
    """Return one GET_VENDOR_TRAFFIC_REPORT feed per period (DAY, WEEK, MONTH, QUARTER or YEAR)."""
    return _analytics_feeds("traffic", TRAFFIC_REPORT, periods, lookback_days, "traffic_periods")


def net_pure_product_margin_feeds(
    periods: tuple[str, ...], lookback_days: int = REPORT_LOOKBACK_DAYS
) -> tuple[ReportFeed, ...]:
    """Return one GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT feed per period (DAY to YEAR)."""
    return _analytics_feeds(
        "net_pure_product_margin", NET_PURE_PRODUCT_MARGIN_REPORT, periods, lookback_days, "net_pure_product_margin_periods"
    )


def real_time_inventory_feeds(enabled: bool = True) -> tuple[HourlyReportFeed, ...]:
    """Return the hourly GET_VENDOR_REAL_TIME_INVENTORY_REPORT feed, or none when it is switched off."""
    if not enabled:
        return ()
    return (
        HourlyReportFeed(
            "real_time_inventory",
            REAL_TIME_INVENTORY_REPORT,
            publication_delay=REAL_TIME_PUBLICATION_DELAY,
            start_margin=REAL_TIME_START_MARGIN,
        ),
    )
