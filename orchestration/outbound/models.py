"""Pydantic models of the request bodies acorn sends to the Selling Partner API.

They follow Amazon's Swagger 2.0 models of the vendor retail APIs (vendorOrders.json
`SubmitAcknowledgementRequest`, vendorShipments.json `SubmitShipmentConfirmationsRequest`,
vendorInvoices.json `SubmitInvoicesRequest`) for the parts acorn fills. A field that
Amazon's documentation marks as required, or that acorn always sends, is required here.
Some documented rules are prose in the Swagger schema, and these models enforce them too.
They are 8-character PO numbers, positive net costs, ISO country and currency codes and
SSCC check digits. A rejection reason must be given exactly on rejected lines, and every
line of an Invoice needs a PO number.

Field names are snake_case in Python and camelCase on the wire. Money is `Decimal` and is
serialised as a decimal string. Times must carry a zone and are serialised in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from expectations.gs1 import is_valid_sscc

# The pattern Amazon's models give for their `Decimal` string type.
DECIMAL_PATTERN = re.compile(r"-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?")
CENT = Decimal("0.01")


class PayloadInvalid(ValueError):
    """Raised when a built payload does not match Amazon's request model.

    `errors` lists one readable reason per problem, each starting with the JSON path of the
    field, e.g. `acknowledgements[0].purchaseOrderNumber: …`.
    """

    def __init__(self, document_id: str, errors: list[str]) -> None:
        self.document_id = document_id
        self.errors = list(errors)
        super().__init__(f"{document_id} is invalid: " + "; ".join(self.errors))


def _parse_decimal(value: Any) -> Decimal:
    # bool is an int subclass, and a float has already lost the exact amount.
    if isinstance(value, (bool, float)):
        raise ValueError(f"must be a Decimal or a decimal string, not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        if DECIMAL_PATTERN.fullmatch(value) is None:
            raise ValueError(f"{value!r} is not a decimal number")
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite decimal")
        return value
    raise ValueError(f"must be a Decimal or a decimal string, not {type(value).__name__}")


def format_money(amount: Decimal) -> str:
    """Format an amount with at least 2 decimals and no trailing zeros beyond them.

    8.500000000 becomes "8.50", 4.255 stays "4.255" and 264 becomes "264.00".
    """
    normalized = amount.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        normalized = amount.quantize(CENT)
    return format(normalized, "f")


def _format_plain_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _format_utc(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


MoneyAmount = Annotated[
    Decimal, BeforeValidator(_parse_decimal), PlainSerializer(format_money, return_type=str)
]
DecimalString = Annotated[
    Decimal, BeforeValidator(_parse_decimal), PlainSerializer(_format_plain_decimal, return_type=str)
]
UtcDateTime = Annotated[
    AwareDatetime, AfterValidator(_to_utc), PlainSerializer(_format_utc, return_type=str)
]
Text = Annotated[str, StringConstraints(min_length=1)]
PurchaseOrderNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{8}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# A Standard Carrier Alpha Code has two to four letters.
CarrierScac = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")]
# ASN item and carton sequence numbers are zero-padded: "001", "002", …
SequenceNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{3,}$")]
UnitOfMeasure = Literal["Cases", "Eaches"]


class AmazonModel(BaseModel):
    """Base of every request model: camelCase aliases, no unknown fields, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
    )


class Money(AmazonModel):
    currency_code: CurrencyCode
    amount: MoneyAmount


class ItemQuantity(AmazonModel):
    """A quantity in its original unit: `unit_size` eaches per case, 1 for eaches."""

    amount: int = Field(ge=0)
    unit_of_measure: UnitOfMeasure
    unit_size: int = Field(ge=1)

    @model_validator(mode="after")
    def _eaches_have_unit_size_one(self) -> ItemQuantity:
        if self.unit_of_measure == "Eaches" and self.unit_size != 1:
            raise ValueError(f"unitSize must be 1 for Eaches, got {self.unit_size}")
        return self

    @property
    def eaches(self) -> int:
        return self.amount * self.unit_size


def _require_positive(money: Money | None, field_name: str) -> Money | None:
    if money is not None and money.amount <= 0:
        raise ValueError(f"{field_name} must be greater than 0, got {money.amount}")
    return money


