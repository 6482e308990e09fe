"""The large profile: 5,000 ASINs, 12 fulfilment centres and about 60,000 POs, generated as they are needed.

Generating 1.2 million PO lines takes longer than a client waits for its first response, so
the large profile generates one *partition* at a time: the POs one fulfilment centre
received on one calendar day. Each PO has a random stream of its own, seeded from (seed,
date, centre, position), so it comes out the same whatever order partitions are made in. A
PO number encodes its partition, so `orders.get(number)` makes just that one.

Because the streams do not depend on `today`, the sandbox of the next day shows the same
POs one day older, each a step further in its life (New, then acknowledged, then shipped,
received and closed). It also shows a day of new POs, which is what a daily run meets. Two things move with
`today` instead: the hand-built last week, and the two planted history cases.

Requests make the partitions they need; a background thread (`fill`) makes the rest,
newest first, writes the vendor's shipment export as it goes, then works out the weekly
inventory figures, the forecast and the vendor's stock, and sets `scenario.ready`. Until
then report documents stay IN_PROGRESS. Orders, once made, stay in memory, so what a
submission changes is kept.

Timeline per centre, in days before `today`:
- days 10 to 179: history, as in the small and medium profiles (acknowledged, shipped with
  an ASN, received, closed), with the short receipt and the cancellation planted once;
- days 3 to 9: acknowledged, not shipped yet;
- days 1 and 2: New, with UNCONFIRMED items;
- and, as in the other profiles, the hand-built POs of the last week with the remaining
  planted cases (a partition of its own, HAND_BUILT_SLOT of today's date).

Amazon's forecast report carries the latest forecast only: this profile generates one
forecast of 52 weeks per ASIN, where the small and medium profiles keep a year of weekly
generations so that forecast accuracy can be measured from the first run.
"""

import contextlib
import csv
import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sandbox.config import CURRENCY_CODE, MARKETPLACE_ID, VENDOR_CODE
from sandbox.generator import (
    AUTO_CLOSE_DAYS,
    FULFILMENT_CENTRES,
    PROFILE_SETTINGS,
    SHIP_FROM_PARTY_ID,
    InventoryTally,
    ProfileSettings,
    _ScenarioBuilder,
    inventory_weeks,
    make_inventory_rows,
    make_stock_rows,
)
from sandbox.identifiers import ALPHANUMERIC
from sandbox.inbox import SHIPMENTS_COLUMNS, shipment_rows, write_catalogue_and_stock
from sandbox.scenario import AsnBook, AsnRecord, OrderBook, PurchaseOrder, Scenario, Shipment

logger = logging.getLogger(__name__)

ORDERS_PER_CENTRE_DAY = (22, 33)
HISTORY_DAYS = 179  # the oldest POs, in days before today; inside Amazon's 6-month listing limit
# POs this many days old or more are shipped with an ASN. Even a late shipment leaves within
# 6.4 days of its PO, so every ASN of the history is older than acorn's 3-day ASN window.
# Younger POs wait, acknowledged, for the vendor to ship them.
HISTORY_MIN_AGE = 10
FORECAST_HORIZON_WEEKS = 52
# An order changes at most this long after its creation: Amazon closes it after AUTO_CLOSE_DAYS.
CHANGE_HORIZON = timedelta(days=AUTO_CLOSE_DAYS + 1)

EPOCH = date(2000, 1, 1)  # partitions are numbered by days since then
HAND_BUILT_SLOT = 15  # the partition slot of the hand-built week; centres use 0 to 11
_NUMBER_SPACE = 36**8
_NUMBER_MULTIPLIER = 1_743_392_200_537  # coprime with 36 (odd, not a multiple of 3): the map is a bijection
_ORDERS_PER_PARTITION = 100
_CENTRES_PER_DAY = 16
_SSCC_SERIALS_PER_PARTITION = 20_000
_SSCC_SERIALS_PER_ORDER = 200
# SSCC serials repeat after this many days, well beyond the 12 months GS1 requires.
_SSCC_DAY_CYCLE = 3000


