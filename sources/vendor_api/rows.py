"""Flatten the API's nested JSON into the rows of the raw tables."""

import functools
from collections.abc import Mapping
from typing import Any

from .fields import new_field_columns
from .parsing import (
    RecordError,
    get_path,
    money_columns,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_timestamp,
    parse_window,
    quantity_columns,
)


def _with_new_fields(row: dict[str, Any], kind: str, record: Any) -> dict[str, Any]:
    """Add to `row` a text column per field of `record` that Amazon's model lacks."""
    extra = new_field_columns(kind, record, row)
    if extra:
        row.update(extra)
    return row


def _required(value: Any, record: str, field: str) -> Any:
    if value is None or value == "":
        raise RecordError(record, field, value, "is missing but required by Amazon's model")
    return value


def purchase_order_row(order: Mapping[str, Any], account: str) -> dict[str, Any]:
    number = _required(order.get("purchaseOrderNumber"), "purchase order", "purchaseOrderNumber")
    record = f"purchase order {number}"
    details = order.get("orderDetails") or {}
    ship_start, ship_end = parse_window(details.get("shipWindow"), record, "orderDetails.shipWindow")
    delivery_start, delivery_end = parse_window(
        details.get("deliveryWindow"), record, "orderDetails.deliveryWindow"
    )
    row = {
        "account": account,
        "vendor_code": get_path(details, "sellingParty.partyId"),
        "purchase_order_number": number,
        "purchase_order_state": _required(order.get("purchaseOrderState"), record, "purchaseOrderState"),
        "purchase_order_type": details.get("purchaseOrderType"),
        "purchase_order_date": parse_timestamp(
            _required(details.get("purchaseOrderDate"), record, "orderDetails.purchaseOrderDate"),
            record,
            "orderDetails.purchaseOrderDate",
        ),
        "purchase_order_changed_date": parse_timestamp(
            details.get("purchaseOrderChangedDate"), record, "orderDetails.purchaseOrderChangedDate"
        ),
        "purchase_order_state_changed_date": parse_timestamp(
            _required(
                details.get("purchaseOrderStateChangedDate"),
                record,
                "orderDetails.purchaseOrderStateChangedDate",
            ),
            record,
            "orderDetails.purchaseOrderStateChangedDate",
        ),
        "payment_method": details.get("paymentMethod"),
        "deal_code": details.get("dealCode"),
        "buying_party_id": get_path(details, "buyingParty.partyId"),
        "selling_party_id": get_path(details, "sellingParty.partyId"),
        "ship_to_party_id": get_path(details, "shipToParty.partyId"),
        "bill_to_party_id": get_path(details, "billToParty.partyId"),
        "ship_window_start": ship_start,
        "ship_window_end": ship_end,
        "delivery_window_start": delivery_start,
        "delivery_window_end": delivery_end,
    }
    row = _with_new_fields(row, "order", order)
    row = _with_new_fields(row, "orderDetails", details)
    return row


def purchase_order_item_rows(order: Mapping[str, Any], account: str) -> list[dict[str, Any]]:
    number = _required(order.get("purchaseOrderNumber"), "purchase order", "purchaseOrderNumber")
    vendor_code = get_path(order, "orderDetails.sellingParty.partyId")
    rows = []
    for item in get_path(order, "orderDetails.items") or []:
        sequence = _required(
            item.get("itemSequenceNumber"), f"purchase order {number}", "items[].itemSequenceNumber"
        )
        record = f"purchase order {number} item {sequence}"
        rows.append(
            _with_new_fields(
                {
                    "account": account,
                    "vendor_code": vendor_code,
                    "purchase_order_number": number,
                    "item_sequence_number": str(sequence),
                    "amazon_product_identifier": item.get("amazonProductIdentifier"),
                    "vendor_product_identifier": item.get("vendorProductIdentifier"),
                    **quantity_columns("ordered_quantity", item.get("orderedQuantity"), record, "orderedQuantity"),
                    "is_back_order_allowed": parse_bool(
                        item.get("isBackOrderAllowed"), record, "isBackOrderAllowed"
                    ),
                    **money_columns("net_cost", item.get("netCost"), record, "netCost"),
                    **money_columns("list_price", item.get("listPrice"), record, "listPrice"),
                },
                "orderItem",
                item,
            )
        )
    return rows


