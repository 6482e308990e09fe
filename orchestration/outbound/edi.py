"""X12 EDI for vendors who exchange EDI with Amazon instead of calling the API.

The same validated documents the API would receive are written as X12 interchanges into an
outbox folder: an acknowledgement as an 855, an ASN as an 856 and an invoice as an 810. Each
file is one interchange (ISA/IEA) with one functional group (GS/GE) and one transaction set
(ST/SE). Interchange and group control numbers come from a counter kept in the outbox, so
they are unique and sequential per receiver.

Amazon's conventions followed here:
- the receiver is `AMAZON` with qualifier `ZZ`;
- the 855 and 810 are version 4010, the 856 is 5010;
- units are `EA` or `CA` as ordered, and `netCost` is per each (`PE`);
- the 856 is a Shipment / Order / [Tare] / Pack / Item tree with one `MAN*GM` SSCC per
  pallet (tare) and per carton; an item's lot is `LT` in its LIN and its expiry `DTM*036`;
- the 810 total (TDS) is in cents; a credit note is an 810 with BIG07 `CR` and the invoice
  it corrects in `REF*OI` (original invoice number), its amounts positive.
NOTE: Amazon's own 855/856/810 guides (in Vendor Central) are authoritative and
were not available; check the segment choices against them before trading in production.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sources.clock import utc_now

ELEMENT = "*"
SEGMENT = "~"
COMPONENT = ">"
REPETITION = "^"
TRANSACTION_PREFIX = "edi-"

UNITS = {"Eaches": "EA", "Cases": "CA"}
# NOTE: the ACK segment written here carries no rejection reason; Amazon's 855 guide names the
# element for it, if any.
ACKNOWLEDGEMENT_CODES = {"Accepted": "IA", "Backordered": "IB", "Rejected": "IR"}
# X12 TXI01 tax type codes for Amazon's taxType values; anything else is ZZ (mutually defined).
TAX_CODES = {"VAT": "VA", "DomesticVAT": "VA", "GST": "GS", "ST": "ST", "PST": "PS"}
# X12 SAC02 codes for Amazon's charge and allowance types; anything else is ZZZZ with a description.
CHARGE_CODES = {"Freight": "D240"}
ALLOWANCE_CODES = {"Discount": "C310"}

# transaction set: (functional identifier code, ISA12 version, GS08 version)
TRANSACTION_SETS = {
    "855": ("PR", "00401", "004010"),
    "856": ("SH", "00501", "005010"),
    "810": ("IN", "00401", "004010"),
}
DOCUMENT_SETS = {"acknowledgement": "855", "shipment_confirmation": "856", "invoice": "810"}


class EdiError(ValueError):
    """A document that cannot be written as X12; the message names the field and the fix."""


@dataclass(frozen=True)
class Partners:
    sender_id: str
    receiver_id: str = "AMAZON"
    qualifier: str = "ZZ"
    usage: str = "P"  # ISA15: P production, T test

    def __post_init__(self) -> None:
        for name in ("sender_id", "receiver_id"):
            value = getattr(self, name)
            if not value or len(value) > 15:
                raise EdiError(f"EDI {name} {value!r} must be 1 to 15 characters; set [acorn.outbound] edi_{name}")
        if self.usage not in ("P", "T"):
            raise EdiError(f"EDI usage {self.usage!r} must be P (production) or T (test); set [acorn.outbound] edi_usage")


class ControlNumbers:
    """Sequential interchange control numbers per receiver, kept in a JSON file."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def next(self, receiver_id: str) -> int:
        numbers = json.loads(self.path.read_text()) if self.path.exists() else {}
        number = numbers.get(receiver_id, 0) % 999_999_999 + 1
        numbers[receiver_id] = number
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(numbers, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.path)
        return number


# --- writing ------------------------------------------------------------------------------