class Address(AmazonModel):
    """Address as the Orders and Shipments models define it."""

    name: Text
    address_line1: Text
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None
    country_code: CountryCode


class InvoiceAddress(AmazonModel):
    """Address as the Invoices model defines it, which names the postal code differently."""

    name: Text
    address_line1: Text
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    state_or_region: str | None = None
    postal_or_zip_code: str | None = None
    country_code: CountryCode


class Party(AmazonModel):
    party_id: Text
    address: Address | None = None


class InvoiceParty(AmazonModel):
    party_id: Text
    address: InvoiceAddress | None = None


# --- Vendor Orders: submitAcknowledgement ------------------------------------------------


class OrderItemAcknowledgement(AmazonModel):
    acknowledgement_code: Literal["Accepted", "Backordered", "Rejected"]
    acknowledged_quantity: ItemQuantity
    scheduled_ship_date: UtcDateTime | None = None
    scheduled_delivery_date: UtcDateTime | None = None
    rejection_reason: (
        Literal["TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct"] | None
    ) = None

    @model_validator(mode="after")
    def _rejection_reason_only_when_rejected(self) -> OrderItemAcknowledgement:
        if self.acknowledgement_code == "Rejected" and self.rejection_reason is None:
            raise ValueError("a Rejected item needs a rejectionReason")
        if self.acknowledgement_code != "Rejected" and self.rejection_reason is not None:
            raise ValueError(
                f"rejectionReason is only allowed on Rejected items, not {self.acknowledgement_code}"
            )
        return self


class OrderAcknowledgementItem(AmazonModel):
    item_sequence_number: Text
    amazon_product_identifier: Text | None = None
    vendor_product_identifier: Text | None = None
    ordered_quantity: ItemQuantity
    # Amazon rejects an acknowledgement whose net cost is missing, zero or negative.
    net_cost: Money
    list_price: Money | None = None
    item_acknowledgements: list[OrderItemAcknowledgement] = Field(min_length=1)

    @field_validator("net_cost")
    @classmethod
    def _net_cost_positive(cls, value: Money) -> Money:
        _require_positive(value, "netCost")
        return value


