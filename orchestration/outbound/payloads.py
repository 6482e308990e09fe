"""Build outbound payloads from outbound model rows, and check them before sending.

Rows are dicts as read from the dbt outbound models (schema `analytics`), with `Decimal`
money and timezone-aware datetimes. Every builder is a pure function: it returns the JSON
body of one document after validating it against the request models in `models.py`, or
raises PayloadInvalid. The `check_*` functions apply the business rules that make acorn
hold a document back instead of sending it, and return one readable reason per broken rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from expectations.gs1 import gs1_check_digit, is_sscc_format, is_valid_sscc
from orchestration.outbound.ledger import account_document_id, plain_document_id
from orchestration.outbound.models import (
    CENT,
    PayloadInvalid,
    SubmitAcknowledgementRequest,
    SubmitInvoicesRequest,
    SubmitShipmentConfirmationsRequest,
    format_money,
    validate_payload,
)
from sources.clock import utc_now

Row = Mapping[str, Any]

# Each document kind and the column that contains its business id.
BUSINESS_ID_COLUMNS = {
    "acknowledgement": "purchase_order_number",
    "shipment_confirmation": "shipment_id",
    "invoice": "invoice_id",
    "credit_note": "credit_note_number",
}
DOCUMENT_KINDS = tuple(BUSINESS_ID_COLUMNS)

# The order of an item's acknowledgements in a payload.
ACKNOWLEDGEMENT_CODES = ("Accepted", "Backordered", "Rejected")

INVOICE_TOTAL_COLUMNS = (
    "line_total_amount",
    "tax_total_amount",
    "charge_total_amount",
    "allowance_total_amount",
    "invoice_total_amount",
)

_DIGITS = re.compile(r"[0-9]+")


# --- identifiers -------------------------------------------------------------------------


def business_id(kind: str, row: Row) -> str:
    """Return the business id of the document a row belongs to: PO number, shipment id or invoice id."""
    column = BUSINESS_ID_COLUMNS.get(kind)
    if column is None:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(DOCUMENT_KINDS)}")
    value = row.get(column)
    if value is None or str(value) == "":
        raise ValueError(f"{kind} row has no {column}, so it cannot be named")
    return str(value)


def document_id(kind: str, business_id: str, account: str | None = None) -> str:
    """Return the ledger's idempotency key for a document: `<kind>:<business id>`, or
    `<account>/<kind>:<business id>` when `account` is given (several accounts are configured)."""
    if kind not in BUSINESS_ID_COLUMNS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(DOCUMENT_KINDS)}")
    if account is None:
        return plain_document_id(kind, business_id)
    return account_document_id(account, kind, business_id)


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Serialise a payload with sorted keys and no whitespace, the form that is hashed."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_sha256(payload: Mapping[str, Any]) -> str:
    """Return the hex SHA-256 of the payload's canonical JSON in UTF-8."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


# --- builders ----------------------------------------------------------------------------


def build_acknowledgement(po_number: str, lines: Sequence[Row], acknowledged_at: datetime) -> dict:
    """Build the submitAcknowledgement body for one PO from its acknowledgement rows.

    A PO line may have several rows, one per acknowledgement code (e.g. part Accepted and
    part Backordered). They become one item with an itemAcknowledgements entry per row,
    Accepted first, then Backordered, then Rejected.
    """
    document = document_id("acknowledgement", po_number)
    with _missing_columns_reported(document):
        payload = _acknowledgement_payload(document, po_number, lines, acknowledged_at)
    return validate_payload(SubmitAcknowledgementRequest, payload, document)


