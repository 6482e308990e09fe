"""Daily figures behind the sales, traffic, net pure product margin and real-time inventory reports.

The figures come from the catalogue (`scenario.products`) and the weekly inventory rows
(`scenario.inventory`), never from the purchase orders, so the cost of a request grows
with the ASINs and days it covers, not with the orders. Per catalogue ASIN and day:
- In a week with an inventory row, the units shipped to customers add up to the row's
  `sold_units`, spread over the seven days with random weights. Customer orders add the
  row's unfilled units, spread the same way. Receipts and units turned unsellable are
  spread evenly, so the sellable stock runs from the week's opening level to the row's
  `sellable_on_hand_units`.
- After the last inventory week, receipts go on at the ASIN's weekly average of its last
  4 inventory weeks, spread evenly. Each day's demand is drawn around a seventh of the
  ASIN's weekly demand, shipments take what the sellable stock holds, and customer
  orders are the demand plus up to 5 %.
- Returns are 0 to 4 % of the shipments, and glance views follow orders at a conversion
  rate of 5 to 15 %. Vendor-funded co-op costs 0 to 8 % of the cost of goods sold, and
  business customers (sellingProgram BUSINESS) buy 4 to 12 % of the units. Each rate is
  drawn per ASIN and week, or per ASIN and day after the last inventory week.

Random numbers come from streams seeded with (seed, profile, report type, week or day),
never from the generator's stream. So the scenario stays as generated, and a figure is
the same whichever report or request reads it.
"""

import math
import random
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.scenario import InventoryRow, Product, Scenario

SALES_REPORT = "GET_VENDOR_SALES_REPORT"
TRAFFIC_REPORT = "GET_VENDOR_TRAFFIC_REPORT"
MARGIN_REPORT = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"

