"""The sandbox's data: one vendor's catalogue, Amazon's purchase orders and what happened to them.

A `Scenario` is plain data. The seeded generator fills one; a hand-written scenario can
fill the same classes. Quantities keep the unit Amazon ordered in (`Cases` with the case
size, or `Eaches` with unit size 1) and are compared in eaches. Money is `Decimal`.
"""

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

CASES = "Cases"
EACHES = "Eaches"


@dataclass
class Product:
    asin: str
    vendor_sku: str
    title: str
    case_size: int
    order_cost: Decimal  # netCost per each on Amazon's purchase orders
    catalogue_cost: Decimal  # the vendor's own price to Amazon (catalogue.csv)
    list_price: Decimal
    lead_time_days: int
    weekly_demand: int  # eaches per week across all fulfilment centres
    in_catalogue: bool = True
    is_discontinued: bool = False
    # Perishable: Amazon wants a lot number and an expiry date on the ASN.
    requires_lot_and_expiry: bool = False


@dataclass(frozen=True)
class FulfilmentCentre:
    code: str
    city: str
    state_or_region: str
    postal_code: str
    address_line1: str
    country_code: str = "US"


@dataclass(slots=True)
class OrderLine:
    """One item of a purchase order and everything Amazon recorded about it.

    `ordered_amount` is Amazon's current order quantity before cancellations (a change
    to the PO updates it); the PO view shows `ordered_amount - cancelled_amount`.
    Acknowledged, received and invoiced quantities are kept in eaches.
    """

    item_sequence_number: str
    asin: str
    vendor_sku: str
    unit_of_measure: str
    unit_size: int
    ordered_amount: int
    net_cost: Decimal
    list_price: Decimal
    is_back_order_allowed: bool = True
    ordered_amount_before_change: int | None = None
    quantity_changed_at: datetime | None = None
    cancelled_amount: int = 0
    cancelled_at: datetime | None = None
    confirmation_status: str = "UNCONFIRMED"
    accepted_eaches: int = 0
    rejected_eaches: int = 0
    acknowledged_at: datetime | None = None
    received_eaches: int = 0
    last_received_at: datetime | None = None
    invoiced_eaches: int = 0
    tags: list[str] = field(default_factory=list)

    def eaches(self, amount: int) -> int:
        return amount * self.unit_size

    @property
    def ordered_eaches(self) -> int:
        return self.eaches(self.ordered_amount)

    @property
    def cancelled_eaches(self) -> int:
        return self.eaches(self.cancelled_amount)

    @property
    def open_amount(self) -> int:
        """Quantity on the PO after Amazon's cancellations, in the ordered unit."""
        return self.ordered_amount - self.cancelled_amount

    @property
    def net_ordered_eaches(self) -> int:
        return self.eaches(self.open_amount)

    @property
    def expected_eaches(self) -> int:
        """Eaches Amazon still expects: the accepted part once acknowledged, else all."""
        if self.confirmation_status == "UNCONFIRMED":
            return self.net_ordered_eaches
        return min(self.accepted_eaches, self.net_ordered_eaches)

    @property
    def receive_status(self) -> str:
        if self.received_eaches <= 0:
            return "NOT_RECEIVED"
        if self.received_eaches < self.expected_eaches:
            return "PARTIALLY_RECEIVED"
        return "RECEIVED"

    @property
    def is_complete(self) -> bool:
        """True when Amazon expects nothing more of this line."""
        return self.received_eaches >= self.expected_eaches


@dataclass
class PurchaseOrder:
    number: str
    ship_to: str
    purchase_order_date: datetime
    ship_window: tuple[datetime, datetime]
    delivery_window: tuple[datetime, datetime]
    lines: list[OrderLine]
    state: str = "New"
    state_changed_at: datetime | None = None
    changed_at: datetime | None = None
    last_updated_at: datetime | None = None
    order_type: str = "RegularOrder"
    payment_method: str = "Invoice"

    @property
    def status(self) -> str:
        return "CLOSED" if self.state == "Closed" else "OPEN"

    @property
    def last_change(self) -> datetime:
        """Latest of creation, Amazon's change and the last state change."""
        moments = [self.purchase_order_date, self.changed_at, self.state_changed_at]
        return max(moment for moment in moments if moment is not None)

    def line(self, item_sequence_number: str) -> OrderLine | None:
        for line in self.lines:
            if line.item_sequence_number == item_sequence_number:
                return line
        return None

    def touch(self, moment: datetime) -> None:
        if self.last_updated_at is None or moment > self.last_updated_at:
            self.last_updated_at = moment