class OrderAcknowledgement(AmazonModel):
    purchase_order_number: PurchaseOrderNumber
    selling_party: Party
    acknowledgement_date: UtcDateTime
    items: list[OrderAcknowledgementItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _item_sequence_numbers_unique(self) -> OrderAcknowledgement:
        _require_unique([item.item_sequence_number for item in self.items], "itemSequenceNumber")
        return self


class SubmitAcknowledgementRequest(AmazonModel):
    acknowledgements: list[OrderAcknowledgement] = Field(min_length=1)


# --- Vendor Shipments: SubmitShipmentConfirmations ---------------------------------------


class TransportationDetails(AmazonModel):
    carrier_scac: CarrierScac | None = None
    # The carrier's PRO number. Amazon requires it, with carrierScac, for US, CA and MX.
    carrier_shipment_reference_number: Text | None = None
    transportation_mode: Literal["Road", "Air", "Ocean"] | None = None
    # Amazon rejects a bill of lading number that is a single character.
    bill_of_lading_number: Annotated[str, StringConstraints(min_length=2)] | None = None


class ShipmentMeasurements(AmazonModel):
    # Amazon wants cartonCount only for shipments of loose cartons, palletCount for palletised ones.
    carton_count: int | None = Field(default=None, ge=1)
    pallet_count: int | None = Field(default=None, ge=1)


class Duration(AmazonModel):
    duration_unit: Literal["Days", "Months"]
    duration_value: int = Field(ge=1)


class Expiry(AmazonModel):
    """Dates Amazon requires for perishables: an expiry date, or a manufacturing date and a shelf life."""

    manufacturer_date: UtcDateTime | None = None
    expiry_date: UtcDateTime | None = None
    expiry_after_duration: Duration | None = None

    @model_validator(mode="after")
    def _expiry_date_or_duration(self) -> Expiry:
        if self.expiry_date is None and (self.manufacturer_date is None or self.expiry_after_duration is None):
            raise ValueError("expiry needs expiryDate, or manufacturerDate with expiryAfterDuration")
        return self


class ItemDetails(AmazonModel):
    purchase_order_number: PurchaseOrderNumber | None = None
    # Amazon requires lotNumber and expiry for perishable items.
    lot_number: Text | None = None
    country_of_origin: CountryCode | None = None
    expiry: Expiry | None = None


class ShippedItem(AmazonModel):
    item_sequence_number: SequenceNumber
    amazon_product_identifier: Text | None = None
    vendor_product_identifier: Text | None = None
    shipped_quantity: ItemQuantity
    item_details: ItemDetails | None = None


class ContainerIdentification(AmazonModel):
    container_identification_type: Literal["SSCC", "AMZNCC", "GTIN", "BPS", "CID"]
    container_identification_number: Text

    @model_validator(mode="after")
    def _sscc_check_digit(self) -> ContainerIdentification:
        number = self.container_identification_number
        if self.container_identification_type == "SSCC" and not is_valid_sscc(number):
            raise ValueError(
                f"{number!r} is not a valid SSCC: expected 18 digits ending in a GS1 check digit"
            )
        return self


class ContainerItem(AmazonModel):
    item_reference: SequenceNumber
    shipped_quantity: ItemQuantity
    item_details: ItemDetails | None = None


class Carton(AmazonModel):
    carton_identifiers: list[ContainerIdentification] | None = None
    carton_sequence_number: SequenceNumber
    tracking_number: Text | None = None
    items: list[ContainerItem] = Field(min_length=1)


class CartonReferenceDetails(AmazonModel):
    """The cartons on a pallet, by their cartonSequenceNumber."""

    carton_count: int | None = Field(default=None, ge=1)
    carton_reference_numbers: list[SequenceNumber] = Field(min_length=1)

    @model_validator(mode="after")
    def _count_matches_references(self) -> CartonReferenceDetails:
        if self.carton_count is not None and self.carton_count != len(self.carton_reference_numbers):
            raise ValueError(
                f"cartonCount is {self.carton_count} but {len(self.carton_reference_numbers)} cartons are referenced"
            )
        return self


class Pallet(AmazonModel):
    pallet_identifiers: list[ContainerIdentification] = Field(min_length=1)
    carton_reference_details: CartonReferenceDetails | None = None
    items: list[ContainerItem] | None = None


class ShipmentConfirmation(AmazonModel):
    shipment_identifier: Text
    shipment_confirmation_type: Literal["Original", "Replace"]
    shipment_type: Literal["TruckLoad", "LessThanTruckLoad", "SmallParcel"] | None = None
    shipment_structure: (
        Literal[
            "PalletizedAssortmentCase",
            "LooseAssortmentCase",
            "PalletOfItems",
            "PalletizedStandardCase",
            "LooseStandardCase",
            "MasterPallet",
            "MasterCase",
        ]
        | None
    ) = None
    transportation_details: TransportationDetails | None = None
    shipment_confirmation_date: UtcDateTime
    shipped_date: UtcDateTime | None = None
    estimated_delivery_date: UtcDateTime | None = None
    selling_party: Party
    ship_from_party: Party
    ship_to_party: Party
    shipment_measurements: ShipmentMeasurements | None = None
    shipped_items: list[ShippedItem] = Field(min_length=1)
    cartons: list[Carton] | None = None
    pallets: list[Pallet] | None = None

    @model_validator(mode="after")
    def _bill_of_lading_for_freight(self) -> ShipmentConfirmation:
        if self.shipment_type in ("TruckLoad", "LessThanTruckLoad"):
            details = self.transportation_details
            if details is None or details.bill_of_lading_number is None:
                raise ValueError(
                    f"a {self.shipment_type} shipment needs"
                    " transportationDetails.billOfLadingNumber"
                )
        return self

    @model_validator(mode="after")
    def _cartons_match_items(self) -> ShipmentConfirmation:
        item_numbers = [item.item_sequence_number for item in self.shipped_items]
        _require_unique(item_numbers, "shippedItems itemSequenceNumber")
        if not self.cartons:
            return self

        _require_unique(
            [carton.carton_sequence_number for carton in self.cartons], "cartonSequenceNumber"
        )
        carton_eaches = dict.fromkeys(item_numbers, 0)
        for carton in self.cartons:
            for content in carton.items:
                if content.item_reference not in carton_eaches:
                    raise ValueError(
                        f"carton {carton.carton_sequence_number} refers to item"
                        f" {content.item_reference}, which is not in shippedItems"
                    )
                carton_eaches[content.item_reference] += content.shipped_quantity.eaches
        for item in self.shipped_items:
            packed = carton_eaches[item.item_sequence_number]
            if packed != item.shipped_quantity.eaches:
                raise ValueError(
                    f"item {item.item_sequence_number} ships {item.shipped_quantity.eaches}"
                    f" eaches but its cartons hold {packed}"
                )
        return self

    @model_validator(mode="after")
    def _pallets_refer_to_cartons(self) -> ShipmentConfirmation:
        cartons = {carton.carton_sequence_number for carton in self.cartons or []}
        pallet_of: dict[str, int] = {}
        for index, pallet in enumerate(self.pallets or []):
            details = pallet.carton_reference_details
            for reference in details.carton_reference_numbers if details is not None else []:
                if reference not in cartons:
                    raise ValueError(f"pallets[{index}] refers to carton {reference}, which is not in cartons")
                if reference in pallet_of:
                    raise ValueError(f"carton {reference} is on pallets[{pallet_of[reference]}] and pallets[{index}]")
                pallet_of[reference] = index
        return self


class SubmitShipmentConfirmationsRequest(AmazonModel):
    shipment_confirmations: list[ShipmentConfirmation] = Field(min_length=1)


# --- Vendor Invoices: submitInvoices -----------------------------------------------------

TaxType = Literal[
    "CGST",
    "SGST",
    "CESS",
    "UTGST",
    "IGST",
    "MwSt.",
    "PST",
    "TVA",
    "VAT",
    "GST",
    "ST",
    "Consumption",
    "MutuallyDefined",
    "DomesticVAT",
]
ChargeType = Literal[
    "Freight",
    "Packing",
    "Duty",
    "Service",
    "SmallOrder",
    "InsurancePlacementCost",
    "InsuranceFee",
    "SpecialHandlingService",
    "CollectionAndRecyclingService",
    "EnvironmentalProtectionService",
    "TaxCollectedAtSource",
]
AllowanceType = Literal[
    "Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special"
]


class TaxDetails(AmazonModel):
    tax_type: TaxType
    tax_rate: DecimalString | None = None
    tax_amount: Money
    taxable_amount: Money | None = None


class ChargeDetails(AmazonModel):
    type: ChargeType
    description: Text | None = None
    charge_amount: Money


class AllowanceDetails(AmazonModel):
    type: AllowanceType
    description: Text | None = None
    allowance_amount: Money


class CreditNoteDetails(AmazonModel):
    """What a credit note refers to: the invoice it corrects, and for returns Amazon's returns notice and the return date."""

    reference_invoice_number: Text | None = None
    debit_note_number: Text | None = None
    returns_reference_number: Text | None = None
    goods_return_date: UtcDateTime | None = None
    rma_id: Text | None = None
    coop_reference_number: Text | None = None
    consignors_reference_number: Text | None = None


class InvoiceItem(AmazonModel):
    # An integer here, unlike the string itemSequenceNumber of orders and shipments.
    item_sequence_number: int = Field(ge=1)
    amazon_product_identifier: Text | None = None
    vendor_product_identifier: Text | None = None
    invoiced_quantity: ItemQuantity
    # The net cost per each, without VAT. Amazon matches it against the PO cost.
    net_cost: Money
    purchase_order_number: PurchaseOrderNumber | None = None
    tax_details: list[TaxDetails] | None = None
    credit_note_details: CreditNoteDetails | None = None

    @field_validator("net_cost")
    @classmethod
    def _net_cost_positive(cls, value: Money) -> Money:
        _require_positive(value, "netCost")
        return value


class Invoice(AmazonModel):
    invoice_type: Literal["Invoice", "CreditNote"]
    id: Text
    reference_number: Text | None = None
    date: UtcDateTime
    remit_to_party: InvoiceParty
    ship_to_party: InvoiceParty | None = None
    ship_from_party: InvoiceParty | None = None
    bill_to_party: InvoiceParty | None = None
    invoice_total: Money
    tax_details: list[TaxDetails] | None = None
    charge_details: list[ChargeDetails] | None = None
    allowance_details: list[AllowanceDetails] | None = None
    items: list[InvoiceItem] | None = None

    @field_validator("invoice_total")
    @classmethod
    def _total_in_cents(cls, value: Money) -> Money:
        if value.amount != value.amount.quantize(CENT):
            raise ValueError(f"invoiceTotal must be whole cents, got {value.amount}")
        return value

    @model_validator(mode="after")
    def _items_consistent(self) -> Invoice:
        items = self.items or []
        _require_unique([item.item_sequence_number for item in items], "itemSequenceNumber")
        if self.invoice_type == "Invoice":
            for item in items:
                if item.purchase_order_number is None:
                    raise ValueError(
                        f"item {item.item_sequence_number} needs a purchaseOrderNumber"
                        " on an Invoice"
                    )
                if item.credit_note_details is not None:
                    raise ValueError(
                        f"item {item.item_sequence_number} has creditNoteDetails, which only a CreditNote carries"
                    )
        else:
            self._credit_note_refers_to_one_invoice(items)
        currency = self.invoice_total.currency_code
        for path, money in self._money_fields():
            if money.currency_code != currency:
                raise ValueError(
                    f"{path} is in {money.currency_code} but invoiceTotal is in {currency}"
                )
        return self

    @staticmethod
    def _credit_note_refers_to_one_invoice(items: list[InvoiceItem]) -> None:
        # Amazon processes one invoice per credit note, and a returns credit note needs both
        # the returns notice number and the return date.
        if not items:
            raise ValueError("a CreditNote needs items")
        references = set()
        for item in items:
            details = item.credit_note_details
            if details is None or details.reference_invoice_number is None:
                raise ValueError(
                    f"item {item.item_sequence_number} needs creditNoteDetails.referenceInvoiceNumber on a CreditNote"
                )
            references.add(details.reference_invoice_number)
            if (details.returns_reference_number is None) != (details.goods_return_date is None):
                raise ValueError(
                    f"item {item.item_sequence_number}: a returns credit note needs both returnsReferenceNumber"
                    " and goodsReturnDate"
                )
        if len(references) > 1:
            raise ValueError(
                f"a CreditNote refers to one invoice, not {', '.join(sorted(references))}"
            )

    def _money_fields(self) -> list[tuple[str, Money]]:
        found: list[tuple[str, Money]] = []
        for index, tax in enumerate(self.tax_details or []):
            found.append((f"taxDetails[{index}].taxAmount", tax.tax_amount))
        for index, charge in enumerate(self.charge_details or []):
            found.append((f"chargeDetails[{index}].chargeAmount", charge.charge_amount))
        for index, allowance in enumerate(self.allowance_details or []):
            found.append((f"allowanceDetails[{index}].allowanceAmount", allowance.allowance_amount))
        for index, item in enumerate(self.items or []):
            found.append((f"items[{index}].netCost", item.net_cost))
            for tax_index, tax in enumerate(item.tax_details or []):
                found.append((f"items[{index}].taxDetails[{tax_index}].taxAmount", tax.tax_amount))
        return found


class SubmitInvoicesRequest(AmazonModel):
    invoices: list[Invoice] = Field(min_length=1)


# --- validation --------------------------------------------------------------------------


def _require_unique(values: list[Any], label: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{label} {value} appears more than once")
        seen.add(value)


def _json_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(payload)"


def readable_errors(error: ValidationError) -> list[str]:
    """Turn a pydantic ValidationError into one `path: reason` line per problem."""
    reasons = []
    for detail in error.errors(include_url=False):
        message = detail["msg"].removeprefix("Value error, ")
        input_value = detail.get("input")
        if detail["type"] != "missing" and not isinstance(input_value, (dict, list)):
            message += f" (got {input_value!r})"
        reasons.append(f"{_json_path(detail['loc'])}: {message}")
    return reasons


def validate_payload(model: type[AmazonModel], payload: dict, document_id: str) -> dict:
    """Validate a camelCase payload against a request model and return its JSON form.

    Money comes back as decimal strings, times as UTC ISO-8601 strings, and absent optional
    fields are left out. Raise PayloadInvalid with one reason per problem.
    """
    try:
        parsed = model.model_validate(payload)
    except ValidationError as error:
        raise PayloadInvalid(document_id, readable_errors(error)) from None
    return parsed.model_dump(mode="json", by_alias=True, exclude_none=True)
