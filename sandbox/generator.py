"""Seeded generator of a sandbox scenario, deterministic for one (seed, profile, today).

Timeline, with T = `today` (all generated moments fall on days before T):
- History: one purchase order per fulfilment centre per week for `weeks - 1` weeks.
  Each is acknowledged a day after creation (mostly accepted, some partly accepted or
  rejected) and shipped about 3 days later with an ASN. It is received 2 to 4 days after
  shipping, and some receipts are late, short or over. A PO closes when every line is
  complete, or 42 days after creation, because Amazon closes old POs even when short.
- The last week, built by hand. Three acknowledged POs were shipped in the last 3 days
  and their ASNs are not sent yet. One acknowledged PO is not shipped yet. The changed
  PO and the POs of the last 2 days are New, with UNCONFIRMED items.

Planted cases, tagged on their PO lines (see `PLANTED_TAGS`):
- `short_receipt`: 10 Cases of 12 acknowledged and shipped in 10 cartons 5 weeks ago,
  115 eaches received (PARTIALLY_RECEIVED), so the PO is still Acknowledged.
- `price_mismatch`: the line, in a recent shipment without an ASN, of the ASIN whose POs
  cost 8.50 while the vendor catalogue lists 8.75. Older lines of that ASIN have the same
  difference but carry no tag; the other two recent shipments without an ASN leave it out.
- `cancelled`: 48 Eaches ordered, 12 cancelled by Amazon before the acknowledgement.
- `changed_po`: every line of a New PO that Amazon changed a day ago (one line went
  from 12 to 8 Cases).
- `unknown_asin` and `discontinued`: a line on a New PO whose ASIN is missing from the
  catalogue, and one whose catalogue row is discontinued.
- `recent_shipment_short`: 6 Cases shipped yesterday without an ASN; when its ASN
  succeeds the sandbox receives one case less.

Packing: the cartons of a LessThanTruckLoad or TruckLoad shipment travel on pallets of up
to `PALLET_CARTONS` cartons. Every fifth product of the catalogue is perishable, so its
cartons carry a lot number and an expiry date `SHELF_LIFE_DAYS` after the ship date. Both
are derived from the shipment without drawing random numbers, so the rest of the data is the
same as without them.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sandbox.config import CURRENCY_CODE, MARKETPLACE_ID, VENDOR_CODE
from sandbox.identifiers import make_sscc, random_asin, random_purchase_order_number
from sandbox.scenario import (
    CASES,
    EACHES,
    AsnRecord,
    CartonContent,
    ForecastRow,
    FulfilmentCentre,
    InventoryRow,
    OrderLine,
    Product,
    PurchaseOrder,
    Scenario,
    Shipment,
    StockRow,
)

TAG_SHORT_RECEIPT = "short_receipt"
TAG_PRICE_MISMATCH = "price_mismatch"
TAG_CANCELLED = "cancelled"
TAG_CHANGED_PO = "changed_po"
TAG_UNKNOWN_ASIN = "unknown_asin"
TAG_DISCONTINUED = "discontinued"
TAG_RECENT_SHIPMENT_SHORT = "recent_shipment_short"
PLANTED_TAGS = (
    TAG_SHORT_RECEIPT,
    TAG_PRICE_MISMATCH,
    TAG_CANCELLED,
    TAG_CHANGED_PO,
    TAG_UNKNOWN_ASIN,
    TAG_DISCONTINUED,
    TAG_RECENT_SHIPMENT_SHORT,
)

SHIP_FROM_PARTY_ID = "ACRNONT1"  # the vendor's warehouse code
AUTO_CLOSE_DAYS = 42
# Shipments of the last days that the vendor still has to confirm; acorn's asn_lookback_days is the same.
VENDOR_ASN_DAYS = 3
FORECAST_WEEKS = 26
# Amazon publishes a week's inventory figures about 72 hours after the week ends.
INVENTORY_PUBLICATION_LAG_DAYS = 3

CENT = Decimal("0.01")

# Cities are where these Amazon sites are; street addresses are invented.
FULFILMENT_CENTRES = (
    FulfilmentCentre("ABE2", "Breinigsville", "PA", "18031", "100 Sandbox Commerce Way"),
    FulfilmentCentre("PHX7", "Phoenix", "AZ", "85043", "200 Sandbox Commerce Way"),
    FulfilmentCentre("SBD1", "Bloomington", "CA", "92316", "300 Sandbox Commerce Way"),
    FulfilmentCentre("MDW2", "Joliet", "IL", "60433", "400 Sandbox Commerce Way"),
    FulfilmentCentre("BFI4", "Kent", "WA", "98032", "500 Sandbox Commerce Way"),
    FulfilmentCentre("TPA1", "Ruskin", "FL", "33570", "600 Sandbox Commerce Way"),
    FulfilmentCentre("ONT8", "Moreno Valley", "CA", "92551", "700 Sandbox Commerce Way"),
    FulfilmentCentre("DFW7", "Fort Worth", "TX", "76177", "800 Sandbox Commerce Way"),
    FulfilmentCentre("ATL6", "East Point", "GA", "30344", "900 Sandbox Commerce Way"),
    FulfilmentCentre("CLT2", "Charlotte", "NC", "28214", "1000 Sandbox Commerce Way"),
    FulfilmentCentre("IND9", "Greenwood", "IN", "46143", "1100 Sandbox Commerce Way"),
    FulfilmentCentre("BWI2", "Baltimore", "MD", "21224", "1200 Sandbox Commerce Way"),
)

_MATERIALS = ("Bamboo", "Stainless Steel", "Ceramic", "Cast Iron", "Silicone", "Glass", "Oak", "Copper")
_ITEMS = (
    "Cutting Board",
    "Mixing Bowl Set",
    "Skillet",
    "Spatula Set",
    "Storage Jar",
    "Tea Kettle",
    "Knife Block",
    "Serving Tray",
    "Measuring Cups",
    "Colander",
    "Salad Spinner",
    "Spice Rack",
)
_VARIANTS = ("", " (Large)", " (Set of 2)")

# A shipment of more cartons than this goes as freight (LTL or TruckLoad), on pallets.
SMALL_PARCEL_CARTONS = 6
# Cartons per pallet in a palletised shipment, and days from shipping to the expiry of a perishable.
PALLET_CARTONS = 20
SHELF_LIFE_DAYS = 540
# Every product at a position with this remainder (mod 5) is perishable.
_PERISHABLE_REMAINDER = 4

# Positions of the planted products in the catalogue (negative: from the end).
_PRICE_MISMATCH_PRODUCT = 0
_SHORT_RECEIPT_PRODUCT = 1
_CANCELLED_PRODUCT = 2
_CHANGED_PRODUCT = 3
_RECENT_SHORT_PRODUCT = 4
_DISCONTINUED_PRODUCT = -2
_UNKNOWN_PRODUCT = -1


@dataclass(frozen=True)
class ProfileSettings:
    product_count: int
    fulfilment_centre_count: int
    weeks: int
    lines_per_order: tuple[int, int]


PROFILE_SETTINGS = {
    "small": ProfileSettings(product_count=12, fulfilment_centre_count=3, weeks=13, lines_per_order=(4, 7)),
    "medium": ProfileSettings(product_count=200, fulfilment_centre_count=6, weeks=26, lines_per_order=(20, 40)),
    # Generated a partition at a time by sandbox/large.py.
    "large": ProfileSettings(product_count=5000, fulfilment_centre_count=12, weeks=26, lines_per_order=(15, 25)),
}
EAGER_PROFILES = ("small", "medium")


def generate_scenario(seed: int, profile: str, today: date) -> Scenario:
    """Generate the scenario for a seed, a profile (`small` or `medium`) and the day it is `today`."""
    if profile not in EAGER_PROFILES:
        hint = " The large profile is generated lazily: use sandbox.large.start_large." if profile == "large" else ""
        raise ValueError(f"Unknown sandbox profile {profile!r}; use one of {', '.join(EAGER_PROFILES)}.{hint}")
    return _ScenarioBuilder(seed, profile, today).build()


class _ScenarioBuilder:
    def __init__(self, seed: int, profile: str, today: date) -> None:
        self.seed = seed
        self.profile = profile
        self.today = today
        self.settings = PROFILE_SETTINGS[profile]
        # Seeding with a string is stable across Python runs (it is hashed with SHA-512).
        self.rng = random.Random(f"acorn-sandbox|{seed}|{profile}|{today.isoformat()}")
        self.centres = list(FULFILMENT_CENTRES[: self.settings.fulfilment_centre_count])
        self.products: list[Product] = []
        self.product_index: dict[str, int] = {}
        self.demand_phase: dict[str, float] = {}
        self.orders: dict[str, PurchaseOrder] = {}
        self.shipments: list[Shipment] = []
        self.asn_records: dict[str, AsnRecord] = {}
        self.receipt_shortfalls: dict[tuple[str, str], int] = {}
        self.next_sscc_serial = self.rng.randint(100, 999) * 100_000
        self.shipment_count = 0

    def build(self) -> Scenario:
        self._make_products()
        self._make_history()
        self._make_recent_orders()
        ordered = sorted(self.orders.values(), key=lambda order: (order.purchase_order_date, order.number))
        generation_dates, forecasts = self._make_forecasts()
        return Scenario(
            seed=self.seed,
            profile=self.profile,
            today=self.today,
            vendor_code=VENDOR_CODE,
            currency_code=CURRENCY_CODE,
            marketplace_id=MARKETPLACE_ID,
            ship_from_party_id=SHIP_FROM_PARTY_ID,
            products=self.products,
            fulfilment_centres=self.centres,
            orders={order.number: order for order in ordered},
            shipments=self.shipments,
            asn_records=self.asn_records,
            receipt_shortfalls=self.receipt_shortfalls,
            forecasts=forecasts,
            forecast_generation_dates=generation_dates,
            inventory=self._make_inventory(),
            stock=self._make_stock(),
        )

    # -- helpers -----------------------------------------------------------------

    def _moment(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.today - timedelta(days=days_ago), time(hour, minute), UTC)

    def _latest_generated_moment(self) -> datetime:
        return self._moment(1, 22)

    def _weekly_demand(self, product: Product, day: date) -> float:
        season = math.sin(2 * math.pi * day.toordinal() / 364 + self.demand_phase[product.asin])
        return product.weekly_demand * (1 + 0.2 * season)

    def _planted(self, position: int) -> Product:
        return self.products[position]

    # -- catalogue ---------------------------------------------------------------

    def _make_products(self) -> None:
        rng = self.rng
        seen: set[str] = set()
        for index in range(self.settings.product_count):
            asin = random_asin(rng)
            while asin in seen:
                asin = random_asin(rng)
            seen.add(asin)
            case_size = (12, 12, 6)[index] if index < 3 else (6, 12, 24)[index % 3]
            order_cost = Decimal(rng.randint(250, 4200)).scaleb(-2)
            list_price = (order_cost * Decimal(rng.randint(160, 220)) / 100).quantize(CENT)
            material = _MATERIALS[index % len(_MATERIALS)]
            item = _ITEMS[(index // len(_MATERIALS)) % len(_ITEMS)]
            variant = _VARIANTS[(index // (len(_MATERIALS) * len(_ITEMS))) % len(_VARIANTS)]
            product = Product(
                asin=asin,
                vendor_sku=f"ACR-{1001 + index}",
                title=f"Acorn Home {material} {item}{variant}",
                case_size=case_size,
                order_cost=order_cost,
                catalogue_cost=order_cost,
                list_price=list_price,
                lead_time_days=rng.choice((5, 7, 10, 14)),
                weekly_demand=rng.randint(24, 300),
                requires_lot_and_expiry=index % 5 == _PERISHABLE_REMAINDER,
            )
            self.products.append(product)
            self.product_index[asin] = index
            self.demand_phase[asin] = rng.uniform(0, 2 * math.pi)

        mismatch = self._planted(_PRICE_MISMATCH_PRODUCT)
        mismatch.order_cost = Decimal("8.50")
        mismatch.catalogue_cost = Decimal("8.75")
        mismatch.list_price = Decimal("15.99")
        self._planted(_DISCONTINUED_PRODUCT).is_discontinued = True
        self._planted(_UNKNOWN_PRODUCT).in_catalogue = False

    # -- purchase orders ---------------------------------------------------------

    def _new_order(
        self,
        centre: FulfilmentCentre,
        created: datetime,
        pool: list[Product],
        required: tuple[Product, ...] = (),
    ) -> PurchaseOrder:
        rng = self.rng
        number = self._order_number()

        line_count = rng.randint(*self.settings.lines_per_order)
        candidates = [product for product in pool if product not in required] if required else pool
        extra = max(0, min(len(candidates), line_count - len(required)))
        chosen = list(required) + rng.sample(candidates, extra)
        chosen.sort(key=lambda product: self.product_index[product.asin])
        lines = [self._new_line(str(position + 1), product, created) for position, product in enumerate(chosen)]

        day = created.date()
        order = PurchaseOrder(
            number=number,
            ship_to=centre.code,
            purchase_order_date=created,
            ship_window=(self._at(day + timedelta(days=2)), self._at(day + timedelta(days=6))),
            delivery_window=(self._at(day + timedelta(days=5)), self._at(day + timedelta(days=12))),
            lines=lines,
            state="New",
            state_changed_at=created,
            last_updated_at=created,
        )
        self.orders[number] = order
        return order

    def _order_number(self) -> str:
        number = random_purchase_order_number(self.rng)
        while number in self.orders:
            number = random_purchase_order_number(self.rng)
        return number

    def _shipment_id(self, order: PurchaseOrder, shipped_at: datetime) -> str:
        return f"ACRN-{shipped_at:%y%m%d}-{self.shipment_count:04d}"

    @staticmethod
    def _at(day: date) -> datetime:
        return datetime.combine(day, time(7, 0), UTC)

    def _new_line(self, item_sequence_number: str, product: Product, created: datetime) -> OrderLine:
        rng = self.rng
        per_centre = self._weekly_demand(product, created.date()) / len(self.centres)
        target = per_centre * rng.uniform(0.7, 1.3)
        if rng.random() < 0.5:
            unit_of_measure, unit_size = CASES, product.case_size
            amount = max(1, round(target / product.case_size))
        else:
            unit_of_measure, unit_size = EACHES, 1
            amount = max(1, round(target))
        return OrderLine(
            item_sequence_number=item_sequence_number,
            asin=product.asin,
            vendor_sku=product.vendor_sku,
            unit_of_measure=unit_of_measure,
            unit_size=unit_size,
            ordered_amount=amount,
            net_cost=product.order_cost,
            list_price=product.list_price,
            is_back_order_allowed=rng.random() < 0.7,
        )

    def _line_for(self, order: PurchaseOrder, product: Product) -> OrderLine:
        for line in order.lines:
            if line.asin == product.asin:
                return line
        raise LookupError(f"PO {order.number} has no line for ASIN {product.asin}.")

    @staticmethod
    def _set_quantity(line: OrderLine, unit_of_measure: str, unit_size: int, amount: int) -> None:
        line.unit_of_measure = unit_of_measure
        line.unit_size = unit_size
        line.ordered_amount = amount

    @staticmethod
    def _record_acknowledgement(line: OrderLine, accepted_amount: int, acknowledged_at: datetime) -> None:
        line.accepted_eaches = line.eaches(accepted_amount)
        line.rejected_eaches = line.eaches(line.open_amount - accepted_amount)
        line.acknowledged_at = acknowledged_at
        if accepted_amount >= line.open_amount:
            line.confirmation_status = "ACCEPTED"
        elif accepted_amount == 0:
            line.confirmation_status = "REJECTED"
        else:
            line.confirmation_status = "PARTIALLY_ACCEPTED"

    @staticmethod
    def _mark_acknowledged(order: PurchaseOrder, acknowledged_at: datetime) -> None:
        order.state = "Acknowledged"
        order.state_changed_at = acknowledged_at
        order.touch(acknowledged_at)

    # -- history -----------------------------------------------------------------

    def _make_history(self) -> None:
        history_pool = [product for product in self.products if product.in_catalogue]
        for weeks_ago in range(self.settings.weeks - 1, 0, -1):
            for centre_index, centre in enumerate(self.centres):
                created = self._moment(7 * weeks_ago + centre_index % 3, self.rng.randint(5, 11), self.rng.randint(0, 59))
                self._make_history_order(centre_index, created, weeks_ago, history_pool, may_plant=True)

    def _make_history_order(
        self, centre_index: int, created: datetime, weeks_ago: int, pool: list[Product], may_plant: bool
    ) -> PurchaseOrder:
        """Create a PO at `created` and play its whole life: acknowledgement, shipment, receipts, closing.

        With `may_plant`, the PO of the first centre 5 weeks ago carries the short receipt and
        the PO of the second centre 3 weeks ago the cancellation.
        """
        centre_count = len(self.centres)
        planted: dict[str, str] = {}
        required: tuple[Product, ...] = ()
        if may_plant and weeks_ago == 5 and centre_index == 0:
            required = (self._planted(_SHORT_RECEIPT_PRODUCT),)
        elif may_plant and weeks_ago == 3 and centre_index == 1 % centre_count:
            required = (self._planted(_CANCELLED_PRODUCT),)
        order = self._new_order(self.centres[centre_index], created, pool, required)
        if required:
            line = self._line_for(order, required[0])
            if required[0] is self._planted(_SHORT_RECEIPT_PRODUCT):
                self._set_quantity(line, CASES, 12, 10)
                planted[line.item_sequence_number] = TAG_SHORT_RECEIPT
            else:
                self._set_quantity(line, EACHES, 1, 48)
                line.cancelled_amount = 12
                line.cancelled_at = created + timedelta(hours=10)
                order.touch(line.cancelled_at)
                planted[line.item_sequence_number] = TAG_CANCELLED
            line.tags.append(planted[line.item_sequence_number])
        self._acknowledge_history(order, planted)
        self._ship_and_receive_history(order, weeks_ago, planted)
        self._close_history_order(order)
        return order

    def _acknowledge_history(self, order: PurchaseOrder, planted: dict[str, str]) -> None:
        rng = self.rng
        acknowledged_at = order.purchase_order_date + timedelta(days=1, hours=rng.randint(0, 6), minutes=rng.randint(0, 59))
        for line in order.lines:
            roll = rng.random()
            cancel_roll = rng.random()
            if line.item_sequence_number in planted:
                self._record_acknowledgement(line, line.open_amount, acknowledged_at)
                continue
            if roll < 0.05:
                accepted = 0
            elif roll < 0.15 and line.open_amount > 1:
                accepted = rng.randint(max(1, line.open_amount // 2), line.open_amount - 1)
            else:
                accepted = line.open_amount
            self._record_acknowledgement(line, accepted, acknowledged_at)
            # Amazon cancels a few accepted lines in full after the acknowledgement.
            if accepted > 0 and cancel_roll < 0.03:
                line.cancelled_amount = line.ordered_amount
                line.cancelled_at = acknowledged_at + timedelta(days=1)
                order.touch(line.cancelled_at)
        self._mark_acknowledged(order, acknowledged_at)

    def _ship_and_receive_history(self, order: PurchaseOrder, weeks_ago: int, planted: dict[str, str]) -> None:
        rng = self.rng
        shipped_at = order.purchase_order_date + timedelta(days=3, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
        if weeks_ago >= 2 and rng.random() < 0.08:
            shipped_at += timedelta(days=3)

        plan: list[tuple[OrderLine, int]] = []
        for line in order.lines:
            short_roll = rng.random()
            amount = min(line.accepted_eaches // line.unit_size, line.open_amount)
            if line.item_sequence_number not in planted and amount > 1 and short_roll < 0.05:
                amount -= 1 if line.unit_of_measure == CASES else rng.randint(1, min(5, amount - 1))
            plan.append((line, amount))
        # A shipment that left within the days acorn confirms by default is the vendor's to
        # confirm, so the sandbox has no ASN for it yet (else acorn's ASN is a duplicate).
        recent = shipped_at.date() >= self.today - timedelta(days=VENDOR_ASN_DAYS)
        shipment = self._make_shipment(order, shipped_at, plan, asn_sent=not recent)
        if shipment is None:
            return

        latest = self._latest_generated_moment()
        for (_, item_sequence_number), eaches in shipment.eaches_by_line().items():
            order_line = order.line(item_sequence_number)
            assert order_line is not None
            received = self._received_quantity(order_line, eaches, planted)
            delay = timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 10))
            if rng.random() < 0.1 and order_line.item_sequence_number not in planted:
                delay = timedelta(days=rng.randint(9, 12), hours=rng.randint(0, 10))
            received_at = min(shipped_at + delay, latest)
            if received_at < shipped_at + timedelta(hours=1):
                continue  # still in transit
            order_line.received_eaches = received
            order_line.last_received_at = received_at
            order.touch(received_at)

    def _received_quantity(self, line: OrderLine, shipped_eaches: int, planted: dict[str, str]) -> int:
        rng = self.rng
        roll = rng.random()
        if planted.get(line.item_sequence_number) == TAG_SHORT_RECEIPT:
            return shipped_eaches - 5
        if line.item_sequence_number in planted:
            return shipped_eaches
        if roll < 0.06:
            shortfall = rng.choice((1, 2, line.unit_size))
            return max(0, shipped_eaches - shortfall)
        if roll < 0.10:
            return shipped_eaches + (line.unit_size if line.unit_of_measure == CASES else rng.randint(1, 3))
        return shipped_eaches

    def _close_history_order(self, order: PurchaseOrder) -> None:
        if all(line.is_complete for line in order.lines):
            moments = [line.last_received_at for line in order.lines if line.last_received_at is not None]
            closed_at = max(moments) if moments else order.state_changed_at
        else:
            closed_at = order.purchase_order_date + timedelta(days=AUTO_CLOSE_DAYS)
            if closed_at > self._latest_generated_moment():
                return
        assert closed_at is not None
        order.state = "Closed"
        order.state_changed_at = closed_at
        order.touch(closed_at)

    # -- shipments ---------------------------------------------------------------

    def _make_shipment(
        self,
        order: PurchaseOrder,
        shipped_at: datetime,
        plan: list[tuple[OrderLine, int]],
        asn_sent: bool,
    ) -> Shipment | None:
        """Pack the planned amounts (in each line's ordered unit) into single-line cartons."""
        rng = self.rng
        packed: list[tuple[OrderLine, int]] = []
        for line, amount in plan:
            if amount <= 0:
                continue
            if line.unit_of_measure == CASES:
                packs = [1] * amount
            else:
                case_size = self.products[self.product_index[line.asin]].case_size
                packs = [case_size] * (amount // case_size) + ([amount % case_size] if amount % case_size else [])
            packed.extend((line, quantity) for quantity in packs)
        if not packed:
            return None
        contents = self._cartons(order, shipped_at, packed, palletised=len(packed) > SMALL_PARCEL_CARTONS)

        self.shipment_count += 1
        shipment_id = self._shipment_id(order, shipped_at)
        carton_count = len(contents)
        if carton_count <= SMALL_PARCEL_CARTONS:
            shipment_type, carrier = "SmallParcel", "UPSN"
            reference = "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
            bill_of_lading = ""
        else:
            shipment_type = "LessThanTruckLoad" if carton_count <= 60 else "TruckLoad"
            carrier = rng.choice(("ODFL", "SAIA", "FXFE")) if shipment_type == "LessThanTruckLoad" else "SNDB"
            reference = str(rng.randint(10**9, 10**10 - 1))
            bill_of_lading = f"ACRNBOL{rng.randint(10**7, 10**8 - 1)}"
        shipment = Shipment(
            shipment_id=shipment_id,
            ship_date=shipped_at,
            shipment_type=shipment_type,
            carrier_scac=carrier,
            carrier_reference=reference,
            bill_of_lading_number=bill_of_lading,
            ship_from=SHIP_FROM_PARTY_ID,
            ship_to=order.ship_to,
            contents=contents,
        )
        if asn_sent:
            shipment.asn_submitted_at = shipped_at + timedelta(minutes=20)
            self.asn_records[shipment.shipment_id] = AsnRecord(
                shipment_identifier=shipment.shipment_id,
                selling_party_id=VENDOR_CODE,
                submitted_at=shipment.asn_submitted_at,
                eaches_by_line=shipment.eaches_by_line(),
            )
        self.shipments.append(shipment)
        return shipment

    def _cartons(
        self, order: PurchaseOrder, shipped_at: datetime, packed: list[tuple[OrderLine, int]], palletised: bool
    ) -> list[CartonContent]:
        """Make one carton per (line, quantity), on pallets of PALLET_CARTONS in order when palletised.

        A pallet's SSCC is that of its first carton with extension digit 1 instead of 0, so it
        is as unique as the cartons' and shares no number with them. Perishables get a lot
        number and an expiry date.
        """
        cartons = []
        pallet_id = ""
        for position, (line, quantity) in enumerate(packed):
            self.next_sscc_serial += 1
            if palletised and position % PALLET_CARTONS == 0:
                pallet_id = make_sscc(self.next_sscc_serial, extension_digit=1)
            index = self.product_index[line.asin]
            perishable = self.products[index].requires_lot_and_expiry
            cartons.append(
                CartonContent(
                    carton_id=make_sscc(self.next_sscc_serial),
                    purchase_order_number=order.number,
                    item_sequence_number=line.item_sequence_number,
                    asin=line.asin,
                    vendor_sku=line.vendor_sku,
                    quantity=quantity,
                    unit_of_measure=line.unit_of_measure,
                    unit_size=line.unit_size,
                    pallet_id=pallet_id,
                    lot_number=f"L{shipped_at:%y%m%d}{index:04d}" if perishable else "",
                    expiry_date=shipped_at.date() + timedelta(days=SHELF_LIFE_DAYS) if perishable else None,
                )
            )
        return cartons

    # -- the last week -----------------------------------------------------------

    def _acknowledge_in_full(self, order: PurchaseOrder, acknowledged_at: datetime) -> None:
        for line in order.lines:
            self._record_acknowledgement(line, line.open_amount, acknowledged_at)
        self._mark_acknowledged(order, acknowledged_at)

    def _ship_in_full_without_asn(self, order: PurchaseOrder, shipped_at: datetime) -> None:
        self._make_shipment(order, shipped_at, [(line, line.open_amount) for line in order.lines], asn_sent=False)

    def _make_recent_orders(self) -> None:
        centres = self.centres
        count = len(centres)
        pool = [product for product in self.products if product.in_catalogue and not product.is_discontinued]

        mismatch_product = self._planted(_PRICE_MISMATCH_PRODUCT)
        mismatch_order = self._new_order(centres[0], self._moment(6, 9, 15), pool, (mismatch_product,))
        self._line_for(mismatch_order, mismatch_product).tags.append(TAG_PRICE_MISMATCH)
        self._acknowledge_in_full(mismatch_order, self._moment(5, 10, 0))
        self._ship_in_full_without_asn(mismatch_order, self._moment(2, 15, 30))

        short_product = self._planted(_RECENT_SHORT_PRODUCT)
        # The other two recent shipments leave out the mismatched ASIN, so their invoices can go
        # through while the planted one is held.
        clean_pool = [product for product in pool if product is not mismatch_product]
        short_order = self._new_order(centres[1 % count], self._moment(5, 8, 40), clean_pool, (short_product,))
        short_line = self._line_for(short_order, short_product)
        self._set_quantity(short_line, CASES, short_product.case_size, 6)
        short_line.tags.append(TAG_RECENT_SHIPMENT_SHORT)
        self._acknowledge_in_full(short_order, self._moment(4, 11, 0))
        self._ship_in_full_without_asn(short_order, self._moment(1, 14, 0))
        self.receipt_shortfalls[(short_order.number, short_line.item_sequence_number)] = short_line.unit_size

        plain_order = self._new_order(centres[2 % count], self._moment(5, 13, 20), clean_pool)
        self._acknowledge_in_full(plain_order, self._moment(4, 15, 0))
        self._ship_in_full_without_asn(plain_order, self._moment(2, 10, 45))

        unshipped_order = self._new_order(centres[0], self._moment(4, 7, 30), pool)
        self._acknowledge_in_full(unshipped_order, self._moment(3, 9, 0))

        changed_product = self._planted(_CHANGED_PRODUCT)
        changed_order = self._new_order(centres[1 % count], self._moment(4, 12, 10), pool, (changed_product,))
        changed_line = self._line_for(changed_order, changed_product)
        self._set_quantity(changed_line, CASES, changed_product.case_size, 8)
        changed_line.ordered_amount_before_change = 12
        changed_line.quantity_changed_at = self._moment(1, 16, 20)
        changed_order.changed_at = changed_line.quantity_changed_at
        changed_order.touch(changed_order.changed_at)
        for line in changed_order.lines:
            line.tags.append(TAG_CHANGED_PO)

        unknown_product = self._planted(_UNKNOWN_PRODUCT)
        unknown_order = self._new_order(centres[2 % count], self._moment(2, 6, 50), pool, (unknown_product,))
        self._line_for(unknown_order, unknown_product).tags.append(TAG_UNKNOWN_ASIN)

        discontinued_product = self._planted(_DISCONTINUED_PRODUCT)
        discontinued_order = self._new_order(centres[0], self._moment(1, 10, 5), pool, (discontinued_product,))
        self._line_for(discontinued_order, discontinued_product).tags.append(TAG_DISCONTINUED)

        for centre_index in range(3, count):
            self._new_order(centres[centre_index], self._moment(1 + centre_index % 3, 8 + centre_index), pool)

    # -- forecasts, inventory, stock --------------------------------------------

    def _make_forecasts(
        self, generation_count: int | None = None, horizon_weeks: int = FORECAST_WEEKS
    ) -> tuple[list[date], list[ForecastRow]]:
        """Weekly forecasts of `horizon_weeks`, generated each Sunday (by default once a week of history)."""
        rng = self.rng
        latest_sunday = self.today - timedelta(days=(self.today.weekday() + 1) % 7)
        count = self.settings.weeks if generation_count is None else generation_count
        generation_dates = [latest_sunday - timedelta(weeks=offset) for offset in range(count - 1, -1, -1)]
        rows: list[ForecastRow] = []
        for generation_date in generation_dates:
            for product in self.products:
                for week in range(horizon_weeks):
                    start = generation_date + timedelta(weeks=week)
                    error = rng.gauss(0, 0.04 + 0.006 * week)
                    mean = max(1, round(self._weekly_demand(product, start) * (1 + error) * 100))
                    p70 = max(mean + 1, round(mean * rng.uniform(1.08, 1.18)))
                    p80 = max(p70 + 1, round(p70 * rng.uniform(1.06, 1.12)))
                    p90 = max(p80 + 1, round(p80 * rng.uniform(1.08, 1.16)))
                    rows.append(
                        ForecastRow(
                            generation_date=generation_date,
                            asin=product.asin,
                            start_date=start,
                            end_date=start + timedelta(days=6),
                            mean_units=Decimal(mean).scaleb(-2),
                            p70_units=Decimal(p70).scaleb(-2),
                            p80_units=Decimal(p80).scaleb(-2),
                            p90_units=Decimal(p90).scaleb(-2),
                        )
                    )
        return generation_dates, rows

    def _inventory_weeks(self) -> list[date]:
        return inventory_weeks(min(order.purchase_order_date.date() for order in self.orders.values()), self.today)

    def _make_inventory(self) -> list[InventoryRow]:
        weeks = self._inventory_weeks()
        tally = InventoryTally(weeks)
        for order in self.orders.values():
            tally.add(order)
        return make_inventory_rows(self.rng, self.products, weeks, tally, self._weekly_demand)

    def _make_stock(self) -> list[StockRow]:
        shipped = {key for shipment in self.shipments for key in shipment.eaches_by_line()}
        reserved_by_sku: dict[str, int] = {}
        for order in self.orders.values():
            if order.state != "Acknowledged":
                continue
            for line in order.lines:
                if (order.number, line.item_sequence_number) not in shipped:
                    reserved_by_sku[line.vendor_sku] = reserved_by_sku.get(line.vendor_sku, 0) + line.expected_eaches
        return make_stock_rows(self.rng, self.products, self.today, reserved_by_sku)


def inventory_weeks(first_order_day: date, today: date) -> list[date]:
    """Sunday-to-Saturday weeks from the one holding the first PO to the last one Amazon has published."""
    start = first_order_day - timedelta(days=(first_order_day.weekday() + 1) % 7)
    last_end = today - timedelta(days=INVENTORY_PUBLICATION_LAG_DAYS)
    weeks = []
    while start + timedelta(days=6) <= last_end:
        weeks.append(start)
        start += timedelta(weeks=1)
    return weeks


def make_stock_rows(
    rng: random.Random, products: list[Product], today: date, reserved_by_sku: dict[str, int]
) -> list[StockRow]:
    """Make the vendor's warehouse stock of today; `reserved_units` is what open POs hold of it."""
    rows = []
    for product in products:
        if not product.in_catalogue:
            continue
        if product.is_discontinued:
            on_hand = rng.randint(0, 30)
        else:
            on_hand = product.weekly_demand * rng.randint(2, 6)
        rows.append(
            StockRow(
                snapshot_date=today,
                warehouse_code=SHIP_FROM_PARTY_ID,
                vendor_sku=product.vendor_sku,
                asin=product.asin,
                on_hand_units=on_hand,
                reserved_units=min(on_hand, reserved_by_sku.get(product.vendor_sku, 0)),
            )
        )
    return rows


class InventoryTally:
    """Per ASIN and inventory week: eaches received, open on POs at the week's end, and confirmed.

    A line counts as received in the week of its last receipt, with everything it received.
    It counts as open from the week of its acknowledgement until the week its PO closes, less
    what it received once that is in. It counts in the confirmation rate of the week its PO
    was created.
    """

    def __init__(self, weeks: list[date]) -> None:
        self.first = weeks[0] if weeks else date.min
        self.count = len(weeks)
        self.received: dict[str, list[int]] = {}
        self.lead_days: dict[str, list[list[Decimal]]] = {}
        self.open_steps: dict[str, list[int]] = {}
        self.accepted: dict[str, list[int]] = {}
        self.ordered: dict[str, list[int]] = {}

    def _week_of(self, day: date) -> int:
        """Index of the week that contains `day`, or -1 outside the weeks."""
        index = (day - self.first).days // 7
        return index if 0 <= index < self.count else -1

    def _first_week_ending_on_or_after(self, day: date) -> int:
        days_after_first_end = (day - self.first).days - 6
        return min(self.count, max(0, -(-days_after_first_end // 7)))

    def _series(self, table: dict[str, list[int]], asin: str, length: int) -> list[int]:
        series = table.get(asin)
        if series is None:
            series = table[asin] = [0] * length
        return series

    def add(self, order: PurchaseOrder) -> None:
        count = self.count
        created_week = self._week_of(order.purchase_order_date.date())
        closed_week = count
        if order.state == "Closed" and order.state_changed_at is not None:
            closed_week = self._first_week_ending_on_or_after(order.state_changed_at.date())
        for line in order.lines:
            asin = line.asin
            if line.last_received_at is not None:
                week = self._week_of(line.last_received_at.date())
                if week >= 0:
                    self._series(self.received, asin, count)[week] += line.received_eaches
                    lead = self.lead_days.setdefault(asin, [[] for _ in range(count)])
                    seconds = (line.last_received_at - order.purchase_order_date).total_seconds()
                    lead[week].append(Decimal(seconds) / 86400)
            if line.acknowledged_at is None:
                continue
            if created_week >= 0:
                self._series(self.accepted, asin, count)[created_week] += line.accepted_eaches
                self._series(self.ordered, asin, count)[created_week] += line.net_ordered_eaches
            acknowledged_week = self._first_week_ending_on_or_after(line.acknowledged_at.date())
            received_week = count
            if line.last_received_at is not None:
                received_week = self._first_week_ending_on_or_after(line.last_received_at.date())
            steps = self._series(self.open_steps, asin, count + 1)
            before_receipt = max(0, line.expected_eaches)
            after_receipt = max(0, line.expected_eaches - line.received_eaches)
            self._step(steps, acknowledged_week, min(closed_week, received_week), before_receipt)
            self._step(steps, max(acknowledged_week, received_week), closed_week, after_receipt)

    @staticmethod
    def _step(steps: list[int], first: int, stop: int, amount: int) -> None:
        if first < stop and amount:
            steps[first] += amount
            steps[stop] -= amount

    def open_units(self, asin: str) -> list[int]:
        steps = self.open_steps.get(asin, [0] * (self.count + 1))
        running, series = 0, []
        for index in range(self.count):
            running += steps[index]
            series.append(running)
        return series


def make_inventory_rows(
    rng: random.Random,
    products: list[Product],
    weeks: list[date],
    tally: InventoryTally,
    weekly_demand: Callable[[Product, date], float],
) -> list[InventoryRow]:
    """Play each catalogue ASIN's weekly stock forward from the tallied receipts and open POs."""
    rows: list[InventoryRow] = []
    empty = [0] * len(weeks)
    for product in products:
        if not product.in_catalogue:
            continue  # Amazon never received it
        asin = product.asin
        received_by_week = tally.received.get(asin, empty)
        lead_by_week = tally.lead_days.get(asin)
        open_by_week = tally.open_units(asin)
        accepted_by_week = tally.accepted.get(asin, empty)
        ordered_by_week = tally.ordered.get(asin, empty)
        sellable = product.weekly_demand * 3
        for week_index, start in enumerate(weeks):
            end = start + timedelta(days=6)
            received = received_by_week[week_index]
            demand = weekly_demand(product, start) * rng.uniform(0.85, 1.15)
            available = sellable + received
            sold = min(available, round(demand))
            unsellable = min(available - sold, round(available * rng.uniform(0, 0.02)))
            sellable_end = available - sold - unsellable
            unfilled = round(demand * rng.uniform(0, 0.05))
            aged = round(sellable_end * rng.uniform(0.02, 0.12)) if week_index >= 13 else 0
            unhealthy = max(0, sellable_end - 8 * product.weekly_demand)
            cost = product.order_cost
            rows.append(
                InventoryRow(
                    asin=asin,
                    start_date=start,
                    end_date=end,
                    sellable_on_hand_units=sellable_end,
                    unsellable_on_hand_units=unsellable,
                    open_purchase_order_units=open_by_week[week_index],
                    net_received_units=received,
                    unfilled_customer_ordered_units=unfilled,
                    aged90_plus_days_sellable_units=aged,
                    unhealthy_units=unhealthy,
                    sellable_on_hand_cost=(cost * sellable_end).quantize(CENT),
                    unsellable_on_hand_cost=(cost * unsellable).quantize(CENT),
                    net_received_cost=(cost * received).quantize(CENT),
                    aged90_plus_days_sellable_cost=(cost * aged).quantize(CENT),
                    unhealthy_cost=(cost * unhealthy).quantize(CENT),
                    average_vendor_lead_time_days=_average(lead_by_week[week_index] if lead_by_week else []),
                    sell_through_rate=_ratio(sold, available),
                    vendor_confirmation_rate=_ratio(accepted_by_week[week_index], ordered_by_week[week_index]),
                    sold_units=sold,
                )
            )
            sellable = sellable_end
    return rows


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT)


def _average(days: list[Decimal]) -> Decimal | None:
    if not days:
        return None
    return (sum(days) / len(days)).quantize(Decimal("0.1"))