def _acknowledgement_payload(
    document: str, po_number: str, lines: Sequence[Row], acknowledged_at: datetime
) -> dict[str, Any]:
    _require_lines(document, lines, "purchase_order_number", po_number)
    selling_party_id = _single_value(document, lines, "selling_party_id")

    items = []
    for item_lines in _acknowledgement_items(lines):
        line = item_lines[0]
        _require_one_row_per_code(document, item_lines)
        item_acknowledgements = [
            _without_none(
                {
                    "acknowledgementCode": entry["acknowledgement_code"],
                    "acknowledgedQuantity": _quantity(entry, "acknowledged_quantity"),
                    "scheduledShipDate": entry.get("scheduled_ship_date"),
                    "scheduledDeliveryDate": entry.get("scheduled_delivery_date"),
                    "rejectionReason": entry.get("rejection_reason"),
                }
            )
            for entry in item_lines
        ]
        item = {
            "itemSequenceNumber": line["item_sequence_number"],
            "amazonProductIdentifier": line.get("amazon_product_identifier"),
            "vendorProductIdentifier": line.get("vendor_product_identifier"),
            "orderedQuantity": _quantity(line, "ordered_quantity"),
            "netCost": _money(line["net_cost_amount"], line["net_cost_currency_code"]),
            "itemAcknowledgements": item_acknowledgements,
        }
        if line.get("list_price_amount") is not None:
            item["listPrice"] = _money(line["list_price_amount"], line["list_price_currency_code"])
        items.append(_without_none(item))

    return {
        "acknowledgements": [
            {
                "purchaseOrderNumber": po_number,
                "sellingParty": {"partyId": selling_party_id},
                "acknowledgementDate": acknowledged_at,
                "items": items,
            }
        ]
    }


def _acknowledgement_items(lines: Sequence[Row]) -> list[list[Row]]:
    """Group acknowledgement rows by PO line, lines in item sequence order, codes in ACKNOWLEDGEMENT_CODES order."""
    by_item: dict[str, list[Row]] = {}
    for line in lines:
        by_item.setdefault(str(line["item_sequence_number"]), []).append(line)
    return [
        sorted(by_item[key], key=lambda row: _code_rank(row["acknowledgement_code"]))
        for key in sorted(by_item, key=_sequence_key)
    ]


def _require_one_row_per_code(document: str, item_lines: Sequence[Row]) -> None:
    """Raise PayloadInvalid when a PO line's rows repeat a code or disagree on what was ordered."""
    label = f"PO line {item_lines[0]['item_sequence_number']}"
    codes = [str(row["acknowledgement_code"]) for row in item_lines]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise PayloadInvalid(
            document,
            [f"{label} has more than one {' and '.join(repeated)} row; the outbound model has one row per line and code"],
        )
    for column in ("ordered_quantity_amount", "ordered_quantity_unit_of_measure", "ordered_quantity_unit_size", "net_cost_amount"):
        values = {row.get(column) for row in item_lines}
        if len(values) > 1:
            listed = ", ".join(sorted(str(value) for value in values))
            raise PayloadInvalid(document, [f"{label}: its rows disagree on {column}: {listed}"])


def _code_rank(code: Any) -> tuple[int, str]:
    rank = ACKNOWLEDGEMENT_CODES.index(code) if code in ACKNOWLEDGEMENT_CODES else len(ACKNOWLEDGEMENT_CODES)
    return (rank, str(code))


def build_shipment_confirmation(
    header: Row, lines: Sequence[Row], *, confirmed_at: datetime | None = None
) -> dict:
    """Build the SubmitShipmentConfirmations body (an ASN) for one shipment.

    Each distinct PO line becomes one shipped item, numbered "001", "002", … in PO number
    and item sequence order, with the quantity summed over its cartons. Each carton lists its
    SSCC and refers to those item numbers, with the lot and expiry date of its contents when
    the shipment file gives them. A shipment whose cartons have a `pallet_id` is palletised:
    each pallet lists its SSCC and its cartons' sequence numbers, and the shipment counts
    pallets instead of cartons. A carton listed on several pallets is put on the first, and
    check_shipment_confirmation holds such an ASN. `confirmed_at` defaults to the ship date,
    so that rebuilding the same shipment gives the same payload.
    """
    document = document_id("shipment_confirmation", str(header.get("shipment_id")))
    with _missing_columns_reported(document):
        payload = _shipment_confirmation_payload(document, header, lines, confirmed_at)
    return validate_payload(SubmitShipmentConfirmationsRequest, payload, document)


