"""Asynchronous processing of acknowledgements, shipment confirmations (ASNs) and invoices.

A POST that passes the schema check becomes a transaction in `Processing`. Once its
processing time has passed, the sandbox checks the business rules below against the
current state, in the order the transactions arrived. A transaction is all or nothing.
If any document in it breaks a rule, it ends in `Failure` with one error per broken rule
and changes nothing. Otherwise it ends in `Success` and its consequences apply:
- an acknowledgement moves a New PO to Acknowledged and fills in each item's
  acknowledgement status;
- an Original ASN is received at once, as Amazon's warehouse would receive it. Received
  quantities grow, `lastReceiveDate` is the processing time, and a PO whose lines are all
  complete closes. A `Replace` ASN updates the recorded quantities but is not received again;
- an invoice records its id and invoiced quantities and does not change the PO;
- a transport request (SubmitShipments) is checked and recorded by sandbox/transport.py.

Lines are matched to PO items by item sequence number (acknowledgements) or by ASIN,
then vendor product identifier, then item sequence number (ASNs and invoices, whose
sequence numbers are their own). Quantities are compared in eaches.
NOTE: Amazon documents none of these error codes; they are the sandbox's own, stable
names for the rules Amazon describes in prose.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox.identifiers import is_valid_sscc
from sandbox.scenario import AsnRecord, InvoiceRecord, OrderLine, PurchaseOrder, Scenario

TRANSACTION_ERROR_CODES = {
    "INVALID_ORDER_ID": "The purchase order number is not one of this vendor's purchase orders.",
    "INVALID_ITEM": "A line matches no item of the purchase order.",
    "QUANTITY_NOT_POSITIVE": "A quantity is zero or negative.",
    "QUANTITY_EXCEEDS_ORDERED": "Acknowledged, shipped or invoiced eaches exceed the eaches ordered after cancellations.",
    "NET_COST_MISMATCH": "An invoice line's netCost differs from the purchase order's netCost.",
    "DUPLICATE_INVOICE_ID": "An invoice with this id was already accepted.",
    "DUPLICATE_SHIPMENT_ID": "An Original ASN reuses a shipmentIdentifier accepted in the last 365 days.",
    "SHIPMENT_NOT_FOUND": "A Replace ASN names a shipmentIdentifier that was never accepted.",
    "SHIP_DATE_IN_FUTURE": "shippedDate is more than 5 minutes after the moment the ASN was processed.",
    "INVALID_SSCC": "A carton or pallet SSCC is not 18 digits ending in its GS1 check digit.",
    "INVALID_CARTON_REFERENCE": "A pallet refers to a cartonSequenceNumber that is not among the ASN's cartons.",
    "CARTON_ON_SEVERAL_PALLETS": "A carton is referred to by more than one pallet.",
    "MISSING_LOT_OR_EXPIRY": "A perishable item is shipped without a lotNumber or an expiry.",
    "EXPIRY_NOT_AFTER_SHIP_DATE": "An item's expiryDate is on or before the day it shipped.",
    "SELLING_PARTY_MISMATCH": "sellingParty.partyId is not the vendor code of the purchase orders.",
    "SHIP_TO_MISMATCH": "shipToParty.partyId is not the fulfilment centre of the purchase order.",
    "MISSING_PURCHASE_ORDER_NUMBER": "A shipped or invoiced item names no purchaseOrderNumber.",
    "INVOICE_WITHOUT_ITEMS": "An invoice of type Invoice or CreditNote lists no items.",
    "INVOICE_REFERENCE_MISSING": "A credit note's items name no referenceInvoiceNumber, or more than one invoice.",
    "REFERENCED_INVOICE_NOT_FOUND": "A credit note refers to an invoice that was never accepted.",
    "CREDIT_EXCEEDS_INVOICED": "A credit note credits more eaches, more per each or more money than its invoice billed.",
    "RETURN_DETAILS_MISSING": "A returns credit note item has returnsReferenceNumber or goodsReturnDate without the other.",
    "INVOICE_TOTAL_MISMATCH": "invoiceTotal differs from the lines plus taxes and charges minus allowances.",
    "INVOICE_DATE_BEFORE_ORDER": "The invoice date is earlier than the purchase order date.",
    "PURCHASE_ORDER_CLOSED": "An acknowledgement names a closed purchase order.",
    "DUPLICATE_TRANSPORT_REQUEST": "A New transport request reuses a vendorShipmentIdentifier accepted in the last 365 days.",
    "TRANSPORT_REQUEST_NOT_FOUND": "A Cancel names a vendorShipmentIdentifier without an open transport request.",
    "MISSING_BUYER_REFERENCE_NUMBER": "A Collect transport request has no buyerReferenceNumber.",
}

KIND_ACKNOWLEDGEMENT = "acknowledgement"
KIND_SHIPMENT_CONFIRMATION = "shipment_confirmation"
KIND_INVOICE = "invoice"
KIND_TRANSPORT_REQUEST = "transport_request"
ASN_REUSE_DAYS = 365
# Allowance for clock differences between the sender and the sandbox before a shippedDate counts as future.
CLOCK_SKEW = timedelta(minutes=5)
CENT = Decimal("0.01")

LineKey = tuple[str, str]


@dataclass
class Transaction:
    transaction_id: str
    kind: str
    documents: list[dict[str, Any]]
    business_ids: list[str]
    received_at: datetime
    due_monotonic: float
    processing_seconds: float
    status: str = "Processing"
    errors: list[dict[str, str]] = field(default_factory=list)
    errors_by_document: list[list[dict[str, str]]] = field(default_factory=list)
    processed_at: datetime | None = None


def business_id(kind: str, document: dict[str, Any]) -> str:
    if kind == KIND_ACKNOWLEDGEMENT:
        return str(document.get("purchaseOrderNumber", ""))
    if kind == KIND_SHIPMENT_CONFIRMATION:
        return str(document.get("shipmentIdentifier", ""))
    if kind == KIND_TRANSPORT_REQUEST:
        return str(document.get("vendorShipmentIdentifier", ""))
    return str(document.get("id", ""))


def process_transaction(scenario: Scenario, transaction: Transaction) -> None:
    """Check every document of a due transaction and apply it if all pass."""
    processed_at = transaction.received_at + timedelta(seconds=transaction.processing_seconds)
    checker = _RuleChecker(scenario, processed_at, transaction.transaction_id)
    check = {
        KIND_ACKNOWLEDGEMENT: checker.check_acknowledgement,
        KIND_SHIPMENT_CONFIRMATION: checker.check_shipment_confirmation,
        KIND_INVOICE: checker.check_invoice,
    }[transaction.kind]
    transaction.errors_by_document = [check(index, document) for index, document in enumerate(transaction.documents)]
    transaction.errors = [error for errors in transaction.errors_by_document for error in errors]
    transaction.processed_at = processed_at
    if transaction.errors:
        transaction.status = "Failure"
        return
    for effect in checker.effects:
        effect()
    transaction.status = "Success"


def _error(code: str, message: str, details: str) -> dict[str, str]:
    return {"code": code, "message": message, "details": details}


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _utc_day(moment: str) -> date:
    """Return the UTC calendar day of an ISO 8601 date-time; one without a zone counts as UTC."""
    parsed = datetime.fromisoformat(moment)
    return parsed.astimezone(UTC).date() if parsed.tzinfo is not None else parsed.date()


def quantity_in_eaches(quantity: dict[str, Any], line: OrderLine) -> int:
    """Convert an ItemQuantity to eaches; a missing unit or case size falls back to the PO line's."""
    amount = int(quantity.get("amount", 0))
    unit = quantity.get("unitOfMeasure", line.unit_of_measure)
    if unit == "Cases":
        return amount * int(quantity.get("unitSize") or line.unit_size)
    return amount