@dataclass(frozen=True)
class LargeSettings:
    """Sizes of the lazily generated profile; tests use a smaller one."""

    profile: ProfileSettings = PROFILE_SETTINGS["large"]
    orders_per_centre_day: tuple[int, int] = ORDERS_PER_CENTRE_DAY
    history_days: int = HISTORY_DAYS
    forecast_horizon_weeks: int = FORECAST_HORIZON_WEEKS

    def __post_init__(self) -> None:
        if self.orders_per_centre_day[1] >= _ORDERS_PER_PARTITION:
            raise ValueError(f"At most {_ORDERS_PER_PARTITION - 1} POs per centre and day fit the PO number scheme.")
        if self.profile.fulfilment_centre_count >= HAND_BUILT_SLOT:
            raise ValueError(f"At most {HAND_BUILT_SLOT} fulfilment centres fit the PO number scheme.")
        if self.history_days < 7:
            raise ValueError("history_days must be at least 7: the last week is built by hand.")


Partition = tuple[int, int]  # (days since EPOCH, centre index or HAND_BUILT_SLOT)


def day_number(day: date) -> int:
    return (day - EPOCH).days


class PurchaseOrderNumbers:
    """Turn (partition, position) into an 8-character PO number and back.

    The position in an invented integer space is scrambled by an affine map modulo 36**8,
    offset by the seed, so numbers look like Amazon's and differ from seed to seed.
    """

    def __init__(self, seed: int) -> None:
        digest = hashlib.sha256(f"acorn-large-po|{seed}".encode()).digest()
        self._offset = int.from_bytes(digest[:8], "big") % _NUMBER_SPACE
        self._inverse = pow(_NUMBER_MULTIPLIER, -1, _NUMBER_SPACE)

    def encode(self, partition: Partition, position: int) -> str:
        day, centre = partition
        plain = (day * _CENTRES_PER_DAY + centre) * _ORDERS_PER_PARTITION + position
        value = (plain * _NUMBER_MULTIPLIER + self._offset) % _NUMBER_SPACE
        characters = []
        for _ in range(8):
            value, digit = divmod(value, 36)
            characters.append(ALPHANUMERIC[digit])
        return "".join(reversed(characters))

    def decode(self, number: str) -> Partition | None:
        """Return the partition of a number this scheme made, or None for any other string."""
        if len(number) != 8 or any(character not in ALPHANUMERIC for character in number):
            return None
        value = 0
        for character in number:
            value = value * 36 + ALPHANUMERIC.index(character)
        plain = ((value - self._offset) * self._inverse) % _NUMBER_SPACE
        cell, _position = divmod(plain, _ORDERS_PER_PARTITION)
        day, centre = divmod(cell, _CENTRES_PER_DAY)
        return day, centre


@dataclass
class _PartitionContent:
    orders: list[PurchaseOrder]
    shipments: list[Shipment]
    asn_records: dict[str, AsnRecord]
    receipt_shortfalls: dict[tuple[str, str], int]


class _PartitionBuilder(_ScenarioBuilder):
    """The generator's rules, run for one partition with a random stream of its own."""

    def __init__(
        self, catalogue: _ScenarioBuilder, numbers: PurchaseOrderNumbers, partition: Partition
    ) -> None:
        super().__init__(catalogue.seed, "large", catalogue.today)
        self.settings = catalogue.settings
        self.centres = catalogue.centres
        self.products = catalogue.products
        self.product_index = catalogue.product_index
        self.demand_phase = catalogue.demand_phase
        day, slot = partition
        self.rng = random.Random(f"acorn-sandbox|{self.seed}|large|{day}|{slot}")
        self.partition = partition
        self.numbers = numbers
        self.position = 0
        self.first_sscc_serial = ((day % _SSCC_DAY_CYCLE) * _CENTRES_PER_DAY + slot) * _SSCC_SERIALS_PER_PARTITION
        self.next_sscc_serial = self.first_sscc_serial

    def start_order(self, position: int) -> None:
        """Give the PO at `position` its own random stream and its own range of SSCC serials."""
        day, slot = self.partition
        self.rng = random.Random(f"acorn-sandbox|{self.seed}|large|{day}|{slot}|{position}")
        self.position = position
        self.next_sscc_serial = self.first_sscc_serial + position * _SSCC_SERIALS_PER_ORDER

    def end_order(self) -> None:
        if self.next_sscc_serial > self.first_sscc_serial + (self.position + 1) * _SSCC_SERIALS_PER_ORDER:
            raise RuntimeError(f"PO at position {self.position} of partition {self.partition} used too many SSCC serials.")

    def _order_number(self) -> str:
        number = self.numbers.encode(self.partition, self.position)
        self.position += 1
        return number

    def _shipment_id(self, order: PurchaseOrder, shipped_at: datetime) -> str:
        # One shipment per PO here, so the PO number makes the identifier unique.
        return f"ACRN-{shipped_at:%y%m%d}-{order.number}"


