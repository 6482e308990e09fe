"""Fields of Amazon's records that acorn maps to columns, and a check for new ones.

A field Amazon adds lands in a text column of its own, named after it (`new_field_columns`),
and the source reports every field it has not seen in the models. Once a parser maps the
field to a typed column, `acorn replay` loads it from the raw archive without calling Amazon.
"""

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
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


def _column_name(field: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in field)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(value, default=str, sort_keys=True, separators=(",", ":"))


def new_field_columns(kind: str, record: Any, existing_columns: Iterable[str] = ()) -> dict[str, str | None]:
    """Return a text column per field of `record` that the model lacks, named in snake case.

    The value is the field's text, or its JSON for an object or a list; a typed column waits
    for a parser. A name that `taken` already uses gets the suffix `_new`.
    """
    known = KNOWN_FIELDS[kind]
    if not isinstance(record, Mapping) or known.issuperset(record):
        return {}
    existing = set(existing_columns)
    columns = {}
    for field, value in record.items():
        if field in known:
            continue
        name = _column_name(field)
        columns[f"{name}_new" if name in existing else name] = _as_text(value)
    return columns


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