def purchase_order_status_row(status: Mapping[str, Any], account: str) -> dict[str, Any]:
    number = _required(status.get("purchaseOrderNumber"), "order status", "purchaseOrderNumber")
    record = f"order status {number}"
    row = {
        "account": account,
        "vendor_code": get_path(status, "sellingParty.partyId"),
        "purchase_order_number": number,
        "purchase_order_status": _required(
            status.get("purchaseOrderStatus"), record, "purchaseOrderStatus"
        ),
        "purchase_order_date": parse_timestamp(
            _required(status.get("purchaseOrderDate"), record, "purchaseOrderDate"),
            record,
            "purchaseOrderDate",
        ),
        "last_updated_date": parse_timestamp(status.get("lastUpdatedDate"), record, "lastUpdatedDate"),
        "selling_party_id": get_path(status, "sellingParty.partyId"),
        "ship_to_party_id": get_path(status, "shipToParty.partyId"),
    }
    row = _with_new_fields(row, "orderStatus", status)
    return row


def _cancelled_quantity(
    ordered: Mapping[str, Any], record: str
) -> dict[str, Any]:
    """Sum `orderedQuantityDetails[].cancelledQuantity`, 0 in the ordered unit when absent.

    Amounts in one unit and unit size are summed in that unit. A mix of units is summed in
    eaches, so no quantity is added across different units.
    """
    ordered_quantity = ordered.get("orderedQuantity") or {}
    cancelled = []
    for index, detail in enumerate(ordered.get("orderedQuantityDetails") or []):
        field = f"orderedQuantity.orderedQuantityDetails[{index}].cancelledQuantity"
        quantity = quantity_columns("q", detail.get("cancelledQuantity"), record, field)
        if quantity["q_unit_size"] is not None:
            cancelled.append(quantity)
    if not cancelled:
        base = quantity_columns("q", ordered_quantity, record, "orderedQuantity.orderedQuantity")
        return {
            "cancelled_quantity_amount": 0,
            "cancelled_quantity_unit_of_measure": base["q_unit_of_measure"],
            "cancelled_quantity_unit_size": base["q_unit_size"],
        }
    units = {(q["q_unit_of_measure"], q["q_unit_size"]) for q in cancelled}
    if len(units) == 1:
        unit, size = units.pop()
        total = sum(q["q_amount"] or 0 for q in cancelled)
    else:
        unit, size = "Eaches", 1
        total = sum((q["q_amount"] or 0) * (q["q_unit_size"] or 1) for q in cancelled)
    return {
        "cancelled_quantity_amount": total,
        "cancelled_quantity_unit_of_measure": unit,
        "cancelled_quantity_unit_size": size,
    }


def purchase_order_status_item_rows(
    status: Mapping[str, Any], account: str
) -> list[dict[str, Any]]:
    number = _required(status.get("purchaseOrderNumber"), "order status", "purchaseOrderNumber")
    vendor_code = get_path(status, "sellingParty.partyId")
    rows = []
    for item in status.get("itemStatus") or []:
        sequence = _required(
            item.get("itemSequenceNumber"), f"order status {number}", "itemStatus[].itemSequenceNumber"
        )
        record = f"order status {number} item {sequence}"
        ordered = item.get("orderedQuantity") or {}
        acknowledgement = item.get("acknowledgementStatus") or {}
        receiving = item.get("receivingStatus") or {}
        rows.append(
            _with_new_fields(
                {
                    "account": account,
                    "vendor_code": vendor_code,
                    "purchase_order_number": number,
                    "item_sequence_number": str(sequence),
                    "buyer_product_identifier": item.get("buyerProductIdentifier"),
                    "vendor_product_identifier": item.get("vendorProductIdentifier"),
                    **money_columns("net_cost", item.get("netCost"), record, "netCost"),
                    **money_columns("list_price", item.get("listPrice"), record, "listPrice"),
                    **quantity_columns(
                        "ordered_quantity",
                        ordered.get("orderedQuantity"),
                        record,
                        "orderedQuantity.orderedQuantity",
                    ),
                    **_cancelled_quantity(ordered, record),
                    "confirmation_status": acknowledgement.get("confirmationStatus"),
                    **quantity_columns(
                        "accepted_quantity",
                        acknowledgement.get("acceptedQuantity"),
                        record,
                        "acknowledgementStatus.acceptedQuantity",
                    ),
                    **quantity_columns(
                        "rejected_quantity",
                        acknowledgement.get("rejectedQuantity"),
                        record,
                        "acknowledgementStatus.rejectedQuantity",
                    ),
                    "receive_status": receiving.get("receiveStatus"),
                    **quantity_columns(
                        "received_quantity",
                        receiving.get("receivedQuantity"),
                        record,
                        "receivingStatus.receivedQuantity",
                    ),
                    "last_receive_date": parse_timestamp(
                        receiving.get("lastReceiveDate"), record, "receivingStatus.lastReceiveDate"
                    ),
                },
                "orderItemStatus",
                item,
            )
        )
    return rows