def interchange(document_type: str, payload: dict, partners: Partners, control_number: int, at: datetime) -> str:
    """Write one document as a complete X12 interchange."""
    transaction_set = DOCUMENT_SETS.get(document_type)
    if transaction_set is None:
        raise EdiError(f"document type {document_type!r} has no X12 form; expected one of {', '.join(DOCUMENT_SETS)}")
    body = {"855": _855, "856": _856, "810": _810}[transaction_set](payload)
    functional_id, isa_version, gs_version = TRANSACTION_SETS[transaction_set]
    at = at.astimezone(UTC)
    control = f"{control_number:09d}"
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10,
        partners.qualifier, partners.sender_id.ljust(15), partners.qualifier, partners.receiver_id.ljust(15),
        f"{at:%y%m%d}", f"{at:%H%M}",
        "U" if isa_version == "00401" else REPETITION,
        isa_version, control, "0", partners.usage, COMPONENT,
    ]  # fmt: skip
    gs = ["GS", functional_id, partners.sender_id, partners.receiver_id, f"{at:%Y%m%d}", f"{at:%H%M}", str(control_number), "X", gs_version]
    transaction = [["ST", transaction_set, "0001"], *body]
    transaction.append(["SE", str(len(transaction) + 1), "0001"])
    segments = [isa, gs, *transaction, ["GE", "1", str(control_number)], ["IEA", "1", control]]
    return "".join(_segment(segment) for segment in segments)


def _segment(elements: list) -> str:
    values = ["" if value is None else str(value) for value in elements]
    for value in values[1:]:
        if any(separator in value for separator in (ELEMENT, SEGMENT, COMPONENT, REPETITION)) and elements[0] != "ISA":
            raise EdiError(
                f"{elements[0]} value {value!r} contains an X12 separator (* ~ > ^); remove it from the source data"
            )
    while len(values) > 1 and values[-1] == "":
        values.pop()
    return ELEMENT.join(values) + SEGMENT


def _date(value: str) -> str:
    return f"{_datetime(value):%Y%m%d}"


def _datetime(value: str) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def _unit(quantity: dict) -> str:
    return UNITS[quantity["unitOfMeasure"]]


def _eaches(quantity: dict) -> int:
    return int(quantity["amount"]) * (int(quantity.get("unitSize") or 1) if quantity["unitOfMeasure"] == "Cases" else 1)


def _product_ids(item: dict) -> list:
    ids = []
    if item.get("amazonProductIdentifier"):
        ids += ["BP", item["amazonProductIdentifier"]]
    if item.get("vendorProductIdentifier"):
        ids += ["VN", item["vendorProductIdentifier"]]
    return ids


def _cents(amount) -> str:
    cents = Decimal(str(amount)) * 100
    if cents != cents.to_integral_value():
        raise EdiError(f"amount {amount} has fractions of a cent; X12 implied-decimal amounts need whole cents")
    return str(int(cents))


def _855(payload: dict) -> list[list]:
    (acknowledgement,) = payload["acknowledgements"]
    segments = [["BAK", "00", "AC", acknowledgement["purchaseOrderNumber"], _date(acknowledgement["acknowledgementDate"])]]
    quantity_total = 0
    items = acknowledgement["items"]
    for item in items:
        ordered = item["orderedQuantity"]
        quantity_total += int(ordered["amount"])
        segments.append(
            ["PO1", item.get("itemSequenceNumber", ""), ordered["amount"], _unit(ordered), item["netCost"]["amount"], "PE", *_product_ids(item)]
        )
        for line in item["itemAcknowledgements"]:
            quantity = line["acknowledgedQuantity"]
            ack = ["ACK", ACKNOWLEDGEMENT_CODES[line["acknowledgementCode"]], quantity["amount"], _unit(quantity)]
            if line.get("scheduledShipDate"):
                ack += ["068", _date(line["scheduledShipDate"])]
            segments.append(ack)
    segments.append(["CTT", str(len(items)), str(quantity_total)])
    return segments


