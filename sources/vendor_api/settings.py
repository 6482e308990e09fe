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

# The Reports API serves the classic vendor reports for about two years back; the order
# listings' shorter limit bounds the first inventory week separately.
REPORT_LOOKBACK_DAYS = 730

# Report requests of a default run. Each feed's name keys its loaded periods and pending
# reports in the dlt state, so a name must not change once data is loaded.
FORECAST_FEEDS = (
    ReportFeed("forecast_retail", FORECAST_REPORT, (("sellingProgram", SELLING_PROGRAM),)),
)
INVENTORY_FEEDS = (
    ReportFeed(
        "inventory_week_manufacturing_retail",
        INVENTORY_REPORT,
        (
            ("reportPeriod", REPORT_PERIOD),
            ("distributorView", DISTRIBUTOR_VIEW),
            ("sellingProgram", SELLING_PROGRAM),
        ),
        period=REPORT_PERIOD,
        lookback_days=REPORT_LOOKBACK_DAYS,
        publication_delay_days=PUBLICATION_LAG.days,
        periods_per_request=WEEKS_PER_INVENTORY_REPORT,
    ),
)
