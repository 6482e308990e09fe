"""Date rules and documents of the sales, traffic, net pure product margin and real-time inventory reports.

The figures come from `sandbox.analytics`. Each document follows the report schema Amazon
publishes for its type, and its `reportSpecification` repeats the request.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.analytics import (
    BASIS_POINTS,
    MARGIN_REPORT,
    SALES_REPORT,
    TRAFFIC_REPORT,
    AnalyticsFigures,
    DayFigures,
    business_units,
    sellable_after_hour,
)
from sandbox.inbox import format_timestamp
from sandbox.jsonio import RawJson, number
from sandbox.periods import periods_between
from sandbox.scenario import Product, Scenario

if TYPE_CHECKING:
    from sandbox.reports import ReportRequest

REAL_TIME_INVENTORY_REPORT = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
PERIOD_REPORT_TYPES = (SALES_REPORT, TRAFFIC_REPORT, MARGIN_REPORT)
# NOTE: Amazon's models do not say when a day's sales and traffic figures appear. Three days
# (about 72 hours) after the day ends is an estimate, and a real account may publish sooner or later.
PUBLICATION_LAG_DAYS = 3
REAL_TIME_LOOKBACK = timedelta(hours=168)  # the earliest dataStartTime, before the request
REAL_TIME_MAX_SPAN = timedelta(hours=24)  # the maximum span from dataStartTime to dataEndTime
_HOUR = timedelta(hours=1)
_MARGIN_PLACES = Decimal("0.0001")


def last_published_day(scenario: Scenario) -> date:
    return scenario.today - timedelta(days=PUBLICATION_LAG_DAYS)


def period_report_outcome(request: "ReportRequest", scenario: Scenario) -> tuple[str, str | None]:
    """Decide a sales, traffic or margin report whose options and date rules were checked already."""
    assert request.data_end is not None
    last = request.data_end.date()
    published = last_published_day(scenario)
    if last > published:
        return "FATAL", (
            f"The requested data is not available yet: {request.report_type} figures appear about "
            f"{PUBLICATION_LAG_DAYS} days after a day ends, so the latest published day is {published.isoformat()}. "
            f"Request periods that end on or before {published.isoformat()}, or request this range again on or "
            f"after {(last + timedelta(days=PUBLICATION_LAG_DAYS)).isoformat()}."
        )
    if request.report_type == SALES_REPORT and request.options["sellingProgram"] == "FRESH":
        return "CANCELLED", None  # the sandbox vendor sells RETAIL only
    weeks = scenario.inventory_week_starts()
    if not weeks or last < weeks[0]:
        return "CANCELLED", None
    return "DONE", None


def full_hours(start: datetime, end: datetime) -> list[datetime]:
    """Return the starts of the whole hours from `start` to `end`."""
    hour = start.replace(minute=0, second=0, microsecond=0)
    if hour < start:
        hour += _HOUR
    hours = []
    while hour + _HOUR <= end:
        hours.append(hour)
        hour += _HOUR
    return hours


def real_time_outcome(request: "ReportRequest", scenario: Scenario, now: datetime) -> tuple[str, str | None]:
    """Decide a real-time inventory report requested at `now`: hours after `now` are not over, so they are left out."""
    start, end = request.data_start, request.data_end
    if start is None or end is None:
        return "FATAL", (
            f"{REAL_TIME_INVENTORY_REPORT} needs dataStartTime and dataEndTime: it reports the whole hours "
            f"between them, at most {_hours(REAL_TIME_MAX_SPAN)} hours from a start no earlier than "
            f"{_hours(REAL_TIME_LOOKBACK)} hours before the request."
        )
    earliest = now - REAL_TIME_LOOKBACK
    if start < earliest:
        return "FATAL", (
            f"dataStartTime {format_timestamp(start)} is more than {_hours(REAL_TIME_LOOKBACK)} hours before the "
            f"request ({format_timestamp(now)}); send a dataStartTime on or after {format_timestamp(earliest)}."
        )
    if end - start > REAL_TIME_MAX_SPAN:
        return "FATAL", (
            f"dataEndTime {format_timestamp(end)} is more than {_hours(REAL_TIME_MAX_SPAN)} hours after dataStartTime "
            f"{format_timestamp(start)}; send a dataEndTime on or before {format_timestamp(start + REAL_TIME_MAX_SPAN)}."
        )
    weeks = scenario.inventory_week_starts()
    hours = full_hours(start, min(end, now))
    if not weeks or not hours or hours[-1].date() < weeks[0]:
        return "CANCELLED", None
    return "DONE", None


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


def _specification(request: "ReportRequest", scenario: Scenario, option_names: tuple[str, ...]) -> dict[str, Any]:
    assert request.data_start is not None and request.data_end is not None
    return {
        "reportType": request.report_type,
        "reportOptions": {name: request.options[name] for name in option_names},
        "lastUpdatedDate": scenario.today.isoformat(),
        "dataStartTime": request.data_start.date().isoformat(),
        "dataEndTime": request.data_end.date().isoformat(),
        "marketplaceIds": list(request.marketplace_ids),
    }


@dataclass
class _Totals:
    """Sums over the days of one period, for one ASIN or for the whole catalogue.

    Days add whole units, and `price` turns an ASIN's units into money once. That keeps the
    amounts exact and the large profile's documents quick to build.
    """

    shipped: int = 0
    ordered: int = 0
    returned: int = 0
    glance_views: int = 0
    net_units_by_coop_rate: int = 0  # sum of net units times the day's co-op rate in basis points
    ordered_revenue: Decimal = Decimal("0.00")
    shipped_revenue: Decimal = Decimal("0.00")
    shipped_cogs: Decimal = Decimal("0.00")
    coop: Decimal = Decimal("0.00")

    def add(self, figures: DayFigures, business: bool) -> None:
        shipped, ordered, returned = figures.shipped_units, figures.ordered_units, figures.returned_units
        if business:
            shipped = business_units(shipped, figures.business_share)
            ordered = business_units(ordered, figures.business_share)
            returned = business_units(returned, figures.business_share)
        self.shipped += shipped
        self.ordered += ordered
        self.returned += returned
        self.glance_views += figures.glance_views
        self.net_units_by_coop_rate += (shipped - returned) * figures.coop_rate

    def price(self, product: Product) -> None:
        net = self.shipped - self.returned  # revenue and cost are net of returns, as Amazon's are
        self.ordered_revenue = self.ordered * product.list_price
        self.shipped_revenue = net * product.list_price
        self.shipped_cogs = net * product.order_cost
        self.coop = self.net_units_by_coop_rate * product.order_cost / BASIS_POINTS

    def merge(self, other: "_Totals") -> None:
        self.shipped += other.shipped
        self.ordered += other.ordered
        self.returned += other.returned
        self.glance_views += other.glance_views
        self.ordered_revenue += other.ordered_revenue
        self.shipped_revenue += other.shipped_revenue
        self.shipped_cogs += other.shipped_cogs
        self.coop += other.coop

    def margin(self) -> Decimal | None:
        """Net pure product margin: (revenue - cost of goods - vendor-funded co-op) / revenue."""
        if self.shipped_revenue <= 0:
            return None
        return ((self.shipped_revenue - self.shipped_cogs - self.coop) / self.shipped_revenue).quantize(_MARGIN_PLACES)


@dataclass
class _PeriodTotals:
    first: date
    last: date
    by_asin: dict[str, _Totals]
    total: _Totals


def _period_totals(request: "ReportRequest", scenario: Scenario, figures: AnalyticsFigures) -> list[_PeriodTotals]:
    """Sum the daily figures per period and ASIN, in catalogue order, leaving out periods without figures."""
    assert request.data_start is not None and request.data_end is not None
    first, last = request.data_start.date(), request.data_end.date()
    periods = [_PeriodTotals(start, end, {}, _Totals()) for start, end in periods_between(first, last, request.options["reportPeriod"])]
    period_of_day: dict[date, _PeriodTotals] = {}
    for period in periods:
        day = period.first
        while day <= period.last:
            period_of_day[day] = period
            day += timedelta(days=1)
    business = request.options.get("sellingProgram") == "BUSINESS"
    for day_figures in figures.days(first, last):
        period = period_of_day[day_figures.day]
        totals = period.by_asin.get(day_figures.asin)
        if totals is None:
            totals = period.by_asin[day_figures.asin] = _Totals()
        totals.add(day_figures, business)
    for period in periods:
        for asin, totals in period.by_asin.items():
            product = scenario.product(asin)
            assert product is not None  # figures exist for catalogue products only
            totals.price(product)
            period.total.merge(totals)
    return [period for period in periods if period.by_asin]


def _row(period: _PeriodTotals, asin: str | None, fields: str) -> RawJson:
    """Format one JSON row of a period: its dates, the ASIN unless it is an aggregate row, then `fields`."""
    asin_field = f'"asin":{json.dumps(asin)},' if asin is not None else ""
    return RawJson(f'{{"startDate":"{period.first.isoformat()}","endDate":"{period.last.isoformat()}",{asin_field}{fields}}}')


def _money(amount: Decimal, currency_json: str) -> str:
    return f'{{"amount":{number(amount)},"currencyCode":{currency_json}}}'


def _sales_fields(totals: _Totals, manufacturing: bool, currency_json: str) -> str:
    fields = [f'"customerReturns":{totals.returned}']
    if manufacturing:  # Amazon reports ordered figures only in the MANUFACTURING view
        fields.append(f'"orderedRevenue":{_money(totals.ordered_revenue, currency_json)}')
        fields.append(f'"orderedUnits":{totals.ordered}')
    fields.append(f'"shippedCogs":{_money(totals.shipped_cogs, currency_json)}')
    fields.append(f'"shippedRevenue":{_money(totals.shipped_revenue, currency_json)}')
    fields.append(f'"shippedUnits":{totals.shipped}')
    return ",".join(fields)


def sales_document(request: "ReportRequest", scenario: Scenario, figures: AnalyticsFigures) -> dict[str, Any]:
    periods = _period_totals(request, scenario, figures)
    manufacturing = request.options["distributorView"] == "MANUFACTURING"
    currency_json = json.dumps(scenario.currency_code)
    return {
        "reportSpecification": _specification(request, scenario, ("distributorView", "reportPeriod", "sellingProgram")),
        "salesAggregate": [_row(period, None, _sales_fields(period.total, manufacturing, currency_json)) for period in periods],
        "salesByAsin": [
            _row(period, asin, _sales_fields(totals, manufacturing, currency_json))
            for period in periods
            for asin, totals in period.by_asin.items()
        ],
    }


def traffic_document(request: "ReportRequest", scenario: Scenario, figures: AnalyticsFigures) -> dict[str, Any]:
    periods = _period_totals(request, scenario, figures)
    return {
        "reportSpecification": _specification(request, scenario, ("reportPeriod",)),
        "trafficAggregate": [_row(period, None, f'"glanceViews":{period.total.glance_views}') for period in periods],
        "trafficByAsin": [
            _row(period, asin, f'"glanceViews":{totals.glance_views}')
            for period in periods
            for asin, totals in period.by_asin.items()
        ],
    }


def margin_document(request: "ReportRequest", scenario: Scenario, figures: AnalyticsFigures) -> dict[str, Any]:
    """Build the net pure product margin document. An ASIN-period without revenue has no margin and no row."""
    periods = _period_totals(request, scenario, figures)
    return {
        "reportSpecification": _specification(request, scenario, ("reportPeriod",)),
        "netPureProductMarginAggregate": [
            _row(period, None, f'"netPureProductMargin":{number(margin)}')
            for period in periods
            if (margin := period.total.margin()) is not None
        ],
        "netPureProductMarginByAsin": [
            _row(period, asin, f'"netPureProductMargin":{number(margin)}')
            for period in periods
            for asin, totals in period.by_asin.items()
            if (margin := totals.margin()) is not None
        ],
    }


def real_time_inventory_document(
    request: "ReportRequest", scenario: Scenario, figures: AnalyticsFigures, requested_at: datetime
) -> dict[str, Any]:
    """Build the highly available units per ASIN at the end of each whole hour of the range, up to the request.

    NOTE: units in shopping carts are not held back, so the figure is the sellable stock.
    """
    assert request.data_start is not None and request.data_end is not None
    hours = full_hours(request.data_start, min(request.data_end, requested_at))
    by_day: dict[date, list[DayFigures]] = {}
    if hours:
        for day_figures in figures.days(hours[0].date(), hours[-1].date()):
            by_day.setdefault(day_figures.day, []).append(day_figures)
    rows = []
    for hour in hours:
        times = f'"startTime":"{format_timestamp(hour)}","endTime":"{format_timestamp(hour + _HOUR)}"'
        for day_figures in by_day.get(hour.date(), ()):
            available = sellable_after_hour(day_figures, hour.hour)
            rows.append(RawJson(f'{{{times},"asin":{json.dumps(day_figures.asin)},"highlyAvailableInventory":{available}}}'))
    return {
        "reportSpecification": {
            "reportType": REAL_TIME_INVENTORY_REPORT,
            "dataStartTime": format_timestamp(request.data_start),
            "dataEndTime": format_timestamp(request.data_end),
            "marketplaceIds": list(request.marketplace_ids),
        },
        "reportData": rows,
    }
