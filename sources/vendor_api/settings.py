"""Limits and choices of the vendor API source."""

from datetime import timedelta

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
