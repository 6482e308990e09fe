"""Transport requests of Vendor Shipments v1: SubmitShipments, GetShipmentDetails and GetShipmentLabels.

A vendor whose freight Amazon collects (freight term Collect) submits a transport request
per shipment, and Amazon then lists the shipment's details and carrier labels. A vendor
that ships prepaid, like the generated one, submits none, so both listings stay empty
until a test or a client submits a request.

Rules the sandbox applies when a SubmitShipments transaction is processed (sandbox choices;
Amazon documents no error codes):
- `sellingParty.partyId` must be the vendor code;
- a New request must not reuse a vendorShipmentIdentifier accepted in the last 365 days,
  even a cancelled one, and a Collect request needs a buyerReferenceNumber;
- every purchase order a New request lists must exist and go to the request's
  shipToParty, and every shipped quantity must be positive;
- a Cancel must name a vendorShipmentIdentifier with an open (accepted, not cancelled)
  New request.

Listings show every accepted request, the cancelled ones with transactionType Cancel.
A request's status stays `Created`: the sandbox assigns no carrier and ships nothing.
Each open Collect request has one PDF label per carton (or one for the whole shipment when
it lists no cartons), created when the request was processed.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.inbox import format_timestamp
from sandbox.listing import (
    ParameterError,
    check_token_fault,
    decode_token,
    encode_token,
    filters_digest,
    parse_limit,
    parse_timestamp,
)
from sandbox.scenario import Scenario
from sandbox.transactions import Transaction

MAX_SHIPMENT_LIMIT = 50
REUSE_DAYS = 365
SHIPMENT_STATUSES = ("Created", "TransportationRequested", "CarrierAssigned", "Shipped")
_SORT_ORDERS = ("ASC", "DESC")
# Fields that only Amazon fills in. The sandbox replaces what a request sent in them.
_AMAZON_FIELDS = (
    "currentShipmentStatus",
    "currentshipmentStatusDate",
    "shipmentStatusDetails",
    "shipmentCreateDate",
    "shipmentConfirmDate",
    "packageLabelCreateDate",
)
# GetShipmentDetails window parameters (prefix of its After and Before pair) and the field each one filters on.
_DETAIL_WINDOWS: dict[str, tuple[str, ...]] = {
    "created": ("shipmentCreateDate",),
    "shipmentConfirmed": ("shipmentConfirmDate",),
    "packageLabelCreated": ("packageLabelCreateDate",),
    "shipped": ("transportationDetails", "shippedDate"),
    "estimatedDelivery": ("transportationDetails", "estimatedDeliveryDate"),
    "shipmentDelivery": ("transportationDetails", "shipmentDeliveryDate"),
    "requestedPickUp": ("collectFreightPickupDetails", "requestedPickUp"),
    "scheduledPickUp": ("collectFreightPickupDetails", "scheduledPickUp"),
}
_LABEL_PDF = b"%PDF-1.4\n% acorn sandbox transport label: not a real carrier label\n%%EOF\n"


@dataclass
class TransportRecord:
    """An accepted New transport request, and its Cancel once one is accepted."""

    document: dict[str, Any]
    transaction_id: str
    accepted_at: datetime
    cancel_document: dict[str, Any] | None = None
    cancelled_at: datetime | None = None

    @property
    def identifier(self) -> str:
        return str(self.document["vendorShipmentIdentifier"])

    @property
    def has_labels(self) -> bool:
        return self.cancelled_at is None and self.document.get("shipmentFreightTerm") == "Collect"


@dataclass
class TransportBook:
    """Every accepted transport request by vendorShipmentIdentifier, in order of acceptance."""

    records: dict[str, TransportRecord] = field(default_factory=dict)


def _error(code: str, message: str, details: str) -> dict[str, str]:
    return {"code": code, "message": message, "details": details}


def process_transport_transaction(scenario: Scenario, book: TransportBook, transaction: Transaction) -> None:
    """Check every request of a due SubmitShipments transaction and record them all if all pass."""
    processed_at = transaction.received_at + timedelta(seconds=transaction.processing_seconds)
    effects: list[Callable[[], None]] = []
    pending_new: set[str] = set()
    pending_cancel: set[str] = set()
    transaction.errors_by_document = []
    for index, document in enumerate(transaction.documents):
        where = f"shipments[{index}]"
        errors = _check_request(scenario, book, document, where, processed_at, pending_new, pending_cancel)
        transaction.errors_by_document.append(errors)
        effects.append(_effect(book, document, transaction.transaction_id, processed_at))
    transaction.errors = [error for errors in transaction.errors_by_document for error in errors]
    transaction.processed_at = processed_at
    if transaction.errors:
        transaction.status = "Failure"
        return
    for effect in effects:
        effect()
    transaction.status = "Success"


def _check_request(
    scenario: Scenario,
    book: TransportBook,
    document: dict[str, Any],
    where: str,
    processed_at: datetime,
    pending_new: set[str],
    pending_cancel: set[str],
) -> list[dict[str, str]]:
    identifier = document["vendorShipmentIdentifier"]
    label = f"Transport request {identifier}"
    errors = []
    party = document["sellingParty"]["partyId"]
    if party != scenario.vendor_code:
        errors.append(
            _error(
                "SELLING_PARTY_MISMATCH",
                f"{label}: sellingParty {party} is not the vendor code {scenario.vendor_code}.",
                f"{where}.sellingParty.partyId",
            )
        )
    existing = book.records.get(identifier)
    if document["transactionType"] == "Cancel":
        is_open = (existing is not None and existing.cancelled_at is None) or identifier in pending_new
        if not is_open or identifier in pending_cancel:
            errors.append(
                _error(
                    "TRANSPORT_REQUEST_NOT_FOUND",
                    f"{label}: Cancel names a vendorShipmentIdentifier without an open transport request; "
                    "cancel only a New request that was accepted and not cancelled yet.",
                    f"{where}.vendorShipmentIdentifier",
                )
            )
        pending_cancel.add(identifier)
        return errors

    recent = existing is not None and existing.accepted_at >= processed_at - timedelta(days=REUSE_DAYS)
    if recent or identifier in pending_new:
        errors.append(
            _error(
                "DUPLICATE_TRANSPORT_REQUEST",
                f"{label}: vendorShipmentIdentifier {identifier} was already used within {REUSE_DAYS} days; "
                "send a new identifier.",
                f"{where}.vendorShipmentIdentifier",
            )
        )
    pending_new.add(identifier)
    if document.get("shipmentFreightTerm") == "Collect" and not document.get("buyerReferenceNumber"):
        errors.append(
            _error(
                "MISSING_BUYER_REFERENCE_NUMBER",
                f"{label}: a Collect transport request needs the buyerReferenceNumber Amazon gave for the shipment.",
                f"{where}.buyerReferenceNumber",
            )
        )
    ship_to = document["shipToParty"]["partyId"]
    for order_index, listed in enumerate(document.get("purchaseOrders", [])):
        order_where = f"{where}.purchaseOrders[{order_index}]"
        number = listed.get("purchaseOrderNumber")
        order = scenario.orders.get(number) if number else None
        if order is None:
            errors.append(
                _error("INVALID_ORDER_ID", f"{label}: purchase order {number} is unknown.", f"{order_where}.purchaseOrderNumber")
            )
            continue
        if order.ship_to != ship_to:
            errors.append(
                _error(
                    "SHIP_TO_MISMATCH",
                    f"{label}: shipToParty {ship_to} is not PO {number}'s fulfilment centre {order.ship_to}.",
                    f"{where}.shipToParty.partyId",
                )
            )
        for item_index, item in enumerate(listed.get("items", [])):
            amount = item["shippedQuantity"]["amount"]
            if amount <= 0:
                errors.append(
                    _error(
                        "QUANTITY_NOT_POSITIVE",
                        f"{label}: PO {number} item {item['itemSequenceNumber']} has shippedQuantity {amount}; "
                        "it must be greater than zero.",
                        f"{order_where}.items[{item_index}].shippedQuantity.amount",
                    )
                )
    return errors


def _effect(book: TransportBook, document: dict[str, Any], transaction_id: str, processed_at: datetime) -> Callable[[], None]:
    def apply() -> None:
        identifier = document["vendorShipmentIdentifier"]
        if document["transactionType"] == "Cancel":
            record = book.records[identifier]
            record.cancel_document = document
            record.cancelled_at = processed_at
        else:
            book.records[identifier] = TransportRecord(document, transaction_id, processed_at)

    return apply


# -- rendering ------------------------------------------------------------------------


def render_shipment(record: TransportRecord) -> dict[str, Any]:
    """Render a request as GetShipmentDetails' `Shipment`: what the vendor sent, plus Amazon's dates and status."""
    shipment = {name: value for name, value in record.document.items() if name not in _AMAZON_FIELDS}
    if record.cancel_document is not None:
        shipment["transactionType"] = "Cancel"
        shipment["transactionDate"] = record.cancel_document["transactionDate"]
    accepted = format_timestamp(record.accepted_at)
    shipment["currentShipmentStatus"] = "Created"
    shipment["currentshipmentStatusDate"] = accepted
    shipment["shipmentStatusDetails"] = [{"shipmentStatus": "Created", "shipmentStatusDate": accepted}]
    shipment["shipmentCreateDate"] = accepted
    if record.has_labels:
        shipment["packageLabelCreateDate"] = accepted
    return shipment


def render_label(record: TransportRecord) -> dict[str, Any]:
    """Render the labels of an open Collect request as GetShipmentLabels' `TransportLabel`."""
    document = record.document
    cartons = [container for container in document.get("containers", []) if container["containerType"] == "carton"]
    carrier_code = document.get("transportationDetails", {}).get("carrierDetails", {}).get("code")
    labels = []
    for sequence, carton in enumerate(cartons or [{}], start=1):
        label: dict[str, Any] = {"labelSequenceNumber": sequence, "labelFormat": "PDF"}
        if carrier_code:
            label["carrierCode"] = carrier_code
        label["trackingId"] = carton.get("trackingNumber") or f"{record.identifier}-{sequence:03d}"
        label["label"] = base64.b64encode(_LABEL_PDF).decode()
        labels.append(label)
    ship_mode = document.get("transportationDetails", {}).get("shipMode")
    information: dict[str, Any] = {
        "vendorDetails": {"sellingParty": document["sellingParty"], "vendorShipmentIdentifier": record.identifier},
    }
    if document.get("buyerReferenceNumber"):
        information["buyerReferenceNumber"] = document["buyerReferenceNumber"]
    information.update(
        {
            "shipToParty": document["shipToParty"],
            "shipFromParty": document["shipFromParty"],
            "warehouseId": document["shipFromParty"]["partyId"],
            "masterTrackingId": labels[0]["trackingId"],
            "totalLabelCount": len(labels),
            "shipMode": "SmallParcel" if ship_mode == "SmallParcel" else "LTL",
        }
    )
    return {"labelCreateDateTime": format_timestamp(record.accepted_at), "shipmentInformation": information, "labelData": labels}


