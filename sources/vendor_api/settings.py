"""Limits and choices of the vendor API source."""

from datetime import timedelta

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