def _shipment_confirmation_payload(
    document: str, header: Row, lines: Sequence[Row], confirmed_at: datetime | None
) -> dict[str, Any]:
    shipment_id = header["shipment_id"]
    _require_lines(document, lines, "shipment_id", shipment_id)

    po_lines = sorted(
        {(line["purchase_order_number"], line["item_sequence_number"]) for line in lines},
        key=lambda key: (str(key[0]), _sequence_key(key[1])),
    )
    item_numbers = {key: f"{index:03d}" for index, key in enumerate(po_lines, start=1)}
    shipped_items = [
        _shipped_item(document, item_numbers[key], key, [row for row in lines if _po_line(row) == key])
        for key in po_lines
    ]

    cartons = []
    carton_numbers: dict[Any, str] = {}
    carton_ids = sorted({line["carton_id"] for line in lines}, key=str)
    for index, carton_id in enumerate(carton_ids, start=1):
        carton_numbers[carton_id] = f"{index:03d}"
        contents = sorted(
            (line for line in lines if line["carton_id"] == carton_id),
            key=lambda line: item_numbers[_po_line(line)],
        )
        cartons.append(
            {
                "cartonIdentifiers": [
                    {"containerIdentificationType": "SSCC", "containerIdentificationNumber": carton_id}
                ],
                "cartonSequenceNumber": carton_numbers[carton_id],
                "items": [
                    {
                        "itemReference": item_numbers[_po_line(line)],
                        "shippedQuantity": _quantity(line, "shipped_quantity"),
                        "itemDetails": _carton_item_details(line),
                    }
                    for line in contents
                ],
            }
        )

    pallets = []
    for pallet_id, pallet_cartons in _cartons_by_pallet(lines).items():
        references = sorted(carton_numbers[carton_id] for carton_id in pallet_cartons)
        pallets.append(
            {
                "palletIdentifiers": [
                    {"containerIdentificationType": "SSCC", "containerIdentificationNumber": pallet_id}
                ],
                "cartonReferenceDetails": {"cartonCount": len(references), "cartonReferenceNumbers": references},
            }
        )
    # Amazon wants palletCount for a palletised shipment and cartonCount only for loose cartons.
    if pallets:
        measurements = {"palletCount": len(pallets)}
    else:
        measurements = {"cartonCount": header["carton_count"]}

    transportation = _without_none(
        {
            "carrierScac": _text_or_none(header.get("carrier_scac")),
            "carrierShipmentReferenceNumber": _text_or_none(header.get("carrier_reference")),
            "billOfLadingNumber": _text_or_none(header.get("bill_of_lading_number")),
        }
    )
    confirmation = _without_none(
        {
            "shipmentIdentifier": shipment_id,
            "shipmentConfirmationType": header["shipment_confirmation_type"],
            "shipmentType": _text_or_none(header.get("shipment_type")),
            "shipmentStructure": "PalletizedAssortmentCase" if pallets else None,
            "transportationDetails": transportation or None,
            "shipmentConfirmationDate": confirmed_at if confirmed_at is not None else header["ship_date"],
            "shippedDate": header["ship_date"],
            "sellingParty": {"partyId": header["selling_party_id"]},
            "shipFromParty": {"partyId": header["ship_from_party_id"]},
            "shipToParty": {"partyId": header["ship_to_party_id"]},
            "shipmentMeasurements": measurements,
            "shippedItems": shipped_items,
            "cartons": cartons,
            "pallets": pallets or None,
        }
    )
    return {"shipmentConfirmations": [confirmation]}


def build_invoice(
    header: Row,
    lines: Sequence[Row],
    *,
    remit_to_party_id: str | None = None,
    tax_type: str | None = None,
    charge_type: str | None = None,
    allowance_type: str | None = None,
) -> dict:
    """Build the submitInvoices body for one invoice from its header and lines.

    `remit_to_party_id` is the party Amazon pays, by default the selling party (vendor code).
    The outbound models carry amounts but not Amazon's type codes, so a tax, charge or
    allowance above zero needs `tax_type` (e.g. "VAT"), `charge_type` (e.g. "Freight") or
    `allowance_type` (e.g. "Discount"); without it the builder raises PayloadInvalid.
    """
    document = document_id("invoice", str(header.get("invoice_id")))
    types = {"tax_type": tax_type, "charge_type": charge_type, "allowance_type": allowance_type}
    with _missing_columns_reported(document):
        payload = _invoice_payload(document, header, lines, remit_to_party_id, types)
    return validate_payload(SubmitInvoicesRequest, payload, document)