# -- listings -------------------------------------------------------------------------


def _window(params: dict[str, str], prefix: str) -> tuple[datetime | None, datetime | None] | None:
    """Return the (after, before) bounds of a window parameter pair, or None when neither is sent."""
    after_name, before_name = f"{prefix}After", f"{prefix}Before"
    raw_after, raw_before = params.get(after_name), params.get(before_name)
    if raw_after is None and raw_before is None:
        return None
    after = parse_timestamp(after_name, raw_after, "InvalidInput") if raw_after is not None else None
    before = parse_timestamp(before_name, raw_before, "InvalidInput") if raw_before is not None else None
    if after is not None and before is not None and after > before:
        raise ParameterError(
            "InvalidInput",
            after_name,
            f"{after_name} {format_timestamp(after)} is later than {before_name} {format_timestamp(before)}; "
            f"send an {after_name} before the {before_name}.",
        )
    return after, before


def _in_window(raw: str | None, window: tuple[datetime | None, datetime | None]) -> bool:
    """Whether a date-time lies in a window that includes its After bound and excludes its Before bound."""
    if raw is None:
        return False
    moment = datetime.fromisoformat(raw)
    after, before = window
    return (after is None or moment >= after) and (before is None or moment < before)


def _field(shipment: dict[str, Any], path: tuple[str, ...]) -> str | None:
    value: Any = shipment
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value if isinstance(value, str) else None


