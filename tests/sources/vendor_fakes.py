"""An in-memory stand-in for SpApiClient, for source tests that need no server."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_order(number: str, created: datetime, lines: int = 2, state: str = "New") -> dict[str, Any]:
    return {
        "purchaseOrderNumber": number,
        "purchaseOrderState": state,
        "orderDetails": {
            "purchaseOrderDate": iso(created),
            "purchaseOrderStateChangedDate": iso(created),
            "purchaseOrderType": "RegularOrder",
            "paymentMethod": "Invoice",
            "buyingParty": {"partyId": "AMAZON"},
            "sellingParty": {"partyId": "ACRNV"},
            "shipToParty": {"partyId": "ONT8"},
            "billToParty": {"partyId": "AMAZONUS"},
            "shipWindow": "2024-05-10T07:00:00Z--2024-05-17T07:00:00Z",
            "deliveryWindow": "2024-05-12T07:00:00Z--2024-05-20T07:00:00Z",
            "items": [
                {
                    "itemSequenceNumber": str(sequence),
                    "amazonProductIdentifier": f"B00000000{sequence}",
                    "vendorProductIdentifier": f"SKU-{sequence}",
                    "orderedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 6},
                    "isBackOrderAllowed": False,
                    "netCost": {"currencyCode": "USD", "amount": "12.34"},
                    "listPrice": {"currencyCode": "USD", "amount": "20.00"},
                }
                for sequence in range(1, lines + 1)
            ],
        },
    }


def make_status(order: dict[str, Any], updated: datetime) -> dict[str, Any]:
    details = order["orderDetails"]
    return {
        "purchaseOrderNumber": order["purchaseOrderNumber"],
        "purchaseOrderStatus": "OPEN",
        "purchaseOrderDate": details["purchaseOrderDate"],
        "lastUpdatedDate": iso(updated),
        "sellingParty": {"partyId": "ACRNV"},
        "shipToParty": {"partyId": "ONT8"},
        "itemStatus": [
            {
                "itemSequenceNumber": item["itemSequenceNumber"],
                "buyerProductIdentifier": item["amazonProductIdentifier"],
                "netCost": item["netCost"],
                "orderedQuantity": {"orderedQuantity": item["orderedQuantity"]},
                "acknowledgementStatus": {"confirmationStatus": "UNCONFIRMED"},
                "receivingStatus": {
                    "receiveStatus": "NOT_RECEIVED",
                    "receivedQuantity": {"amount": 0, "unitOfMeasure": "Eaches", "unitSize": 1},
                },
            }
            for item in details["items"]
        ],
    }


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _inside(value: str | None, after: datetime | None, before: datetime | None) -> bool:
    if after is None and before is None:
        return True
    if value is None:
        return False
    moment = _parse(value)
    return (after is None or moment >= after) and (before is None or moment < before)


class FakeVendorClient:
    """Serves the vendor listings from `orders` and `statuses`, pages of `page_size`."""

    def __init__(self, orders: dict[str, dict], statuses: dict[str, dict], page_size: int = 2) -> None:
        self.orders = orders
        self.statuses = statuses
        self.page_size = page_size
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reports: list[dict[str, Any]] = []

    def __enter__(self) -> "FakeVendorClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def _paged(self, key: str, matches: list[dict]) -> Any:
        for start in range(0, max(len(matches), 1), self.page_size):
            yield {key: matches[start : start + self.page_size]}

    def get_purchase_orders(self, **filters: Any) -> Any:
        self.calls.append(("getPurchaseOrders", filters))
        for span in (filters.get("created_after"), filters.get("created_before"), filters.get("changed_after")):
            assert span is None or span.tzinfo is not None
        if "created_after" in filters:
            after, before, field = filters["created_after"], filters["created_before"], "purchaseOrderDate"
        else:
            after, before, field = filters["changed_after"], filters["changed_before"], "purchaseOrderChangedDate"
        assert before - after <= timedelta(days=7)
        matches = [o for o in self.orders.values() if _inside(o["orderDetails"].get(field), after, before)]
        return self._paged("orders", matches)

    def get_purchase_orders_status(self, **filters: Any) -> Any:
        self.calls.append(("getPurchaseOrdersStatus", filters))
        if "created_after" in filters:
            after, before, field = filters["created_after"], filters["created_before"], "purchaseOrderDate"
        else:
            after, before, field = filters["updated_after"], filters["updated_before"], "lastUpdatedDate"
        matches = [s for s in self.statuses.values() if _inside(s.get(field), after, before)]
        return self._paged("ordersStatus", matches)

    def create_report(self, report_type, marketplace_ids, report_options=None, data_start_time=None, data_end_time=None):
        self.reports.append(
            {
                "reportType": report_type,
                "marketplaceIds": list(marketplace_ids),
                "reportOptions": dict(report_options or {}),
                "dataStartTime": data_start_time,
                "dataEndTime": data_end_time,
            }
        )
        return f"R{len(self.reports)}"

    def wait_for_report(self, report_id: str, deadline: float | None = None) -> dict[str, Any]:
        return {"reportId": report_id, "processingStatus": "DONE", "reportDocumentId": f"D-{report_id}"}

    def fetch_report_document(self, report: dict[str, Any]) -> dict[str, Any]:
        request = self.reports[int(report["reportId"][1:]) - 1]
        if request["reportType"] == "GET_VENDOR_FORECASTING_REPORT":
            return {
                "reportSpecification": {
                    "reportType": request["reportType"],
                    "reportOptions": {"sellingProgram": "RETAIL"},
                    "marketplaceIds": request["marketplaceIds"],
                },
                "forecastByAsin": [
                    {
                        "forecastGenerationDate": "2024-06-09",
                        "asin": "B000000001",
                        "startDate": start,
                        "endDate": end,
                        "meanForecastUnits": Decimal("3.1"),
                        "p70ForecastUnits": Decimal("3.9"),
                        "p80ForecastUnits": Decimal("4.2"),
                        "p90ForecastUnits": Decimal("5.05"),
                    }
                    for start, end in (("2024-06-09", "2024-06-15"), ("2024-06-16", "2024-06-22"))
                ],
            }
        return {
            "reportSpecification": {
                "reportType": request["reportType"],
                "reportOptions": request["reportOptions"],
                # Amazon's vendor documents give the requested dates without the time.
                "dataStartTime": request["dataStartTime"].date().isoformat(),
                "dataEndTime": request["dataEndTime"].date().isoformat(),
                "marketplaceIds": request["marketplaceIds"],
            },
            "inventoryByAsin": [
                {
                    "startDate": "2024-06-02",
                    "endDate": "2024-06-08",
                    "asin": "B000000001",
                    "sellableOnHandInventoryUnits": 40,
                    "sellThroughRate": Decimal("0.25"),
                    "sellableOnHandInventoryCost": {"amount": Decimal("493.60"), "currencyCode": "USD"},
                }
            ],
        }
