"""Outbound payload builders, identifiers and hold checks.

Expected payloads were written out by hand from the rows below. Every built payload is also
validated against Amazon's own Swagger models when they are available beside the project.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orchestration.outbound import payloads
from orchestration.outbound.models import PayloadInvalid

SSCC_A = "106141411234567897"
SSCC_B = "123456789012345675"
SHIPPED_AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))

SP_API_MODELS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sp-api" / "models"


# --- Amazon's JSON schema ----------------------------------------------------------------


def amazon_validator(model_file: str, definition: str):
    """Return a jsonschema validator for one definition of an Amazon Swagger 2.0 model.

    Amazon's `Decimal` type gives its pattern only in the description, so the pattern is
    copied from there into the schema.
    """
    jsonschema = pytest.importorskip("jsonschema")
    path = SP_API_MODELS / model_file
    if not path.exists():
        pytest.skip(f"Amazon's Swagger model {path} is not available, so the schema check is skipped")
    definitions = json.loads(path.read_text())["definitions"]
    decimal = definitions["Decimal"]
    pattern = re.search(r"`(\^.*\$)`", decimal["description"]).group(1).replace("\\\\", "\\")
    decimal["pattern"] = pattern
    schema = {"$ref": f"#/definitions/{definition}", "definitions": definitions}
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_matches_amazon_schema(payload: dict, model_file: str, definition: str) -> None:
    validator = amazon_validator(model_file, definition)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(payload)]
    assert errors == []


def test_schema_helper_rejects_bad_decimal():
    validator = amazon_validator("vendorInvoices.json", "Money")

    assert validator.is_valid({"currencyCode": "USD", "amount": "8.50"})
    assert not validator.is_valid({"currencyCode": "USD", "amount": "8,50"})
    assert not validator.is_valid({"currencyCode": "USD", "amount": 8.5})


# --- rows --------------------------------------------------------------------------------


def acknowledgement_line(**changes: Any) -> dict[str, Any]:
    row = {
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "selling_party_id": "ACRN1",
        "ship_to_party_id": "ABE8",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "ordered_quantity_amount": 10,
        "ordered_quantity_unit_of_measure": "Cases",
        "ordered_quantity_unit_size": 12,
        "net_cost_amount": Decimal("8.500000000"),
        "net_cost_currency_code": "USD",
        "list_price_amount": None,
        "list_price_currency_code": None,
        "acknowledgement_code": "Accepted",
        "acknowledged_quantity_amount": 10,
        "acknowledged_quantity_unit_of_measure": "Cases",
        "acknowledged_quantity_unit_size": 12,
        "rejection_reason": None,
        "scheduled_ship_date": datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
        "scheduled_delivery_date": datetime(2026, 3, 5, 16, 0, tzinfo=UTC),
    }
    row.update(changes)
    return row


def acknowledgement_lines() -> list[dict[str, Any]]:
    return [
        # "10" comes after "2": item sequence numbers sort as numbers.
        acknowledgement_line(
            item_sequence_number="10",
            amazon_product_identifier="B08KTZ8249",
            vendor_product_identifier=None,
            net_cost_amount=Decimal("10.000000000"),
            acknowledgement_code="Rejected",
            acknowledged_quantity_amount=6,
            acknowledged_quantity_unit_of_measure="Eaches",
            acknowledged_quantity_unit_size=1,
            ordered_quantity_amount=6,
            ordered_quantity_unit_of_measure="Eaches",
            ordered_quantity_unit_size=1,
            rejection_reason="ObsoleteProduct",
            scheduled_ship_date=None,
            scheduled_delivery_date=None,
        ),
        acknowledgement_line(),
        acknowledgement_line(
            item_sequence_number="2",
            amazon_product_identifier="B07ZPKN6YR",
            vendor_product_identifier="8806098286517",
            ordered_quantity_amount=24,
            ordered_quantity_unit_of_measure="Eaches",
            ordered_quantity_unit_size=1,
            net_cost_amount=Decimal("4.250000000"),
            list_price_amount=Decimal("9.990000000"),
            list_price_currency_code="USD",
            acknowledgement_code="Backordered",
            acknowledged_quantity_amount=24,
            acknowledged_quantity_unit_of_measure="Eaches",
            acknowledged_quantity_unit_size=1,
            scheduled_ship_date=datetime(2026, 3, 9, 8, 0, tzinfo=BEIJING),
            scheduled_delivery_date=None,
        ),
    ]


def shipment_header(**changes: Any) -> dict[str, Any]:
    row = {
        "shipment_id": "ACRN-SHP-0001",
        "shipment_confirmation_type": "Original",
        "ship_date": SHIPPED_AT,
        "shipment_type": "LessThanTruckLoad",
        "carrier_scac": "ABFS",
        "carrier_reference": "PRO123456",
        "bill_of_lading_number": "BOL-778899",
        "selling_party_id": "ACRN1",
        "ship_from_party_id": "SZX-WH1",
        "ship_to_party_id": "ABE8",
        "carton_count": 2,
        # 24 + 6 + 12 + 4
        "total_shipped_eaches": 46,
    }
    row.update(changes)
    return row


def shipment_line(**changes: Any) -> dict[str, Any]:
    row = {
        "shipment_id": "ACRN-SHP-0001",
        "carton_id": SSCC_A,
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "shipped_quantity_amount": 2,
        "shipped_quantity_unit_of_measure": "Cases",
        "shipped_quantity_unit_size": 12,
        "shipped_eaches": 24,
        "ordered_eaches": 120,
        "accepted_eaches": 120,
    }
    row.update(changes)
    return row


def shipment_lines() -> list[dict[str, Any]]:
    return [
        # Listed out of order on purpose: the builder sorts cartons and items.
        shipment_line(
            carton_id=SSCC_B,
            purchase_order_number="7QX9WB2M",
            amazon_product_identifier="B08KTZ8249",
            vendor_product_identifier="8806098286524",
            shipped_quantity_amount=4,
            shipped_quantity_unit_of_measure="Eaches",
            shipped_quantity_unit_size=1,
            shipped_eaches=4,
            ordered_eaches=4,
            accepted_eaches=4,
        ),
        shipment_line(carton_id=SSCC_B, shipped_quantity_amount=1, shipped_eaches=12),
        shipment_line(),
        shipment_line(
            item_sequence_number="2",
            amazon_product_identifier="B07ZPKN6YR",
            vendor_product_identifier="8806098286517",
            shipped_quantity_amount=6,
            shipped_quantity_unit_of_measure="Eaches",
            shipped_quantity_unit_size=1,
            shipped_eaches=6,
            ordered_eaches=24,
            accepted_eaches=24,
        ),
    ]


def invoice_header(**changes: Any) -> dict[str, Any]:
    row = {
        "invoice_id": "INV-2026-0001",
        "invoice_type": "Invoice",
        "invoice_date": date(2026, 3, 3),
        "purchase_order_number": "2JK3S9VC",
        "selling_party_id": "ACRN1",
        "bill_to_party_id": "AMZN-US",
        "ship_to_party_id": "ABE8",
        "currency_code": "USD",
        # 12 × 8.50 + 24 × 4.25 + 6 × 10.00 = 102.00 + 102.00 + 60.00 = 264.00
        "line_total_amount": Decimal("264.000000000"),
        "tax_total_amount": Decimal("0E-9"),
        "charge_total_amount": Decimal("0E-9"),
        "allowance_total_amount": Decimal("0E-9"),
        "invoice_total_amount": Decimal("264.000000000"),
        "hold_reason": None,
    }
    row.update(changes)
    return row


def invoice_line(**changes: Any) -> dict[str, Any]:
    row = {
        "invoice_id": "INV-2026-0001",
        "invoice_line_number": 1,
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B07DFVDRAB",
        "vendor_product_identifier": "8806098286500",
        "invoiced_quantity_amount": 1,
        "invoiced_quantity_unit_of_measure": "Cases",
        "invoiced_quantity_unit_size": 12,
        "invoiced_eaches": 12,
        "net_cost_amount": Decimal("8.500000000"),
        "po_net_cost_amount": Decimal("8.500000000"),
        "net_cost_currency_code": "USD",
        "line_amount": Decimal("102.000000000"),
        "tax_rate": None,
        "tax_amount": Decimal("0E-9"),
        "hold_reason": None,
    }
    row.update(changes)
    return row


def invoice_lines() -> list[dict[str, Any]]:
    return [
        invoice_line(
            invoice_line_number=3,
            item_sequence_number="10",
            amazon_product_identifier="B08KTZ8249",
            vendor_product_identifier=None,
            invoiced_quantity_amount=6,
            invoiced_quantity_unit_of_measure="Eaches",
            invoiced_quantity_unit_size=1,
            invoiced_eaches=6,
            net_cost_amount=Decimal("10.000000000"),
            po_net_cost_amount=Decimal("10.000000000"),
            line_amount=Decimal("60.000000000"),
        ),
        invoice_line(),
        invoice_line(
            invoice_line_number=2,
            item_sequence_number="2",
            amazon_product_identifier="B07ZPKN6YR",
            vendor_product_identifier="8806098286517",
            invoiced_quantity_amount=24,
            invoiced_quantity_unit_of_measure="Eaches",
            invoiced_quantity_unit_size=1,
            invoiced_eaches=24,
            net_cost_amount=Decimal("4.250000000"),
            po_net_cost_amount=Decimal("4.250000000"),
            line_amount=Decimal("102.000000000"),
        ),
    ]


# --- identifiers -------------------------------------------------------------------------


def test_document_id_joins_kind_and_id():
    assert payloads.document_id("invoice", "INV-2026-0001") == "invoice:INV-2026-0001"
    assert payloads.document_id("acknowledgement", "2JK3S9VC") == "acknowledgement:2JK3S9VC"
    assert (
        payloads.document_id("shipment_confirmation", "ACRN-SHP-0001")
        == "shipment_confirmation:ACRN-SHP-0001"
    )


def test_document_id_rejects_unknown_kind():
    with pytest.raises(ValueError, match="unknown document kind 'asn'; expected one of acknowledgement"):
        payloads.document_id("asn", "ACRN-SHP-0001")


def test_business_id_per_kind():
    assert payloads.business_id("acknowledgement", acknowledgement_line()) == "2JK3S9VC"
    assert payloads.business_id("shipment_confirmation", shipment_header()) == "ACRN-SHP-0001"
    assert payloads.business_id("invoice", invoice_header()) == "INV-2026-0001"


def test_business_id_requires_column():
    with pytest.raises(ValueError, match="invoice row has no invoice_id"):
        payloads.business_id("invoice", {"invoice_id": None})


def test_payload_sha256_hashes_canonical_json():
    payload = {"b": [1, {"d": "é", "c": None}], "a": "x"}
    by_hand = '{"a":"x","b":[1,{"c":null,"d":"é"}]}'

    assert payloads.canonical_json(payload) == by_hand
    assert payloads.payload_sha256(payload) == hashlib.sha256(by_hand.encode("utf-8")).hexdigest()


def test_payload_sha256_ignores_key_order():
    first = {"a": 1, "b": {"c": 2, "d": 3}}
    second = {"b": {"d": 3, "c": 2}, "a": 1}

    assert payloads.payload_sha256(first) == payloads.payload_sha256(second)
    assert payloads.payload_sha256(first) != payloads.payload_sha256({"a": 1, "b": {"c": 2, "d": 4}})


# --- acknowledgement ---------------------------------------------------------------------


def test_acknowledgement_payload_fields():
    acknowledged_at = datetime(2026, 3, 1, 9, 0, tzinfo=BEIJING)

    payload = payloads.build_acknowledgement("2JK3S9VC", acknowledgement_lines(), acknowledged_at)

    assert payload == {
        "acknowledgements": [
            {
                "purchaseOrderNumber": "2JK3S9VC",
                "sellingParty": {"partyId": "ACRN1"},
                "acknowledgementDate": "2026-03-01T01:00:00Z",
                "items": [
                    {
                        "itemSequenceNumber": "1",
                        "amazonProductIdentifier": "B07DFVDRAB",
                        "vendorProductIdentifier": "8806098286500",
                        "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                        "netCost": {"currencyCode": "USD", "amount": "8.50"},
                        "itemAcknowledgements": [
                            {
                                "acknowledgementCode": "Accepted",
                                "acknowledgedQuantity": {
                                    "amount": 10,
                                    "unitOfMeasure": "Cases",
                                    "unitSize": 12,
                                },
                                "scheduledShipDate": "2026-03-02T14:30:00Z",
                                "scheduledDeliveryDate": "2026-03-05T16:00:00Z",
                            }
                        ],
                    },
                    {
                        "itemSequenceNumber": "2",
                        "amazonProductIdentifier": "B07ZPKN6YR",
                        "vendorProductIdentifier": "8806098286517",
                        "orderedQuantity": {"amount": 24, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"currencyCode": "USD", "amount": "4.25"},
                        "listPrice": {"currencyCode": "USD", "amount": "9.99"},
                        "itemAcknowledgements": [
                            {
                                "acknowledgementCode": "Backordered",
                                "acknowledgedQuantity": {
                                    "amount": 24,
                                    "unitOfMeasure": "Eaches",
                                    "unitSize": 1,
                                },
                                # 08:00 in Beijing is midnight UTC
                                "scheduledShipDate": "2026-03-09T00:00:00Z",
                            }
                        ],
                    },
                    {
                        "itemSequenceNumber": "10",
                        "amazonProductIdentifier": "B08KTZ8249",
                        "orderedQuantity": {"amount": 6, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"currencyCode": "USD", "amount": "10.00"},
                        "itemAcknowledgements": [
                            {
                                "acknowledgementCode": "Rejected",
                                "acknowledgedQuantity": {
                                    "amount": 6,
                                    "unitOfMeasure": "Eaches",
                                    "unitSize": 1,
                                },
                                "rejectionReason": "ObsoleteProduct",
                            }
                        ],
                    },
                ],
            }
        ]
    }
    assert_matches_amazon_schema(payload, "vendorOrders.json", "SubmitAcknowledgementRequest")


@pytest.mark.parametrize(
    ("po_number", "lines", "acknowledged_at", "expected_error"),
    [
        (
            "PO1",
            [acknowledgement_line(purchase_order_number="PO1")],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"acknowledgements\[0\]\.purchaseOrderNumber: String should match pattern",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line()],
            datetime(2026, 3, 1),
            r"acknowledgements\[0\]\.acknowledgementDate: Input should have timezone info",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(net_cost_amount=Decimal("0"))],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"items\[0\]\.netCost: netCost must be greater than 0, got 0",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(net_cost_amount=8.5)],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"items\[0\]\.netCost\.amount: must be a Decimal or a decimal string, not float",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(acknowledgement_code="Rejected")],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"itemAcknowledgements\[0\]: a Rejected item needs a rejectionReason",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(acknowledged_quantity_unit_of_measure="Boxes")],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"acknowledgedQuantity\.unitOfMeasure: Input should be 'Cases' or 'Eaches'",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(), acknowledgement_line()],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"PO line 1 has more than one Accepted row; the outbound model has one row per line and code",
        ),
        (
            "2JK3S9VC",
            [
                acknowledgement_line(acknowledged_quantity_amount=6),
                acknowledgement_line(acknowledgement_code="Backordered", acknowledged_quantity_amount=4, ordered_quantity_amount=11),
            ],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"PO line 1: its rows disagree on ordered_quantity_amount: 10, 11",
        ),
        (
            "2JK3S9VC",
            [acknowledgement_line(), acknowledgement_line(purchase_order_number="7QX9WB2M")],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"lines with purchase_order_number 7QX9WB2M do not belong to 2JK3S9VC",
        ),
        (
            "2JK3S9VC",
            [],
            datetime(2026, 3, 1, tzinfo=UTC),
            r"no lines for this document",
        ),
    ],
)
def test_acknowledgement_invalid_input_raises(po_number, lines, acknowledged_at, expected_error):
    with pytest.raises(PayloadInvalid, match=expected_error) as raised:
        payloads.build_acknowledgement(po_number, lines, acknowledged_at)

    assert raised.value.document_id == f"acknowledgement:{po_number}"


def test_missing_column_names_column():
    line = acknowledgement_line()
    del line["net_cost_currency_code"]

    with pytest.raises(PayloadInvalid, match="lacks the column 'net_cost_currency_code'"):
        payloads.build_acknowledgement("2JK3S9VC", [line], datetime(2026, 3, 1, tzinfo=UTC))


def test_check_acknowledgement_passes_good_lines():
    assert payloads.check_acknowledgement(acknowledgement_lines()) == []


def test_check_acknowledgement_holds_bad_quantities():
    lines = [
        acknowledgement_line(acknowledged_quantity_amount=0),
        # 130 eaches acknowledged against 10 cases of 12 = 120 ordered
        acknowledgement_line(
            item_sequence_number="2",
            acknowledged_quantity_amount=130,
            acknowledged_quantity_unit_of_measure="Eaches",
            acknowledged_quantity_unit_size=1,
        ),
    ]

    assert payloads.check_acknowledgement(lines) == [
        "PO 2JK3S9VC line 1: acknowledged quantity 0 is not greater than 0",
        "PO 2JK3S9VC line 2: acknowledges 130 eaches (130 Eaches),"
        " more than the 120 ordered (10 Cases of 12)",
    ]


def split_line() -> list[dict[str, Any]]:
    """Line 1 (10 Cases of 12): 6 Cases Accepted, 4 Backordered a week later, listed backordered first."""
    return [
        acknowledgement_line(
            acknowledgement_code="Backordered",
            acknowledged_quantity_amount=4,
            scheduled_ship_date=datetime(2026, 3, 9, 14, 30, tzinfo=UTC),
            scheduled_delivery_date=datetime(2026, 3, 12, 16, 0, tzinfo=UTC),
        ),
        acknowledgement_line(acknowledged_quantity_amount=6),
    ]


def test_split_line_becomes_one_item():
    payload = payloads.build_acknowledgement("2JK3S9VC", split_line(), datetime(2026, 3, 1, tzinfo=UTC))

    (item,) = payload["acknowledgements"][0]["items"]
    assert item["itemSequenceNumber"] == "1"
    assert item["orderedQuantity"] == {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12}
    assert item["itemAcknowledgements"] == [
        {
            "acknowledgementCode": "Accepted",
            "acknowledgedQuantity": {"amount": 6, "unitOfMeasure": "Cases", "unitSize": 12},
            "scheduledShipDate": "2026-03-02T14:30:00Z",
            "scheduledDeliveryDate": "2026-03-05T16:00:00Z",
        },
        {
            "acknowledgementCode": "Backordered",
            "acknowledgedQuantity": {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 12},
            "scheduledShipDate": "2026-03-09T14:30:00Z",
            "scheduledDeliveryDate": "2026-03-12T16:00:00Z",
        },
    ]
    assert_matches_amazon_schema(payload, "vendorOrders.json", "SubmitAcknowledgementRequest")


def test_check_acknowledgement_passes_split_line():
    assert payloads.check_acknowledgement(split_line()) == []


def test_check_acknowledgement_adds_up_split_line():
    lines = split_line()
    # 6 + 5 cases of 12 = 132 eaches against 120 ordered.
    lines[0]["acknowledged_quantity_amount"] = 5

    assert payloads.check_acknowledgement(lines) == [
        "PO 2JK3S9VC line 1: acknowledges 132 eaches (Accepted 6 Cases of 12 + Backordered 5 Cases of 12),"
        " more than the 120 ordered (10 Cases of 12)"
    ]


def test_check_acknowledgement_names_empty_split_row():
    lines = split_line()
    lines[0]["acknowledged_quantity_amount"] = 0

    assert payloads.check_acknowledgement(lines) == [
        "PO 2JK3S9VC line 1: Backordered acknowledged quantity 0 is not greater than 0"
    ]


# --- shipment confirmation ---------------------------------------------------------------


EXPECTED_ASN = {
    "shipmentConfirmations": [
        {
            "shipmentIdentifier": "ACRN-SHP-0001",
            "shipmentConfirmationType": "Original",
            "shipmentType": "LessThanTruckLoad",
            "transportationDetails": {
                "carrierScac": "ABFS",
                "carrierShipmentReferenceNumber": "PRO123456",
                "billOfLadingNumber": "BOL-778899",
            },
            "shipmentConfirmationDate": "2026-03-02T14:30:00Z",
            "shippedDate": "2026-03-02T14:30:00Z",
            "sellingParty": {"partyId": "ACRN1"},
            "shipFromParty": {"partyId": "SZX-WH1"},
            "shipToParty": {"partyId": "ABE8"},
            "shipmentMeasurements": {"cartonCount": 2},
            "shippedItems": [
                {
                    "itemSequenceNumber": "001",
                    "amazonProductIdentifier": "B07DFVDRAB",
                    "vendorProductIdentifier": "8806098286500",
                    # 2 cases in carton 001 and 1 case in carton 002
                    "shippedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12},
                    "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                },
                {
                    "itemSequenceNumber": "002",
                    "amazonProductIdentifier": "B07ZPKN6YR",
                    "vendorProductIdentifier": "8806098286517",
                    "shippedQuantity": {"amount": 6, "unitOfMeasure": "Eaches", "unitSize": 1},
                    "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                },
                {
                    "itemSequenceNumber": "003",
                    "amazonProductIdentifier": "B08KTZ8249",
                    "vendorProductIdentifier": "8806098286524",
                    "shippedQuantity": {"amount": 4, "unitOfMeasure": "Eaches", "unitSize": 1},
                    "itemDetails": {"purchaseOrderNumber": "7QX9WB2M"},
                },
            ],
            "cartons": [
                {
                    "cartonIdentifiers": [
                        {"containerIdentificationType": "SSCC", "containerIdentificationNumber": SSCC_A}
                    ],
                    "cartonSequenceNumber": "001",
                    "items": [
                        {
                            "itemReference": "001",
                            "shippedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
                            "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                        },
                        {
                            "itemReference": "002",
                            "shippedQuantity": {"amount": 6, "unitOfMeasure": "Eaches", "unitSize": 1},
                            "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                        },
                    ],
                },
                {
                    "cartonIdentifiers": [
                        {"containerIdentificationType": "SSCC", "containerIdentificationNumber": SSCC_B}
                    ],
                    "cartonSequenceNumber": "002",
                    "items": [
                        {
                            "itemReference": "001",
                            "shippedQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12},
                            "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                        },
                        {
                            "itemReference": "003",
                            "shippedQuantity": {"amount": 4, "unitOfMeasure": "Eaches", "unitSize": 1},
                            "itemDetails": {"purchaseOrderNumber": "7QX9WB2M"},
                        },
                    ],
                },
            ],
        }
    ]
}


def test_shipment_confirmation_payload_fields():
    payload = payloads.build_shipment_confirmation(shipment_header(), shipment_lines())

    assert payload == EXPECTED_ASN
    assert_matches_amazon_schema(payload, "vendorShipments.json", "SubmitShipmentConfirmationsRequest")


def test_shipment_confirmation_is_deterministic():
    first = payloads.build_shipment_confirmation(shipment_header(), shipment_lines())
    second = payloads.build_shipment_confirmation(shipment_header(), list(reversed(shipment_lines())))

    assert payloads.payload_sha256(first) == payloads.payload_sha256(second)


def test_shipment_confirmation_takes_confirmation_date():
    confirmed_at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    payload = payloads.build_shipment_confirmation(
        shipment_header(), shipment_lines(), confirmed_at=confirmed_at
    )

    confirmation = payload["shipmentConfirmations"][0]
    assert confirmation["shipmentConfirmationDate"] == "2026-03-02T15:00:00Z"
    assert confirmation["shippedDate"] == "2026-03-02T14:30:00Z"


def test_small_parcel_without_bill_of_lading():
    header = shipment_header(shipment_type="SmallParcel", bill_of_lading_number="")

    payload = payloads.build_shipment_confirmation(header, shipment_lines())

    assert payload["shipmentConfirmations"][0]["transportationDetails"] == {
        "carrierScac": "ABFS",
        "carrierShipmentReferenceNumber": "PRO123456",
    }
    assert_matches_amazon_schema(payload, "vendorShipments.json", "SubmitShipmentConfirmationsRequest")


@pytest.mark.parametrize(
    ("header", "lines", "expected_error"),
    [
        (
            shipment_header(),
            [shipment_line(carton_id="106141411234567890")],
            r"cartons\[0\]\.cartonIdentifiers\[0\]: '106141411234567890' is not a valid SSCC",
        ),
        (
            shipment_header(bill_of_lading_number=None),
            [shipment_line()],
            r"shipmentConfirmations\[0\]: a LessThanTruckLoad shipment needs"
            r" transportationDetails\.billOfLadingNumber",
        ),
        (
            shipment_header(carrier_scac="abfs"),
            [shipment_line()],
            r"transportationDetails\.carrierScac: String should match pattern",
        ),
        (
            shipment_header(shipment_confirmation_type="Update"),
            [shipment_line()],
            r"shipmentConfirmationType: Input should be 'Original' or 'Replace'",
        ),
        (
            shipment_header(),
            [shipment_line(purchase_order_number="2JK3S9V")],
            r"shippedItems\[0\]\.itemDetails\.purchaseOrderNumber: String should match pattern",
        ),
        (
            shipment_header(),
            [
                shipment_line(),
                shipment_line(
                    carton_id=SSCC_B,
                    shipped_quantity_amount=12,
                    shipped_quantity_unit_of_measure="Eaches",
                    shipped_quantity_unit_size=1,
                ),
            ],
            r"PO 2JK3S9VC line 1 is packed in several units \(Cases of 12, Eaches of 1\)",
        ),
    ],
)
def test_shipment_confirmation_invalid_input_raises(header, lines, expected_error):
    with pytest.raises(PayloadInvalid, match=expected_error) as raised:
        payloads.build_shipment_confirmation(header, lines)

    assert raised.value.document_id == "shipment_confirmation:ACRN-SHP-0001"


def test_check_shipment_passes_good_shipment():
    now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    assert payloads.check_shipment_confirmation(shipment_header(), shipment_lines(), now=now) == []


def test_check_shipment_holds_bad_shipment():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    lines = shipment_lines()
    # PO 2JK3S9VC line 1 ships 2 + 1 cases = 36 eaches; only 30 were accepted.
    for line in lines:
        if (line["purchase_order_number"], line["item_sequence_number"]) == ("2JK3S9VC", "1"):
            line["accepted_eaches"] = 30
    lines[0]["shipped_quantity_amount"] = 0

    reasons = payloads.check_shipment_confirmation(shipment_header(), lines, now=now)

    assert reasons == [
        "ship date 2026-03-02T14:30:00Z is in the future (now 2026-03-02T12:00:00Z);"
        " Amazon rejects an ASN for goods that have not left",
        f"carton {SSCC_B}, PO 7QX9WB2M line 1: shipped quantity 0 is not greater than 0",
        "PO 2JK3S9VC line 1: ships 36 eaches, more than the 30 accepted",
        # 46 eaches less the 4 of the line that ships nothing
        "header total_shipped_eaches is 46 but the lines ship 42 eaches",
    ]


def test_check_shipment_names_unknown_po_line():
    now = datetime(2026, 3, 3, tzinfo=UTC)
    lines = shipment_lines()
    # The first line's PO line is not in the warehouse: the left join found no order line.
    lines[0].update(ordered_eaches=None, accepted_eaches=None)
    key = (lines[0]["purchase_order_number"], lines[0]["item_sequence_number"])

    reasons = payloads.check_shipment_confirmation(shipment_header(), lines, now=now)

    assert reasons == [
        f"PO {key[0]} line {key[1]}: not among the POs loaded from Amazon; check the PO number"
        " and item sequence number in shipments.csv, or run the order sync first if the PO is new"
    ]


def test_check_shipment_compares_carton_count():
    now = datetime(2026, 3, 3, tzinfo=UTC)

    reasons = payloads.check_shipment_confirmation(shipment_header(carton_count=3), shipment_lines(), now=now)

    assert reasons == ["header carton_count is 3 but the lines fill 2 cartons"]


# --- invoice -----------------------------------------------------------------------------


def test_invoice_payload_fields():
    payload = payloads.build_invoice(invoice_header(), invoice_lines(), remit_to_party_id="ACRN-REMIT")

    assert payload == {
        "invoices": [
            {
                "invoiceType": "Invoice",
                "id": "INV-2026-0001",
                "date": "2026-03-03T00:00:00Z",
                "remitToParty": {"partyId": "ACRN-REMIT"},
                "shipToParty": {"partyId": "ABE8"},
                "billToParty": {"partyId": "AMZN-US"},
                "invoiceTotal": {"currencyCode": "USD", "amount": "264.00"},
                "items": [
                    {
                        "itemSequenceNumber": 1,
                        "amazonProductIdentifier": "B07DFVDRAB",
                        "vendorProductIdentifier": "8806098286500",
                        "invoicedQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12},
                        "netCost": {"currencyCode": "USD", "amount": "8.50"},
                        "purchaseOrderNumber": "2JK3S9VC",
                    },
                    {
                        "itemSequenceNumber": 2,
                        "amazonProductIdentifier": "B07ZPKN6YR",
                        "vendorProductIdentifier": "8806098286517",
                        "invoicedQuantity": {"amount": 24, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"currencyCode": "USD", "amount": "4.25"},
                        "purchaseOrderNumber": "2JK3S9VC",
                    },
                    {
                        "itemSequenceNumber": 3,
                        "amazonProductIdentifier": "B08KTZ8249",
                        "invoicedQuantity": {"amount": 6, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"currencyCode": "USD", "amount": "10.00"},
                        "purchaseOrderNumber": "2JK3S9VC",
                    },
                ],
            }
        ]
    }
    assert_matches_amazon_schema(payload, "vendorInvoices.json", "SubmitInvoicesRequest")


def test_invoice_remit_to_defaults_to_seller():
    payload = payloads.build_invoice(invoice_header(), invoice_lines())

    assert payload["invoices"][0]["remitToParty"] == {"partyId": "ACRN1"}


def taxed_invoice() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    # Line 1 carries 8 % tax: 102.00 × 0.08 = 8.16.
    # 264.00 + 8.16 tax + 15.00 freight - 5.00 discount = 282.16
    header = invoice_header(
        tax_total_amount=Decimal("8.16"),
        charge_total_amount=Decimal("15.00"),
        allowance_total_amount=Decimal("5.00"),
        invoice_total_amount=Decimal("282.16"),
    )
    lines = invoice_lines()
    lines[1].update(tax_rate=Decimal("0.080000000"), tax_amount=Decimal("8.160000000"))
    return header, lines


def test_invoice_with_tax_charges_allowances():
    header, lines = taxed_invoice()

    payload = payloads.build_invoice(
        header, lines, tax_type="VAT", charge_type="Freight", allowance_type="Discount"
    )

    invoice = payload["invoices"][0]
    assert invoice["invoiceTotal"] == {"currencyCode": "USD", "amount": "282.16"}
    assert invoice["taxDetails"] == [
        {"taxType": "VAT", "taxAmount": {"currencyCode": "USD", "amount": "8.16"}}
    ]
    assert invoice["chargeDetails"] == [
        {"type": "Freight", "chargeAmount": {"currencyCode": "USD", "amount": "15.00"}}
    ]
    assert invoice["allowanceDetails"] == [
        {"type": "Discount", "allowanceAmount": {"currencyCode": "USD", "amount": "5.00"}}
    ]
    assert invoice["items"][0]["taxDetails"] == [
        {
            "taxType": "VAT",
            "taxRate": "0.08",
            "taxAmount": {"currencyCode": "USD", "amount": "8.16"},
        }
    ]
    assert "taxDetails" not in invoice["items"][1]
    assert_matches_amazon_schema(payload, "vendorInvoices.json", "SubmitInvoicesRequest")
    assert payloads.check_invoice(header, lines) == []


@pytest.mark.parametrize(
    ("missing", "expected_error"),
    [
        ("tax_type", r"line 1 has tax 8\.16 but no tax_type was given; pass tax_type="),
        ("charge_type", r"the invoice has charges of 15\.00 but no charge_type was given"),
        ("allowance_type", r"the invoice has allowances of 5\.00 but no allowance_type was given"),
    ],
)
def test_invoice_requires_type_codes(missing, expected_error):
    header, lines = taxed_invoice()
    types = {"tax_type": "VAT", "charge_type": "Freight", "allowance_type": "Discount"}
    del types[missing]

    with pytest.raises(PayloadInvalid, match=expected_error):
        payloads.build_invoice(header, lines, **types)


@pytest.mark.parametrize(
    ("header", "lines", "expected_error"),
    [
        (
            invoice_header(invoice_total_amount=Decimal("264.005")),
            invoice_lines(),
            r"invoices\[0\]\.invoiceTotal: invoiceTotal must be whole cents, got 264\.005",
        ),
        (
            invoice_header(),
            [invoice_line(net_cost_currency_code="EUR")],
            r"invoices\[0\]: items\[0\]\.netCost is in EUR but invoiceTotal is in USD",
        ),
        (
            invoice_header(),
            [invoice_line(purchase_order_number=None)],
            r"invoices\[0\]: item 1 needs a purchaseOrderNumber on an Invoice",
        ),
        (
            invoice_header(invoice_type="Bill"),
            invoice_lines(),
            r"invoices\[0\]\.invoiceType: Input should be 'Invoice' or 'CreditNote'",
        ),
        (
            invoice_header(invoice_date=datetime(2026, 3, 3, 10, 0)),
            invoice_lines(),
            r"invoices\[0\]\.date: Input should have timezone info",
        ),
        (
            invoice_header(),
            [invoice_line(invoiced_quantity_unit_of_measure="Eaches")],
            r"invoicedQuantity: unitSize must be 1 for Eaches, got 12",
        ),
        (
            invoice_header(currency_code="usd"),
            invoice_lines(),
            r"invoiceTotal\.currencyCode: String should match pattern",
        ),
    ],
)
def test_invoice_invalid_input_raises(header, lines, expected_error):
    with pytest.raises(PayloadInvalid, match=expected_error) as raised:
        payloads.build_invoice(header, lines)

    assert raised.value.document_id == "invoice:INV-2026-0001"


def test_check_invoice_passes_good_invoice():
    assert payloads.check_invoice(invoice_header(), invoice_lines()) == []


def test_check_invoice_holds_cost_and_total_errors():
    header = invoice_header(invoice_total_amount=Decimal("263.99"), hold_reason="not yet received")
    lines = invoice_lines()
    # Line 2: 24 × 4.30 = 103.20 is right for its own cost, but the PO cost is 4.25.
    lines[2].update(net_cost_amount=Decimal("4.30"), line_amount=Decimal("103.20"))
    # Line 1: 12 × 8.50 = 102.00, not 101.00.
    lines[1].update(line_amount=Decimal("101.00"))
    lines[0].update(invoiced_quantity_amount=0)
    header["line_total_amount"] = Decimal("264.20")

    reasons = payloads.check_invoice(header, lines)

    assert reasons == [
        "held by outbound_invoices: not yet received",
        "line 1 (PO 2JK3S9VC): line amount 101.00 is not 12 eaches × 8.50 = 102.00",
        "line 2 (PO 2JK3S9VC): net cost 4.30 differs from the PO cost 4.25",
        "line 3 (PO 2JK3S9VC): invoiced quantity 0 is not greater than 0",
        # 101.00 + 103.20 + 60.00 = 264.20 matches the header, so no line-total reason
        "invoice total 263.99 is not lines + tax + charges - allowances = 264.20",
    ]


def test_check_invoice_reports_line_hold_and_sum():
    lines = invoice_lines()
    lines[1]["hold_reason"] = "price mismatch with PO"
    lines[1]["po_net_cost_amount"] = None

    reasons = payloads.check_invoice(invoice_header(line_total_amount=Decimal("265.00")), lines)

    # The model's reason for line 1 is the missing PO cost, which the check states itself.
    assert reasons == [
        "line 1 (PO 2JK3S9VC): no PO net cost to compare with 8.50",
        "line total 265.00 is not the sum of the line amounts, 264.00",
        "invoice total 264.00 is not lines + tax + charges - allowances = 265.00",
    ]


def test_check_invoice_states_a_model_reason_once():
    lines = invoice_lines()
    lines[0]["hold_reason"] = "netCost 8.75 differs from PO netCost 8.50 on line 1"
    header = invoice_header(hold_reason="netCost 8.75 differs from PO netCost 8.50 on line 1")

    reasons = payloads.check_invoice(header, lines)

    # The header repeats the line's reason, and the line passes the checks here, so the
    # model's line reason is the one statement.
    assert reasons == [
        "line 3 (PO 2JK3S9VC): held by outbound_invoice_lines: netCost 8.75 differs from PO netCost 8.50 on line 1"
    ]


def test_check_invoice_states_a_price_mismatch_once():
    lines = invoice_lines()
    # Line 1 billed at 8.75 against the PO's 8.50: 12 × 8.75 = 105.00.
    lines[1].update(
        net_cost_amount=Decimal("8.75"),
        line_amount=Decimal("105.00"),
        hold_reason="netCost 8.75 differs from PO netCost 8.50 on line 1",
    )
    header = invoice_header(
        line_total_amount=Decimal("267.00"),
        invoice_total_amount=Decimal("267.00"),
        hold_reason="netCost 8.75 differs from PO netCost 8.50 on line 1",
    )

    reasons = payloads.check_invoice(header, lines)

    assert reasons == ["line 1 (PO 2JK3S9VC): net cost 8.75 differs from the PO cost 8.50"]


def test_builders_leave_rows_unchanged():
    lines = invoice_lines()
    before = copy.deepcopy(lines)

    payloads.build_invoice(invoice_header(), lines)

    assert lines == before


def test_builds_from_duckdb_rows(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute(
            "create table lines as select"
            " '2JK3S9VC' as purchase_order_number, '1' as item_sequence_number,"
            " 'ACRN1' as selling_party_id, 10::bigint as ordered_quantity_amount,"
            " 'Cases' as ordered_quantity_unit_of_measure, 12::bigint as ordered_quantity_unit_size,"
            " 8.5::decimal(38, 9) as net_cost_amount, 'USD' as net_cost_currency_code,"
            " 'Accepted' as acknowledgement_code, 120::bigint as acknowledged_quantity_amount,"
            " 'Eaches' as acknowledged_quantity_unit_of_measure,"
            " 1::bigint as acknowledged_quantity_unit_size,"
            " timestamptz '2026-03-02 14:30:00+00' as scheduled_ship_date"
        )
        # Rows come back as Decimal and as datetimes in the session's zone.
        connection.execute("set TimeZone = 'Asia/Shanghai'")
        cursor = connection.execute("select * from lines")
        columns = [description[0] for description in cursor.description]
        lines = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    payload = payloads.build_acknowledgement("2JK3S9VC", lines, datetime(2026, 3, 1, tzinfo=UTC))

    item = payload["acknowledgements"][0]["items"][0]
    assert item["netCost"] == {"currencyCode": "USD", "amount": "8.50"}
    assert item["itemAcknowledgements"][0]["scheduledShipDate"] == "2026-03-02T14:30:00Z"
    assert item["itemAcknowledgements"][0]["acknowledgedQuantity"] == {
        "amount": 120,
        "unitOfMeasure": "Eaches",
        "unitSize": 1,
    }