def _check_choice(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> None:
    value = params.get(name)
    if value is not None and value not in allowed:
        raise ParameterError("InvalidInput", name, f"{name} {value!r} is not valid; use one of {', '.join(allowed)}.")


def _check_not_empty(params: dict[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        if params.get(name) == "":
            raise ParameterError("InvalidInput", name, f"{name} is empty; send a value or leave the parameter out.")


def _page(
    items: list[Any], params: dict[str, str], reject_token_once: Callable[[str], bool] | None
) -> tuple[list[Any], dict[str, str] | None]:
    limit = parse_limit(params, MAX_SHIPMENT_LIMIT)
    cursor = decode_token(params)
    check_token_fault(params, reject_token_once)
    end = cursor.offset + limit
    page = items[cursor.offset : end]
    if end >= len(items):
        return page, None
    return page, {"nextToken": encode_token(end, filters_digest(params), None)}


def list_shipment_details(
    book: TransportBook, params: dict[str, str], reject_token_once: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    """Build the payload of GetShipmentDetails, or raise ParameterError."""
    windows = {prefix: _window(params, prefix) for prefix in _DETAIL_WINDOWS}
    _check_choice(params, "sortOrder", _SORT_ORDERS)
    _check_choice(params, "currentShipmentStatus", SHIPMENT_STATUSES)
    _check_not_empty(params, ("vendorShipmentIdentifier", "buyerReferenceNumber", "buyerWarehouseCode", "sellerWarehouseCode"))
    equal_filters = {
        "currentShipmentStatus": ("currentShipmentStatus",),
        "vendorShipmentIdentifier": ("vendorShipmentIdentifier",),
        "buyerReferenceNumber": ("buyerReferenceNumber",),
        "buyerWarehouseCode": ("shipToParty", "partyId"),
        "sellerWarehouseCode": ("sellingParty", "partyId"),
    }
    selected = []
    for record in book.records.values():
        shipment = render_shipment(record)
        if any(window is not None and not _in_window(_field(shipment, _DETAIL_WINDOWS[prefix]), window) for prefix, window in windows.items()):
            continue
        if any(name in params and _field(shipment, path) != params[name] for name, path in equal_filters.items()):
            continue
        selected.append((record.accepted_at, record.identifier, shipment))
    selected.sort(key=lambda entry: entry[:2], reverse=params.get("sortOrder") == "DESC")
    page, pagination = _page([shipment for _, _, shipment in selected], params, reject_token_once)
    payload: dict[str, Any] = {}
    if pagination is not None:
        payload["pagination"] = pagination
    payload["shipments"] = page
    return payload


def list_shipment_labels(
    book: TransportBook, params: dict[str, str], reject_token_once: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    """Build the payload of GetShipmentLabels, or raise ParameterError."""
    window = _window(params, "labelCreated")
    _check_choice(params, "sortOrder", _SORT_ORDERS)
    _check_not_empty(params, ("vendorShipmentIdentifier", "buyerReferenceNumber", "sellerWarehouseCode"))
    selected = []
    for record in book.records.values():
        if not record.has_labels:
            continue
        document = record.document
        if window is not None and not _in_window(format_timestamp(record.accepted_at), window):
            continue
        if "vendorShipmentIdentifier" in params and record.identifier != params["vendorShipmentIdentifier"]:
            continue
        if "buyerReferenceNumber" in params and document.get("buyerReferenceNumber") != params["buyerReferenceNumber"]:
            continue
        if "sellerWarehouseCode" in params and document["sellingParty"]["partyId"] != params["sellerWarehouseCode"]:
            continue
        selected.append((record.accepted_at, record.identifier, render_label(record)))
    selected.sort(key=lambda entry: entry[:2], reverse=params.get("sortOrder") == "DESC")
    page, pagination = _page([label for _, _, label in selected], params, reject_token_once)
    payload: dict[str, Any] = {}
    if pagination is not None:
        payload["pagination"] = pagination
    payload["transportLabels"] = page
    return payload
