"""Follow-up of documents whose transaction stays `Processing`, from the purchase order status.

Amazon sometimes leaves a transaction in `Processing` for days after it applied the document.
Past a configured age, acorn reads the status of the document's purchase orders
(getPurchaseOrdersStatus) instead of waiting:
- an acknowledgement is settled as success when every line of its PO is confirmed;
- an ASN is settled as success when every PO line it ships shows goods received;
- an invoice or credit note leaves no trace in the PO status, so it always goes to review.
Anything else goes to review with what the PO shows, so a person can release or retire it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from orchestration.outbound.ledger import LedgerEntry

RECEIVED = ("PARTIALLY_RECEIVED", "RECEIVED")


@dataclass(frozen=True)
class Finding:
    state: str  # success or needs_review
    detail: str


def check_purchase_orders(client, entry: LedgerEntry) -> Finding:
    """Decide from the PO status whether Amazon applied a document still in `Processing`."""
    if entry.document_type == "acknowledgement":
        return _acknowledgement(client, entry.business_id)
    if entry.document_type == "shipment_confirmation":
        return _shipment_confirmation(client, entry.payload)
    return Finding(
        "needs_review",
        f"the purchase order status does not show invoices or credit notes; check the {entry.document_type.replace('_', ' ')} "
        "in Vendor Central, then retire it if Amazon has it or release it if not",
    )


def _order_status(client, po_number: str) -> dict | None:
    for page in client.get_purchase_orders_status(purchase_order_number=po_number):
        for status in page.get("ordersStatus", []):
            if status.get("purchaseOrderNumber") == po_number:
                return status
    return None


def _acknowledgement(client, po_number: str) -> Finding:
    status = _order_status(client, po_number)
    if status is None:
        return Finding("needs_review", f"PO {po_number} is not in getPurchaseOrdersStatus")
    items = status.get("itemStatus", [])
    unconfirmed = [
        item.get("itemSequenceNumber")
        for item in items
        if (item.get("acknowledgementStatus") or {}).get("confirmationStatus", "UNCONFIRMED") == "UNCONFIRMED"
    ]
    if items and not unconfirmed:
        return Finding("success", f"PO {po_number} shows all {len(items)} lines confirmed")
    return Finding(
        "needs_review",
        f"PO {po_number} still shows {len(unconfirmed)} of {len(items)} lines UNCONFIRMED "
        f"(item sequence numbers {', '.join(map(str, unconfirmed))})",
    )


def _shipped_lines(payload: dict) -> Iterable[tuple[str, str]]:
    for confirmation in payload.get("shipmentConfirmations", []):
        for item in confirmation.get("shippedItems", []):
            po_number = (item.get("itemDetails") or {}).get("purchaseOrderNumber")
            yield po_number, item.get("amazonProductIdentifier") or item.get("vendorProductIdentifier")


def _shipment_confirmation(client, payload: dict) -> Finding:
    shipped = sorted(set(_shipped_lines(payload)), key=str)
    if not shipped:
        return Finding("needs_review", "the ASN names no purchase order line to look up")
    statuses: dict[str, dict | None] = {}
    missing = []
    for po_number, product in shipped:
        if po_number not in statuses:
            statuses[po_number] = _order_status(client, po_number)
        status = statuses[po_number]
        line = None
        if status is not None:
            line = next(
                (
                    item
                    for item in status.get("itemStatus", [])
                    if product in (item.get("buyerProductIdentifier"), item.get("vendorProductIdentifier"))
                ),
                None,
            )
        receive_status = ((line or {}).get("receivingStatus") or {}).get("receiveStatus")
        if receive_status not in RECEIVED:
            missing.append(f"{po_number} {product} ({receive_status or 'not found'})")
    if not missing:
        return Finding("success", f"every shipped line shows goods received ({len(shipped)} PO lines)")
    return Finding("needs_review", "not received yet: " + ", ".join(missing))