def _invoice_payload(
    document: str,
    header: Row,
    lines: Sequence[Row],
    remit_to_party_id: str | None,
    types: Mapping[str, str | None],
) -> dict[str, Any]:
    invoice_id = header["invoice_id"]
    _require_lines(document, lines, "invoice_id", invoice_id)
    currency = header["currency_code"]

    items = []
    for line in sorted(lines, key=lambda row: row["invoice_line_number"]):
        item = {
            "itemSequenceNumber": line["invoice_line_number"],
            "amazonProductIdentifier": line.get("amazon_product_identifier"),
            "vendorProductIdentifier": line.get("vendor_product_identifier"),
            "invoicedQuantity": _quantity(line, "invoiced_quantity"),
            "netCost": _money(line["net_cost_amount"], line["net_cost_currency_code"]),
            "purchaseOrderNumber": line.get("purchase_order_number"),
            "creditNoteDetails": _credit_note_details(line),
        }
        tax_amount = line.get("tax_amount")
        if tax_amount is not None and tax_amount > 0:
            where = f"line {line['invoice_line_number']} has tax {format_money(tax_amount)}"
            item["taxDetails"] = [
                _without_none(
                    {
                        "taxType": _required_type(document, types, "tax_type", where),
                        "taxRate": line.get("tax_rate"),
                        "taxAmount": _money(tax_amount, line["net_cost_currency_code"]),
                    }
                )
            ]
        items.append(_without_none(item))

    invoice: dict[str, Any] = {
        "invoiceType": header["invoice_type"],
        "id": invoice_id,
        "date": _as_datetime(header["invoice_date"]),
        "remitToParty": {"partyId": remit_to_party_id or header["selling_party_id"]},
        "invoiceTotal": _money(header["invoice_total_amount"], currency),
        "items": items,
    }
    if header.get("bill_to_party_id"):
        invoice["billToParty"] = {"partyId": header["bill_to_party_id"]}
    if header.get("ship_to_party_id"):
        invoice["shipToParty"] = {"partyId": header["ship_to_party_id"]}

    tax_total = header.get("tax_total_amount")
    if tax_total is not None and tax_total > 0:
        where = f"the invoice has tax {format_money(tax_total)}"
        invoice["taxDetails"] = [
            {
                "taxType": _required_type(document, types, "tax_type", where),
                "taxAmount": _money(tax_total, currency),
            }
        ]
    charge_total = header.get("charge_total_amount")
    if charge_total is not None and charge_total > 0:
        where = f"the invoice has charges of {format_money(charge_total)}"
        invoice["chargeDetails"] = [
            {
                "type": _required_type(document, types, "charge_type", where),
                "chargeAmount": _money(charge_total, currency),
            }
        ]
    allowance_total = header.get("allowance_total_amount")
    if allowance_total is not None and allowance_total > 0:
        where = f"the invoice has allowances of {format_money(allowance_total)}"
        invoice["allowanceDetails"] = [
            {
                "type": _required_type(document, types, "allowance_type", where),
                "allowanceAmount": _money(allowance_total, currency),
            }
        ]

    return {"invoices": [invoice]}


# --- business checks ---------------------------------------------------------------------


def check_acknowledgement(lines: Sequence[Row]) -> list[str]:
    """Return why an acknowledgement must be held: empty if it may be sent.

    A row is wrong when its acknowledged quantity is not above 0. A PO line is wrong when
    its rows together acknowledge more eaches than were ordered.
    """
    reasons = []
    for item_lines in _acknowledgement_items(lines):
        line = item_lines[0]
        label = f"PO {line['purchase_order_number']} line {line['item_sequence_number']}"
        valid = []
        for entry in item_lines:
            amount = entry["acknowledged_quantity_amount"]
            if amount is None or amount <= 0:
                code = f" {entry['acknowledgement_code']}" if len(item_lines) > 1 else ""
                reasons.append(f"{label}:{code} acknowledged quantity {amount} is not greater than 0")
            else:
                valid.append(entry)
        if not valid:
            continue
        acknowledged = sum(_eaches(entry, "acknowledged_quantity") for entry in valid)
        ordered = _eaches(line, "ordered_quantity")
        if acknowledged > ordered:
            if len(valid) == 1:
                parts = _describe_quantity(valid[0], "acknowledged_quantity")
            else:
                parts = " + ".join(
                    f"{entry['acknowledgement_code']} {_describe_quantity(entry, 'acknowledged_quantity')}"
                    for entry in valid
                )
            reasons.append(
                f"{label}: acknowledges {acknowledged} eaches ({parts}),"
                f" more than the {ordered} ordered ({_describe_quantity(line, 'ordered_quantity')})"
            )
    return reasons


