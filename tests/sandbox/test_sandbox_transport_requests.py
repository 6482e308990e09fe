"""Transport requests: SubmitShipments, GetShipmentDetails and GetShipmentLabels on the sandbox.

The generated vendor ships prepaid, so every listing here starts empty and holds only
what the test submitted. Servers process transactions at once (processing_seconds=0).
"""

import re
from typing import Any

import httpx
import pytest
from sandbox_testkit import client_for

from sandbox import VENDOR_CODE

SHIPMENTS = "/vendor/shipping/v1/shipments"
LABELS = "/vendor/shipping/v1/transportLabels"
TRANSACTIONS = "/vendor/transactions/v1/transactions"


def transport_request(
    identifier: str,
    purchase_order_number: str,
    ship_to: str,
    transaction_type: str = "New",
    freight_term: str = "Collect",
    cartons: int = 2,
) -> dict[str, Any]:
    """One transport request for 3 cases of 12 of item 1 of a PO, packed in `cartons` cartons."""
    containers = [
        {
            "containerType": "carton",
            "containerSequenceNumber": str(number),
            "containerIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": f"00012345600000000{number}"}],
            "trackingNumber": f"1ZSANDBOX{identifier}{number}",
        }
        for number in range(1, cartons + 1)
    ]
    request: dict[str, Any] = {
        "vendorShipmentIdentifier": identifier,
        "transactionType": transaction_type,
        "transactionDate": "2026-12-04T06:00:00Z",
        "shipmentFreightTerm": freight_term,
        "sellingParty": {"partyId": VENDOR_CODE},
        "shipFromParty": {"partyId": "ACRNWH1"},
        "shipToParty": {"partyId": ship_to},
        "collectFreightPickupDetails": {"requestedPickUp": "2026-12-07T09:00:00Z"},
        "purchaseOrders": [
            {
                "purchaseOrderNumber": purchase_order_number,
                "items": [{"itemSequenceNumber": "1", "shippedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12}}],
            }
        ],
        "containers": containers,
        "transportationDetails": {"shipMode": "SmallParcel", "carrierDetails": {"code": "UPSN"}},
    }
    if freight_term == "Collect":
        request["buyerReferenceNumber"] = f"BR-{identifier}"
    return request


def submit(api: httpx.Client, *requests: dict[str, Any]) -> dict[str, Any]:
    """POST the requests, then return the transaction status (processing is instant)."""
    response = api.post(SHIPMENTS, json={"shipments": list(requests)})
    assert response.status_code == 202, response.text
    transaction_id = response.json()["payload"]["transactionId"]
    return api.get(f"{TRANSACTIONS}/{transaction_id}").json()["payload"]["transactionStatus"]


@pytest.fixture
def order(server) -> tuple[str, str]:
    """Number and fulfilment centre of the first generated PO."""
    first = next(iter(server.state.scenario.orders.values()))
    return first.number, first.ship_to


def test_generated_vendor_lists_nothing(api):
    details = api.get(SHIPMENTS)
    labels = api.get(LABELS)

    assert details.status_code == 200
    assert details.json() == {"payload": {"shipments": []}}
    assert labels.json() == {"payload": {"transportLabels": []}}


def test_new_request_is_listed_with_labels(api, order):
    number, ship_to = order
    response = api.post(SHIPMENTS, json={"shipments": [transport_request("TR-1", number, ship_to)]})
    transaction_id = response.json()["payload"]["transactionId"]
    status = api.get(f"{TRANSACTIONS}/{transaction_id}").json()["payload"]["transactionStatus"]
    shipments = api.get(SHIPMENTS).json()["payload"]["shipments"]
    labels = api.get(LABELS).json()["payload"]["transportLabels"]

    assert response.status_code == 202
    assert re.fullmatch(r"\d{14}-[0-9a-f-]{36}", transaction_id)
    assert status == {"transactionId": transaction_id, "status": "Success"}
    assert len(shipments) == 1
    shipment = shipments[0]
    assert shipment["vendorShipmentIdentifier"] == "TR-1"
    assert shipment["transactionType"] == "New"
    assert shipment["buyerReferenceNumber"] == "BR-TR-1"
    assert shipment["currentShipmentStatus"] == "Created"
    assert shipment["shipmentStatusDetails"][0]["shipmentStatus"] == "Created"
    assert shipment["purchaseOrders"][0]["items"][0]["shippedQuantity"] == {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12}
    assert shipment["packageLabelCreateDate"] == shipment["shipmentCreateDate"]
    assert len(labels) == 1
    information = labels[0]["shipmentInformation"]
    assert information["vendorDetails"] == {"sellingParty": {"partyId": VENDOR_CODE}, "vendorShipmentIdentifier": "TR-1"}
    assert information["totalLabelCount"] == 2
    assert information["shipMode"] == "SmallParcel"
    assert information["masterTrackingId"] == "1ZSANDBOXTR-11"
    assert [label["trackingId"] for label in labels[0]["labelData"]] == ["1ZSANDBOXTR-11", "1ZSANDBOXTR-12"]
    assert {label["carrierCode"] for label in labels[0]["labelData"]} == {"UPSN"}


def test_prepaid_request_has_no_labels(api, order):
    status = submit(api, transport_request("TR-P", *order, freight_term="Prepaid"))

    assert status["status"] == "Success"
    assert len(api.get(SHIPMENTS).json()["payload"]["shipments"]) == 1
    assert api.get(LABELS).json()["payload"]["transportLabels"] == []


def test_cancel_of_unknown_identifier_fails(api, order):
    status = submit(api, transport_request("TR-NONE", *order, transaction_type="Cancel"))

    assert status["status"] == "Failure"
    assert [error["code"] for error in status["errors"]] == ["TRANSPORT_REQUEST_NOT_FOUND"]
    assert status["errors"][0]["details"] == "shipments[0].vendorShipmentIdentifier"
    assert api.get(SHIPMENTS).json()["payload"]["shipments"] == []


def test_cancel_marks_request_and_voids_labels(api, order):
    submit(api, transport_request("TR-C", *order))
    cancel = transport_request("TR-C", *order, transaction_type="Cancel")
    cancel["transactionDate"] = "2026-12-04T07:30:00Z"

    status = submit(api, cancel)
    again = submit(api, cancel)
    shipments = api.get(SHIPMENTS).json()["payload"]["shipments"]

    assert status["status"] == "Success"
    assert again["status"] == "Failure"
    assert [error["code"] for error in again["errors"]] == ["TRANSPORT_REQUEST_NOT_FOUND"]
    assert [(s["transactionType"], s["transactionDate"]) for s in shipments] == [("Cancel", "2026-12-04T07:30:00Z")]
    assert api.get(LABELS).json()["payload"]["transportLabels"] == []


def test_reused_identifier_fails(api, order):
    submit(api, transport_request("TR-D", *order))
    submit(api, transport_request("TR-D", *order, transaction_type="Cancel"))

    status = submit(api, transport_request("TR-D", *order))

    assert status["status"] == "Failure"
    assert [error["code"] for error in status["errors"]] == ["DUPLICATE_TRANSPORT_REQUEST"]


def test_business_rules_fail_transaction(api, order):
    number, ship_to = order
    wrong_party = transport_request("TR-E1", number, ship_to)
    wrong_party["sellingParty"] = {"partyId": "OTHER"}
    no_reference = transport_request("TR-E2", number, ship_to)
    del no_reference["buyerReferenceNumber"]
    unknown_order = transport_request("TR-E3", "NOSUCHPO", ship_to)
    wrong_centre = transport_request("TR-E4", number, "XXX9")
    zero = transport_request("TR-E5", number, ship_to)
    zero["purchaseOrders"][0]["items"][0]["shippedQuantity"]["amount"] = 0
    valid = transport_request("TR-E6", number, ship_to)

    status = submit(api, wrong_party, no_reference, unknown_order, wrong_centre, zero, valid)

    assert status["status"] == "Failure"
    assert [(error["code"], error["details"]) for error in status["errors"]] == [
        ("SELLING_PARTY_MISMATCH", "shipments[0].sellingParty.partyId"),
        ("MISSING_BUYER_REFERENCE_NUMBER", "shipments[1].buyerReferenceNumber"),
        ("INVALID_ORDER_ID", "shipments[2].purchaseOrders[0].purchaseOrderNumber"),
        ("SHIP_TO_MISMATCH", "shipments[3].shipToParty.partyId"),
        ("QUANTITY_NOT_POSITIVE", "shipments[4].purchaseOrders[0].items[0].shippedQuantity.amount"),
    ]
    assert api.get(SHIPMENTS).json()["payload"]["shipments"] == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"transactionType": "Confirm"}, "shipments[0].transactionType"),
        ({"transactionDate": "2026-12-04T06:00:00"}, "shipments[0].transactionDate"),
        ({"vendorShipmentIdentifier": None}, "shipments[0].vendorShipmentIdentifier"),
        ({"carrier": "UPS"}, "shipments[0]"),
    ],
)
def test_invalid_body_is_rejected_at_once(api, order, change, path):
    request = transport_request("TR-S", *order)
    request.update(change)

    response = api.post(SHIPMENTS, json={"shipments": [request]})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["details"] for error in errors] == [path]
    assert errors[0]["code"] == "InvalidInput"
    assert "x-amzn-RateLimit-Limit" in response.headers