def _856(payload: dict) -> list[list]:
    (confirmation,) = payload["shipmentConfirmations"]
    shipped_at = _datetime(confirmation["shippedDate"])
    confirmed_at = _datetime(confirmation.get("shipmentConfirmationDate") or confirmation["shippedDate"])
    items = {item["itemSequenceNumber"]: item for item in confirmation["shippedItems"]}
    cartons = confirmation.get("cartons") or []
    purpose = "05" if confirmation["shipmentConfirmationType"] == "Replace" else "00"
    structure = "0001" if cartons else "0004"
    segments = [["BSN", purpose, confirmation["shipmentIdentifier"], f"{confirmed_at:%Y%m%d}", f"{confirmed_at:%H%M}", structure]]
    hl_count = 1
    segments.append(["HL", "1", "", "S"])
    measurements = confirmation.get("shipmentMeasurements") or {}
    if measurements.get("palletCount"):
        segments.append(["TD1", "PLT", measurements["palletCount"]])
    elif measurements.get("cartonCount"):
        segments.append(["TD1", "CTN", measurements["cartonCount"]])
    transport = confirmation.get("transportationDetails") or {}
    if transport.get("carrierScac"):
        segments.append(["TD5", "", "2", transport["carrierScac"]])
    if transport.get("billOfLadingNumber"):
        segments.append(["REF", "BM", transport["billOfLadingNumber"]])
    if transport.get("carrierShipmentReferenceNumber"):
        segments.append(["REF", "CN", transport["carrierShipmentReferenceNumber"]])
    segments.append(["DTM", "011", f"{shipped_at:%Y%m%d}", f"{shipped_at:%H%M}", "UT"])
    segments.append(["N1", "SF", "", "92", confirmation["shipFromParty"]["partyId"]])
    segments.append(["N1", "ST", "", "92", confirmation["shipToParty"]["partyId"]])

    pallet_of = _pallet_of_cartons(confirmation.get("pallets") or [])
    orders = sorted({item["itemDetails"]["purchaseOrderNumber"] for item in items.values()})
    for po_number in orders:
        hl_count += 1
        order_hl = hl_count
        segments += [["HL", str(order_hl), "1", "O"], ["PRF", po_number]]
        if cartons:
            # Loose cartons hang from the order, cartons on a pallet from that pallet's tare level.
            tare_hl: dict[str, int] = {}
            for carton in cartons:
                contents = [
                    entry for entry in carton["items"] if entry.get("itemDetails", {}).get("purchaseOrderNumber", _po(items, entry)) == po_number
                ]
                if not contents:
                    continue
                parent_hl = order_hl
                pallet = pallet_of.get(carton["cartonSequenceNumber"])
                if pallet is not None:
                    if pallet not in tare_hl:
                        hl_count += 1
                        tare_hl[pallet] = hl_count
                        segments += [["HL", str(hl_count), str(order_hl), "T"], ["MAN", "GM", pallet]]
                    parent_hl = tare_hl[pallet]
                hl_count += 1
                pack_hl = hl_count
                segments += [["HL", str(pack_hl), str(parent_hl), "P"], ["MAN", "GM", _sscc(carton["cartonIdentifiers"])]]
                for entry in contents:
                    hl_count += 1
                    item = items[entry["itemReference"]]
                    quantity = entry["shippedQuantity"]
                    details = entry.get("itemDetails") or {}
                    lot = ["LT", details["lotNumber"]] if details.get("lotNumber") else []
                    segments += [
                        ["HL", str(hl_count), str(pack_hl), "I"],
                        ["LIN", "", *_product_ids(item), *lot],
                        ["SN1", "", quantity["amount"], _unit(quantity)],
                    ]
                    expiry = (details.get("expiry") or {}).get("expiryDate")
                    if expiry:
                        segments.append(["DTM", "036", _date(expiry)])
        else:
            for item in items.values():
                if item["itemDetails"]["purchaseOrderNumber"] != po_number:
                    continue
                hl_count += 1
                quantity = item["shippedQuantity"]
                segments += [
                    ["HL", str(hl_count), str(order_hl), "I"],
                    ["LIN", "", *_product_ids(item)],
                    ["SN1", "", quantity["amount"], _unit(quantity)],
                ]
    segments.append(["CTT", str(hl_count)])
    return segments


