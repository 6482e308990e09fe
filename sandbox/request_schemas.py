"""JSON Schemas of the four vendor POST bodies, and the check that rejects a body with 400 InvalidInput.

The field names, types, enums and required lists follow Amazon's Swagger 2.0 models for
submitAcknowledgement, SubmitShipmentConfirmations, SubmitShipments and submitInvoices. Two choices are
stricter than the models: unknown fields are rejected (Amazon validates the documents
against an XML schema, which rejects unknown elements), and each request must carry at
least one document. Amounts of money must match the models' decimal pattern.
"""

from datetime import datetime
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

DECIMAL_PATTERN = r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$"
MAX_REPORTED_ERRORS = 10


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _string(*enum: str, max_length: int | None = None, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = list(enum)
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = pattern
    return schema


def _array(items: dict[str, Any], min_items: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if min_items is not None:
        schema["minItems"] = min_items
    return schema


STRING = _string()
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
DECIMAL = _string(pattern=DECIMAL_PATTERN)
DATE_TIME = {"type": "string", "format": "date-time"}
WEIGHT_UNITS = ("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")
TAX_REGISTRATION = _object(
    {"taxRegistrationType": _string("VAT", "GST"), "taxRegistrationNumber": STRING},
    ("taxRegistrationNumber", "taxRegistrationType"),
)


def _address(postal_field: str, country_max_length: int | None) -> dict[str, Any]:
    fields = ("name", "addressLine1", "addressLine2", "addressLine3", "city", "county", "district", "stateOrRegion")
    properties: dict[str, Any] = {name: STRING for name in fields}
    properties[postal_field] = STRING
    properties["countryCode"] = _string(max_length=country_max_length)
    properties["phone"] = STRING
    return _object(properties, ("addressLine1", "countryCode", "name"))


def _total_weight() -> dict[str, Any]:
    return _object({"unitOfMeasure": _string(*WEIGHT_UNITS), "amount": DECIMAL}, ("amount", "unitOfMeasure"))


def _shipping_quantity() -> dict[str, Any]:
    return _object(
        {
            "amount": INTEGER,
            "unitOfMeasure": _string("Cases", "Eaches"),
            "unitSize": INTEGER,
            "totalWeight": _total_weight(),
        },
        ("amount", "unitOfMeasure"),
    )


# -- submitAcknowledgement (vendorOrders) --------------------------------------------

_ORDERS_QUANTITY = _object({"amount": INTEGER, "unitOfMeasure": _string("Cases", "Eaches"), "unitSize": INTEGER})
_ORDERS_MONEY = _object(
    {"currencyCode": _string(max_length=3), "amount": DECIMAL, "unitOfMeasure": _string(*WEIGHT_UNITS)}
)
_ORDERS_PARTY = _object(
    {"partyId": STRING, "address": _address("postalCode", 2), "taxInfo": TAX_REGISTRATION}, ("partyId",)
)

ACKNOWLEDGEMENT_REQUEST = _object(
    {
        "acknowledgements": _array(
            _object(
                {
                    "purchaseOrderNumber": STRING,
                    "sellingParty": _ORDERS_PARTY,
                    "acknowledgementDate": DATE_TIME,
                    "items": _array(
                        _object(
                            {
                                "itemSequenceNumber": STRING,
                                "amazonProductIdentifier": STRING,
                                "vendorProductIdentifier": STRING,
                                "orderedQuantity": _ORDERS_QUANTITY,
                                "netCost": _ORDERS_MONEY,
                                "listPrice": _ORDERS_MONEY,
                                "discountMultiplier": STRING,
                                "itemAcknowledgements": _array(
                                    _object(
                                        {
                                            "acknowledgementCode": _string("Accepted", "Backordered", "Rejected"),
                                            "acknowledgedQuantity": _ORDERS_QUANTITY,
                                            "scheduledShipDate": DATE_TIME,
                                            "scheduledDeliveryDate": DATE_TIME,
                                            "rejectionReason": _string(
                                                "TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct"
                                            ),
                                        },
                                        ("acknowledgedQuantity", "acknowledgementCode"),
                                    )
                                ),
                            },
                            ("itemAcknowledgements", "orderedQuantity"),
                        )
                    ),
                },
                ("acknowledgementDate", "items", "purchaseOrderNumber", "sellingParty"),
            ),
            min_items=1,
        )
    },
    ("acknowledgements",),
)

# -- SubmitShipmentConfirmations (vendorShipments) -----------------------------------

_SHIPMENTS_PARTY = _object(
    {
        "address": _address("postalCode", None),
        "partyId": STRING,
        "taxRegistrationDetails": _array(TAX_REGISTRATION),
    },
    ("partyId",),
)
_WEIGHT = _object({"unitOfMeasure": _string("G", "Kg", "Oz", "Lb"), "value": DECIMAL}, ("unitOfMeasure", "value"))
_VOLUME = _object({"unitOfMeasure": _string("CuFt", "CuIn", "CuM", "CuY"), "value": DECIMAL}, ("unitOfMeasure", "value"))
_DIMENSIONS = _object(
    {"length": DECIMAL, "width": DECIMAL, "height": DECIMAL, "unitOfMeasure": _string("In", "Ft", "Meter", "Yard")},
    ("height", "length", "unitOfMeasure", "width"),
)
_HANDLING = ("Oversized", "Fragile", "Food", "HandleWithCare")
_ITEM_DETAILS = _object(
    {
        "purchaseOrderNumber": STRING,
        "lotNumber": STRING,
        "lotNumberSourceReference": STRING,
        "lotNumberSourceType": _string("GLN", "FFRN", "USDA_E", "URL"),
        "countryOfOrigin": _string(pattern="^[A-Z]{2}$"),
        "regulationReferences": _object(
            {
                "dueDiligenceReference": STRING,
                "dueDiligenceVerification": STRING,
                "dueDiligenceInformation": STRING,
                "dueDiligenceExemptionCode": STRING,
            }
        ),
        "expiry": _object(
            {
                "manufacturerDate": DATE_TIME,
                "expiryDate": DATE_TIME,
                "expiryAfterDuration": _object(
                    {"durationUnit": _string("Days", "Months"), "durationValue": INTEGER},
                    ("durationUnit", "durationValue"),
                ),
            }
        ),
        "maximumRetailPrice": _object({"currencyCode": STRING, "amount": DECIMAL}, ("amount", "currencyCode")),
        "handlingCode": _string(*_HANDLING),
    }
)
_CONTAINER_IDENTIFICATION = _object(
    {
        "containerIdentificationType": _string("SSCC", "AMZNCC", "GTIN", "BPS", "CID"),
        "containerIdentificationNumber": STRING,
    },
    ("containerIdentificationNumber", "containerIdentificationType"),
)
_CONTAINER_ITEM = _object(
    {"itemReference": STRING, "shippedQuantity": _shipping_quantity(), "itemDetails": _ITEM_DETAILS},
    ("itemReference", "shippedQuantity"),
)
_ROUTE = _object(
    {
        "stops": _array(
            _object(
                {
                    "functionCode": _string("PortOfDischarge", "FreightPayableAt", "PortOfLoading"),
                    "locationIdentification": _object(
                        {"type": STRING, "locationCode": STRING, "countryCode": STRING}
                    ),
                    "arrivalTime": DATE_TIME,
                    "departureTime": DATE_TIME,
                },
                ("functionCode",),
            )
        )
    },
    ("stops",),
)

SHIPMENT_CONFIRMATION_REQUEST = _object(
    {
        "shipmentConfirmations": _array(
            _object(
                {
                    "shipmentIdentifier": STRING,
                    "shipmentConfirmationType": _string("Original", "Replace"),
                    "shipmentType": _string("TruckLoad", "LessThanTruckLoad", "SmallParcel"),
                    "shipmentStructure": _string(
                        "PalletizedAssortmentCase",
                        "LooseAssortmentCase",
                        "PalletOfItems",
                        "PalletizedStandardCase",
                        "LooseStandardCase",
                        "MasterPallet",
                        "MasterCase",
                    ),
                    "transportationDetails": _object(
                        {
                            "carrierScac": STRING,
                            "carrierShipmentReferenceNumber": STRING,
                            "transportationMode": _string("Road", "Air", "Ocean"),
                            "billOfLadingNumber": STRING,
                        }
                    ),
                    "amazonReferenceNumber": STRING,
                    "shipmentConfirmationDate": DATE_TIME,
                    "shippedDate": DATE_TIME,
                    "estimatedDeliveryDate": DATE_TIME,
                    "sellingParty": _SHIPMENTS_PARTY,
                    "shipFromParty": _SHIPMENTS_PARTY,
                    "shipToParty": _SHIPMENTS_PARTY,
                    "shipmentMeasurements": _object(
                        {
                            "grossShipmentWeight": _WEIGHT,
                            "shipmentVolume": _VOLUME,
                            "cartonCount": INTEGER,
                            "palletCount": INTEGER,
                        }
                    ),
                    "importDetails": _object(
                        {
                            "methodOfPayment": _string(
                                "PaidByBuyer",
                                "CollectOnDelivery",
                                "DefinedByBuyerAndSeller",
                                "FOBPortOfCall",
                                "PrepaidBySeller",
                                "PaidBySeller",
                            ),
                            "sealNumber": STRING,
                            "route": _ROUTE,
                            "importContainers": _string(max_length=64),
                            "billableWeight": _WEIGHT,
                            "estimatedShipByDate": DATE_TIME,
                            "handlingInstructions": _string(*_HANDLING),
                        }
                    ),
                    "shippedItems": _array(
                        _object(
                            {
                                "itemSequenceNumber": STRING,
                                "amazonProductIdentifier": STRING,
                                "vendorProductIdentifier": STRING,
                                "shippedQuantity": _shipping_quantity(),
                                "itemDetails": _ITEM_DETAILS,
                            },
                            ("itemSequenceNumber", "shippedQuantity"),
                        )
                    ),
                    "cartons": _array(
                        _object(
                            {
                                "cartonIdentifiers": _array(_CONTAINER_IDENTIFICATION),
                                "cartonSequenceNumber": STRING,
                                "dimensions": _DIMENSIONS,
                                "weight": _WEIGHT,
                                "trackingNumber": STRING,
                                "items": _array(_CONTAINER_ITEM),
                            },
                            ("cartonSequenceNumber", "items"),
                        )
                    ),
                    "pallets": _array(
                        _object(
                            {
                                "palletIdentifiers": _array(_CONTAINER_IDENTIFICATION),
                                "tier": INTEGER,
                                "block": INTEGER,
                                "dimensions": _DIMENSIONS,
                                "weight": _WEIGHT,
                                "cartonReferenceDetails": _object(
                                    {"cartonCount": INTEGER, "cartonReferenceNumbers": _array(STRING)},
                                    ("cartonReferenceNumbers",),
                                ),
                                "items": _array(_CONTAINER_ITEM),
                            },
                            ("palletIdentifiers",),
                        )
                    ),
                },
                (
                    "sellingParty",
                    "shipFromParty",
                    "shipToParty",
                    "shipmentConfirmationDate",
                    "shipmentConfirmationType",
                    "shipmentIdentifier",
                    "shippedItems",
                ),
            ),
            min_items=1,
        )
    },
    ("shipmentConfirmations",),
)

# -- SubmitShipments (vendorShipments, transport requests) ---------------------------

_SHIPMENT_STATUSES = ("Created", "TransportationRequested", "CarrierAssigned", "Shipped")
_TRANSPORT_QUANTITY = _shipping_quantity()

SUBMIT_SHIPMENTS_REQUEST = _object(
    {
        "shipments": _array(
            _object(
                {
                    "vendorShipmentIdentifier": STRING,
                    "transactionType": _string("New", "Cancel"),
                    "buyerReferenceNumber": STRING,
                    "transactionDate": DATE_TIME,
                    "currentShipmentStatus": _string(*_SHIPMENT_STATUSES),
                    "currentshipmentStatusDate": DATE_TIME,
                    "shipmentStatusDetails": _array(
                        _object({"shipmentStatus": _string(*_SHIPMENT_STATUSES), "shipmentStatusDate": DATE_TIME})
                    ),
                    "shipmentCreateDate": DATE_TIME,
                    "shipmentConfirmDate": DATE_TIME,
                    "packageLabelCreateDate": DATE_TIME,
                    "shipmentFreightTerm": _string("Collect", "Prepaid"),
                    "sellingParty": _SHIPMENTS_PARTY,
                    "shipFromParty": _SHIPMENTS_PARTY,
                    "shipToParty": _SHIPMENTS_PARTY,
                    "shipmentMeasurements": _object(
                        {
                            "totalCartonCount": INTEGER,
                            "totalPalletStackable": INTEGER,
                            "totalPalletNonStackable": INTEGER,
                            "shipmentWeight": _WEIGHT,
                            "shipmentVolume": _VOLUME,
                        }
                    ),
                    "collectFreightPickupDetails": _object(
                        {"requestedPickUp": DATE_TIME, "scheduledPickUp": DATE_TIME, "carrierAssignmentDate": DATE_TIME}
                    ),
                    "purchaseOrders": _array(
                        _object(
                            {
                                "purchaseOrderNumber": STRING,
                                "purchaseOrderDate": DATE_TIME,
                                "shipWindow": STRING,
                                "items": _array(
                                    _object(
                                        {
                                            "itemSequenceNumber": STRING,
                                            "buyerProductIdentifier": STRING,
                                            "vendorProductIdentifier": STRING,
                                            "shippedQuantity": _TRANSPORT_QUANTITY,
                                            "maximumRetailPrice": _object(
                                                {"currencyCode": STRING, "amount": DECIMAL}, ("amount", "currencyCode")
                                            ),
                                        },
                                        ("itemSequenceNumber", "shippedQuantity"),
                                    )
                                ),
                            }
                        )
                    ),
                    "importDetails": _object(
                        {
                            "methodOfPayment": _string(
                                "PaidByBuyer",
                                "CollectOnDelivery",
                                "DefinedByBuyerAndSeller",
                                "FOBPortOfCall",
                                "PrepaidBySeller",
                                "PaidBySeller",
                            ),
                            "sealNumber": STRING,
                            "route": _ROUTE,
                            "importContainers": _string(max_length=64),
                            "billableWeight": _WEIGHT,
                            "estimatedShipByDate": DATE_TIME,
                            "handlingInstructions": _string(*_HANDLING),
                        }
                    ),
                    "containers": _array(
                        _object(
                            {
                                "containerType": _string("carton", "pallet"),
                                "containerSequenceNumber": STRING,
                                "containerIdentifiers": _array(_CONTAINER_IDENTIFICATION),
                                "trackingNumber": STRING,
                                "dimensions": _DIMENSIONS,
                                "weight": _WEIGHT,
                                "tier": INTEGER,
                                "block": INTEGER,
                                "innerContainersDetails": _object(
                                    {
                                        "containerCount": INTEGER,
                                        "containerSequenceNumbers": _array(_object({"containerSequenceNumber": STRING})),
                                    }
                                ),
                                "packedItems": _array(
                                    _object(
                                        {
                                            "itemSequenceNumber": STRING,
                                            "buyerProductIdentifier": STRING,
                                            "vendorProductIdentifier": STRING,
                                            "packedQuantity": _TRANSPORT_QUANTITY,
                                            "itemDetails": _object(
                                                {
                                                    "purchaseOrderNumber": STRING,
                                                    "lotNumber": STRING,
                                                    "expiry": _object(
                                                        {
                                                            "manufacturerDate": DATE_TIME,
                                                            "expiryDate": DATE_TIME,
                                                            "expiryAfterDuration": _object(
                                                                {
                                                                    "durationUnit": _string("Days", "Months"),
                                                                    "durationValue": INTEGER,
                                                                },
                                                                ("durationUnit", "durationValue"),
                                                            ),
                                                        }
                                                    ),
                                                }
                                            ),
                                        }
                                    )
                                ),
                            },
                            ("containerIdentifiers", "containerType"),
                        )
                    ),
                    "transportationDetails": _object(
                        {
                            "shipMode": _string("TruckLoad", "LessThanTruckLoad", "SmallParcel"),
                            "transportationMode": _string("Road", "Air", "Ocean"),
                            "shippedDate": DATE_TIME,
                            "estimatedDeliveryDate": DATE_TIME,
                            "shipmentDeliveryDate": DATE_TIME,
                            "carrierDetails": _object(
                                {
                                    "name": STRING,
                                    "code": STRING,
                                    "phone": STRING,
                                    "email": STRING,
                                    "shipmentReferenceNumber": STRING,
                                }
                            ),
                            "billOfLadingNumber": STRING,
                        }
                    ),
                },
                (
                    "sellingParty",
                    "shipFromParty",
                    "shipToParty",
                    "transactionDate",
                    "transactionType",
                    "vendorShipmentIdentifier",
                ),
            ),
            min_items=1,
        )
    },
    ("shipments",),
)

# -- submitInvoices (vendorInvoices) -------------------------------------------------

_INVOICES_MONEY = _object({"currencyCode": STRING, "amount": DECIMAL})
_INVOICES_PARTY = _object(
    {
        "partyId": STRING,
        "address": _address("postalOrZipCode", 2),
        "taxRegistrationDetails": _array(TAX_REGISTRATION),
    },
    ("partyId",),
)
_TAX_DETAILS = _object(
    {
        "taxType": _string(
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
        ),
        "taxRate": DECIMAL,
        "taxAmount": _INVOICES_MONEY,
        "taxableAmount": _INVOICES_MONEY,
    },
    ("taxAmount", "taxType"),
)
_CHARGE_DETAILS = _object(
    {
        "type": _string(
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
        ),
        "description": STRING,
        "chargeAmount": _INVOICES_MONEY,
        "taxDetails": _array(_TAX_DETAILS),
    },
    ("chargeAmount", "type"),
)
_ALLOWANCE_DETAILS = _object(
    {
        "type": _string("Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special"),
        "description": STRING,
        "allowanceAmount": _INVOICES_MONEY,
        "taxDetails": _array(_TAX_DETAILS),
    },
    ("allowanceAmount", "type"),
)

INVOICE_REQUEST = _object(
    {
        "invoices": _array(
            _object(
                {
                    "invoiceType": _string("Invoice", "CreditNote"),
                    "id": STRING,
                    "referenceNumber": STRING,
                    "date": DATE_TIME,
                    "remitToParty": _INVOICES_PARTY,
                    "shipToParty": _INVOICES_PARTY,
                    "shipFromParty": _INVOICES_PARTY,
                    "billToParty": _INVOICES_PARTY,
                    "paymentTerms": _object(
                        {
                            "type": _string(
                                "Basic",
                                "EndOfMonth",
                                "FixedDate",
                                "Proximo",
                                "PaymentDueUponReceiptOfInvoice",
                                "LetterofCredit",
                            ),
                            "discountPercent": DECIMAL,
                            "discountDueDays": NUMBER,
                            "netDueDays": NUMBER,
                        }
                    ),
                    "invoiceTotal": _INVOICES_MONEY,
                    "taxDetails": _array(_TAX_DETAILS),
                    "additionalDetails": _array(
                        _object(
                            {"type": _string("SUR", "OCR", "CartonCount"), "detail": STRING, "languageCode": STRING},
                            ("detail", "type"),
                        )
                    ),
                    "chargeDetails": _array(_CHARGE_DETAILS),
                    "allowanceDetails": _array(_ALLOWANCE_DETAILS),
                    "items": _array(
                        _object(
                            {
                                "itemSequenceNumber": INTEGER,
                                "amazonProductIdentifier": STRING,
                                "vendorProductIdentifier": STRING,
                                "invoicedQuantity": _shipping_quantity(),
                                "netCost": _INVOICES_MONEY,
                                "netCostUnitOfMeasure": _string(*WEIGHT_UNITS),
                                "purchaseOrderNumber": STRING,
                                "hsnCode": STRING,
                                "creditNoteDetails": _object(
                                    {
                                        "referenceInvoiceNumber": STRING,
                                        "debitNoteNumber": STRING,
                                        "returnsReferenceNumber": STRING,
                                        "goodsReturnDate": DATE_TIME,
                                        "rmaId": STRING,
                                        "coopReferenceNumber": STRING,
                                        "consignorsReferenceNumber": STRING,
                                    }
                                ),
                                "taxDetails": _array(_TAX_DETAILS),
                                "chargeDetails": _array(_CHARGE_DETAILS),
                                "allowanceDetails": _array(_ALLOWANCE_DETAILS),
                            },
                            ("invoicedQuantity", "itemSequenceNumber", "netCost"),
                        )
                    ),
                },
                ("date", "id", "invoiceTotal", "invoiceType", "remitToParty"),
            ),
            min_items=1,
        )
    },
    ("invoices",),
)

_format_checker = FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    return datetime.fromisoformat(value).tzinfo is not None


def _path_text(path: list[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text or "(body)"


def validation_errors(schema: dict[str, Any], body: object) -> list[dict[str, str]]:
    """Check a request body; return Amazon-style InvalidInput errors naming each failing path."""
    validator = Draft4Validator(schema, format_checker=_format_checker)
    errors = sorted(validator.iter_errors(body), key=lambda error: list(map(str, error.absolute_path)))
    found = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        path = _path_text(list(error.absolute_path))
        if error.validator == "format":
            reason = f"{error.instance!r} is not an ISO 8601 date-time with a time zone, such as 2026-12-01T15:30:00Z"
        elif error.validator == "pattern" and error.schema.get("pattern") == DECIMAL_PATTERN:
            reason = f"{error.instance!r} is not a decimal string such as \"8.50\""
        else:
            reason = error.message
        found.append({"code": "InvalidInput", "message": f"Invalid input at {path}: {reason}.", "details": path})
    return found
