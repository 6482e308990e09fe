"""Outbound documents on the sandbox: schema checks, each transaction verdict and its consequences.

The servers here process transactions at once (processing_seconds=0), so the first
getTransaction after a POST already shows the verdict.
"""

import re
from decimal import Decimal

import pytest
from sandbox_payloads import (
    ACKNOWLEDGEMENTS,
    INVOICES,
    SHIPMENT_CONFIRMATIONS,
    acknowledge_all,
    acknowledged_item,
    acknowledgement,
    credit_note,
    error_codes,
    invoice,
    shipment_confirmation,
    submit,
    transaction,
)
from sandbox_testkit import client_for, truth_line

from sandbox import TRANSACTION_ERROR_CODES

ORDERS = "/vendor/orders/v1/purchaseOrders"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"


def shipment_of(server, line: dict):
    return next(
        shipment
        for shipment in server.state.scenario.shipments
        if any(
            (c.purchase_order_number, c.item_sequence_number) == (line["purchase_order_number"], line["item_sequence_number"])
            for c in shipment.contents
        )
    )


def truth_of(server, number: str, sequence: str) -> dict:
    return next(
        line
        for line in server.state.ground_truth()["lines"]
        if (line["purchase_order_number"], line["item_sequence_number"]) == (number, sequence)
    )


def order_state(api, number: str) -> str:
    return api.get(f"{ORDERS}/{number}").json()["payload"]["purchaseOrderState"]


def test_transaction_id_format(api, server):
    number = truth_line(server.state.ground_truth(), "unknown_asin")["purchase_order_number"]

    transaction_id = submit(api, ACKNOWLEDGEMENTS, acknowledge_all(server.state.scenario, number))

    assert re.fullmatch(r"\d{14}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", transaction_id)


def test_acknowledgement_moves_po_to_acknowledged(api, server):
    number = truth_line(server.state.ground_truth(), "discontinued")["purchase_order_number"]
    assert order_state(api, number) == "New"

    status = transaction(api, submit(api, ACKNOWLEDGEMENTS, acknowledge_all(server.state.scenario, number)))
    items = api.get(STATUS, params={"purchaseOrderNumber": number}).json()["payload"]["ordersStatus"][0]["itemStatus"]

    assert status["status"] == "Success"
    assert "errors" not in status
    assert order_state(api, number) == "Acknowledged"
    assert {item["acknowledgementStatus"]["confirmationStatus"] for item in items} == {"ACCEPTED"}


def test_partial_acknowledgement_is_partially_accepted(api, server):
    line = truth_line(server.state.ground_truth(), "unknown_asin")
    amount = line["ordered_amount"]
    item = acknowledged_item(line["item_sequence_number"], line["asin"], line["ordered_unit_of_measure"], line["ordered_unit_size"], amount)
    if amount > 1:
        item["itemAcknowledgements"] = [
            {"acknowledgementCode": "Accepted", "acknowledgedQuantity": {**item["orderedQuantity"], "amount": amount - 1}},
            {"acknowledgementCode": "Rejected", "acknowledgedQuantity": {**item["orderedQuantity"], "amount": 1}, "rejectionReason": "InvalidProductIdentifier"},
        ]

    status = transaction(api, submit(api, ACKNOWLEDGEMENTS, acknowledgement(line["purchase_order_number"], [item])))
    after = truth_of(server, line["purchase_order_number"], line["item_sequence_number"])

    assert status["status"] == "Success"
    assert after["accepted_eaches"] + after["rejected_eaches"] == line["ordered_eaches"]
    assert after["rejected_eaches"] == (line["ordered_unit_size"] if amount > 1 else 0)


def test_acknowledgement_of_unknown_po_fails(api):
    body = acknowledgement("NOSUCHPO", [acknowledged_item("1", "B000000000", "Eaches", 1, 5)])

    status = transaction(api, submit(api, ACKNOWLEDGEMENTS, body))

    assert status["status"] == "Failure"
    assert error_codes(status) == ["INVALID_ORDER_ID"]
    assert "NOSUCHPO" in status["errors"][0]["message"]


