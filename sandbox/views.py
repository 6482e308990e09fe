"""Render scenario objects in the shapes of Amazon's Vendor Orders API (models `Order`, `OrderStatus`).

Sandbox choices where the models leave room:
- A partly cancelled line shows its remaining quantity in `getPurchaseOrder(s)` (a line
  cancelled in full shows 0, as the `poItemState=Cancelled` filter describes), while
  `getPurchaseOrdersStatus` shows the quantity ordered before cancellation in
  `orderedQuantity.orderedQuantity` and the cancelled part in
  `orderedQuantityDetails[].cancelledQuantity`.
- `receivingStatus.receivedQuantity` is always in Eaches with unit size 1, because
  Amazon counts what arrives by the unit (115 eaches of a line ordered in cases of 12).
- Accepted and rejected quantities are shown in the ordered unit when they are whole
  cases, otherwise in Eaches.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sandbox.inbox import format_timestamp
from sandbox.scenario import CASES, EACHES, OrderLine, PurchaseOrder, Scenario

BUYING_PARTY_ID = "AMAZON"
BILL_TO_PARTY_ID = "AMAZONUS"

_VENDOR_ADDRESS = {
    "name": "Acorn Home Goods (sandbox vendor)",
    "addressLine1": "1 Sandbox Distribution Road",
    "city": "Ontario",
    "stateOrRegion": "CA",
    "postalCode": "91761",
    "countryCode": "US",
}
_BILL_TO_ADDRESS = {
    "name": "Amazon.com Services LLC (sandbox address)",
    "addressLine1": "PO Box 1000 Sandbox Accounts Payable",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98108",
    "countryCode": "US",
}


def money(amount: Decimal, currency_code: str) -> dict[str, str]:
    return {"currencyCode": currency_code, "amount": f"{amount:.2f}"}


def quantity(amount: int, unit_of_measure: str, unit_size: int) -> dict[str, Any]:
    return {"amount": amount, "unitOfMeasure": unit_of_measure, "unitSize": unit_size}


def _eaches_in_ordered_unit(line: OrderLine, eaches: int) -> dict[str, Any]:
    if line.unit_of_measure == CASES and eaches % line.unit_size == 0:
        return quantity(eaches // line.unit_size, CASES, line.unit_size)
    return quantity(eaches, EACHES, 1)


def _window(window: tuple[datetime, datetime]) -> str:
    return f"{format_timestamp(window[0])}--{format_timestamp(window[1])}"


def render_order(order: PurchaseOrder, scenario: Scenario, include_details: bool = True) -> dict[str, Any]:
    if not include_details:
        return {"purchaseOrderNumber": order.number, "purchaseOrderState": order.state}
    centre = scenario.fulfilment_centre(order.ship_to)
    ship_to: dict[str, Any] = {"partyId": order.ship_to}
    if centre is not None:
        ship_to["address"] = {
            "name": f"Amazon {centre.code}",
            "addressLine1": centre.address_line1,
            "city": centre.city,
            "stateOrRegion": centre.state_or_region,
            "postalCode": centre.postal_code,
            "countryCode": centre.country_code,
        }
    details: dict[str, Any] = {"purchaseOrderDate": format_timestamp(order.purchase_order_date)}
    if order.changed_at is not None:
        details["purchaseOrderChangedDate"] = format_timestamp(order.changed_at)
    details.update(
        {
            "purchaseOrderStateChangedDate": format_timestamp(order.state_changed_at or order.purchase_order_date),
            "purchaseOrderType": order.order_type,
            "paymentMethod": order.payment_method,
            "buyingParty": {"partyId": BUYING_PARTY_ID},
            "sellingParty": {"partyId": scenario.vendor_code, "address": dict(_VENDOR_ADDRESS)},
            "shipToParty": ship_to,
            "billToParty": {"partyId": BILL_TO_PARTY_ID, "address": dict(_BILL_TO_ADDRESS)},
            "shipWindow": _window(order.ship_window),
            "deliveryWindow": _window(order.delivery_window),
            "items": [_render_item(line, scenario.currency_code) for line in order.lines],
        }
    )
    return {"purchaseOrderNumber": order.number, "purchaseOrderState": order.state, "orderDetails": details}


def _render_item(line: OrderLine, currency_code: str) -> dict[str, Any]:
    return {
        "itemSequenceNumber": line.item_sequence_number,
        "amazonProductIdentifier": line.asin,
        "vendorProductIdentifier": line.vendor_sku,
        "orderedQuantity": quantity(line.open_amount, line.unit_of_measure, line.unit_size),
        "isBackOrderAllowed": line.is_back_order_allowed,
        "netCost": money(line.net_cost, currency_code),
        "listPrice": money(line.list_price, currency_code),
    }


def render_order_status(order: PurchaseOrder, scenario: Scenario) -> dict[str, Any]:
    last_updated = order.last_updated_at or order.purchase_order_date
    return {
        "purchaseOrderNumber": order.number,
        "purchaseOrderStatus": order.status,
        "purchaseOrderDate": format_timestamp(order.purchase_order_date),
        "lastUpdatedDate": format_timestamp(last_updated),
        "sellingParty": {"partyId": scenario.vendor_code},
        "shipToParty": {"partyId": order.ship_to},
        "itemStatus": [_render_item_status(order, line, scenario.currency_code) for line in order.lines],
    }


def _render_item_status(order: PurchaseOrder, line: OrderLine, currency_code: str) -> dict[str, Any]:
    updated = line.cancelled_at or line.quantity_changed_at or order.purchase_order_date
    ordered = quantity(line.ordered_amount, line.unit_of_measure, line.unit_size)
    acknowledgement: dict[str, Any] = {"confirmationStatus": line.confirmation_status}
    if line.confirmation_status != "UNCONFIRMED":
        accepted = _eaches_in_ordered_unit(line, line.accepted_eaches)
        rejected = _eaches_in_ordered_unit(line, line.rejected_eaches)
        acknowledgement["acceptedQuantity"] = accepted
        acknowledgement["rejectedQuantity"] = rejected
        if line.acknowledged_at is not None:
            acknowledgement["acknowledgementStatusDetails"] = [
                {
                    "acknowledgementDate": format_timestamp(line.acknowledged_at),
                    "acceptedQuantity": accepted,
                    "rejectedQuantity": rejected,
                }
            ]
    receiving: dict[str, Any] = {
        "receiveStatus": line.receive_status,
        "receivedQuantity": quantity(line.received_eaches, EACHES, 1),
    }
    if line.last_received_at is not None:
        receiving["lastReceiveDate"] = format_timestamp(line.last_received_at)
    return {
        "itemSequenceNumber": line.item_sequence_number,
        "buyerProductIdentifier": line.asin,
        "vendorProductIdentifier": line.vendor_sku,
        "netCost": money(line.net_cost, currency_code),
        "listPrice": money(line.list_price, currency_code),
        "orderedQuantity": {
            "orderedQuantity": ordered,
            "orderedQuantityDetails": [
                {
                    "updatedDate": format_timestamp(updated),
                    "orderedQuantity": ordered,
                    "cancelledQuantity": quantity(line.cancelled_amount, line.unit_of_measure, line.unit_size),
                }
            ],
        },
        "acknowledgementStatus": acknowledgement,
        "receivingStatus": receiving,
    }