# Relative customer demand from Sunday to Saturday: a mild weekly pattern, busiest on Sunday.
_WEEKDAY_DEMAND = (1.10, 1.05, 1.00, 0.95, 0.95, 0.95, 1.00)
_RECEIPT_HOUR = 5  # receipts are on the shelf at the end of this hour (05:00 to 06:00 UTC)
_SELLING_FROM_HOUR = _RECEIPT_HOUR + 1
_RECENT_WEEKS = 4  # weeks whose receipts set the pace after the last inventory week
_CACHED_WEEKS = 4  # about 27 MB for the large profile's 5,000 ASINs (tracemalloc, Python 3.11)
BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One catalogue ASIN on one day, in eaches.

    `opening_sellable` and `closing_sellable` are Amazon's sellable units at the start and
    the end of the day, and `received_units` came in during the day. The two rates are in
    basis points: `business_share` of the units go to business customers, and the vendor
    funds co-op worth `coop_rate` of the cost of the goods shipped.
    """

    asin: str
    day: date
    shipped_units: int
    ordered_units: int
    returned_units: int
    glance_views: int
    received_units: int
    opening_sellable: int
    closing_sellable: int
    business_share: int
    coop_rate: int


def split(total: int, weights: tuple[float, ...] | list[float]) -> list[int]:
    """Split a whole number in proportion to `weights`, so that the parts add up to `total` exactly.

    Each part gets the whole part of its share, and the largest fractions get the rest.
    """
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_fraction = sorted(range(len(shares)), key=lambda index: shares[index] - parts[index], reverse=True)
    for index in by_fraction[: total - sum(parts)]:
        parts[index] += 1
    return parts


def split_evenly(total: int) -> list[int]:
    """Split a whole number evenly over the 7 days of a week, giving the remainder to the first days."""
    quotient, remainder = divmod(total, 7)
    return [quotient + 1] * remainder + [quotient] * (7 - remainder)


def glance_views(ordered_units: int, conversion: float) -> int:
    # Every catalogue page draws some views, even on a day without orders.
    return math.ceil((ordered_units + 1) / conversion)


class AnalyticsFigures:
    """Daily figures per catalogue ASIN, worked out on request from one scenario.

    Call it only once `scenario.ready` is set: the large profile fills in its inventory
    rows in the background.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._rows_by_week: dict[date, dict[str, InventoryRow]] | None = None
        # Recently computed weeks: the reports of one run tend to ask for the same weeks.
        self._weeks: OrderedDict[date, list[DayFigures]] = OrderedDict()

    def _index(self) -> dict[date, dict[str, InventoryRow]]:
        if self._rows_by_week is not None:
            return self._rows_by_week
        rows_by_week: dict[date, dict[str, InventoryRow]] = {}
        for row in self.scenario.inventory:
            rows_by_week.setdefault(row.start_date, {})[row.asin] = row
        if self.scenario.ready.is_set():  # the large profile adds its rows when it is ready
            self._rows_by_week = rows_by_week
        return rows_by_week

    def _stream(self, report_type: str, kind: str, start: date) -> random.Random:
        scenario = self.scenario
        return random.Random(f"acorn-sandbox|{scenario.seed}|{scenario.profile}|{report_type}|{kind}|{start.isoformat()}")

    def _products_with_rows(self, rows: dict[str, InventoryRow]) -> list[tuple[Product, InventoryRow]]:
        """Catalogue products with a row in `rows`, in catalogue order (the order of the random draws)."""
        return [(product, rows[product.asin]) for product in self.scenario.products if product.asin in rows]

    def days(self, first: date, last: date) -> list[DayFigures]:
        """Return every ASIN's figures from `first` to `last`, by day, each day in catalogue order.

        Days before the first inventory week, or in a week without inventory rows before
        the last one, have no figures.
        """
        index = self._index()
        if not index or first > last:
            return []
        last_week = max(index)
        found: list[DayFigures] = []
        week = first - timedelta(days=(first.weekday() + 1) % 7)
        while week <= min(last, last_week):
            if week in index:
                found.extend(figures for figures in self._cached_week(week, index[week]) if first <= figures.day <= last)
            week += timedelta(weeks=1)
        tail_first = max(first, last_week + timedelta(days=7))
        if tail_first <= last:
            found.extend(figures for figures in self._tail(last_week, last) if figures.day >= tail_first)
        return found

    def _cached_week(self, start: date, rows: dict[str, InventoryRow]) -> list[DayFigures]:
        week = self._weeks.get(start)
        if week is None:
            week = self._weeks[start] = self._week(start, rows)
            if len(self._weeks) > _CACHED_WEEKS:
                self._weeks.popitem(last=False)
        else:
            self._weeks.move_to_end(start)
        return week

    def _week(self, start: date, rows: dict[str, InventoryRow]) -> list[DayFigures]:
        sales = self._stream(SALES_REPORT, "week", start)
        traffic = self._stream(TRAFFIC_REPORT, "week", start)
        margin = self._stream(MARGIN_REPORT, "week", start)
        draw = sales.random
        by_asin: list[list[DayFigures]] = []
        for product, row in self._products_with_rows(rows):
            sold = max(0, row.sold_units if row.sold_units is not None else product.weekly_demand)
            weights = [share * (0.8 + 0.4 * draw()) for share in _WEEKDAY_DEMAND]
            returned_total = round(sold * sales.uniform(0, 0.04))
            business_share = sales.randint(400, 1200)
            conversion = traffic.uniform(0.05, 0.15)
            coop_rate = margin.randint(0, 800)

            shipped = split(sold, weights)
            unfilled = split(max(0, row.unfilled_customer_ordered_units), weights)
            returned = split(returned_total, weights)
            received_units = max(0, row.net_received_units)
            unsellable_units = max(0, row.unsellable_on_hand_units)
            received = split_evenly(received_units)
            unsellable = split_evenly(unsellable_units)
            # The stock balance of the generated week, solved for the level it opened with.
            level = row.sellable_on_hand_units + sold + unsellable_units - received_units
            days = []
            for offset in range(7):
                opening = level
                level += received[offset] - shipped[offset] - unsellable[offset]
                ordered = shipped[offset] + unfilled[offset]
                days.append(
                    DayFigures(
                        asin=product.asin,
                        day=start + timedelta(days=offset),
                        shipped_units=shipped[offset],
                        ordered_units=ordered,
                        returned_units=min(returned[offset], shipped[offset]),
                        glance_views=glance_views(ordered, conversion),
                        received_units=received[offset],
                        opening_sellable=opening,
                        closing_sellable=level,
                        business_share=business_share,
                        coop_rate=coop_rate,
                    )
                )
            by_asin.append(days)
        return [by_asin[position][offset] for offset in range(7) for position in range(len(by_asin))]

    def _tail(self, last_week: date, last: date) -> list[DayFigures]:
        """Figures after the last inventory week, from the sellable stock that week ended with."""
        index = self._index()
        products = self._products_with_rows(index[last_week])
        levels = [max(0, row.sellable_on_hand_units) for _, row in products]
        recent_weeks = [index[week] for week in sorted(index)[-_RECENT_WEEKS:]]
        receipts = []
        for product, _ in products:
            received = [rows[product.asin].net_received_units for rows in recent_weeks if product.asin in rows]
            receipts.append(split_evenly(max(0, round(sum(received) / len(received)))))
        found: list[DayFigures] = []
        day = last_week + timedelta(days=7)
        while day <= last:
            sales = self._stream(SALES_REPORT, "day", day)
            traffic = self._stream(TRAFFIC_REPORT, "day", day)
            margin = self._stream(MARGIN_REPORT, "day", day)
            weekday = (day - last_week).days % 7
            for position, (product, _) in enumerate(products):
                demand = round(product.weekly_demand / 7 * sales.uniform(0.7, 1.3))
                opening = levels[position]
                shipped = max(0, min(demand, opening + receipts[position][weekday]))
                ordered = demand + round(demand * sales.uniform(0, 0.05))
                returned = min(shipped, round(shipped * sales.uniform(0, 0.04)))
                business_share = sales.randint(400, 1200)
                conversion = traffic.uniform(0.05, 0.15)
                coop_rate = margin.randint(0, 800)
                levels[position] = opening + receipts[position][weekday] - shipped
                found.append(
                    DayFigures(
                        asin=product.asin,
                        day=day,
                        shipped_units=shipped,
                        ordered_units=ordered,
                        returned_units=returned,
                        glance_views=glance_views(ordered, conversion),
                        received_units=receipts[position][weekday],
                        opening_sellable=opening,
                        closing_sellable=levels[position],
                        business_share=business_share,
                        coop_rate=coop_rate,
                    )
                )
            day += timedelta(days=1)
        return found


def business_units(units: int, business_share: int) -> int:
    """Units of a day that went to business customers, rounded half up."""
    return (units * business_share + BASIS_POINTS // 2) // BASIS_POINTS


def sellable_after_hour(figures: DayFigures, hour: int) -> int:
    """Sellable units at the end of `hour` (0 to 23, UTC) of the day.

    The day's receipts are on the shelf by 06:00. Units shipped to customers or turned
    unsellable leave evenly from 06:00 to midnight, so the last hour ends at `closing_sellable`.
    """
    stocked = figures.opening_sellable
    if hour >= _RECEIPT_HOUR:
        stocked += figures.received_units
    outflow = figures.opening_sellable + figures.received_units - figures.closing_sellable
    hours_selling = 24 - _SELLING_FROM_HOUR
    left = outflow * max(0, hour + 1 - _SELLING_FROM_HOUR) // hours_selling
    return max(0, stocked - left)