class LargeScenario(Scenario):
    """A Scenario whose orders, ASNs, inventory and forecast are made on demand or by `fill`.

    `shipments` stays empty: each partition's shipments go to the inbox export and are dropped.
    """

    generator: "LargeGenerator"

    def has_inventory_between(self, start: date, end: date) -> bool:
        # Known before the rows exist, so a request ends CANCELLED or not at once.
        weeks = self.generator.inventory_week_starts()
        return any(start <= week and week + timedelta(days=6) <= end for week in weeks)

    def inventory_week_starts(self) -> list[date]:
        return self.generator.inventory_week_starts()


class LazyOrderBook(OrderBook):
    """An OrderBook that makes a partition the first time one of its days or numbers is asked for."""

    def __init__(self, generator: "LargeGenerator") -> None:
        super().__init__()
        self._generator = generator
        self._read: dict[str, PurchaseOrder] = {}

    def find(self, number: str) -> PurchaseOrder | None:
        partition = self._generator.numbers.decode(number)
        if partition is not None and self._generator.has_partition(partition):
            self._generator.make(partition)
        return super().find(number)

    def get(self, number: str, default: object = None) -> object:
        order = super().get(number, default)
        if isinstance(order, PurchaseOrder):
            self._read[order.number] = order
        return order

    def created_between(self, after: datetime, before: datetime) -> list[PurchaseOrder]:
        self._generator.make_days(after.date(), before.date())
        return super().created_between(after, before)

    def touched_between(self, after: datetime, before: datetime) -> list[PurchaseOrder]:
        """Orders created up to CHANGE_HORIZON before `after`, and every order read by number."""
        found = self.created_between(after - CHANGE_HORIZON, before)
        seen = {order.number for order in found}
        found.extend(order for number, order in self._read.items() if number not in seen)
        return found

    def __len__(self) -> int:
        return self._generator.order_count

    def values(self):  # type: ignore[override]
        self._generator.make_all()
        return super().values()

    def items(self):  # type: ignore[override]
        self._generator.make_all()
        return super().items()

    def __iter__(self) -> Iterator[str]:
        self._generator.make_all()
        return super().__iter__()