def test_missing_transaction_type_is_named(api, order):
    request = transport_request("TR-S", *order)
    del request["transactionType"]

    response = api.post(SHIPMENTS, json={"shipments": [request]})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Invalid input at shipments[0]: 'transactionType' is a required property."


def test_empty_request_list_is_rejected(api):
    response = api.post(SHIPMENTS, json={"shipments": []})

    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "shipments"


def test_details_pages_by_limit(api, order):
    for index in range(1, 6):
        submit(api, transport_request(f"TR-{index}", *order))

    first = api.get(SHIPMENTS, params={"limit": 2}).json()["payload"]
    second = api.get(SHIPMENTS, params={"limit": 2, "nextToken": first["pagination"]["nextToken"]}).json()["payload"]
    third = api.get(SHIPMENTS, params={"limit": 2, "nextToken": second["pagination"]["nextToken"]}).json()["payload"]
    descending = api.get(SHIPMENTS, params={"limit": 3, "sortOrder": "DESC"}).json()["payload"]

    def identifiers(page: dict[str, Any]) -> list[str]:
        return [shipment["vendorShipmentIdentifier"] for shipment in page["shipments"]]

    assert identifiers(first) == ["TR-1", "TR-2"]
    assert identifiers(second) == ["TR-3", "TR-4"]
    assert identifiers(third) == ["TR-5"]
    assert "pagination" not in third
    assert identifiers(descending) == ["TR-5", "TR-4", "TR-3"]