@dataclass(frozen=True, slots=True)
class CartonContent:
    """One row of shipments.csv: a PO line packed in one carton."""

    carton_id: str  # SSCC-18
    purchase_order_number: str
    item_sequence_number: str
    asin: str
    vendor_sku: str
    quantity: int
    unit_of_measure: str
    unit_size: int
    pallet_id: str = ""  # SSCC-18 of the pallet; empty for a loose carton
    lot_number: str = ""
    expiry_date: date | None = None

    @property
    def eaches(self) -> int:
        return self.quantity * self.unit_size


@dataclass
class Shipment:
    shipment_id: str
    ship_date: datetime
    shipment_type: str
    carrier_scac: str
    carrier_reference: str
    bill_of_lading_number: str
    ship_from: str
    ship_to: str
    contents: list[CartonContent]
    asn_submitted_at: datetime | None = None

    def eaches_by_line(self) -> dict[tuple[str, str], int]:
        totals: dict[tuple[str, str], int] = {}
        for content in self.contents:
            key = (content.purchase_order_number, content.item_sequence_number)
            totals[key] = totals.get(key, 0) + content.eaches
        return totals


@dataclass
class AsnRecord:
    """A shipment confirmation Amazon accepted (generated history or a sandbox submission)."""

    shipment_identifier: str
    selling_party_id: str
    submitted_at: datetime
    eaches_by_line: dict[tuple[str, str], int]
    transaction_id: str | None = None


class AsnBook(dict[str, AsnRecord]):
    """Accepted ASNs by shipment identifier, with the eaches confirmed per PO line kept up to date.

    Filing a record under an identifier already present (a `Replace`) takes the earlier
    record's quantities out first.
    """

    def __init__(self, records: Iterable[AsnRecord] = ()) -> None:
        super().__init__()
        self._eaches: dict[tuple[str, str], int] = {}
        for record in records:
            self[record.shipment_identifier] = record

    def __setitem__(self, identifier: str, record: AsnRecord) -> None:
        earlier = dict.get(self, identifier)
        if earlier is not None:
            for key, eaches in earlier.eaches_by_line.items():
                self._eaches[key] -= eaches
        for key, eaches in record.eaches_by_line.items():
            self._eaches[key] = self._eaches.get(key, 0) + eaches
        dict.__setitem__(self, identifier, record)

    def confirmed_eaches(self, key: tuple[str, str]) -> int:
        """Eaches of one PO line (PO number, item sequence number) across every accepted ASN."""
        return self._eaches.get(key, 0)