def _status_item_details(
    status: Mapping[str, Any], account: str, path: str, timestamp_field: str, quantities: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Return one row per entry of a history list inside each `itemStatus[]` entry.

    `path` is the dotted path of the list within an item. `detail_index` is the entry's
    position in the list (0 first), because the entries carry no id of their own.
    """
    number = _required(status.get("purchaseOrderNumber"), "order status", "purchaseOrderNumber")
    vendor_code = get_path(status, "sellingParty.partyId")
    rows = []
    for item in status.get("itemStatus") or []:
        sequence = _required(
            item.get("itemSequenceNumber"), f"order status {number}", "itemStatus[].itemSequenceNumber"
        )
        record = f"order status {number} item {sequence}"
        for index, detail in enumerate(get_path(item, path) or []):
            field = f"{path}[{index}]"
            row: dict[str, Any] = {
                "account": account,
                "vendor_code": vendor_code,
                "purchase_order_number": number,
                "item_sequence_number": str(sequence),
                "detail_index": index,
                _snake(timestamp_field): parse_timestamp(
                    detail.get(timestamp_field), record, f"{field}.{timestamp_field}"
                ),
            }
            for name in quantities:
                row.update(quantity_columns(_snake(name), detail.get(name), record, f"{field}.{name}"))
            rows.append(row)
    return rows


@functools.cache
def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


def purchase_order_status_acknowledgement_rows(
    status: Mapping[str, Any], account: str
) -> list[dict[str, Any]]:
    return _status_item_details(
        status,
        account,
        "acknowledgementStatus.acknowledgementStatusDetails",
        "acknowledgementDate",
        ("acceptedQuantity", "rejectedQuantity"),
    )


def purchase_order_status_quantity_change_rows(
    status: Mapping[str, Any], account: str
) -> list[dict[str, Any]]:
    return _status_item_details(
        status,
        account,
        "orderedQuantity.orderedQuantityDetails",
        "updatedDate",
        ("orderedQuantity", "cancelledQuantity"),
    )


def _report_scope(
    document: Mapping[str, Any], marketplace_id: str, option: str, requested: str
) -> tuple[str, str]:
    specification = document.get("reportSpecification") or {}
    marketplaces = specification.get("marketplaceIds") or [marketplace_id]
    value = get_path(specification, f"reportOptions.{option}") or requested
    return str(marketplaces[0]), str(value)


def forecast_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    selling_program: str,
) -> list[dict[str, Any]]:
    marketplace, program = _report_scope(document, marketplace_id, "sellingProgram", selling_program)
    rows = []
    for index, forecast in enumerate(document.get("forecastByAsin") or []):
        record = f"forecast report {report_id} row {index}"
        rows.append(
            _with_new_fields(
                {
                    "account": account,
                    "marketplace_id": marketplace,
                    "selling_program": program,
                    "forecast_generation_date": parse_date(
                        _required(forecast.get("forecastGenerationDate"), record, "forecastGenerationDate"),
                        record,
                        "forecastGenerationDate",
                    ),
                    "asin": _required(forecast.get("asin"), record, "asin"),
                    "start_date": parse_date(
                        _required(forecast.get("startDate"), record, "startDate"), record, "startDate"
                    ),
                    "end_date": parse_date(
                        _required(forecast.get("endDate"), record, "endDate"), record, "endDate"
                    ),
                    "mean_forecast_units": parse_decimal(
                        forecast.get("meanForecastUnits"), record, "meanForecastUnits"
                    ),
                    "p70_forecast_units": parse_decimal(
                        forecast.get("p70ForecastUnits"), record, "p70ForecastUnits"
                    ),
                    "p80_forecast_units": parse_decimal(
                        forecast.get("p80ForecastUnits"), record, "p80ForecastUnits"
                    ),
                    "p90_forecast_units": parse_decimal(
                        forecast.get("p90ForecastUnits"), record, "p90ForecastUnits"
                    ),
                    "report_id": report_id,
                },
                "forecastByAsin",
                forecast,
            )
        )
    return rows


# Whole-unit counts of the inventory report, by API field and column.
_INVENTORY_UNITS = {
    "sellableOnHandInventoryUnits": "sellable_on_hand_inventory_units",
    "unsellableOnHandInventoryUnits": "unsellable_on_hand_inventory_units",
    "openPurchaseOrderUnits": "open_purchase_order_units",
    "netReceivedInventoryUnits": "net_received_inventory_units",
    "unfilledCustomerOrderedUnits": "unfilled_customer_ordered_units",
    "aged90PlusDaysSellableInventoryUnits": "aged90_plus_days_sellable_inventory_units",
    "unhealthyInventoryUnits": "unhealthy_inventory_units",
}
_INVENTORY_DECIMALS = {
    "averageVendorLeadTimeDays": "average_vendor_lead_time_days",
    "sellThroughRate": "sell_through_rate",
    "vendorConfirmationRate": "vendor_confirmation_rate",
}


def inventory_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    distributor_view: str,
    selling_program: str,
) -> list[dict[str, Any]]:
    marketplace, program = _report_scope(document, marketplace_id, "sellingProgram", selling_program)
    _, view = _report_scope(document, marketplace_id, "distributorView", distributor_view)
    rows = []
    for index, entry in enumerate(document.get("inventoryByAsin") or []):
        record = f"inventory report {report_id} row {index}"
        row: dict[str, Any] = {
            "account": account,
            "marketplace_id": marketplace,
            "distributor_view": view,
            "selling_program": program,
            "asin": _required(entry.get("asin"), record, "asin"),
            "start_date": parse_date(
                _required(entry.get("startDate"), record, "startDate"), record, "startDate"
            ),
            "end_date": parse_date(_required(entry.get("endDate"), record, "endDate"), record, "endDate"),
        }
        for field, column in _INVENTORY_UNITS.items():
            row[column] = parse_int(entry.get(field), record, field)
        for field, column in _INVENTORY_DECIMALS.items():
            row[column] = parse_decimal(entry.get(field), record, field)
        sellable_cost = entry.get("sellableOnHandInventoryCost") or {}
        received_cost = entry.get("netReceivedInventoryCost") or {}
        row["sellable_on_hand_inventory_cost_amount"] = parse_decimal(
            sellable_cost.get("amount"), record, "sellableOnHandInventoryCost.amount"
        )
        row["net_received_inventory_cost_amount"] = parse_decimal(
            received_cost.get("amount"), record, "netReceivedInventoryCost.amount"
        )
        currencies = {c for c in (sellable_cost.get("currencyCode"), received_cost.get("currencyCode")) if c}
        if len(currencies) > 1:
            raise RecordError(
                record, "currencyCode", sorted(currencies), "differs between the two cost fields"
            )
        row["currency_code"] = currencies.pop() if currencies else None
        row["report_id"] = report_id
        rows.append(_with_new_fields(row, "inventoryByAsin", entry))
    return rows


def sales_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    options: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Flatten `salesByAsin` of GET_VENDOR_SALES_REPORT. Ordered figures exist only in the
    MANUFACTURING view, so they are null in SOURCING rows."""
    marketplace, program = _report_scope(document, marketplace_id, "sellingProgram", options["sellingProgram"])
    _, view = _report_scope(document, marketplace_id, "distributorView", options["distributorView"])
    _, period = _report_scope(document, marketplace_id, "reportPeriod", options["reportPeriod"])
    rows = []
    for index, entry in enumerate(document.get("salesByAsin") or []):
        record = f"sales report {report_id} row {index}"
        amounts = {}
        currencies = set()
        for field, column in (
            ("orderedRevenue", "ordered_revenue_amount"),
            ("shippedRevenue", "shipped_revenue_amount"),
            ("shippedCogs", "shipped_cogs_amount"),
        ):
            money = entry.get(field) or {}
            amounts[column] = parse_decimal(money.get("amount"), record, f"{field}.amount")
            if money.get("currencyCode"):
                currencies.add(money["currencyCode"])
        if len(currencies) > 1:
            raise RecordError(record, "currencyCode", sorted(currencies), "differs between the money fields")
        rows.append(
            _with_new_fields(
                {
                    "account": account,
                    "marketplace_id": marketplace,
                    "distributor_view": view,
                    "selling_program": program,
                    "report_period": period,
                    "asin": _required(entry.get("asin"), record, "asin"),
                    "start_date": parse_date(
                        _required(entry.get("startDate"), record, "startDate"), record, "startDate"
                    ),
                    "end_date": parse_date(_required(entry.get("endDate"), record, "endDate"), record, "endDate"),
                    "customer_returns": parse_int(entry.get("customerReturns"), record, "customerReturns"),
                    "ordered_units": parse_int(entry.get("orderedUnits"), record, "orderedUnits"),
                    "shipped_units": parse_int(entry.get("shippedUnits"), record, "shippedUnits"),
                    **amounts,
                    "currency_code": currencies.pop() if currencies else None,
                    "report_id": report_id,
                },
                "salesByAsin",
                entry,
            )
        )
    return rows


def _dated_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    options: Mapping[str, str],
    kind: str,
    label: str,
    figures: Mapping[str, tuple[str, Any]],
) -> list[dict[str, Any]]:
    """Flatten the `<kind>` list of a report whose rows carry an ASIN, a period and figures.

    `figures` maps each column to its API field and parser (`parse_int` or `parse_decimal`).
    """
    marketplace, period = _report_scope(document, marketplace_id, "reportPeriod", options["reportPeriod"])
    rows = []
    for index, entry in enumerate(document.get(kind) or []):
        record = f"{label} report {report_id} row {index}"
        row: dict[str, Any] = {
            "account": account,
            "marketplace_id": marketplace,
            "report_period": period,
            "asin": _required(entry.get("asin"), record, "asin"),
            "start_date": parse_date(_required(entry.get("startDate"), record, "startDate"), record, "startDate"),
            "end_date": parse_date(_required(entry.get("endDate"), record, "endDate"), record, "endDate"),
        }
        for column, (field, parse) in figures.items():
            row[column] = parse(entry.get(field), record, field)
        row["report_id"] = report_id
        rows.append(_with_new_fields(row, kind, entry))
    return rows