def check_shipment_confirmation(
    header: Row, lines: Sequence[Row], *, now: datetime | None = None
) -> list[str]:
    """Return why an ASN must be held: empty if it may be sent.

    An ASN is wrong when a carton line ships nothing, or when a PO line ships more eaches
    in this shipment than were accepted. It is also wrong when the ship date is after `now`
    (default: the current UTC time), or when the header's carton count or total eaches
    disagree with the lines. Pallets and lots add the rules of `_pallet_reasons` and
    `_lot_and_expiry_reasons`.
    """
    reasons = []
    current_time = now if now is not None else utc_now()
    ship_date = header.get("ship_date")
    if ship_date is not None and ship_date > current_time:
        reasons.append(
            f"ship date {_iso(ship_date)} is in the future (now {_iso(current_time)});"
            " Amazon rejects an ASN for goods that have not left"
        )

    shipped_by_po_line: dict[tuple[str, str], int] = {}
    accepted_by_po_line: dict[tuple[str, str], int | None] = {}
    unknown_po_lines: set[tuple[str, str]] = set()
    for line in lines:
        key = _po_line(line)
        amount = line["shipped_quantity_amount"]
        if amount is None or amount <= 0:
            reasons.append(
                f"carton {line['carton_id']}, PO {key[0]} line {key[1]}:"
                f" shipped quantity {amount} is not greater than 0"
            )
            continue
        shipped_by_po_line[key] = shipped_by_po_line.get(key, 0) + _eaches(line, "shipped_quantity")
        accepted_by_po_line[key] = line.get("accepted_eaches")
        if "ordered_eaches" in line and line["ordered_eaches"] is None:
            unknown_po_lines.add(key)

    for key, shipped in sorted(shipped_by_po_line.items()):
        accepted = accepted_by_po_line[key]
        if key in unknown_po_lines:
            reasons.append(
                f"PO {key[0]} line {key[1]}: not among the POs loaded from Amazon; check the PO number"
                " and item sequence number in shipments.csv, or run the order sync first if the PO is new"
            )
        elif accepted is None:
            reasons.append(f"PO {key[0]} line {key[1]}: ships {shipped} eaches but none were accepted")
        elif shipped > accepted:
            reasons.append(
                f"PO {key[0]} line {key[1]}: ships {shipped} eaches, more than the {accepted} accepted"
            )

    carton_count = len({line["carton_id"] for line in lines})
    if header.get("carton_count") != carton_count:
        reasons.append(
            f"header carton_count is {header.get('carton_count')} but the lines fill {carton_count} cartons"
        )
    total_eaches = sum(shipped_by_po_line.values())
    if header.get("total_shipped_eaches") != total_eaches:
        reasons.append(
            f"header total_shipped_eaches is {header.get('total_shipped_eaches')}"
            f" but the lines ship {total_eaches} eaches"
        )
    pallet_count = len({pallet for found in _pallets_of_cartons(lines).values() for pallet in found})
    if header.get("pallet_count") is not None and header["pallet_count"] != pallet_count:
        reasons.append(f"header pallet_count is {header['pallet_count']} but the lines name {pallet_count} pallets")
    reasons.extend(_pallet_reasons(lines))
    reasons.extend(_lot_and_expiry_reasons(header, lines))
    return reasons