def _match_by_identifier(order: PurchaseOrder, item: dict[str, Any], sequence_number: str | None) -> OrderLine | None:
    asin = item.get("amazonProductIdentifier")
    vendor_identifier = item.get("vendorProductIdentifier")
    if asin:
        return next((line for line in order.lines if line.asin == asin), None)
    if vendor_identifier:
        return next((line for line in order.lines if line.vendor_sku == vendor_identifier), None)
    if sequence_number is not None:
        return order.line(sequence_number.lstrip("0") or "0")
    return None


def _close_if_complete(order: PurchaseOrder, moment: datetime) -> None:
    if order.state != "Closed" and all(line.is_complete for line in order.lines):
        order.state = "Closed"
        order.state_changed_at = moment


class _RuleChecker:
    """Check documents one by one, remembering what earlier documents of the same transaction would change."""

    def __init__(self, scenario: Scenario, processed_at: datetime, transaction_id: str) -> None:
        self.scenario = scenario
        self.processed_at = processed_at
        self.transaction_id = transaction_id
        self.effects: list[Callable[[], None]] = []
        self.pending_shipment_ids: set[str] = set()
        self.pending_invoice_ids: set[str] = set()
        self.pending_shipped: dict[LineKey, int] = {}
        self.pending_invoiced: dict[LineKey, int] = {}
        # Per (invoice id, PO line): eaches returned, eaches corrected, money credited.
        self.pending_credited: dict[tuple[str, LineKey], tuple[int, int, Decimal]] = {}

    # -- acknowledgements ------------------------------------------------------------

    def check_acknowledgement(self, index: int, document: dict[str, Any]) -> list[dict[str, str]]:
        number = document["purchaseOrderNumber"]
        where = f"acknowledgements[{index}]"
        order = self.scenario.orders.get(number)
        if order is None:
            return [
                _error(
                    "INVALID_ORDER_ID",
                    f"Purchase order {number} is unknown; acknowledge a purchase order listed by getPurchaseOrders.",
                    where,
                )
            ]
        errors = []
        party = document["sellingParty"]["partyId"]
        if party != self.scenario.vendor_code:
            errors.append(
                _error(
                    "SELLING_PARTY_MISMATCH",
                    f"Acknowledgement of PO {number}: sellingParty {party} is not the PO's vendor code "
                    f"{self.scenario.vendor_code}.",
                    f"{where}.sellingParty.partyId",
                )
            )
        if order.state == "Closed":
            errors.append(
                _error("PURCHASE_ORDER_CLOSED", f"Purchase order {number} is Closed and cannot be acknowledged.", where)
            )

        updates: list[tuple[OrderLine, int, int]] = []
        for item_index, item in enumerate(document["items"]):
            item_where = f"{where}.items[{item_index}]"
            sequence_number = item.get("itemSequenceNumber")
            if sequence_number:
                line = order.line(sequence_number.lstrip("0") or "0")
            else:
                line = _match_by_identifier(order, item, None)
            if line is None or (item.get("amazonProductIdentifier") not in (None, line.asin)):
                errors.append(
                    _error(
                        "INVALID_ITEM",
                        f"Acknowledgement of PO {number}: item {sequence_number or item.get('amazonProductIdentifier')} "
                        "matches no item of the purchase order; use its itemSequenceNumber and ASIN.",
                        item_where,
                    )
                )
                continue
            accepted = rejected = 0
            for acknowledgement in item["itemAcknowledgements"]:
                acknowledged = acknowledgement["acknowledgedQuantity"]
                if int(acknowledged.get("amount", 0)) <= 0:
                    errors.append(
                        _error(
                            "QUANTITY_NOT_POSITIVE",
                            f"Acknowledgement of PO {number} item {line.item_sequence_number}: acknowledgedQuantity "
                            f"{acknowledged.get('amount', 0)} must be greater than zero.",
                            item_where,
                        )
                    )
                    continue
                eaches = quantity_in_eaches(acknowledged, line)
                if acknowledgement["acknowledgementCode"] == "Rejected":
                    rejected += eaches
                else:
                    accepted += eaches
            if accepted + rejected > line.net_ordered_eaches:
                errors.append(
                    _error(
                        "QUANTITY_EXCEEDS_ORDERED",
                        f"Acknowledgement of PO {number} item {line.item_sequence_number}: {accepted + rejected} eaches "
                        f"acknowledged but {line.net_ordered_eaches} ordered after cancellations; acknowledge at most "
                        "the ordered quantity.",
                        item_where,
                    )
                )
            updates.append((line, accepted, rejected))

        acknowledged_at = datetime.fromisoformat(document["acknowledgementDate"])
        self.effects.append(lambda: self._apply_acknowledgement(order, updates, acknowledged_at))
        return errors

    def _apply_acknowledgement(
        self, order: PurchaseOrder, updates: list[tuple[OrderLine, int, int]], acknowledged_at: datetime
    ) -> None:
        for line, accepted, rejected in updates:
            line.accepted_eaches = accepted
            line.rejected_eaches = rejected
            line.acknowledged_at = acknowledged_at
            if accepted >= line.net_ordered_eaches:
                line.confirmation_status = "ACCEPTED"
            elif accepted == 0:
                line.confirmation_status = "REJECTED"
            else:
                line.confirmation_status = "PARTIALLY_ACCEPTED"
        if order.state == "New":
            order.state = "Acknowledged"
            order.state_changed_at = self.processed_at
        order.touch(self.processed_at)

    # -- shipment confirmations --------------------------------------------------------

    def check_shipment_confirmation(self, index: int, document: dict[str, Any]) -> list[dict[str, str]]:
        identifier = document["shipmentIdentifier"]
        confirmation_type = document["shipmentConfirmationType"]
        where = f"shipmentConfirmations[{index}]"
        label = f"ASN {identifier}"
        errors = []

        party = document["sellingParty"]["partyId"]
        if party != self.scenario.vendor_code:
            errors.append(
                _error(
                    "SELLING_PARTY_MISMATCH",
                    f"{label}: sellingParty {party} is not the vendor code {self.scenario.vendor_code}.",
                    f"{where}.sellingParty.partyId",
                )
            )
        existing = self.scenario.asn_records.get(identifier)
        recent = existing is not None and existing.submitted_at >= self.processed_at - timedelta(days=ASN_REUSE_DAYS)
        duplicate = confirmation_type == "Original" and (recent or identifier in self.pending_shipment_ids)
        if duplicate:
            errors.append(
                _error(
                    "DUPLICATE_SHIPMENT_ID",
                    f"{label}: shipmentIdentifier {identifier} was already confirmed within {ASN_REUSE_DAYS} days; "
                    "send a new identifier, or shipmentConfirmationType Replace to correct that ASN.",
                    f"{where}.shipmentIdentifier",
                )
            )
        if confirmation_type == "Replace" and existing is None and identifier not in self.pending_shipment_ids:
            errors.append(
                _error(
                    "SHIPMENT_NOT_FOUND",
                    f"{label}: Replace names a shipmentIdentifier that was never confirmed; send it as Original.",
                    f"{where}.shipmentIdentifier",
                )
            )
        if existing is not None and confirmation_type == "Replace" and existing.selling_party_id != party:
            errors.append(
                _error(
                    "SELLING_PARTY_MISMATCH",
                    f"{label}: a Replace must repeat the sellingParty of the original ASN ({existing.selling_party_id}).",
                    f"{where}.sellingParty.partyId",
                )
            )
        shipped_date = document.get("shippedDate")
        if shipped_date is not None and datetime.fromisoformat(shipped_date) > self.processed_at + CLOCK_SKEW:
            errors.append(
                _error(
                    "SHIP_DATE_IN_FUTURE",
                    f"{label}: shippedDate {shipped_date} is in the future; send the time the truck left.",
                    f"{where}.shippedDate",
                )
            )

        errors.extend(self._container_errors(document, where, label))
        errors.extend(self._lot_and_expiry_errors(document, where, label))
        eaches_by_line, line_errors = self._shipped_eaches(document, where, label)
        errors.extend(line_errors)
        replaced = existing.eaches_by_line if (existing is not None and confirmation_type == "Replace") else {}
        # A reused identifier is the one error to report; its quantities would count twice.
        for key, eaches in {} if duplicate else eaches_by_line.items():
            line = self.scenario.find_line(*key)
            assert line is not None
            earlier = self._confirmed_eaches(key) - replaced.get(key, 0) + self.pending_shipped.get(key, 0)
            if earlier + eaches > line.net_ordered_eaches:
                errors.append(
                    _error(
                        "QUANTITY_EXCEEDS_ORDERED",
                        f"{label}: PO {key[0]} item {key[1]} would have {earlier + eaches} eaches shipped but "
                        f"{line.net_ordered_eaches} ordered after cancellations; ship at most the ordered quantity.",
                        where,
                    )
                )
        for key, eaches in eaches_by_line.items():
            self.pending_shipped[key] = self.pending_shipped.get(key, 0) + eaches
        self.pending_shipment_ids.add(identifier)

        record = AsnRecord(identifier, party, self.processed_at, eaches_by_line, self.transaction_id)
        receive = confirmation_type == "Original"
        self.effects.append(lambda: self._apply_shipment_confirmation(record, receive))
        return errors

    @staticmethod
    def _container_errors(document: dict[str, Any], where: str, label: str) -> list[dict[str, str]]:
        """Check the SSCCs of cartons and pallets, and that each pallet's cartons exist and are on no other pallet."""
        errors = []
        cartons = document.get("cartons", [])
        pallets = document.get("pallets", [])
        containers = [("cartons", index, carton.get("cartonIdentifiers", [])) for index, carton in enumerate(cartons)]
        containers += [("pallets", index, pallet["palletIdentifiers"]) for index, pallet in enumerate(pallets)]
        for kind, index, identifiers in containers:
            for identifier_index, identifier in enumerate(identifiers):
                number = identifier["containerIdentificationNumber"]
                if identifier["containerIdentificationType"] == "SSCC" and not is_valid_sscc(number):
                    field_name = "cartonIdentifiers" if kind == "cartons" else "palletIdentifiers"
                    errors.append(
                        _error(
                            "INVALID_SSCC",
                            f"{label}: {kind[:-1]} SSCC {number} is not 18 digits ending in its GS1 check digit.",
                            f"{where}.{kind}[{index}].{field_name}[{identifier_index}]",
                        )
                    )
        sequence_numbers = {carton["cartonSequenceNumber"] for carton in cartons}
        pallet_of: dict[str, int] = {}
        for index, pallet in enumerate(pallets):
            references = (pallet.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers", [])
            for reference in references:
                reference_where = f"{where}.pallets[{index}].cartonReferenceDetails"
                if reference not in sequence_numbers:
                    errors.append(
                        _error(
                            "INVALID_CARTON_REFERENCE",
                            f"{label}: pallet {index + 1} refers to carton {reference}, which is not among the cartons.",
                            reference_where,
                        )
                    )
                elif reference in pallet_of:
                    errors.append(
                        _error(
                            "CARTON_ON_SEVERAL_PALLETS",
                            f"{label}: carton {reference} is on pallet {pallet_of[reference] + 1} and pallet {index + 1}; "
                            "list each carton on one pallet.",
                            reference_where,
                        )
                    )
                else:
                    pallet_of[reference] = index
        return errors

    def _lot_and_expiry_errors(self, document: dict[str, Any], where: str, label: str) -> list[dict[str, str]]:
        """Check that perishable items carry a lot and an expiry, and that nothing expires by its ship day.

        Item details count at the item level and at the carton and pallet level, as Amazon allows both.
        """
        shipped_date = document.get("shippedDate")
        ship_day = _utc_day(shipped_date) if shipped_date else None
        items = {item["itemSequenceNumber"]: item for item in document["shippedItems"]}
        details_of: dict[str, list[tuple[str, dict[str, Any]]]] = {
            number: [(f"{where}.shippedItems[{index}]", item.get("itemDetails") or {})]
            for index, (number, item) in enumerate(items.items())
        }
        for kind in ("cartons", "pallets"):
            for index, container in enumerate(document.get(kind, [])):
                for item_index, entry in enumerate(container.get("items", [])):
                    details_of.setdefault(entry["itemReference"], []).append(
                        (f"{where}.{kind}[{index}].items[{item_index}]", entry.get("itemDetails") or {})
                    )
        errors = []
        for number, item in items.items():
            product = self.scenario.product(item.get("amazonProductIdentifier") or "")
            found = details_of.get(number, [])
            if product is not None and product.requires_lot_and_expiry:
                has_lot = any(details.get("lotNumber") for _path, details in found)
                has_expiry = any(details.get("expiry") for _path, details in found)
                if not (has_lot and has_expiry):
                    errors.append(
                        _error(
                            "MISSING_LOT_OR_EXPIRY",
                            f"{label}: item {number} (ASIN {product.asin}) is perishable; send its lotNumber and expiry.",
                            f"{where}.shippedItems",
                        )
                    )
            for path, details in found:
                expiry_date = (details.get("expiry") or {}).get("expiryDate")
                if expiry_date and ship_day is not None and _utc_day(expiry_date) <= ship_day:
                    errors.append(
                        _error(
                            "EXPIRY_NOT_AFTER_SHIP_DATE",
                            f"{label}: item {number} expires {expiry_date}, not after it shipped on {ship_day.isoformat()}.",
                            f"{path}.itemDetails.expiry.expiryDate",
                        )
                    )
        return errors

    def _confirmed_eaches(self, key: LineKey) -> int:
        return self.scenario.asn_records.confirmed_eaches(key)

    def _shipped_eaches(
        self, document: dict[str, Any], where: str, label: str
    ) -> tuple[dict[LineKey, int], list[dict[str, str]]]:
        """Resolve each shipped item to its PO line (the PO number may sit on the item or its cartons)."""
        container_items = [
            container_item
            for container in document.get("cartons", []) + document.get("pallets", [])
            for container_item in container.get("items", [])
        ]
        ship_to = document["shipToParty"]["partyId"]
        eaches_by_line: dict[LineKey, int] = {}
        errors: list[dict[str, str]] = []
        reported_ship_to: set[str] = set()
        for item_index, item in enumerate(document["shippedItems"]):
            item_where = f"{where}.shippedItems[{item_index}]"
            sequence_number = item["itemSequenceNumber"]
            number = item.get("itemDetails", {}).get("purchaseOrderNumber")
            if number:
                allocations = [(number, item["shippedQuantity"])]
            else:
                allocations = [
                    (container_item["itemDetails"]["purchaseOrderNumber"], container_item["shippedQuantity"])
                    for container_item in container_items
                    if container_item["itemReference"] == sequence_number
                    and container_item.get("itemDetails", {}).get("purchaseOrderNumber")
                ]
            if not allocations:
                errors.append(
                    _error(
                        "MISSING_PURCHASE_ORDER_NUMBER",
                        f"{label}: item {sequence_number} names no purchaseOrderNumber; put it in the item's "
                        "itemDetails or in the itemDetails of its carton items.",
                        item_where,
                    )
                )
                continue
            for number, shipped in allocations:
                order = self.scenario.orders.get(number)
                if order is None:
                    errors.append(
                        _error("INVALID_ORDER_ID", f"{label}: purchase order {number} is unknown.", item_where)
                    )
                    continue
                if order.ship_to != ship_to and number not in reported_ship_to:
                    reported_ship_to.add(number)
                    errors.append(
                        _error(
                            "SHIP_TO_MISMATCH",
                            f"{label}: shipToParty {ship_to} is not PO {number}'s fulfilment centre {order.ship_to}.",
                            f"{where}.shipToParty.partyId",
                        )
                    )
                line = _match_by_identifier(order, item, sequence_number)
                if line is None:
                    errors.append(
                        _error(
                            "INVALID_ITEM",
                            f"{label}: item {sequence_number} matches no item of PO {number}; "
                            "send the ASIN or vendor product identifier of the PO item.",
                            item_where,
                        )
                    )
                    continue
                if int(shipped.get("amount", 0)) <= 0:
                    errors.append(
                        _error(
                            "QUANTITY_NOT_POSITIVE",
                            f"{label}: item {sequence_number} has shippedQuantity {shipped.get('amount', 0)}; "
                            "it must be greater than zero.",
                            item_where,
                        )
                    )
                    continue
                key = (number, line.item_sequence_number)
                eaches_by_line[key] = eaches_by_line.get(key, 0) + quantity_in_eaches(shipped, line)
        return eaches_by_line, errors

    def _apply_shipment_confirmation(self, record: AsnRecord, receive: bool) -> None:
        self.scenario.asn_records[record.shipment_identifier] = record
        if not receive:
            return
        touched: dict[str, PurchaseOrder] = {}
        for key, eaches in record.eaches_by_line.items():
            order = self.scenario.orders[key[0]]
            line = order.line(key[1])
            assert line is not None
            shortfall = self.scenario.receipt_shortfalls.pop(key, 0)
            line.received_eaches += max(0, eaches - shortfall)
            line.last_received_at = self.processed_at
            touched[order.number] = order
        for order in touched.values():
            order.touch(self.processed_at)
            _close_if_complete(order, self.processed_at)

    # -- invoices ------------------------------------------------------------------------

    def check_invoice(self, index: int, document: dict[str, Any]) -> list[dict[str, str]]:
        invoice_id = document["id"]
        where = f"invoices[{index}]"
        label = f"{'Credit note' if document['invoiceType'] == 'CreditNote' else 'Invoice'} {invoice_id}"
        errors = []
        duplicate = invoice_id in self.scenario.invoices or invoice_id in self.pending_invoice_ids
        if duplicate:
            errors.append(
                _error(
                    "DUPLICATE_INVOICE_ID",
                    f"{label}: this invoice id was already accepted; give every invoice a new id.",
                    f"{where}.id",
                )
            )
        self.pending_invoice_ids.add(invoice_id)
        invoice_type = document["invoiceType"]
        items = document.get("items", [])
        if not items:
            errors.append(_error("INVOICE_WITHOUT_ITEMS", f"{label}: an {invoice_type} must list its items.", where))
        if invoice_type == "CreditNote":
            return errors + self._check_credit_note(document, where, label, duplicate)

        invoice_date = datetime.fromisoformat(document["date"])
        eaches_by_line: dict[LineKey, int] = {}
        lines_total = Decimal(0)
        dated_orders: set[str] = set()
        for item_index, item in enumerate(items if invoice_type == "Invoice" else []):
            item_where = f"{where}.items[{item_index}]"
            number = item.get("purchaseOrderNumber")
            if not number:
                errors.append(
                    _error(
                        "MISSING_PURCHASE_ORDER_NUMBER",
                        f"{label}: item {item['itemSequenceNumber']} names no purchaseOrderNumber; it is required "
                        "on every line of an Invoice.",
                        item_where,
                    )
                )
                continue
            order = self.scenario.orders.get(number)
            if order is None:
                errors.append(_error("INVALID_ORDER_ID", f"{label}: purchase order {number} is unknown.", item_where))
                continue
            if invoice_date < order.purchase_order_date and number not in dated_orders:
                dated_orders.add(number)
                errors.append(
                    _error(
                        "INVOICE_DATE_BEFORE_ORDER",
                        f"{label}: date {document['date']} is before PO {number} was placed; date the invoice on "
                        "or after the purchase order date.",
                        f"{where}.date",
                    )
                )
            line = _match_by_identifier(order, item, str(item["itemSequenceNumber"]))
            if line is None:
                errors.append(
                    _error("INVALID_ITEM", f"{label}: item {item['itemSequenceNumber']} matches no item of PO {number}.", item_where)
                )
                continue
            invoiced = item["invoicedQuantity"]
            if int(invoiced["amount"]) <= 0:
                errors.append(
                    _error(
                        "QUANTITY_NOT_POSITIVE",
                        f"{label}: item {item['itemSequenceNumber']} has invoicedQuantity {invoiced['amount']}; "
                        "it must be greater than zero.",
                        item_where,
                    )
                )
                continue
            eaches = quantity_in_eaches(invoiced, line)
            cost = _decimal(item["netCost"].get("amount"))
            currency = item["netCost"].get("currencyCode", self.scenario.currency_code)
            if cost is None or cost != line.net_cost or currency != self.scenario.currency_code:
                errors.append(
                    _error(
                        "NET_COST_MISMATCH",
                        f"{label}: item {item['itemSequenceNumber']} netCost {item['netCost'].get('amount')} {currency} "
                        f"differs from PO {number}'s netCost {line.net_cost} {self.scenario.currency_code}; invoice at "
                        "the PO cost.",
                        f"{item_where}.netCost",
                    )
                )
            else:
                lines_total += cost * eaches
            key = (number, line.item_sequence_number)
            eaches_by_line[key] = eaches_by_line.get(key, 0) + eaches

        for key, eaches in {} if duplicate else eaches_by_line.items():
            line = self.scenario.find_line(*key)
            assert line is not None
            earlier = line.invoiced_eaches + self.pending_invoiced.get(key, 0)
            if earlier + eaches > line.net_ordered_eaches:
                errors.append(
                    _error(
                        "QUANTITY_EXCEEDS_ORDERED",
                        f"{label}: PO {key[0]} item {key[1]} would have {earlier + eaches} eaches invoiced but "
                        f"{line.net_ordered_eaches} ordered after cancellations.",
                        where,
                    )
                )
            self.pending_invoiced[key] = self.pending_invoiced.get(key, 0) + eaches

        if invoice_type == "Invoice" and not errors:
            errors.extend(self._check_invoice_total(document, lines_total, label, where))

        record = InvoiceRecord(invoice_id, invoice_type, self.processed_at, self.transaction_id, eaches_by_line)
        self.effects.append(lambda: self._apply_invoice(record))
        return errors

    def _check_credit_note(
        self, document: dict[str, Any], where: str, label: str, duplicate: bool
    ) -> list[dict[str, str]]:
        """Match a credit note's items to the lines of the invoice it names, and check it credits no more than was billed.

        A line with a returnsReferenceNumber is a return, any other a correction. Returned
        and corrected eaches are each limited to the eaches invoiced, money to the eaches
        invoiced at the PO cost, at which the sandbox accepted the invoice.
        """
        items = document.get("items", [])
        references = {(item.get("creditNoteDetails") or {}).get("referenceInvoiceNumber") for item in items}
        if not items:
            return []
        if None in references or len(references) != 1:
            named = ", ".join(sorted(str(reference) for reference in references - {None})) or "none"
            return [
                _error(
                    "INVOICE_REFERENCE_MISSING",
                    f"{label}: every item needs creditNoteDetails.referenceInvoiceNumber, and all the same invoice "
                    f"(named: {named}).",
                    f"{where}.items",
                )
            ]
        (reference,) = references
        original = self.scenario.invoices.get(reference)
        if original is None or original.invoice_type != "Invoice":
            return [
                _error(
                    "REFERENCED_INVOICE_NOT_FOUND",
                    f"{label}: invoice {reference} was never accepted; credit an invoice Amazon has.",
                    f"{where}.items[0].creditNoteDetails.referenceInvoiceNumber",
                )
            ]

        errors: list[dict[str, str]] = []
        credited: dict[LineKey, tuple[int, int, Decimal]] = {}
        lines_total = Decimal(0)
        for item_index, item in enumerate(items):
            item_where = f"{where}.items[{item_index}]"
            details = item.get("creditNoteDetails") or {}
            if ("returnsReferenceNumber" in details) != ("goodsReturnDate" in details):
                errors.append(
                    _error(
                        "RETURN_DETAILS_MISSING",
                        f"{label}: item {item['itemSequenceNumber']} is a return without both returnsReferenceNumber "
                        "and goodsReturnDate.",
                        f"{item_where}.creditNoteDetails",
                    )
                )
            line = self._invoiced_line(original, item)
            if line is None:
                errors.append(
                    _error(
                        "INVALID_ITEM",
                        f"{label}: item {item['itemSequenceNumber']} matches no line of invoice {reference}.",
                        item_where,
                    )
                )
                continue
            key, order_line = line
            eaches = quantity_in_eaches(item["invoicedQuantity"], order_line)
            cost = _decimal(item["netCost"].get("amount")) or Decimal(0)
            lines_total += cost * eaches
            is_return = "returnsReferenceNumber" in details
            before = credited.get(key, (0, 0, Decimal(0)))
            credited[key] = (
                before[0] + (eaches if is_return else 0),
                before[1] + (0 if is_return else eaches),
                before[2] + cost * eaches,
            )
            if cost > order_line.net_cost:
                errors.append(
                    _error(
                        "CREDIT_EXCEEDS_INVOICED",
                        f"{label}: item {item['itemSequenceNumber']} credits {cost} per each, more than the "
                        f"{order_line.net_cost} invoice {reference} billed.",
                        f"{item_where}.netCost",
                    )
                )

        for key, (returned, corrected, amount) in {} if duplicate else credited.items():
            invoiced = original.eaches_by_line[key]
            pending = self.pending_credited.get((reference, key), (0, 0, Decimal(0)))
            total_returned = original.returned_eaches_by_line.get(key, 0) + pending[0] + returned
            total_corrected = original.corrected_eaches_by_line.get(key, 0) + pending[1] + corrected
            total_amount = original.credited_amount_by_line.get(key, Decimal(0)) + pending[2] + amount
            billed = invoiced * self.scenario.find_line(*key).net_cost
            if total_returned > invoiced or total_corrected > invoiced or total_amount > billed:
                errors.append(
                    _error(
                        "CREDIT_EXCEEDS_INVOICED",
                        f"{label}: PO {key[0]} item {key[1]} would have {total_returned} eaches returned, "
                        f"{total_corrected} corrected and {total_amount.quantize(CENT, ROUND_HALF_UP)} credited, but "
                        f"invoice {reference} billed {invoiced} eaches for {billed.quantize(CENT, ROUND_HALF_UP)}.",
                        where,
                    )
                )
            self.pending_credited[(reference, key)] = (
                pending[0] + returned,
                pending[1] + corrected,
                pending[2] + amount,
            )

        if not errors:
            errors.extend(self._check_invoice_total(document, lines_total, label, where))
        record = InvoiceRecord(
            document["id"],
            "CreditNote",
            self.processed_at,
            self.transaction_id,
            {key: returned + corrected for key, (returned, corrected, _amount) in credited.items()},
        )
        self.effects.append(lambda: self._apply_credit_note(record, original, credited))
        return errors

    def _invoiced_line(self, original: InvoiceRecord, item: dict[str, Any]) -> tuple[LineKey, OrderLine] | None:
        """Find the PO line of an invoice that a credit note item names, by PO number (if given) and product."""
        for key in original.eaches_by_line:
            number = item.get("purchaseOrderNumber")
            if number and number != key[0]:
                continue
            order = self.scenario.orders.get(key[0])
            line = _match_by_identifier(order, item, None) if order is not None else None
            if line is not None and line.item_sequence_number == key[1]:
                return key, line
        return None

    def _apply_credit_note(
        self, record: InvoiceRecord, original: InvoiceRecord, credited: dict[LineKey, tuple[int, int, Decimal]]
    ) -> None:
        self.scenario.invoices[record.invoice_id] = record
        for key, (returned, corrected, amount) in credited.items():
            original.returned_eaches_by_line[key] = original.returned_eaches_by_line.get(key, 0) + returned
            original.corrected_eaches_by_line[key] = original.corrected_eaches_by_line.get(key, 0) + corrected
            original.credited_amount_by_line[key] = original.credited_amount_by_line.get(key, Decimal(0)) + amount

    @staticmethod
    def _check_invoice_total(
        document: dict[str, Any], lines_total: Decimal, label: str, where: str
    ) -> list[dict[str, str]]:
        def total(entries: list[dict[str, Any]], field_name: str) -> Decimal:
            amounts = [_decimal(entry[field_name].get("amount", "0")) for entry in entries]
            return sum((amount for amount in amounts if amount is not None), Decimal(0))

        def header_or_items(field_name: str, amount_field: str) -> Decimal:
            if field_name in document:
                return total(document[field_name], amount_field)
            return sum(
                (total(item.get(field_name, []), amount_field) for item in document.get("items", [])), Decimal(0)
            )

        taxes = header_or_items("taxDetails", "taxAmount")
        charges = header_or_items("chargeDetails", "chargeAmount")
        allowances = header_or_items("allowanceDetails", "allowanceAmount")
        expected = (lines_total + taxes + charges - allowances).quantize(CENT, ROUND_HALF_UP)
        stated = _decimal(document["invoiceTotal"].get("amount"))
        if stated is not None and stated.quantize(CENT, ROUND_HALF_UP) == expected:
            return []
        return [
            _error(
                "INVOICE_TOTAL_MISMATCH",
                f"{label}: invoiceTotal {document['invoiceTotal'].get('amount')} differs from lines "
                f"{lines_total.quantize(CENT, ROUND_HALF_UP)} + taxes {taxes} + charges {charges} - allowances "
                f"{allowances} = {expected}.",
                f"{where}.invoiceTotal",
            )
        ]

    def _apply_invoice(self, record: InvoiceRecord) -> None:
        self.scenario.invoices[record.invoice_id] = record
        for key, eaches in record.eaches_by_line.items():
            line = self.scenario.find_line(*key)
            assert line is not None
            line.invoiced_eaches += eaches
