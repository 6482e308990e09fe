"""Hand-built request bodies for the sandbox's POST operations, in the shapes of Amazon's models."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from sandbox import VENDOR_CODE
from sandbox.scenario import CartonContent, Scenario, Shipment

ACKNOWLEDGEMENTS = "/vendor/orders/v1/acknowledgements"
SHIPMENT_CONFIRMATIONS = "/vendor/shipping/v1/shipmentConfirmations"
INVOICES = "/vendor/payments/v1/invoices"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def acknowledgement(number: str, items: list[dict[str, Any]], selling_party: str = VENDOR_CODE) -> dict[str, Any]:
    return {
        "acknowledgements": [
            {
                "purchaseOrderNumber": number,
                "sellingParty": {"partyId": selling_party},
                "acknowledgementDate": "2026-12-04T08:00:00Z",
                "items": items,
            }
        ]
    }


def acknowledged_item(
    sequence: str, asin: str, unit: str, unit_size: int, amount: int, code: str = "Accepted"
) -> dict[str, Any]:
    quantity = {"amount": amount, "unitOfMeasure": unit, "unitSize": unit_size}
    return {
        "itemSequenceNumber": sequence,
        "amazonProductIdentifier": asin,
        "orderedQuantity": dict(quantity),
        "itemAcknowledgements": [{"acknowledgementCode": code, "acknowledgedQuantity": dict(quantity)}],
    }


def acknowledge_all(scenario: Scenario, number: str) -> dict[str, Any]:
    """Accept every item of a PO in full, in the unit it was ordered in."""
    order = scenario.orders[number]
    items = [
        acknowledged_item(line.item_sequence_number, line.asin, line.unit_of_measure, line.unit_size, line.open_amount)
        for line in order.lines
    ]
    return acknowledgement(number, items)


def shipment_confirmation(
    shipment: Shipment,
    identifier: str | None = None,
    confirmation_type: str = "Original",
    shipped_date: str | None = None,
) -> dict[str, Any]:
    """An ASN for a shipment of the vendor export, one shipped item per PO line, one carton per SSCC.

    Cartons carry the lot and expiry date of their contents, and pallets list their cartons,
    as the export gives them.
    """
    items: list[dict[str, Any]] = []
    references: dict[tuple[str, str], str] = {}
    for content in shipment.contents:
        key = (content.purchase_order_number, content.item_sequence_number)
        if key not in references:
            references[key] = f"{len(references) + 1:03d}"
            items.append(
                {
                    "itemSequenceNumber": references[key],
                    "amazonProductIdentifier": content.asin,
                    "vendorProductIdentifier": content.vendor_sku,
                    "shippedQuantity": {"amount": 0, "unitOfMeasure": content.unit_of_measure, "unitSize": content.unit_size},
                    "itemDetails": {"purchaseOrderNumber": content.purchase_order_number},
                }
            )
        item = next(entry for entry in items if entry["itemSequenceNumber"] == references[key])
        item["shippedQuantity"]["amount"] += content.quantity
    cartons = [
        {
            "cartonIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": content.carton_id}],
            "cartonSequenceNumber": f"{position + 1:03d}",
            "items": [
                {
                    "itemReference": references[(content.purchase_order_number, content.item_sequence_number)],
                    "shippedQuantity": {"amount": content.quantity, "unitOfMeasure": content.unit_of_measure, "unitSize": content.unit_size},
                    **({"itemDetails": lot_details(content)} if content.lot_number else {}),
                }
            ],
        }
        for position, content in enumerate(shipment.contents)
    ]
    pallets: dict[str, list[str]] = {}
    for position, content in enumerate(shipment.contents):
        if content.pallet_id:
            pallets.setdefault(content.pallet_id, []).append(f"{position + 1:03d}")
    return {
        "shipmentConfirmations": [
            {
                "shipmentIdentifier": identifier or shipment.shipment_id,
                "shipmentConfirmationType": confirmation_type,
                "shipmentType": shipment.shipment_type,
                "shipmentStructure": "LooseStandardCase",
                "transportationDetails": {
                    "carrierScac": shipment.carrier_scac,
                    "carrierShipmentReferenceNumber": shipment.carrier_reference,
                    "transportationMode": "Road",
                },
                "shipmentConfirmationDate": stamp(shipment.ship_date),
                "shippedDate": shipped_date or stamp(shipment.ship_date),
                "sellingParty": {"partyId": VENDOR_CODE},
                "shipFromParty": {"partyId": shipment.ship_from},
                "shipToParty": {"partyId": shipment.ship_to},
                "shipmentMeasurements": {"cartonCount": len(cartons)},
                "shippedItems": items,
                "cartons": cartons,
                **({"pallets": [pallet(sscc, numbers) for sscc, numbers in pallets.items()]} if pallets else {}),
            }
        ]
    }


def lot_details(content: CartonContent) -> dict[str, Any]:
    details: dict[str, Any] = {"purchaseOrderNumber": content.purchase_order_number, "lotNumber": content.lot_number}
    if content.expiry_date is not None:
        details["expiry"] = {"expiryDate": f"{content.expiry_date.isoformat()}T00:00:00Z"}
    return details


def pallet(sscc: str, carton_numbers: list[str]) -> dict[str, Any]:
    return {
        "palletIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": sscc}],
        "cartonReferenceDetails": {"cartonCount": len(carton_numbers), "cartonReferenceNumbers": carton_numbers},
    }


def invoice(
    invoice_id: str,
    lines: list[tuple[str, str, int, str]],
    total: str | None = None,
    date: str = "2026-12-04T09:00:00Z",
) -> dict[str, Any]:
    """An invoice of (PO number, ASIN, eaches, net cost per each) lines; the total defaults to their sum."""
    items = [
        {
            "itemSequenceNumber": position + 1,
            "amazonProductIdentifier": asin,
            "invoicedQuantity": {"amount": eaches, "unitOfMeasure": "Eaches", "unitSize": 1},
            "netCost": {"currencyCode": "USD", "amount": cost},
            "purchaseOrderNumber": number,
        }
        for position, (number, asin, eaches, cost) in enumerate(lines)
    ]
    computed = sum((Decimal(cost) * eaches for _, _, eaches, cost in lines), Decimal(0))
    return {
        "invoices": [
            {
                "invoiceType": "Invoice",
                "id": invoice_id,
                "date": date,
                "remitToParty": {"partyId": VENDOR_CODE},
                "invoiceTotal": {"currencyCode": "USD", "amount": total or f"{computed:.2f}"},
                "items": items,
            }
        ]
    }


def credit_note(
    credit_note_id: str,
    reference: str | None,
    lines: list[tuple[str, str, int, str]],
    returns: tuple[str, str] | None = None,
    tax_rate: str | None = None,
    total: str | None = None,
) -> dict[str, Any]:
    """A credit note of (PO number, ASIN, eaches, credit per each) lines for the invoice `reference`.

    `returns` is (returnsReferenceNumber, goodsReturnDate) for a return. With `tax_rate`, each
    line carries VAT of its amount times the rate, rounded half up to the cent. The total
    defaults to the lines plus their tax.
    """
    body = invoice(credit_note_id, lines, date="2026-12-04T10:00:00Z")
    document = body["invoices"][0]
    document["invoiceType"] = "CreditNote"
    computed = Decimal(0)
    for item, (_number, _asin, eaches, cost) in zip(document["items"], lines, strict=True):
        details: dict[str, Any] = {}
        if reference is not None:
            details["referenceInvoiceNumber"] = reference
        if returns is not None:
            details["returnsReferenceNumber"], details["goodsReturnDate"] = returns
        if details:
            item["creditNoteDetails"] = details
        amount = Decimal(cost) * eaches
        computed += amount
        if tax_rate is not None:
            tax = (amount * Decimal(tax_rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            item["taxDetails"] = [{"taxType": "VAT", "taxRate": tax_rate, "taxAmount": {"currencyCode": "USD", "amount": f"{tax}"}}]
            computed += tax
    document["invoiceTotal"]["amount"] = total or f"{computed:.2f}"
    return body


def submit(api: httpx.Client, path: str, body: dict[str, Any]) -> str:
    response = api.post(path, json=body)
    assert response.status_code == 202, response.text
    return response.json()["payload"]["transactionId"]


def transaction(api: httpx.Client, transaction_id: str) -> dict[str, Any]:
    response = api.get(f"/vendor/transactions/v1/transactions/{transaction_id}")
    assert response.status_code == 200, response.text
    return response.json()["payload"]["transactionStatus"]


def error_codes(status: dict[str, Any]) -> list[str]:
    return [error["code"] for error in status.get("errors", [])]