def _pallet_reasons(lines: Sequence[Row]) -> list[str]:
    """Return what is wrong with the pallets of a shipment.

    A pallet id must be an SSCC-18 with a valid GS1 check digit and must not be a carton's
    SSCC. A carton is on exactly one pallet: on two is wrong, and so is none when other
    cartons of the shipment are on pallets.
    """
    reasons = []
    pallets_of = _pallets_of_cartons(lines)
    carton_ids = {str(carton_id) for carton_id in pallets_of}
    for pallet_id in sorted({pallet for found in pallets_of.values() for pallet in found}):
        if not is_valid_sscc(pallet_id):
            reasons.append(f"pallet {pallet_id}: {_sscc_problem(pallet_id)}; correct pallet_id in shipments.csv")
        elif pallet_id in carton_ids:
            reasons.append(f"pallet {pallet_id} has the SSCC of a carton; give the pallet its own SSCC")
    for carton_id, pallet_ids in sorted(pallets_of.items(), key=lambda item: str(item[0])):
        if len(pallet_ids) > 1:
            reasons.append(
                f"carton {carton_id} is on pallets {', '.join(pallet_ids)}; a carton is on exactly one pallet"
            )
    loose = sorted(str(carton_id) for carton_id, pallet_ids in pallets_of.items() if not pallet_ids)
    if loose and len(loose) < len(pallets_of):
        shown = ", ".join(loose[:5]) + (f" and {len(loose) - 5} more" if len(loose) > 5 else "")
        reasons.append(
            f"{len(loose)} of the {len(pallets_of)} cartons are on no pallet ({shown}) while the others are;"
            " give every carton of a palletised shipment its pallet_id"
        )
    return reasons


def _sscc_problem(value: str) -> str:
    if not is_sscc_format(value):
        return f"{value!r} is not an SSCC-18, which is 18 digits"
    return f"check digit {value[17]} is wrong, the GS1 check digit of {value[:17]} is {gs1_check_digit(value[:17])}"


def _lot_and_expiry_reasons(header: Row, lines: Sequence[Row]) -> list[str]:
    """Return the carton lines that lack a lot or expiry date the catalogue requires, or expire by the ship date."""
    reasons = []
    ship_date = header.get("ship_date")
    ship_day = ship_date.astimezone(UTC).date() if isinstance(ship_date, datetime) else ship_date
    for line in sorted(lines, key=lambda row: (str(row["carton_id"]), str(row["purchase_order_number"]), _sequence_key(row["item_sequence_number"]))):
        label = (
            f"carton {line['carton_id']}, PO {line['purchase_order_number']} line {line['item_sequence_number']}"
            f" (ASIN {line.get('amazon_product_identifier')})"
        )
        expiry_date = line.get("expiry_date")
        if line.get("requires_lot_and_expiry"):
            missing = []
            if _text_or_none(line.get("lot_number")) is None:
                missing.append("lot_number")
            if expiry_date is None:
                missing.append("expiry_date")
            if missing:
                reasons.append(
                    f"{label}: no {' and no '.join(missing)}, which the catalogue requires for this item;"
                    " fill them in shipments.csv"
                )
        if expiry_date is not None and ship_day is not None and _as_date(expiry_date) <= ship_day:
            reasons.append(
                f"{label}: expiry_date {_as_date(expiry_date).isoformat()} is not after the ship date"
                f" {ship_day.isoformat()}; goods must not expire by the day they ship"
            )
    return reasons


def check_invoice(header: Row, lines: Sequence[Row]) -> list[str]:
    """Return why an invoice must be held: empty if it may be sent.

    An invoice is held when a line invoices no quantity, when a line's net cost differs from
    the PO cost, or when an amount is missing. It is also held when a line amount, the line
    total or the invoice total does not add up to the cent, or when the invoice models set a
    hold_reason. Each broken rule is stated once. The models' line reasons (no catalogue
    cost, no PO cost, price mismatch) are the rules checked here, so a model reason is
    stated only for a line these checks pass, and the header's reason, which repeats its
    lines' reasons, only when no line has one.
    """
    reasons = []
    if header.get("hold_reason") and not any(line.get("hold_reason") for line in lines):
        reasons.append(f"held by outbound_invoices: {header['hold_reason']}")

    line_amounts = Decimal(0)
    for line in sorted(lines, key=lambda row: row["invoice_line_number"]):
        line_reasons = _invoice_line_reasons(line)
        if line.get("hold_reason") and not line_reasons:
            label = f"line {line['invoice_line_number']} (PO {line.get('purchase_order_number')})"
            line_reasons = [f"{label}: held by outbound_invoice_lines: {line['hold_reason']}"]
        reasons.extend(line_reasons)
        line_amounts += _zero_if_none(line.get("line_amount"))

    missing = [column for column in INVOICE_TOTAL_COLUMNS if header.get(column) is None]
    if missing:
        reasons.append(f"invoice header has no {', '.join(missing)}")
        return reasons

    if _cents(header["line_total_amount"]) != _cents(line_amounts):
        reasons.append(
            f"line total {format_money(header['line_total_amount'])} is not the sum of the"
            f" line amounts, {_cents(line_amounts)}"
        )
    components = (
        header["line_total_amount"]
        + header["tax_total_amount"]
        + header["charge_total_amount"]
        - header["allowance_total_amount"]
    )
    if _cents(header["invoice_total_amount"]) != _cents(components):
        reasons.append(
            f"invoice total {format_money(header['invoice_total_amount'])} is not"
            f" lines + tax + charges - allowances = {_cents(components)}"
        )
    return reasons