def test_acknowledgement_above_changed_quantity_fails(api, server):
    scenario = server.state.scenario
    number = truth_line(server.state.ground_truth(), "changed_po")["purchase_order_number"]
    changed = next(line for line in scenario.orders[number].lines if line.ordered_amount_before_change is not None)
    item = acknowledged_item(changed.item_sequence_number, changed.asin, "Cases", changed.unit_size, 12)

    status = transaction(api, submit(api, ACKNOWLEDGEMENTS, acknowledgement(number, [item])))

    assert status["status"] == "Failure"
    assert error_codes(status) == ["QUANTITY_EXCEEDS_ORDERED"]
    assert f"{12 * changed.unit_size} eaches acknowledged but {8 * changed.unit_size} ordered" in status["errors"][0]["message"]
    assert order_state(api, number) == "New"


def test_zero_quantity_acknowledgement_fails(api, server):
    line = truth_line(server.state.ground_truth(), "unknown_asin")
    item = acknowledged_item(line["item_sequence_number"], line["asin"], "Eaches", 1, 0)

    status = transaction(api, submit(api, ACKNOWLEDGEMENTS, acknowledgement(line["purchase_order_number"], [item])))

    assert error_codes(status) == ["QUANTITY_NOT_POSITIVE"]


def test_asn_receives_recent_shipment_one_case_short(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    shipment = shipment_of(server, line)
    assert (line["ordered_unit_size"], line["shipped_eaches"], line["received_eaches"]) == (12, 72, 0)

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment)))
    after = truth_of(server, line["purchase_order_number"], line["item_sequence_number"])
    others = [
        truth_of(server, number, sequence)
        for number, sequence in shipment.eaches_by_line()
        if sequence != line["item_sequence_number"]
    ]

    assert status["status"] == "Success"
    assert after["received_eaches"] == 60
    assert after["receive_status"] == "PARTIALLY_RECEIVED"
    assert all(other["received_eaches"] == other["shipped_eaches"] for other in others)
    assert order_state(api, line["purchase_order_number"]) == "Acknowledged"


def test_asn_of_complete_shipment_closes_po(api, server):
    truth = server.state.ground_truth()
    short_po = truth_line(truth, "recent_shipment_short")["purchase_order_number"]
    mismatch_pos = {key["purchase_order_number"] for key in truth["tags"]["price_mismatch"]}
    shipment = next(
        server.state.scenario.shipments[index]
        for index, entry in enumerate(truth["shipments"])
        if not entry["asn_submitted"] and {l["purchase_order_number"] for l in entry["lines"]}.isdisjoint(mismatch_pos | {short_po})
    )
    number = shipment.contents[0].purchase_order_number

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment)))
    statuses = api.get(STATUS, params={"purchaseOrderNumber": number}).json()["payload"]["ordersStatus"][0]

    assert status["status"] == "Success"
    assert order_state(api, number) == "Closed"
    assert statuses["purchaseOrderStatus"] == "CLOSED"
    assert {item["receivingStatus"]["receiveStatus"] for item in statuses["itemStatus"]} == {"RECEIVED"}


def test_asn_reusing_historical_shipment_id_fails(api, server):
    shipment = next(s for s in server.state.scenario.shipments if s.asn_submitted_at is not None)

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment)))

    assert status["status"] == "Failure"
    assert "DUPLICATE_SHIPMENT_ID" in error_codes(status)


def test_duplicate_original_fails_and_replace_succeeds(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    shipment = shipment_of(server, line)

    first = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment)))
    again = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment)))
    replace = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, shipment_confirmation(shipment, confirmation_type="Replace")))
    after = truth_of(server, line["purchase_order_number"], line["item_sequence_number"])

    assert first["status"] == "Success"
    assert error_codes(again) == ["DUPLICATE_SHIPMENT_ID"]
    assert replace["status"] == "Success"
    assert after["received_eaches"] == 60  # a Replace is not received a second time


def test_replace_of_unknown_shipment_fails(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    body = shipment_confirmation(shipment_of(server, line), identifier="NEVER-SENT-1", confirmation_type="Replace")

    assert error_codes(transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))) == ["SHIPMENT_NOT_FOUND"]


def test_asn_with_future_ship_date_fails(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    body = shipment_confirmation(shipment_of(server, line), shipped_date="2026-12-07T10:00:00Z")

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))

    assert error_codes(status) == ["SHIP_DATE_IN_FUTURE"]
    assert truth_of(server, line["purchase_order_number"], line["item_sequence_number"])["received_eaches"] == 0


def test_asn_above_ordered_quantity_fails(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    body = shipment_confirmation(shipment_of(server, line), identifier="ACRN-TEST-OVER")
    for item in body["shipmentConfirmations"][0]["shippedItems"]:
        item["shippedQuantity"]["amount"] += 1

    assert "QUANTITY_EXCEEDS_ORDERED" in error_codes(transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body)))