def test_default_limit_is_fifty(api, order):
    requests = [transport_request(f"TR-{index:02d}", *order) for index in range(51)]
    submit(api, *requests)

    first = api.get(SHIPMENTS).json()["payload"]
    second = api.get(SHIPMENTS, params={"nextToken": first["pagination"]["nextToken"]}).json()["payload"]

    assert len(first["shipments"]) == 50
    assert [shipment["vendorShipmentIdentifier"] for shipment in second["shipments"]] == ["TR-50"]


def test_details_filters(api, server, order):
    number, ship_to = order
    other = next(o for o in server.state.scenario.orders.values() if o.ship_to != ship_to)
    submit(api, transport_request("TR-A", number, ship_to), transport_request("TR-B", other.number, other.ship_to, freight_term="Prepaid"))

    def listed(params: dict[str, str]) -> list[str]:
        response = api.get(SHIPMENTS, params=params)
        assert response.status_code == 200, response.text
        return [shipment["vendorShipmentIdentifier"] for shipment in response.json()["payload"]["shipments"]]

    assert listed({"buyerWarehouseCode": other.ship_to}) == ["TR-B"]
    assert listed({"vendorShipmentIdentifier": "TR-A"}) == ["TR-A"]
    assert listed({"buyerReferenceNumber": "BR-TR-A"}) == ["TR-A"]
    assert listed({"sellerWarehouseCode": VENDOR_CODE}) == ["TR-A", "TR-B"]
    assert listed({"sellerWarehouseCode": "OTHER"}) == []
    assert listed({"currentShipmentStatus": "Created"}) == ["TR-A", "TR-B"]
    assert listed({"currentShipmentStatus": "Shipped"}) == []
    assert listed({"requestedPickUpAfter": "2026-12-07T09:00:00Z", "requestedPickUpBefore": "2026-12-07T09:00:01Z"}) == ["TR-A", "TR-B"]
    assert listed({"requestedPickUpBefore": "2026-12-07T09:00:00Z"}) == []
    assert listed({"createdAfter": "2020-01-01T00:00:00Z"}) == ["TR-A", "TR-B"]
    assert listed({"createdBefore": "2020-01-01T00:00:00Z"}) == []
    assert listed({"shippedAfter": "2020-01-01T00:00:00Z"}) == []
    assert listed({"packageLabelCreatedAfter": "2020-01-01T00:00:00Z"}) == ["TR-A"]


def test_labels_filters_and_pages(api, order):
    submit(api, *(transport_request(f"TR-{index}", *order, cartons=1) for index in range(1, 4)))

    def listed(params: dict[str, Any]) -> dict[str, Any]:
        response = api.get(LABELS, params=params)
        assert response.status_code == 200, response.text
        return response.json()["payload"]

    first = listed({"limit": 2})
    second = listed({"limit": 2, "nextToken": first["pagination"]["nextToken"]})

    def identifiers(page: dict[str, Any]) -> list[str]:
        return [label["shipmentInformation"]["vendorDetails"]["vendorShipmentIdentifier"] for label in page["transportLabels"]]

    assert identifiers(first) == ["TR-1", "TR-2"]
    assert identifiers(second) == ["TR-3"]
    assert identifiers(listed({"sortOrder": "DESC", "limit": 1})) == ["TR-3"]
    assert identifiers(listed({"vendorShipmentIdentifier": "TR-2"})) == ["TR-2"]
    assert identifiers(listed({"buyerReferenceNumber": "BR-TR-3"})) == ["TR-3"]
    assert identifiers(listed({"sellerWarehouseCode": "OTHER"})) == []
    assert identifiers(listed({"labelCreatedBefore": "2020-01-01T00:00:00Z"})) == []
    assert identifiers(listed({"labelCreatedAfter": "2020-01-01T00:00:00Z"})) == ["TR-1", "TR-2", "TR-3"]