def _invoice_line_reasons(line: Row) -> list[str]:
    reasons = []
    label = f"line {line['invoice_line_number']} (PO {line.get('purchase_order_number')})"
    amount = line.get("invoiced_quantity_amount")
    if amount is None or amount <= 0:
        reasons.append(f"{label}: invoiced quantity {amount} is not greater than 0")

    net_cost = line.get("net_cost_amount")
    po_cost = line.get("po_net_cost_amount")
    if net_cost is None:
        reasons.append(f"{label}: has no net cost")
        return reasons
    if po_cost is None:
        reasons.append(f"{label}: no PO net cost to compare with {format_money(net_cost)}")
    elif net_cost != po_cost:
        reasons.append(
            f"{label}: net cost {format_money(net_cost)} differs from"
            f" the PO cost {format_money(po_cost)}"
        )

    eaches = line.get("invoiced_eaches")
    line_amount = line.get("line_amount")
    if eaches is None or line_amount is None:
        reasons.append(f"{label}: has no invoiced_eaches or line_amount")
        return reasons
    expected_line_amount = _cents(eaches * net_cost)
    if _cents(line_amount) != expected_line_amount:
        reasons.append(
            f"{label}: line amount {format_money(line_amount)} is not"
            f" {eaches} eaches × {format_money(net_cost)} = {expected_line_amount}"
        )
    return reasons


# --- helpers -----------------------------------------------------------------------------


@contextmanager
def _missing_columns_reported(document: str) -> Iterator[None]:
    """Turn a KeyError from reading a row into PayloadInvalid naming the missing column."""
    try:
        yield
    except KeyError as error:
        column = error.args[0] if error.args else "?"
        raise PayloadInvalid(
            document, [f"an outbound model row lacks the column {column!r}; rebuild the dbt models"]
        ) from None


def _require_lines(document: str, lines: Sequence[Row], column: str, expected: Any) -> None:
    if not lines:
        raise PayloadInvalid(document, ["no lines for this document in the outbound model"])
    strays = sorted({str(line.get(column)) for line in lines if line.get(column) != expected})
    if strays:
        raise PayloadInvalid(
            document, [f"lines with {column} {', '.join(strays)} do not belong to {expected}"]
        )


def _single_value(document: str, lines: Sequence[Row], column: str) -> Any:
    values = {line.get(column) for line in lines}
    if len(values) != 1:
        listed = ", ".join(sorted(str(value) for value in values))
        raise PayloadInvalid(document, [f"lines disagree on {column}: {listed}"])
    return values.pop()


def _credit_note_details(line: Row) -> dict[str, Any] | None:
    """Return a credit note line's creditNoteDetails; None for an invoice line, which has no reference_invoice_number."""
    details = _without_none(
        {
            "referenceInvoiceNumber": _text_or_none(line.get("reference_invoice_number")),
            "returnsReferenceNumber": _text_or_none(line.get("returns_reference_number")),
            "goodsReturnDate": _as_datetime(line["goods_return_date"]) if line.get("goods_return_date") else None,
        }
    )
    return details or None


def _carton_item_details(line: Row) -> dict[str, Any]:
    """Return a carton line's itemDetails: its PO number, and its lot and expiry date when given."""
    details: dict[str, Any] = {"purchaseOrderNumber": line["purchase_order_number"]}
    lot_number = _text_or_none(line.get("lot_number"))
    if lot_number is not None:
        details["lotNumber"] = lot_number
    if line.get("expiry_date") is not None:
        details["expiry"] = {"expiryDate": _as_datetime(line["expiry_date"])}
    return details