def recent_palletised_asn(server) -> tuple[dict, dict]:
    """The recent short line, whose shipment is palletised and whose ASIN is perishable, and that shipment's ASN."""
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    return line, shipment_confirmation(shipment_of(server, line))


def test_palletised_asn_with_lots_succeeds(api, server):
    _line, body = recent_palletised_asn(server)
    confirmation = body["shipmentConfirmations"][0]
    lots = [entry["itemDetails"] for carton in confirmation["cartons"] for entry in carton["items"] if "itemDetails" in entry]

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))

    assert len(confirmation["pallets"]) >= 2
    assert lots
    assert all(details["lotNumber"] and details["expiry"]["expiryDate"] for details in lots)
    assert status["status"] == "Success"


def test_asn_with_bad_pallet_sscc_fails(api, server):
    _line, body = recent_palletised_asn(server)
    identifier = body["shipmentConfirmations"][0]["pallets"][0]["palletIdentifiers"][0]
    number = identifier["containerIdentificationNumber"]
    identifier["containerIdentificationNumber"] = number[:17] + str((int(number[17]) + 1) % 10)

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))

    assert error_codes(status) == ["INVALID_SSCC"]
    assert status["errors"][0]["details"] == "shipmentConfirmations[0].pallets[0].palletIdentifiers[0]"


def test_asn_with_carton_on_two_pallets_fails(api, server):
    _line, body = recent_palletised_asn(server)
    pallets = body["shipmentConfirmations"][0]["pallets"]
    pallets[1]["cartonReferenceDetails"]["cartonReferenceNumbers"].append("001")

    assert error_codes(transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))) == ["CARTON_ON_SEVERAL_PALLETS"]


def test_pallet_naming_unknown_carton_fails(api, server):
    _line, body = recent_palletised_asn(server)
    body["shipmentConfirmations"][0]["pallets"][0]["cartonReferenceDetails"]["cartonReferenceNumbers"].append("999")

    assert error_codes(transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))) == ["INVALID_CARTON_REFERENCE"]


def test_perishable_without_lot_fails(api, server):
    line, body = recent_palletised_asn(server)
    for carton in body["shipmentConfirmations"][0]["cartons"]:
        for entry in carton["items"]:
            entry.pop("itemDetails", None)

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))

    assert "MISSING_LOT_OR_EXPIRY" in error_codes(status)
    assert set(error_codes(status)) == {"MISSING_LOT_OR_EXPIRY"}
    assert f"(ASIN {line['asin']}) is perishable" in " ".join(error["message"] for error in status["errors"])
    assert truth_of(server, line["purchase_order_number"], line["item_sequence_number"])["received_eaches"] == 0


def test_expiry_on_ship_day_fails(api, server):
    _line, body = recent_palletised_asn(server)
    shipped_day = body["shipmentConfirmations"][0]["shippedDate"][:10]
    for carton in body["shipmentConfirmations"][0]["cartons"]:
        for entry in carton["items"]:
            if "itemDetails" in entry:
                entry["itemDetails"]["expiry"]["expiryDate"] = f"{shipped_day}T23:00:00Z"

    status = transaction(api, submit(api, SHIPMENT_CONFIRMATIONS, body))

    assert set(error_codes(status)) == {"EXPIRY_NOT_AFTER_SHIP_DATE"}


def test_invoice_at_po_cost_succeeds_without_changing_po(api, server):
    line = truth_line(server.state.ground_truth(), "short_receipt")
    state_before = order_state(api, line["purchase_order_number"])
    body = invoice("INV-1001", [(line["purchase_order_number"], line["asin"], 115, line["net_cost_amount"])])

    status = transaction(api, submit(api, INVOICES, body))

    assert status["status"] == "Success"
    assert truth_of(server, line["purchase_order_number"], line["item_sequence_number"])["invoiced_eaches"] == 115
    assert order_state(api, line["purchase_order_number"]) == state_before


def test_invoice_at_catalogue_cost_fails(api, server):
    line = truth_line(server.state.ground_truth(), "price_mismatch")
    body = invoice("INV-1002", [(line["purchase_order_number"], line["asin"], 1, "8.75")])

    status = transaction(api, submit(api, INVOICES, body))

    assert status["status"] == "Failure"
    assert error_codes(status) == ["NET_COST_MISMATCH"]
    assert "netCost 8.75 USD differs from PO" in status["errors"][0]["message"]
    assert "netCost 8.50 USD" in status["errors"][0]["message"]