@pytest.mark.parametrize(
    ("path", "params", "parameter", "message"),
    [
        (SHIPMENTS, {"limit": "0"}, "limit", r"limit 0 is out of range; send 1 to 50\."),
        (SHIPMENTS, {"limit": "51"}, "limit", r"limit 51 is out of range; send 1 to 50\."),
        (SHIPMENTS, {"limit": "ten"}, "limit", r"limit 'ten' is not an integer; send 1 to 50\."),
        (SHIPMENTS, {"sortOrder": "UP"}, "sortOrder", r"sortOrder 'UP' is not valid; use one of ASC, DESC\."),
        (SHIPMENTS, {"currentShipmentStatus": "Lost"}, "currentShipmentStatus", r"currentShipmentStatus 'Lost' is not valid"),
        (SHIPMENTS, {"createdAfter": "yesterday"}, "createdAfter", r"createdAfter 'yesterday' is not an ISO 8601 date-time"),
        (SHIPMENTS, {"shippedBefore": "2026-12-01T00:00:00"}, "shippedBefore", r"shippedBefore .* has no time zone"),
        (
            SHIPMENTS,
            {"scheduledPickUpAfter": "2026-12-02T00:00:00Z", "scheduledPickUpBefore": "2026-12-01T00:00:00Z"},
            "scheduledPickUpAfter",
            r"scheduledPickUpAfter 2026-12-02T00:00:00Z is later than scheduledPickUpBefore 2026-12-01T00:00:00Z",
        ),
        (SHIPMENTS, {"vendorShipmentIdentifier": ""}, "vendorShipmentIdentifier", r"vendorShipmentIdentifier is empty"),
        (SHIPMENTS, {"nextToken": "not-a-token"}, "nextToken", r"nextToken is not valid for this request"),
        (LABELS, {"limit": "51"}, "limit", r"limit 51 is out of range; send 1 to 50\."),
        (LABELS, {"sortOrder": "asc"}, "sortOrder", r"sortOrder 'asc' is not valid"),
        (LABELS, {"labelCreatedAfter": "2026-13-01T00:00:00Z"}, "labelCreatedAfter", r"labelCreatedAfter .* is not an ISO 8601"),
        (LABELS, {"sellerWarehouseCode": ""}, "sellerWarehouseCode", r"sellerWarehouseCode is empty"),
    ],
)
def test_rejected_listing_parameters(api, path, params, parameter, message):
    response = api.get(path, params=params)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert error["details"] == parameter
    assert re.search(message, error["message"]), error["message"]


def test_next_token_needs_same_filters(api, order):
    submit(api, *(transport_request(f"TR-{index}", *order) for index in range(3)))
    first = api.get(SHIPMENTS, params={"limit": 1, "sortOrder": "DESC"}).json()["payload"]

    changed = api.get(SHIPMENTS, params={"limit": 1, "nextToken": first["pagination"]["nextToken"]})
    other_limit = api.get(SHIPMENTS, params={"limit": 2, "sortOrder": "DESC", "nextToken": first["pagination"]["nextToken"]})

    assert changed.status_code == 400
    assert changed.json()["errors"][0]["details"] == "nextToken"
    assert [s["vendorShipmentIdentifier"] for s in other_limit.json()["payload"]["shipments"]] == ["TR-1", "TR-0"]


@pytest.mark.parametrize(("method", "path"), [("POST", SHIPMENTS), ("GET", SHIPMENTS), ("GET", LABELS)])
def test_transport_requests_need_token(server, method, path):
    response = httpx.request(method, server.base_url + path, json={"shipments": []} if method == "POST" else None)

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"
    assert response.headers["x-amzn-RequestId"]
    assert "x-amzn-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize(("method", "path"), [("POST", SHIPMENTS), ("GET", SHIPMENTS), ("GET", LABELS)])
def test_transport_operations_burst_ten(start_server, method, path):
    server = start_server(throttle=True, time_scale=0)
    with client_for(server) as api:
        body = {"shipments": []} if method == "POST" else None
        responses = [api.request(method, path, json=body) for _ in range(11)]

    assert [response.status_code for response in responses[:10]] == [400 if method == "POST" else 200] * 10
    assert responses[0].headers["x-amzn-RateLimit-Limit"] == "10.0"
    assert responses[10].status_code == 429
    assert "x-amzn-RateLimit-Limit" not in responses[10].headers