def _pallets_of_cartons(lines: Sequence[Row]) -> dict[Any, list[str]]:
    """Return each carton's distinct pallet ids, sorted; a loose carton has none."""
    pallets: dict[Any, set[str]] = {}
    for line in lines:
        pallet_id = _text_or_none(line.get("pallet_id"))
        found = pallets.setdefault(line["carton_id"], set())
        if pallet_id is not None:
            found.add(pallet_id)
    return {carton_id: sorted(found) for carton_id, found in pallets.items()}


def _cartons_by_pallet(lines: Sequence[Row]) -> dict[str, list[Any]]:
    """Return the cartons on each pallet, pallets in id order, each carton on its first pallet only."""
    by_pallet: dict[str, list[Any]] = {}
    for carton_id, pallet_ids in sorted(_pallets_of_cartons(lines).items(), key=lambda item: str(item[0])):
        if pallet_ids:
            by_pallet.setdefault(pallet_ids[0], []).append(carton_id)
    return dict(sorted(by_pallet.items()))


def _shipped_item(
    document: str, item_number: str, key: tuple[str, str], rows: list[Row]
) -> dict[str, Any]:
    units = {(row["shipped_quantity_unit_of_measure"], row["shipped_quantity_unit_size"]) for row in rows}
    if len(units) != 1:
        listed = ", ".join(f"{unit} of {size}" for unit, size in sorted(units, key=str))
        raise PayloadInvalid(
            document,
            [f"PO {key[0]} line {key[1]} is packed in several units ({listed}); ship it in one unit"],
        )
    unit, size = units.pop()
    first = rows[0]
    return _without_none(
        {
            "itemSequenceNumber": item_number,
            "amazonProductIdentifier": first.get("amazon_product_identifier"),
            "vendorProductIdentifier": first.get("vendor_product_identifier"),
            "shippedQuantity": {
                "amount": sum(row["shipped_quantity_amount"] for row in rows),
                "unitOfMeasure": unit,
                "unitSize": size,
            },
            "itemDetails": {"purchaseOrderNumber": key[0]},
        }
    )


def _po_line(row: Row) -> tuple[str, str]:
    return (row["purchase_order_number"], row["item_sequence_number"])


def _sequence_key(value: Any) -> tuple[int, int, str]:
    """Sort item sequence numbers numerically when they are digits ("2" before "10")."""
    text = str(value)
    if _DIGITS.fullmatch(text):
        return (0, int(text), text)
    return (1, 0, text)


def _quantity(row: Row, prefix: str) -> dict[str, Any]:
    return {
        "amount": row[f"{prefix}_amount"],
        "unitOfMeasure": row[f"{prefix}_unit_of_measure"],
        "unitSize": row[f"{prefix}_unit_size"],
    }


def _eaches(row: Row, prefix: str) -> int:
    return row[f"{prefix}_amount"] * row[f"{prefix}_unit_size"]


def _describe_quantity(row: Row, prefix: str) -> str:
    amount = row[f"{prefix}_amount"]
    unit = row[f"{prefix}_unit_of_measure"]
    if unit == "Cases":
        return f"{amount} Cases of {row[f'{prefix}_unit_size']}"
    return f"{amount} {unit}"


def _money(amount: Any, currency_code: Any) -> dict[str, Any]:
    return {"currencyCode": currency_code, "amount": amount}


def _required_type(
    document: str, types: Mapping[str, str | None], parameter: str, where: str
) -> str:
    value = types[parameter]
    if value is None:
        raise PayloadInvalid(
            document,
            [f"{where} but no {parameter} was given; pass {parameter}= with Amazon's type code"],
        )
    return value


def _as_datetime(value: Any) -> Any:
    """Return a DATE as midnight UTC; leave datetimes for the model to check for a zone."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=UTC)
    return value


def _text_or_none(value: Any) -> Any:
    """Return None for a missing or empty text value, such as an empty CSV cell."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return value


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _zero_if_none(amount: Decimal | None) -> Decimal:
    return Decimal(0) if amount is None else amount


def _as_date(value: date | datetime) -> date:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