def test_duplicate_invoice_id_fails(api, server):
    line = truth_line(server.state.ground_truth(), "cancelled")
    body = invoice("INV-1003", [(line["purchase_order_number"], line["asin"], 10, line["net_cost_amount"])])

    first = transaction(api, submit(api, INVOICES, body))
    second = transaction(api, submit(api, INVOICES, body))

    assert first["status"] == "Success"
    assert error_codes(second) == ["DUPLICATE_INVOICE_ID"]
    assert truth_of(server, line["purchase_order_number"], line["item_sequence_number"])["invoiced_eaches"] == 10


def test_invoice_above_ordered_quantity_fails(api, server):
    line = truth_line(server.state.ground_truth(), "cancelled")  # 48 ordered, 12 cancelled: 36 may be invoiced
    body = invoice("INV-1004", [(line["purchase_order_number"], line["asin"], 37, line["net_cost_amount"])])

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["QUANTITY_EXCEEDS_ORDERED"]


def test_invoice_for_unknown_po_fails(api):
    body = invoice("INV-1005", [("NOSUCHPO", "B000000000", 1, "1.00")])

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["INVALID_ORDER_ID"]


def test_invoice_total_mismatch_fails(api, server):
    line = truth_line(server.state.ground_truth(), "short_receipt")
    body = invoice("INV-1006", [(line["purchase_order_number"], line["asin"], 2, line["net_cost_amount"])], total="1.00")

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["INVOICE_TOTAL_MISMATCH"]


def invoiced_line(api, server, invoice_id: str, eaches: int) -> dict:
    """Invoice `eaches` of the cancelled line (36 may be invoiced) at its PO cost, and return the line."""
    line = truth_line(server.state.ground_truth(), "cancelled")
    body = invoice(invoice_id, [(line["purchase_order_number"], line["asin"], eaches, line["net_cost_amount"])])
    assert transaction(api, submit(api, INVOICES, body))["status"] == "Success"
    return line


def test_credit_note_with_tax_succeeds(api, server):
    line = invoiced_line(api, server, "INV-2001", 30)
    # 10 eaches × 0.50 = 5.00; VAT 19 % = 0.95; total 5.95
    body = credit_note("CN-2001", "INV-2001", [(line["purchase_order_number"], line["asin"], 10, "0.50")], tax_rate="0.19")

    status = transaction(api, submit(api, INVOICES, body))

    assert body["invoices"][0]["invoiceTotal"]["amount"] == "5.95"
    assert status["status"] == "Success"
    assert truth_of(server, line["purchase_order_number"], line["item_sequence_number"])["invoiced_eaches"] == 30


def test_credit_note_total_is_checked(api, server):
    line = invoiced_line(api, server, "INV-2002", 30)
    body = credit_note(
        "CN-2002", "INV-2002", [(line["purchase_order_number"], line["asin"], 10, "0.50")], tax_rate="0.19", total="5.00"
    )

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["INVOICE_TOTAL_MISMATCH"]


def test_credit_note_for_unknown_invoice_fails(api, server):
    line = truth_line(server.state.ground_truth(), "cancelled")
    body = credit_note("CN-2003", "INV-NEVER", [(line["purchase_order_number"], line["asin"], 1, "0.50")])

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["REFERENCED_INVOICE_NOT_FOUND"]


def test_credit_note_without_reference_fails(api, server):
    line = truth_line(server.state.ground_truth(), "cancelled")
    body = credit_note("CN-2004", None, [(line["purchase_order_number"], line["asin"], 1, "0.50")])

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["INVOICE_REFERENCE_MISSING"]


def test_returns_beyond_invoiced_fail(api, server):
    line = invoiced_line(api, server, "INV-2005", 30)
    key = (line["purchase_order_number"], line["asin"])
    returns = ("RN-1", "2026-12-03T00:00:00Z")
    first = credit_note("CN-2005", "INV-2005", [(*key, 25, line["net_cost_amount"])], returns=returns)
    second = credit_note("CN-2006", "INV-2005", [(*key, 6, line["net_cost_amount"])], returns=returns)
    # A price correction of all 30 eaches still fits beside the 25 returned: they are counted apart.
    correction = credit_note("CN-2007", "INV-2005", [(*key, 30, "0.01")])

    assert transaction(api, submit(api, INVOICES, first))["status"] == "Success"
    assert error_codes(transaction(api, submit(api, INVOICES, second))) == ["CREDIT_EXCEEDS_INVOICED"]
    assert transaction(api, submit(api, INVOICES, correction))["status"] == "Success"