def _sscc(identifiers: list[dict]) -> str:
    return next(
        identifier["containerIdentificationNumber"]
        for identifier in identifiers
        if identifier["containerIdentificationType"] == "SSCC"
    )


def _pallet_of_cartons(pallets: list[dict]) -> dict[str, str]:
    """Map each carton sequence number to the SSCC of the pallet it is on."""
    pallet_of = {}
    for pallet in pallets:
        sscc = _sscc(pallet["palletIdentifiers"])
        for reference in (pallet.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers", []):
            pallet_of[reference] = sscc
    return pallet_of


def _po(items: dict, entry: dict) -> str:
    return items[entry["itemReference"]]["itemDetails"]["purchaseOrderNumber"]


def _810(payload: dict) -> list[list]:
    (invoice,) = payload["invoices"]
    items = invoice.get("items") or []
    orders = sorted({item["purchaseOrderNumber"] for item in items if item.get("purchaseOrderNumber")})
    if len(orders) != 1:
        raise EdiError(
            f"invoice {invoice['id']} covers {len(orders)} purchase orders ({', '.join(orders) or 'none'}); "
            "an X12 810 to Amazon names exactly one, so split the invoice per PO"
        )
    big = ["BIG", _date(invoice["date"]), invoice["id"], "", orders[0]]
    if invoice["invoiceType"] == "CreditNote":
        big += ["", "", "CR"]
    currency = invoice["invoiceTotal"]["currencyCode"]
    segments = [big, ["CUR", "SE", currency]]
    if invoice["invoiceType"] == "CreditNote":
        # NOTE: Amazon's EDI material leaves open whether it takes credit notes as 810s or only
        # through the API; confirm with its 810 guide before sending them this way.
        references = sorted(
            {(item.get("creditNoteDetails") or {}).get("referenceInvoiceNumber") for item in items} - {None}
        )
        segments += [["REF", "OI", reference] for reference in references]
    for qualifier, field in (("RI", "remitToParty"), ("BT", "billToParty"), ("ST", "shipToParty")):
        if invoice.get(field):
            segments.append(["N1", qualifier, "", "92", invoice[field]["partyId"]])

    computed = Decimal(0)
    for item in items:
        quantity = item["invoicedQuantity"]
        net_cost = Decimal(str(item["netCost"]["amount"]))
        computed += net_cost * _eaches(quantity)
        segments.append(["IT1", item["itemSequenceNumber"], quantity["amount"], _unit(quantity), item["netCost"]["amount"], "PE", *_product_ids(item)])
        for tax in item.get("taxDetails") or []:
            segments.append(_txi(tax))

    total = invoice["invoiceTotal"]["amount"]
    segments.append(["TDS", _cents(total)])
    # The header's tax is the invoice's whole tax when present; otherwise the lines' taxes add up.
    if invoice.get("taxDetails"):
        for tax in invoice["taxDetails"]:
            computed += Decimal(str(tax["taxAmount"]["amount"]))
            segments.append(_txi(tax))
    else:
        computed += sum(
            (Decimal(str(tax["taxAmount"]["amount"])) for item in items for tax in item.get("taxDetails") or []), Decimal(0)
        )
    for charge in invoice.get("chargeDetails") or []:
        computed += Decimal(str(charge["chargeAmount"]["amount"]))
        segments.append(_sac("C", CHARGE_CODES, charge["type"], charge["chargeAmount"]["amount"]))
    for allowance in invoice.get("allowanceDetails") or []:
        computed -= Decimal(str(allowance["allowanceAmount"]["amount"]))
        segments.append(_sac("A", ALLOWANCE_CODES, allowance["type"], allowance["allowanceAmount"]["amount"]))
    if computed.quantize(Decimal("0.01")) != Decimal(str(total)).quantize(Decimal("0.01")):
        raise EdiError(
            f"invoice {invoice['id']}: invoiceTotal {total} differs from lines, tax and charges less allowances "
            f"({computed.quantize(Decimal('0.01'))}); correct the invoice before writing its 810"
        )
    segments.append(["CTT", str(len(items))])
    return segments


def _txi(tax: dict) -> list:
    segment = ["TXI", TAX_CODES.get(tax["taxType"], "ZZ"), tax["taxAmount"]["amount"]]
    if tax.get("taxRate"):
        segment.append(tax["taxRate"])
    return segment


def _sac(indicator: str, codes: dict, kind: str, amount) -> list:
    code = codes.get(kind, "ZZZZ")
    segment = ["SAC", indicator, code, "", "", _cents(amount)]
    if code == "ZZZZ":
        segment += [""] * 9 + [kind]  # SAC15: description of a mutually defined code
    return segment


# --- reading back ------------------------------------------------------------------------


def parse(text: str) -> list[list[str]]:
    """Split an X12 interchange into segments of elements, using the separators its ISA declares."""
    text = text.lstrip("\ufeff")
    if not text.startswith("ISA") or len(text) < 106:
        raise EdiError("the text does not start with a 106-character ISA segment; it is not an X12 interchange")
    element, terminator = text[3], text[105]
    segments = []
    for raw in text.split(terminator):
        raw = raw.strip()
        if raw:
            segments.append(raw.split(element))
    return segments


# --- the outbox ---------------------------------------------------------------------------


class EdiOutbox:
    """Stands in for the API client: each submission is written to the outbox as X12.

    The transaction id it returns is `edi-` and the interchange control number. Amazon's
    verdict comes back as a 997 and in the purchase order status, not through getTransaction.
    """

    def __init__(self, outbox_dir: Path, partners: Partners, now=utc_now):
        self.outbox_dir = Path(outbox_dir)
        self.partners = partners
        self.control_numbers = ControlNumbers(self.outbox_dir / "control_numbers.json")
        self._now = now

    def write(self, document_type: str, payload: dict, business_id: str) -> tuple[int, Path]:
        # Build first, so a document that cannot be written uses no control number.
        interchange(document_type, payload, self.partners, 1, self._now())
        number = self.control_numbers.next(self.partners.receiver_id)
        text = interchange(document_type, payload, self.partners, number, self._now())
        safe_id = "".join(character if character.isalnum() or character in "-_" else "_" for character in business_id)
        path = self.outbox_dir / f"{DOCUMENT_SETS[document_type]}_{safe_id}_{number:09d}.x12"
        temporary = path.with_suffix(".tmp")
        with temporary.open("w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
        return number, path

    def _submit(self, document_type: str, payload: dict, business_id: str) -> str:
        try:
            number, _path = self.write(document_type, payload, business_id)
        except (EdiError, KeyError, ValueError) as error:
            raise EdiRejected(f"{document_type} {business_id} cannot be written as X12: {error}") from error
        return f"{TRANSACTION_PREFIX}{number:09d}"

    def submit_acknowledgement(self, payload: dict) -> str:
        return self._submit("acknowledgement", payload, payload["acknowledgements"][0]["purchaseOrderNumber"])

    def submit_shipment_confirmations(self, payload: dict) -> str:
        return self._submit("shipment_confirmation", payload, payload["shipmentConfirmations"][0]["shipmentIdentifier"])

    def submit_invoices(self, payload: dict) -> str:
        return self._submit("invoice", payload, payload["invoices"][0]["id"])


class EdiRejected(RuntimeError):
    """A document the outbox could not write; nothing left the machine."""