def traffic_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    options: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Flatten `trafficByAsin` of GET_VENDOR_TRAFFIC_REPORT: glance views per ASIN and period."""
    return _dated_rows(
        document, account, report_id, marketplace_id, options, "trafficByAsin", "traffic",
        {"glance_views": ("glanceViews", parse_int)},
    )  # fmt: skip


def net_pure_product_margin_rows(
    document: Mapping[str, Any],
    account: str,
    report_id: str,
    marketplace_id: str,
    options: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Flatten `netPureProductMarginByAsin` of GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT.

    The margin is a fraction, read exactly as a Decimal: (revenue - cost of goods -
    vendor-funded co-op) / revenue.
    """
    return _dated_rows(
        document, account, report_id, marketplace_id, options, "netPureProductMarginByAsin", "net pure product margin",
        {"net_pure_product_margin": ("netPureProductMargin", parse_decimal)},
    )  # fmt: skip


def real_time_inventory_rows(
    document: Mapping[str, Any], account: str, report_id: str, marketplace_id: str
) -> list[dict[str, Any]]:
    """Flatten `reportData` of GET_VENDOR_REAL_TIME_INVENTORY_REPORT: units per ASIN and UTC hour."""
    specification = document.get("reportSpecification") or {}
    marketplace = str((specification.get("marketplaceIds") or [marketplace_id])[0])
    rows = []
    for index, entry in enumerate(document.get("reportData") or []):
        record = f"real-time inventory report {report_id} row {index}"
        rows.append(
            _with_new_fields(
                {
                    "account": account,
                    "marketplace_id": marketplace,
                    "asin": _required(entry.get("asin"), record, "asin"),
                    "start_time": parse_timestamp(_required(entry.get("startTime"), record, "startTime"), record, "startTime"),
                    "end_time": parse_timestamp(_required(entry.get("endTime"), record, "endTime"), record, "endTime"),
                    "highly_available_inventory": parse_int(
                        entry.get("highlyAvailableInventory"), record, "highlyAvailableInventory"
                    ),
                    "report_id": report_id,
                },
                "reportData",
                entry,
            )
        )
    return rows