def test_credit_above_billed_cost_fails(api, server):
    line = invoiced_line(api, server, "INV-2008", 30)
    cost = f"{Decimal(line['net_cost_amount']) + Decimal('0.01')}"
    body = credit_note("CN-2008", "INV-2008", [(line["purchase_order_number"], line["asin"], 1, cost)])

    status = transaction(api, submit(api, INVOICES, body))

    assert error_codes(status) == ["CREDIT_EXCEEDS_INVOICED"]
    assert status["errors"][0]["details"] == "invoices[0].items[0].netCost"


def test_return_without_date_fails(api, server):
    line = invoiced_line(api, server, "INV-2009", 30)
    body = credit_note("CN-2009", "INV-2009", [(line["purchase_order_number"], line["asin"], 1, "0.50")])
    body["invoices"][0]["items"][0]["creditNoteDetails"]["returnsReferenceNumber"] = "RN-9"

    assert error_codes(transaction(api, submit(api, INVOICES, body))) == ["RETURN_DETAILS_MISSING"]


def test_schema_error_names_the_path(api, server):
    line = truth_line(server.state.ground_truth(), "short_receipt")
    body = invoice("INV-1007", [(line["purchase_order_number"], line["asin"], 2, "8.50")])
    body["invoices"][0]["items"][0]["netCost"]["amount"] = "8,50"

    response = api.post(INVOICES, json=body)
    errors = response.json()["errors"]

    assert response.status_code == 400
    assert [error["code"] for error in errors] == ["InvalidInput"]
    assert errors[0]["details"] == "invoices[0].items[0].netCost.amount"
    assert "'8,50' is not a decimal string" in errors[0]["message"]


def test_missing_required_field_is_rejected(api, server):
    line = truth_line(server.state.ground_truth(), "recent_shipment_short")
    body = shipment_confirmation(shipment_of(server, line))
    del body["shipmentConfirmations"][0]["shipToParty"]

    response = api.post(SHIPMENT_CONFIRMATIONS, json=body)

    assert response.status_code == 400
    assert "'shipToParty' is a required property" in response.json()["errors"][0]["message"]


def test_unknown_field_is_rejected(api, server):
    number = truth_line(server.state.ground_truth(), "discontinued")["purchase_order_number"]
    body = acknowledge_all(server.state.scenario, number)
    body["acknowledgements"][0]["purchaseOrderNumer"] = number

    response = api.post(ACKNOWLEDGEMENTS, json=body)

    assert response.status_code == 400
    assert "purchaseOrderNumer" in response.json()["errors"][0]["message"]


def test_transaction_stays_processing_until_due(start_server):
    server = start_server(processing_seconds=3600)
    number = truth_line(server.state.ground_truth(), "discontinued")["purchase_order_number"]
    with client_for(server) as api:
        status = transaction(api, submit(api, ACKNOWLEDGEMENTS, acknowledge_all(server.state.scenario, number)))
        state = order_state(api, number)

    assert status == {"transactionId": status["transactionId"], "status": "Processing"}
    assert state == "New"


def test_unknown_transaction_is_not_found(api):
    response = api.get("/vendor/transactions/v1/transactions/20261204080000-00000000-0000-0000-0000-000000000000")

    assert response.status_code == 404


def test_submissions_list_every_document(api, server):
    number = truth_line(server.state.ground_truth(), "discontinued")["purchase_order_number"]
    good = submit(api, ACKNOWLEDGEMENTS, acknowledge_all(server.state.scenario, number))
    bad = submit(api, INVOICES, invoice("INV-2001", [("NOSUCHPO", "B000000000", 1, "1.00")]))

    submissions = api.get("/_sandbox/submissions").json()["submissions"]

    assert [(s["kind"], s["business_id"], s["transaction_id"], s["verdict"]) for s in submissions] == [
        ("acknowledgement", number, good, "Success"),
        ("invoice", "INV-2001", bad, "Failure"),
    ]
    assert [error["code"] for error in submissions[1]["errors"]] == ["INVALID_ORDER_ID"]
    assert submissions[0]["received_at"].endswith("Z")


@pytest.mark.parametrize("code", sorted(TRANSACTION_ERROR_CODES))
def test_error_codes_are_upper_snake_case(code):
    assert re.fullmatch(r"[A-Z]+(_[A-Z]+)*", code)
    assert TRANSACTION_ERROR_CODES[code].endswith(".")
