"""Hand-written scenarios: a JSON or YAML file that fills the same `Scenario` the generator fills.

The format is described in sandbox/README.md ("Hand-written scenarios"). JSON and YAML files
share one document model, and every error names the file and the path of the value to fix,
such as `purchase_orders[0].items[1].net_cost`. Times need a time zone and are kept in UTC.
Money and the other decimal figures are read as Decimal from strings or whole numbers. A
number with a fraction is rejected, because JSON and YAML parsers read it as a binary float.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import yaml

from sandbox.config import CURRENCY_CODE, MARKETPLACE_ID, VENDOR_CODE
from sandbox.generator import FULFILMENT_CENTRES, SHIP_FROM_PARTY_ID
from sandbox.identifiers import is_valid_sscc
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

FORMAT = "acorn-sandbox-scenario/1"
ORDER_STATES = ("New", "Acknowledged", "Closed")
SCENARIO_PROFILE = "scenario"
YAML_SUFFIXES = (".yaml", ".yml")

_TOP_LEVEL = {
    "format", "today", "vendor_code", "currency_code", "ship_from_party_id", "fulfilment_centres",
    "catalogue", "purchase_orders", "shipments", "forecast_rows", "inventory_rows", "stock",
}  # fmt: skip
_INVENTORY_UNITS = (
    "sellable_on_hand_units", "unsellable_on_hand_units", "open_purchase_order_units", "net_received_units",
    "unfilled_customer_ordered_units", "aged90_plus_days_sellable_units", "unhealthy_units",
)  # fmt: skip
_INVENTORY_COSTS = (
    "sellable_on_hand_cost", "unsellable_on_hand_cost", "net_received_cost", "aged90_plus_days_sellable_cost",
    "unhealthy_cost",
)  # fmt: skip
_INVENTORY_RATES = ("average_vendor_lead_time_days", "sell_through_rate", "vendor_confirmation_rate")


class ScenarioFileError(ValueError):
    """A scenario file that cannot be read; the message names the file, the path of the value and the fix."""


@dataclass(frozen=True)
class PendingReceipt:
    """Eaches Amazon will report received on a PO line once the sandbox clock reaches `at`."""

    at: datetime
    purchase_order_number: str
    item_sequence_number: str
    eaches: int


class _Reader:
    """Typed access to one mapping of the document, with errors that name its path."""

    def __init__(self, source: Path, value: object, where: str, syntax: str) -> None:
        self.source = source
        self.where = where
        self.syntax = syntax  # "JSON" or "YAML", for the wording of errors
        if not isinstance(value, dict):
            self.fail(where, "must be a JSON object" if syntax == "JSON" else "must be a YAML mapping")
        for key in value:
            if not isinstance(key, str):
                self.fail(where, f"has the key {_shown(key)}, which is not text; quote it")
        self.value: dict[str, Any] = value  # type: ignore[assignment]

    def fail(self, where: str, problem: str) -> NoReturn:
        raise ScenarioFileError(f"Scenario file {self.source}: {where or 'the document'} {problem}.")

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def check_keys(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.value) - allowed)
        if unknown:
            self.fail(self.path(unknown[0]), f"is not a known field here; the fields are {', '.join(sorted(allowed))}")

    def raw(self, key: str, default: object = ...) -> Any:
        if key not in self.value:
            if default is ...:
                self.fail(self.path(key), "is missing")
            return default
        return self.value[key]

    def text(self, key: str, default: object = ...) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, str) and value.strip():
            return value
        hint = ""
        if self.syntax == "YAML" and value is not None and not isinstance(value, str):
            hint = ", and quote it, because YAML reads unquoted values such as NO, 0017 or 2026-12-04 as booleans, numbers or dates"
        self.fail(self.path(key), f"is {_shown(value)}; give a non-empty string{hint}")

    def integer(self, key: str, default: object = ..., minimum: int = 0) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(self.path(key), f"is {_shown(value)}; give a whole number of at least {minimum}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(self.path(key), f"is {_shown(value)}; give true or false")
        return value

    def money(self, key: str, default: object = ...) -> Any:
        """Read a decimal figure (money, forecast units, rates) from a string or a whole number."""
        value = self.raw(key, default)
        if value is default or value is None:
            return value
        if isinstance(value, float):
            self.fail(
                self.path(key),
                f"is the number {value!r}, which {self.syntax} reads as a binary float; "
                'write it as a quoted string such as "8.50", so that it stays an exact decimal',
            )
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(self.path(key), f'is {_shown(value)}; give an amount such as "8.50"')
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            self.fail(self.path(key), f'is {_shown(value)}; give an amount such as "8.50"')
        return amount

    def day(self, key: str, default: object = ...) -> Any:
        value = self.raw(key, default)
        if value is default or value is None:
            return value
        # YAML reads an unquoted 2026-12-04 as a date. A datetime is a date too, so it is checked first.
        if isinstance(value, datetime):
            self.fail(self.path(key), f"is {_shown(value)}; give a date as YYYY-MM-DD, without a time")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(self.path(key), f"is {_shown(value)}; give a date as YYYY-MM-DD")

    def moment(self, key: str, default: object = ...) -> Any:
        value = self.raw(key, default)
        if value is default or value is None:
            return value
        # YAML reads an unquoted 2026-11-20T10:00:00Z as a datetime, while JSON leaves a string.
        parsed = value
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if not isinstance(parsed, datetime):
            self.fail(self.path(key), f"is {_shown(value)}; give a date-time with a time zone, e.g. 2026-11-20T10:00:00Z")
        if parsed.utcoffset() is None:
            self.fail(self.path(key), f"is {_shown(value)}, which has no time zone; add Z for UTC, e.g. {parsed.isoformat()}Z")
        return parsed.astimezone(UTC)

    def items(self, key: str, required: bool = False) -> list["_Reader"]:
        value = self.raw(key, ... if required else [])
        if not isinstance(value, list):
            self.fail(self.path(key), "must be a JSON array" if self.syntax == "JSON" else "must be a YAML list")
        return [_Reader(self.source, item, f"{self.path(key)}[{index}]", self.syntax) for index, item in enumerate(value)]


def _shown(value: object) -> str:
    """Format a value for an error: YAML dates and times in ISO 8601, anything else as a Python literal."""
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


class _YamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, which builds plain data only, but rejects a key given twice in one mapping.

    The base class lets the last of two equal keys win without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` merges; a key given beside it overrides the merged one
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:
                continue  # an unhashable key, which the base class rejects with its own message
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_scenario_file(path: Path) -> tuple[Scenario, list[PendingReceipt]]:
    """Read a hand-written scenario; return it and the receipts still to come after its `today`.

    A `.yaml` or `.yml` suffix means YAML; any other suffix means JSON.
    """
    syntax = "YAML" if path.suffix.lower() in YAML_SUFFIXES else "JSON"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(f"Scenario file {path} was not found; check the path.") from None
    except UnicodeDecodeError as error:
        raise ScenarioFileError(f"Scenario file {path} is not valid {syntax}: {error}; save it as UTF-8.") from None
    if syntax == "YAML":
        document = _parse_yaml(path, text)
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScenarioFileError(f"Scenario file {path} is not valid JSON: {error}.") from None
    return _Builder(path, document, syntax).build()


def _parse_yaml(path: Path, text: str) -> object:
    try:
        return yaml.load(text, Loader=_YamlLoader)  # a SafeLoader subclass: plain data, no Python objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "the text cannot be parsed"
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ScenarioFileError(f"Scenario file {path} is not valid YAML: {problem}{place}.") from None
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"Scenario file {path} is not valid YAML: {error}.") from None


class _Builder:
    def __init__(self, source: Path, document: object, syntax: str) -> None:
        self.top = _Reader(source, document, "", syntax)
        self.source = source
        self.products: dict[str, Product] = {}
        self.orders: dict[str, PurchaseOrder] = {}
        self.pending: list[PendingReceipt] = []

    def build(self) -> tuple[Scenario, list[PendingReceipt]]:
        top = self.top
        top.check_keys(_TOP_LEVEL)
        if top.raw("format") != FORMAT:
            top.fail("format", f"is {_shown(top.raw('format'))}; this sandbox reads {FORMAT!r}")
        self.today = top.day("today")
        self.start_of_today = datetime.combine(self.today, time(0), UTC)
        centres = [self._centre(reader) for reader in top.items("fulfilment_centres")] or list(FULFILMENT_CENTRES[:3])
        self.centre_codes = {centre.code for centre in centres}

        for reader in top.items("catalogue", required=True):
            product = self._product(reader)
            if product.asin in self.products:
                reader.fail(reader.path("asin"), f"{product.asin} appears twice in the catalogue")
            self.products[product.asin] = product
        for reader in top.items("purchase_orders"):
            order = self._order(reader)
            if order.number in self.orders:
                reader.fail(reader.path("number"), f"{order.number} appears twice")
            self.orders[order.number] = order

        shipments, asn_records, shortfalls = self._shipments(top.items("shipments"))
        forecasts = [self._forecast(reader) for reader in top.items("forecast_rows")]
        ordered = sorted(self.orders.values(), key=lambda order: (order.purchase_order_date, order.number))
        scenario = Scenario(
            seed=0,
            profile=SCENARIO_PROFILE,
            today=self.today,
            vendor_code=top.text("vendor_code", VENDOR_CODE),
            currency_code=top.text("currency_code", CURRENCY_CODE),
            marketplace_id=MARKETPLACE_ID,
            ship_from_party_id=top.text("ship_from_party_id", SHIP_FROM_PARTY_ID),
            products=list(self.products.values()),
            fulfilment_centres=centres,
            orders={order.number: order for order in ordered},
            shipments=shipments,
            asn_records=asn_records,
            receipt_shortfalls=shortfalls,
            forecasts=forecasts,
            forecast_generation_dates=sorted({row.generation_date for row in forecasts}),
            inventory=[self._inventory(reader) for reader in top.items("inventory_rows")],
            stock=[self._stock(reader) for reader in top.items("stock")],
        )
        return scenario, sorted(self.pending, key=lambda receipt: receipt.at)

    def _centre(self, reader: _Reader) -> FulfilmentCentre:
        reader.check_keys({"code", "city", "state_or_region", "postal_code", "address_line1", "country_code"})
        return FulfilmentCentre(
            code=reader.text("code"),
            city=reader.text("city"),
            state_or_region=reader.text("state_or_region"),
            postal_code=reader.text("postal_code"),
            address_line1=reader.text("address_line1"),
            country_code=reader.text("country_code", "US"),
        )

    def _product(self, reader: _Reader) -> Product:
        reader.check_keys({
            "asin", "vendor_sku", "title", "case_size", "cost", "order_cost", "list_price", "lead_time_days",
            "weekly_demand", "in_catalogue", "discontinued",
        })  # fmt: skip
        cost = reader.money("cost")
        return Product(
            asin=reader.text("asin"),
            vendor_sku=reader.text("vendor_sku"),
            title=reader.text("title", reader.value.get("vendor_sku", "")),
            case_size=reader.integer("case_size", 1, minimum=1),
            order_cost=reader.money("order_cost", cost),
            catalogue_cost=cost,
            list_price=reader.money("list_price", cost * 2),
            lead_time_days=reader.integer("lead_time_days", 14),
            weekly_demand=reader.integer("weekly_demand", 0),
            in_catalogue=reader.boolean("in_catalogue", True),
            is_discontinued=reader.boolean("discontinued", False),
        )

    def _order(self, reader: _Reader) -> PurchaseOrder:
        reader.check_keys({
            "number", "ship_to", "ordered_at", "ship_window", "delivery_window", "state", "state_changed_at",
            "changed_at", "order_type", "items",
        })  # fmt: skip
        number = reader.text("number")
        ship_to = reader.text("ship_to")
        if ship_to not in self.centre_codes:
            reader.fail(reader.path("ship_to"), f"is {ship_to!r}, which is not among fulfilment_centres")
        ordered_at = reader.moment("ordered_at")
        state = reader.raw("state", "New")
        if state not in ORDER_STATES:
            reader.fail(reader.path("state"), f"is {_shown(state)}; give one of {', '.join(ORDER_STATES)}")
        day = ordered_at.date()
        ship_window = self._window(reader, "ship_window", day + timedelta(days=2), day + timedelta(days=6))
        delivery_window = self._window(reader, "delivery_window", day + timedelta(days=5), day + timedelta(days=12))

        changed_at = reader.moment("changed_at", None)
        state_changed_at = reader.moment("state_changed_at", ordered_at if state == "New" else None)
        if state_changed_at is None:
            reader.fail(reader.path("state_changed_at"), f"is missing; a PO in state {state} needs the time it got there")
        lines = [self._line(item, number, position) for position, item in enumerate(reader.items("items", required=True))]
        if not lines:
            reader.fail(reader.path("items"), "is empty; a PO has at least one item")
        if len({line.item_sequence_number for line in lines}) != len(lines):
            reader.fail(reader.path("items"), "repeats an item sequence number")

        order = PurchaseOrder(
            number=number,
            ship_to=ship_to,
            purchase_order_date=ordered_at,
            ship_window=ship_window,
            delivery_window=delivery_window,
            lines=lines,
            state=state,
            state_changed_at=state_changed_at,
            changed_at=changed_at,
            last_updated_at=ordered_at,
            order_type=reader.text("order_type", "RegularOrder"),
        )
        for moment in (changed_at, state_changed_at, *(line.last_received_at for line in lines)):
            if moment is not None:
                order.touch(moment)
        return order

    @staticmethod
    def _window(reader: _Reader, key: str, start: date, end: date) -> tuple[datetime, datetime]:
        value = reader.raw(key, None)
        if value is None:
            return datetime.combine(start, time(7), UTC), datetime.combine(end, time(7), UTC)
        if not isinstance(value, list) or len(value) != 2:
            reader.fail(reader.path(key), "must be a list of two date-times: [start, end]")
        bounds = _Reader(reader.source, {"start": value[0], "end": value[1]}, reader.path(key), reader.syntax)
        return bounds.moment("start"), bounds.moment("end")

    def _line(self, reader: _Reader, number: str, position: int) -> OrderLine:
        reader.check_keys({
            "item", "asin", "unit", "unit_size", "ordered", "ordered_before_change", "changed_at", "net_cost", "cancelled",
            "accepted", "acknowledged_at", "back_order_allowed", "receipts",
        })  # fmt: skip
        asin = reader.text("asin")
        product = self.products.get(asin)
        if product is None:
            reader.fail(reader.path("asin"), f"is {asin}, which is not in the catalogue; add it there (in_catalogue false hides it from catalogue.csv)")
        unit = reader.raw("unit", CASES)
        if unit not in (CASES, EACHES):
            reader.fail(reader.path("unit"), f"is {_shown(unit)}; give {CASES} or {EACHES}")
        unit_size = reader.integer("unit_size", product.case_size if unit == CASES else 1, minimum=1)
        if unit == EACHES and unit_size != 1:
            reader.fail(reader.path("unit_size"), f"is {unit_size}; an {EACHES} line has unit size 1")

        line = OrderLine(
            item_sequence_number=str(reader.integer("item", position + 1, minimum=1)),
            asin=asin,
            vendor_sku=product.vendor_sku,
            unit_of_measure=unit,
            unit_size=unit_size,
            ordered_amount=reader.integer("ordered", minimum=1),
            net_cost=reader.money("net_cost", product.order_cost),
            list_price=product.list_price,
            is_back_order_allowed=reader.boolean("back_order_allowed", True),
            ordered_amount_before_change=reader.integer("ordered_before_change", None, minimum=1),
            cancelled_amount=reader.integer("cancelled", 0),
        )
        if line.ordered_amount_before_change is not None:
            line.quantity_changed_at = reader.moment("changed_at", None)
        if line.cancelled_amount > line.ordered_amount:
            reader.fail(reader.path("cancelled"), f"is {line.cancelled_amount}, more than the {line.ordered_amount} ordered")

        accepted = reader.integer("accepted", None)
        if accepted is not None:
            if accepted > line.open_amount:
                reader.fail(reader.path("accepted"), f"is {accepted}, more than the {line.open_amount} left after cancellations")
            acknowledged_at = reader.moment("acknowledged_at")
            line.accepted_eaches = line.eaches(accepted)
            line.rejected_eaches = line.eaches(line.open_amount - accepted)
            line.acknowledged_at = acknowledged_at
            if accepted == line.open_amount:
                line.confirmation_status = "ACCEPTED"
            elif accepted == 0:
                line.confirmation_status = "REJECTED"
            else:
                line.confirmation_status = "PARTIALLY_ACCEPTED"

        for receipt in reader.items("receipts"):
            receipt.check_keys({"at", "eaches"})
            at = receipt.moment("at")
            eaches = receipt.integer("eaches", minimum=1)
            if at < self.start_of_today:
                line.received_eaches += eaches
                line.last_received_at = max(at, line.last_received_at or at)
            else:
                self.pending.append(PendingReceipt(at, number, line.item_sequence_number, eaches))
        return line

    def _shipments(self, readers: list[_Reader]) -> tuple[list[Shipment], dict[str, AsnRecord], dict[tuple[str, str], int]]:
        shipments = []
        asn_records: dict[str, AsnRecord] = {}
        shortfalls: dict[tuple[str, str], int] = {}
        for reader in readers:
            reader.check_keys({
                "shipment_id", "ship_date", "ship_to", "shipment_type", "carrier_scac", "carrier_reference",
                "bill_of_lading_number", "asn_submitted_at", "cartons", "short_on_receipt",
            })  # fmt: skip
            shipment_id = reader.text("shipment_id")
            contents = [self._carton(carton) for carton in reader.items("cartons", required=True)]
            shipment = Shipment(
                shipment_id=shipment_id,
                ship_date=reader.moment("ship_date"),
                shipment_type=reader.text("shipment_type", "TruckLoad"),
                carrier_scac=reader.text("carrier_scac", "UPSN"),
                carrier_reference=reader.text("carrier_reference", f"PRO-{shipment_id}"),
                bill_of_lading_number=reader.text("bill_of_lading_number", f"BOL-{shipment_id}"),
                ship_from=self.top.text("ship_from_party_id", SHIP_FROM_PARTY_ID),
                ship_to=reader.text("ship_to"),
                contents=contents,
                asn_submitted_at=reader.moment("asn_submitted_at", None),
            )
            shipments.append(shipment)
            if shipment.asn_submitted_at is not None:
                asn_records[shipment_id] = AsnRecord(
                    shipment_id,
                    self.top.text("vendor_code", VENDOR_CODE),
                    shipment.asn_submitted_at,
                    shipment.eaches_by_line(),
                )
            for shortfall in reader.items("short_on_receipt"):
                shortfall.check_keys({"po", "item", "eaches"})
                key = (shortfall.text("po"), str(shortfall.integer("item", minimum=1)))
                if key not in shipment.eaches_by_line():
                    shortfall.fail(shortfall.where, f"names PO {key[0]} item {key[1]}, which this shipment does not carry")
                shortfalls[key] = shortfalls.get(key, 0) + shortfall.integer("eaches", minimum=1)
        return shipments, asn_records, shortfalls

    def _carton(self, reader: _Reader) -> CartonContent:
        reader.check_keys({"sscc", "po", "item", "quantity", "unit", "unit_size"})
        number = reader.text("po")
        item = str(reader.integer("item", minimum=1))
        order = self.orders.get(number)
        line = order.line(item) if order is not None else None
        if line is None:
            reader.fail(reader.where, f"names PO {number} item {item}, which purchase_orders does not contain")
        sscc = reader.text("sscc")
        if not is_valid_sscc(sscc):
            reader.fail(reader.path("sscc"), f"is {sscc!r}; an SSCC has 18 digits, the last a GS1 check digit")
        unit = reader.raw("unit", line.unit_of_measure)
        if unit not in (CASES, EACHES):
            reader.fail(reader.path("unit"), f"is {_shown(unit)}; give {CASES} or {EACHES}")
        return CartonContent(
            carton_id=sscc,
            purchase_order_number=number,
            item_sequence_number=item,
            asin=line.asin,
            vendor_sku=line.vendor_sku,
            quantity=reader.integer("quantity", minimum=1),
            unit_of_measure=unit,
            unit_size=reader.integer("unit_size", line.unit_size if unit == line.unit_of_measure else 1, minimum=1),
        )

    def _forecast(self, reader: _Reader) -> ForecastRow:
        reader.check_keys({"generated_on", "asin", "start_date", "end_date", "mean", "p70", "p80", "p90"})
        start = reader.day("start_date")
        return ForecastRow(
            generation_date=reader.day("generated_on"),
            asin=reader.text("asin"),
            start_date=start,
            end_date=reader.day("end_date", start + timedelta(days=6)),
            mean_units=reader.money("mean"),
            p70_units=reader.money("p70"),
            p80_units=reader.money("p80"),
            p90_units=reader.money("p90"),
        )

    def _inventory(self, reader: _Reader) -> InventoryRow:
        reader.check_keys({"asin", "start_date", "end_date", *_INVENTORY_UNITS, *_INVENTORY_COSTS, *_INVENTORY_RATES})
        start = reader.day("start_date")
        if start.weekday() != 6:
            reader.fail(reader.path("start_date"), f"is {start}, a {start:%A}; inventory weeks start on Sunday")
        values: dict[str, Any] = {name: reader.integer(name, 0) for name in _INVENTORY_UNITS}
        values.update({name: reader.money(name, Decimal("0.00")) for name in _INVENTORY_COSTS})
        values.update({name: reader.money(name, None) for name in _INVENTORY_RATES})
        return InventoryRow(
            asin=reader.text("asin"), start_date=start, end_date=reader.day("end_date", start + timedelta(days=6)), **values
        )

    def _stock(self, reader: _Reader) -> StockRow:
        reader.check_keys({"snapshot_date", "warehouse_code", "vendor_sku", "asin", "on_hand_units", "reserved_units"})
        return StockRow(
            snapshot_date=reader.day("snapshot_date"),
            warehouse_code=reader.text("warehouse_code"),
            vendor_sku=reader.text("vendor_sku"),
            asin=reader.text("asin"),
            on_hand_units=reader.integer("on_hand_units"),
            reserved_units=reader.integer("reserved_units", 0),
        )
