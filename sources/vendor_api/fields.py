"""Fields of Amazon's records that acorn maps to columns, and a check for new ones.

A field Amazon adds is not a column until a parser maps it, so the source reports every
field it has not seen in the models. The raw archive keeps the bodies, so `acorn replay`
loads such a field once its column exists, without calling Amazon again.
"""

from collections.abc import Iterable, Mapping
from typing import Any

# Property names of the Vendor Orders model and the report schemas, per record kind. Nested
# lists are checked through their own kinds: `orderDetails.items[]` and `itemStatus[]`.
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "order": frozenset({"purchaseOrderNumber", "purchaseOrderState", "orderDetails"}),
    "orderDetails": frozenset(
        {
            "purchaseOrderDate", "purchaseOrderChangedDate", "purchaseOrderStateChangedDate",
            "purchaseOrderType", "importDetails", "dealCode", "paymentMethod", "buyingParty",
            "sellingParty", "shipToParty", "billToParty", "shipWindow", "deliveryWindow", "items",
        }
    ),
    "orderItem": frozenset(
        {
            "itemSequenceNumber", "amazonProductIdentifier", "vendorProductIdentifier",
            "orderedQuantity", "isBackOrderAllowed", "netCost", "listPrice",
        }
    ),
    "orderStatus": frozenset(
        {
            "purchaseOrderNumber", "purchaseOrderStatus", "purchaseOrderDate", "lastUpdatedDate",
            "sellingParty", "shipToParty", "itemStatus",
        }
    ),
    "orderItemStatus": frozenset(
        {
            "itemSequenceNumber", "buyerProductIdentifier", "vendorProductIdentifier", "netCost",
            "listPrice", "orderedQuantity", "acknowledgementStatus", "receivingStatus",
        }
    ),
    "forecastByAsin": frozenset(
        {
            "forecastGenerationDate", "asin", "startDate", "endDate", "meanForecastUnits",
            "p70ForecastUnits", "p80ForecastUnits", "p90ForecastUnits",
        }
    ),
    "inventoryByAsin": frozenset(
        {
            "startDate", "endDate", "asin", "vendorConfirmationRate", "netReceivedInventoryCost",
            "netReceivedInventoryUnits", "openPurchaseOrderUnits", "averageVendorLeadTimeDays",
            "sellThroughRate", "unfilledCustomerOrderedUnits", "sellableOnHandInventoryCost",
            "sellableOnHandInventoryUnits", "unsellableOnHandInventoryCost",
            "unsellableOnHandInventoryUnits", "aged90PlusDaysSellableInventoryCost",
            "aged90PlusDaysSellableInventoryUnits", "unhealthyInventoryCost", "unhealthyInventoryUnits",
        }
    ),
    "salesByAsin": frozenset(
        {
            "startDate", "endDate", "asin", "customerReturns", "orderedRevenue", "orderedUnits",
            "shippedCogs", "shippedRevenue", "shippedUnits",
        }
    ),
    "trafficByAsin": frozenset({"startDate", "endDate", "asin", "glanceViews"}),
    "netPureProductMarginByAsin": frozenset({"startDate", "endDate", "asin", "netPureProductMargin"}),
    "reportData": frozenset({"startTime", "endTime", "asin", "highlyAvailableInventory"}),
}  # fmt: skip


def _unknown(kind: str, record: Any) -> set[str]:
    if not isinstance(record, Mapping):
        return set()
    return {f"{kind}.{name}" for name in record if name not in KNOWN_FIELDS[kind]}


def new_order_fields(orders: Iterable[Mapping[str, Any]]) -> set[str]:
    """Return `kind.field` for each field of these purchase orders that the model lacks."""
    found: set[str] = set()
    for order in orders:
        found |= _unknown("order", order)
        details = order.get("orderDetails") or {}
        found |= _unknown("orderDetails", details)
        for item in details.get("items") or []:
            found |= _unknown("orderItem", item)
    return found


def new_status_fields(statuses: Iterable[Mapping[str, Any]]) -> set[str]:
    """Return `kind.field` for each field of these order statuses that the model lacks."""
    found: set[str] = set()
    for status in statuses:
        found |= _unknown("orderStatus", status)
        for item in status.get("itemStatus") or []:
            found |= _unknown("orderItemStatus", item)
    return found


def new_report_fields(document: Mapping[str, Any]) -> set[str]:
    """Return `kind.field` for each field of a report document's rows that its schema lacks."""
    found: set[str] = set()
    for kind in (
        "forecastByAsin", "inventoryByAsin", "salesByAsin", "trafficByAsin", "netPureProductMarginByAsin", "reportData",
    ):  # fmt: skip
        for entry in document.get(kind) or []:
            found |= _unknown(kind, entry)
    return found