@dataclass
class InvoiceRecord:
    """An accepted invoice or credit note; `eaches_by_line` is what it invoiced or credited per PO line.

    On an invoice, the `credited_*` fields add up the credit notes that refer to it: eaches
    returned and eaches corrected (counted apart, as a price correction and a return may
    concern the same eaches) and the money credited.
    """

    invoice_id: str
    invoice_type: str
    submitted_at: datetime
    transaction_id: str
    eaches_by_line: dict[tuple[str, str], int]
    returned_eaches_by_line: dict[tuple[str, str], int] = field(default_factory=dict)
    corrected_eaches_by_line: dict[tuple[str, str], int] = field(default_factory=dict)
    credited_amount_by_line: dict[tuple[str, str], Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ForecastRow:
    generation_date: date
    asin: str
    start_date: date
    end_date: date
    mean_units: Decimal
    p70_units: Decimal
    p80_units: Decimal
    p90_units: Decimal


@dataclass(frozen=True)
class InventoryRow:
    """One ASIN-week of Amazon's inventory report (units in eaches, costs in the currency)."""

    asin: str
    start_date: date
    end_date: date
    sellable_on_hand_units: int
    unsellable_on_hand_units: int
    open_purchase_order_units: int
    net_received_units: int
    unfilled_customer_ordered_units: int
    aged90_plus_days_sellable_units: int
    unhealthy_units: int
    sellable_on_hand_cost: Decimal
    unsellable_on_hand_cost: Decimal
    net_received_cost: Decimal
    aged90_plus_days_sellable_cost: Decimal
    unhealthy_cost: Decimal
    average_vendor_lead_time_days: Decimal | None
    sell_through_rate: Decimal | None
    vendor_confirmation_rate: Decimal | None
    # Units shipped to customers in the week, which the sales report shows and the inventory
    # report leaves out. None when a hand-written scenario does not give it.
    sold_units: int | None = None


@dataclass(frozen=True)
class StockRow:
    snapshot_date: date
    warehouse_code: str
    vendor_sku: str
    asin: str
    on_hand_units: int
    reserved_units: int


class OrderBook(dict[str, PurchaseOrder]):
    """Purchase orders by number, with an index by the day each was created.

    Listing reads `created_between` and `touched_between` instead of scanning every order.
    Here `touched_between` returns every order. The large profile, where an order changes
    at most a fixed time after its creation, narrows it (see sandbox/large.py).
    Orders read by number (`get`, `[]`) are the ones submissions change, so `version`
    moves on with each such read, and a listing cached under one version is stale under
    the next. Adding orders leaves it alone: a listing makes every order of its window
    exist before it selects.
    """

    def __init__(self, orders: Iterable[PurchaseOrder] = ()) -> None:
        super().__init__()
        self._by_day: dict[date, list[PurchaseOrder]] = {}
        self.version = 0
        self._listings: dict[tuple[Any, ...], list[PurchaseOrder]] = {}
        for order in orders:
            self.add(order)

    def add(self, order: PurchaseOrder) -> None:
        if order.number in self:
            raise ValueError(f"Purchase order {order.number} appears twice; PO numbers must be unique.")
        dict.__setitem__(self, order.number, order)
        self._by_day.setdefault(order.purchase_order_date.date(), []).append(order)

    def __setitem__(self, number: str, order: PurchaseOrder) -> None:
        if number != order.number:
            raise ValueError(f"Purchase order {order.number} filed under {number}.")
        self.add(order)

    def find(self, number: str) -> PurchaseOrder | None:
        """Look an order up without marking it as read for a change."""
        return dict.get(self, number)

    def get(self, number: str, default: Any = None) -> Any:  # type: ignore[override]
        order = self.find(number)
        if order is None:
            return default
        self.version += 1
        return order

    def __getitem__(self, number: str) -> PurchaseOrder:
        order = self.get(number)
        if order is None:
            raise KeyError(number)
        return order

    def created_between(self, after: datetime, before: datetime) -> list[PurchaseOrder]:
        """Orders created on the calendar days from `after` to `before` (callers filter the exact times)."""
        found: list[PurchaseOrder] = []
        day = after.date()
        while day <= before.date():
            found.extend(self._by_day.get(day, ()))
            day += timedelta(days=1)
        return found

    def touched_between(self, after: datetime, before: datetime) -> list[PurchaseOrder]:
        """Orders that may have changed from `after` to `before`: here, all of them."""
        return list(dict.values(self))

    def cached_listing(self, key: tuple[Any, ...], select: Callable[[], list[PurchaseOrder]]) -> list[PurchaseOrder]:
        """Return the sorted selection for `key`, computed once per version so later pages are cheap."""
        versioned = (self.version, *key)
        listing = self._listings.get(versioned)
        if listing is None:
            if len(self._listings) >= 16:
                self._listings.pop(next(iter(self._listings)))
            listing = self._listings[versioned] = select()
        return listing


def _set_event() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


@dataclass
class Scenario:
    seed: int
    profile: str
    today: date
    vendor_code: str
    currency_code: str
    marketplace_id: str
    ship_from_party_id: str
    products: list[Product]
    fulfilment_centres: list[FulfilmentCentre]
    orders: dict[str, PurchaseOrder]
    shipments: list[Shipment]
    asn_records: dict[str, AsnRecord]
    receipt_shortfalls: dict[tuple[str, str], int]
    forecasts: list[ForecastRow]
    forecast_generation_dates: list[date]
    inventory: list[InventoryRow]
    stock: list[StockRow]
    invoices: dict[str, InvoiceRecord] = field(default_factory=dict)
    # Set once every order, shipment and report row exists; the large profile fills in behind it.
    ready: threading.Event = field(default_factory=_set_event, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.orders, OrderBook):
            self.orders = OrderBook(self.orders.values())
        if not isinstance(self.asn_records, AsnBook):
            self.asn_records = AsnBook(self.asn_records.values())
        self._products_by_asin: dict[str, Product] = {}
        for product in self.products:
            self._products_by_asin.setdefault(product.asin, product)

    def product(self, asin: str) -> Product | None:
        return self._products_by_asin.get(asin)

    def has_inventory_between(self, start: date, end: date) -> bool:
        """True when some week of inventory figures lies within `start` to `end`."""
        return any(start <= row.start_date and row.end_date <= end for row in self.inventory)

    def inventory_week_starts(self) -> list[date]:
        """First days (Sundays) of the weeks that have inventory figures, oldest first."""
        return sorted({row.start_date for row in self.inventory})

    def fulfilment_centre(self, code: str) -> FulfilmentCentre | None:
        for centre in self.fulfilment_centres:
            if centre.code == code:
                return centre
        return None

    def find_line(self, purchase_order_number: str, item_sequence_number: str) -> OrderLine | None:
        order = self.orders.get(purchase_order_number)
        return order.line(item_sequence_number) if order is not None else None

    def shipped_eaches_by_line(self) -> dict[tuple[str, str], int]:
        totals: dict[tuple[str, str], int] = {}
        for shipment in self.shipments:
            for key, eaches in shipment.eaches_by_line().items():
                totals[key] = totals.get(key, 0) + eaches
        return totals