class LargeGenerator:
    """Makes the large profile's partitions, once each, from any thread."""

    def __init__(self, seed: int, today: date, settings: LargeSettings = LargeSettings()) -> None:
        self.settings = settings
        self.seed = seed
        self.today = today
        self.numbers = PurchaseOrderNumbers(seed)
        self.today_number = day_number(today)
        self.hand_built = (self.today_number, HAND_BUILT_SLOT)
        self.catalogue = _ScenarioBuilder(seed, "large", today)
        self.catalogue.settings = settings.profile
        self.catalogue.centres = list(FULFILMENT_CENTRES[: settings.profile.fulfilment_centre_count])
        # The catalogue stays the same from day to day.
        self.catalogue.rng = random.Random(f"acorn-sandbox|{seed}|large|catalogue")
        self.catalogue._make_products()
        # One pool for POs of every age, so a PO keeps its lines as it ages.
        self.pool = [product for product in self.catalogue.products if product.in_catalogue and not product.is_discontinued]
        self._lock = threading.RLock()
        self._orders_made: dict[Partition, list[PurchaseOrder]] = {}
        self._unwritten: dict[Partition, list[Shipment]] = {}
        self.order_count = sum(self._order_count(partition) for partition in self.partitions()) + self._recent_count()
        self.scenario = self._scenario()

    # -- partitions -------------------------------------------------------------------

    def partitions(self) -> list[Partition]:
        """Return every partition, newest first: the hand-built last week, then each day and centre."""
        centres = range(self.settings.profile.fulfilment_centre_count)
        days = range(self.today_number - 1, self.today_number - self.settings.history_days - 1, -1)
        return [self.hand_built] + [(day, centre) for day in days for centre in centres]

    def has_partition(self, partition: Partition) -> bool:
        day, slot = partition
        if slot == HAND_BUILT_SLOT:
            return partition == self.hand_built
        age = self.today_number - day
        return 1 <= age <= self.settings.history_days and 0 <= slot < self.settings.profile.fulfilment_centre_count

    def _order_count(self, partition: Partition) -> int:
        if partition == self.hand_built:
            return 0  # counted by _recent_count
        rng = random.Random(f"acorn-sandbox|{self.seed}|large|{partition[0]}|{partition[1]}|count")
        return rng.randint(*self.settings.orders_per_centre_day)

    def _recent_count(self) -> int:
        # The hand-built week (see generator._make_recent_orders): 7 POs, plus one per centre from the fourth on.
        return 7 + max(0, self.settings.profile.fulfilment_centre_count - 3)

    def make(self, partition: Partition) -> None:
        with self._lock:
            if partition in self._orders_made:
                return
            content = self._build(partition)
            for order in content.orders:
                self.scenario.orders.add(order)
            for record in content.asn_records.values():
                self.scenario.asn_records[record.shipment_identifier] = record
            self.scenario.receipt_shortfalls.update(content.receipt_shortfalls)
            self._unwritten[partition] = content.shipments
            self._orders_made[partition] = content.orders

    def make_days(self, first: date, last: date) -> None:
        """Make every partition whose POs were created from `first` to `last`."""
        newest = max(0, (self.today - last).days)
        oldest = min(self.settings.history_days, (self.today - first).days)
        if newest <= 6:
            self.make(self.hand_built)
        for age in range(max(1, newest), oldest + 1):
            for centre in range(self.settings.profile.fulfilment_centre_count):
                self.make((self.today_number - age, centre))

    def make_all(self) -> None:
        for partition in self.partitions():
            self.make(partition)

    def stream(self) -> Iterator[tuple[list[PurchaseOrder], list[Shipment]]]:
        """Yield each partition's orders and shipments, made afresh and not kept, to write the whole profile out."""
        for partition in self.partitions():
            content = self._build(partition)
            yield content.orders, content.shipments

    def _build(self, partition: Partition) -> _PartitionContent:
        builder = _PartitionBuilder(self.catalogue, self.numbers, partition)
        day, centre = partition
        if partition == self.hand_built:
            builder._make_recent_orders()
        else:
            age = self.today_number - day
            for position in range(self._order_count(partition)):
                builder.start_order(position)
                created_on = EPOCH + timedelta(days=day)
                hour, minute = builder.rng.randint(5, 20), builder.rng.randint(0, 59)
                created = datetime(created_on.year, created_on.month, created_on.day, hour, minute, tzinfo=UTC)
                if age >= HISTORY_MIN_AGE:
                    # A late shipment (3 days more) is drawn for every PO, so a PO ships the same whatever its age.
                    may_plant = position == 0 and age in (35, 21)
                    builder._make_history_order(centre, created, max(2, age // 7), self.pool, may_plant)
                else:
                    order = builder._new_order(self.catalogue.centres[centre], created, self.pool)
                    if age >= 3:
                        builder._acknowledge_history(order, {})
                builder.end_order()
        return _PartitionContent(list(builder.orders.values()), builder.shipments, builder.asn_records, builder.receipt_shortfalls)

    # -- the whole scenario -----------------------------------------------------------

    def _scenario(self) -> LargeScenario:
        ready = threading.Event()
        scenario = LargeScenario(
            seed=self.seed,
            profile="large",
            today=self.today,
            vendor_code=VENDOR_CODE,
            currency_code=CURRENCY_CODE,
            marketplace_id=MARKETPLACE_ID,
            ship_from_party_id=SHIP_FROM_PARTY_ID,
            products=self.catalogue.products,
            fulfilment_centres=self.catalogue.centres,
            orders=LazyOrderBook(self),
            shipments=[],
            asn_records=AsnBook(),
            receipt_shortfalls={},
            forecasts=[],
            forecast_generation_dates=[],
            inventory=[],
            stock=[],
            ready=ready,
        )
        scenario.generator = self
        return scenario

    def inventory_week_starts(self) -> list[date]:
        return inventory_weeks(self.today - timedelta(days=self.settings.history_days), self.today)

    def fill(self, inbox_dir: Path | None) -> None:
        """Make every partition, write the inbox, then the report rows; set `scenario.ready` at the end."""
        started = time.perf_counter()
        weeks = self.inventory_week_starts()
        tally = InventoryTally(weeks)
        shipped_keys: set[tuple[str, str]] = set()
        with _shipments_export(inbox_dir) as write_rows:
            for partition in self.partitions():
                self.make(partition)
                with self._lock:
                    shipments = self._unwritten.pop(partition, [])
                    orders = self._orders_made[partition]
                for order in orders:
                    tally.add(order)
                for shipment in shipments:
                    shipped_keys.update(shipment.eaches_by_line())
                write_rows(shipment_rows(shipments))

        scenario = self.scenario
        stock_rng = self._rng(f"stock|{self.today.isoformat()}")
        scenario.stock = make_stock_rows(stock_rng, self.catalogue.products, self.today, self._reserved(shipped_keys))
        if inbox_dir is not None:
            write_catalogue_and_stock(scenario, inbox_dir)
        inventory_rng = self._rng(f"inventory|{self.today.isoformat()}")
        scenario.inventory = make_inventory_rows(
            inventory_rng, self.catalogue.products, weeks, tally, self.catalogue._weekly_demand
        )

        forecaster = _PartitionBuilder(self.catalogue, self.numbers, self.hand_built)
        latest_sunday = self.today - timedelta(days=(self.today.weekday() + 1) % 7)
        forecaster.rng = self._rng(f"forecast|{latest_sunday.isoformat()}")
        scenario.forecast_generation_dates, scenario.forecasts = forecaster._make_forecasts(
            generation_count=1, horizon_weeks=self.settings.forecast_horizon_weeks
        )
        scenario.ready.set()
        logger.info(
            "Large profile ready in %.1f s: %d POs, %d inventory rows, %d forecast rows",
            time.perf_counter() - started,
            self.order_count,
            len(scenario.inventory),
            len(scenario.forecasts),
        )

    def _rng(self, purpose: str) -> random.Random:
        return random.Random(f"acorn-sandbox|{self.seed}|large|{purpose}")

    def _reserved(self, shipped_keys: set[tuple[str, str]]) -> dict[str, int]:
        """Eaches the vendor holds for acknowledged POs it has not shipped, by vendor SKU."""
        reserved: dict[str, int] = {}
        for orders in self._orders_made.values():
            for order in orders:
                if order.state != "Acknowledged":
                    continue
                for line in order.lines:
                    if (order.number, line.item_sequence_number) not in shipped_keys:
                        reserved[line.vendor_sku] = reserved.get(line.vendor_sku, 0) + line.expected_eaches
        return reserved


@contextlib.contextmanager
def _shipments_export(inbox_dir: Path | None) -> Iterator[Callable[[list[tuple[object, ...]]], None]]:
    """Yield a function that appends rows to `inbox_dir/shipments.csv`, or drops them without an inbox.

    Rows go to a `.partial` file that takes the real name only once every row is written.
    """
    if inbox_dir is None:
        yield lambda rows: None
        return
    inbox_dir.mkdir(parents=True, exist_ok=True)
    path = inbox_dir / "shipments.csv"
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SHIPMENTS_COLUMNS)
        yield writer.writerows
    partial.replace(path)


def start_large(seed: int, today: date, inbox_dir: Path | None, settings: LargeSettings = LargeSettings()) -> LargeScenario:
    """Return the large scenario at once and fill it in on a daemon thread."""
    generator = LargeGenerator(seed, today, settings)
    thread = threading.Thread(target=generator.fill, args=(inbox_dir,), name="acorn-sandbox-large", daemon=True)
    thread.start()
    return generator.scenario
