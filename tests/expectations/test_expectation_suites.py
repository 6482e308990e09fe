"""Each suite passes good rows and fails bad rows on exactly the expectation that was broken."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from expectation_rows import (
    SSCC_A,
    SSCC_B,
    acknowledgement_line,
    invoice,
    invoice_line,
    purchase_order_item,
    shipment_confirmation,
    shipment_line,
    vendor_shipment,
)

from expectations import SUITES, ValidationOutcome, validate_table
from expectations.suites import outbound_shipment_confirmations_suite

ACK = "analytics.outbound_acknowledgement_lines"
ASN = "analytics.outbound_shipment_confirmations"
ASN_LINES = "analytics.outbound_shipment_lines"
INVOICES = "analytics.outbound_invoices"
INVOICE_LINES = "analytics.outbound_invoice_lines"
PO_ITEMS = "raw_vendor.purchase_order_items"
VENDOR_SHIPMENTS = "raw_vendor.vendor_shipments"


def failed_descriptions(outcome: ValidationOutcome) -> set[str]:
    return {failed.description or failed.name for failed in outcome.failed_expectations}


def validate(warehouse, write, table, rows) -> ValidationOutcome:
    write(table, rows)
    return validate_table(warehouse, table)


# --- acknowledgement lines ---------------------------------------------------------------


def good_acknowledgement_lines():
    return [
        acknowledgement_line(),
        # 100 eaches acknowledged against 10 cases of 12 (120 eaches) ordered.
        acknowledgement_line(
            item_sequence_number="2",
            acknowledgement_code="Backordered",
            acknowledged_quantity_amount=100,
            acknowledged_quantity_unit_of_measure="Eaches",
            acknowledged_quantity_unit_size=1,
        ),
        acknowledgement_line(
            item_sequence_number="3",
            acknowledgement_code="Rejected",
            rejection_reason="ObsoleteProduct",
        ),
    ]


def test_acknowledgement_suite_passes_good_lines(warehouse, write):
    outcome = validate(warehouse, write, ACK, good_acknowledgement_lines())

    assert outcome.success, outcome.failed_expectations
    assert outcome.row_count == 3
    assert outcome.blocking is True
    assert outcome.failed_rows == []
    # 4 keys present (account, PO, item, code) + keys unique + 7 line checks
    assert outcome.evaluated_expectations == 12


def test_shipment_line_of_unknown_po_line_passes(warehouse, write):
    # The ASN check puts that shipment on hold with its reason, so the suite does not stop every ASN.
    lines = [shipment_line(), shipment_line(carton_id=SSCC_B, purchase_order_number="NOTLOADED", accepted_eaches=None)]

    outcome = validate(warehouse, write, ASN_LINES, lines)

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize(
    ("broken_line", "expected_failure"),
    [
        (
            acknowledgement_line(item_sequence_number="2", acknowledged_quantity_amount=0),
            "acknowledged quantity must be greater than 0",
        ),
        (
            # 130 eaches acknowledged, 120 ordered
            acknowledgement_line(
                item_sequence_number="2",
                acknowledged_quantity_amount=130,
                acknowledged_quantity_unit_of_measure="Eaches",
                acknowledged_quantity_unit_size=1,
            ),
            "acknowledged eaches must not exceed ordered eaches",
        ),
        (
            acknowledgement_line(item_sequence_number="2", acknowledgement_code="Confirmed"),
            "acknowledgement_code must be Accepted, Rejected or Backordered",
        ),
        (
            acknowledgement_line(
                item_sequence_number="2",
                acknowledgement_code="Rejected",
                rejection_reason="OutOfStock",
            ),
            "rejection_reason must be one of Amazon's rejection reasons",
        ),
        (
            acknowledgement_line(item_sequence_number="2", acknowledgement_code="Rejected"),
            "a Rejected line must have a rejection_reason",
        ),
        (
            acknowledgement_line(
                item_sequence_number="2", rejection_reason="TemporarilyUnavailable"
            ),
            "only a Rejected line may have a rejection_reason",
        ),
        (
            acknowledgement_line(item_sequence_number="2", net_cost_amount=Decimal("0")),
            "net cost must be greater than 0",
        ),
    ],
)
def test_acknowledgement_suite_fails_broken_line(
    warehouse, write, broken_line, expected_failure
):
    outcome = validate(warehouse, write, ACK, [acknowledgement_line(), broken_line])

    assert not outcome.success
    assert failed_descriptions(outcome) == {expected_failure}
    assert len(outcome.failed_rows) == 1
    failed_row = outcome.failed_rows[0]
    assert failed_row["purchase_order_number"] == "2JK3S9VC"
    assert failed_row["item_sequence_number"] == "2"
    assert failed_row["failed_expectation"] == expected_failure


def test_acknowledgement_suite_names_duplicate_keys(warehouse, write):
    lines = [acknowledgement_line(), acknowledgement_line(item_sequence_number="2")]
    lines.append(acknowledgement_line())

    outcome = validate(warehouse, write, ACK, lines)

    assert failed_descriptions(outcome) == {
        "(account, purchase_order_number, item_sequence_number, acknowledgement_code) must be unique"
    }
    assert outcome.failed_expectations[0].unexpected_count == 2
    named = {(row["purchase_order_number"], row["item_sequence_number"]) for row in outcome.failed_rows}
    assert named == {("2JK3S9VC", "1")}


def test_acknowledgement_suite_allows_split_line(warehouse, write):
    # 6 of the 10 cases Accepted, 4 Backordered: two rows of one line.
    lines = [
        acknowledgement_line(acknowledged_quantity_amount=6),
        acknowledgement_line(acknowledgement_code="Backordered", acknowledged_quantity_amount=4),
    ]

    outcome = validate(warehouse, write, ACK, lines)

    assert outcome.success, outcome.failed_expectations


# --- shipment confirmations --------------------------------------------------------------


def test_shipment_confirmation_suite_passes_good_header(warehouse, write):
    outcome = validate(
        warehouse,
        write,
        ASN,
        [shipment_confirmation(), shipment_confirmation(shipment_id="ACRN-SHP-0002")],
    )

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize(
    ("broken_header", "expected_failure"),
    [
        (
            shipment_confirmation(
                shipment_id="ACRN-SHP-0002", ship_date=datetime(2999, 1, 1, tzinfo=UTC)
            ),
            "ship_date must not be in the future",
        ),
        (
            shipment_confirmation(shipment_id="ACRN-SHP-0002", carton_count=0),
            "carton count must be greater than 0",
        ),
        (shipment_confirmation(), "(account, shipment_id) must be unique"),
    ],
)
def test_shipment_confirmation_suite_fails_broken_header(
    warehouse, write, broken_header, expected_failure
):
    outcome = validate(warehouse, write, ASN, [shipment_confirmation(), broken_header])

    assert failed_descriptions(outcome) == {expected_failure}
    assert {row["shipment_id"] for row in outcome.failed_rows} == {broken_header["shipment_id"]}


def test_shipment_confirmation_suite_takes_now():
    suite = outbound_shipment_confirmations_suite(now=datetime(2026, 3, 1, tzinfo=UTC))

    ship_date_check = next(
        expectation
        for expectation in suite.expectations
        if getattr(expectation, "column", None) == "ship_date"
    )
    assert ship_date_check.max_value == datetime(2026, 3, 1, tzinfo=UTC)


# --- shipment lines ----------------------------------------------------------------------


def test_shipment_line_suite_passes_good_lines(warehouse, write):
    lines = [shipment_line(), shipment_line(carton_id=SSCC_B)]

    outcome = validate(warehouse, write, ASN_LINES, lines)

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize(
    ("broken_line", "expected_failure"),
    [
        (
            shipment_line(carton_id=SSCC_B, shipped_quantity_amount=0, shipped_eaches=0),
            "shipped quantity must be greater than 0",
        ),
        (
            # 10 cases of 12 = 120 eaches in this carton, 96 accepted
            shipment_line(
                carton_id=SSCC_B, shipped_quantity_amount=10, shipped_eaches=120, accepted_eaches=96
            ),
            "shipped eaches must not exceed accepted eaches",
        ),
        (
            shipment_line(carton_id="10614141123456789"),
            "carton_id must be an 18-digit SSCC",
        ),
        (
            shipment_line(carton_id="106141411234567890"),
            "carton_id must end in a valid GS1 check digit",
        ),
    ],
)
def test_shipment_line_suite_fails_broken_line(warehouse, write, broken_line, expected_failure):
    good = shipment_line(accepted_eaches=broken_line["accepted_eaches"])

    outcome = validate(warehouse, write, ASN_LINES, [good, broken_line])

    assert failed_descriptions(outcome) == {expected_failure}
    assert len(outcome.failed_rows) == 1
    assert outcome.failed_rows[0]["carton_id"] == broken_line["carton_id"]
    assert outcome.failed_rows[0]["purchase_order_number"] == "2JK3S9VC"
    assert outcome.failed_rows[0]["shipment_id"] == "ACRN-SHP-0001"


def test_shipment_line_suite_names_duplicate_keys(warehouse, write):
    outcome = validate(warehouse, write, ASN_LINES, [shipment_line(), shipment_line()])

    assert failed_descriptions(outcome) == {
        "(account, shipment_id, carton_id, purchase_order_number, item_sequence_number) must be unique"
    }


# --- invoices ----------------------------------------------------------------------------


def test_invoice_suite_passes_good_invoice(warehouse, write):
    outcome = validate(warehouse, write, INVOICES, [invoice()])

    assert outcome.success, outcome.failed_expectations


def test_invoice_suite_sums_money_exactly(warehouse, write):
    # In binary floating point 0.10 + 0.20 != 0.30; in DECIMAL it is equal.
    exact = invoice(
        line_total_amount=Decimal("0.10"),
        tax_total_amount=Decimal("0.20"),
        charge_total_amount=Decimal("0"),
        allowance_total_amount=Decimal("0"),
        invoice_total_amount=Decimal("0.30"),
    )

    outcome = validate(warehouse, write, INVOICES, [exact])

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize(
    ("broken_invoice", "expected_failures"),
    [
        (
            invoice(invoice_id="INV-0002", invoice_total_amount=Decimal("295.13")),
            {"invoice_total_amount must equal line total + tax + charges - allowances to the cent"},
        ),
        (
            # 264.00 + 21.12 + 15.00 - (-5.00) = 305.12, so only the sign is wrong
            invoice(
                invoice_id="INV-0002",
                allowance_total_amount=Decimal("-5.00"),
                invoice_total_amount=Decimal("305.12"),
            ),
            {"allowance_total_amount must not be negative"},
        ),
        (
            invoice(invoice_id="INV-0002", tax_total_amount=None),
            {
                "tax_total_amount must be present",
                "invoice_total_amount must equal line total + tax + charges - allowances to the cent",
            },
        ),
        (invoice(), {"(account, invoice_id) must be unique"}),
    ],
)
def test_invoice_suite_fails_broken_invoice(warehouse, write, broken_invoice, expected_failures):
    outcome = validate(warehouse, write, INVOICES, [invoice(), broken_invoice])

    assert failed_descriptions(outcome) == expected_failures
    assert {row["invoice_id"] for row in outcome.failed_rows} == {broken_invoice["invoice_id"]}
    assert {row["purchase_order_number"] for row in outcome.failed_rows} == {"2JK3S9VC"}


def test_invoice_suite_reports_both_totals(warehouse, write):
    outcome = validate(
        warehouse, write, INVOICES, [invoice(invoice_total_amount=Decimal("295.13"))]
    )

    failed_row = outcome.failed_rows[0]
    assert failed_row["computed_invoice_total_cents"] == "295.13"
    assert failed_row["computed_components_total_cents"] == "295.12"


# --- invoice lines -----------------------------------------------------------------------


def test_invoice_line_suite_passes_good_lines(warehouse, write):
    lines = [
        invoice_line(),
        # 24 eaches × 4.255 = 102.12, held for a price the PO does not carry
        invoice_line(
            invoice_line_number=2,
            item_sequence_number="2",
            invoiced_quantity_amount=24,
            invoiced_quantity_unit_of_measure="Eaches",
            invoiced_quantity_unit_size=1,
            invoiced_eaches=24,
            net_cost_amount=Decimal("4.255"),
            po_net_cost_amount=Decimal("4.25"),
            line_amount=Decimal("102.12"),
            hold_reason="net cost differs from the PO",
        ),
    ]

    outcome = validate(warehouse, write, INVOICE_LINES, lines)

    assert outcome.success, outcome.failed_expectations


@pytest.mark.parametrize(
    ("broken_line", "expected_failure"),
    [
        (
            invoice_line(invoice_line_number=2, invoiced_quantity_amount=0),
            "invoiced quantity must be greater than 0",
        ),
        (
            invoice_line(invoice_line_number=2, line_amount=Decimal("101.99")),
            "line_amount must equal invoiced_eaches × net_cost_amount to the cent",
        ),
        (
            # 12 × 8.40 = 100.80 keeps the line arithmetic right; only the cost differs
            invoice_line(
                invoice_line_number=2,
                net_cost_amount=Decimal("8.40"),
                line_amount=Decimal("100.80"),
            ),
            "net_cost_amount must equal the PO's net cost unless the line is held",
        ),
        (invoice_line(), "(account, invoice_id, invoice_line_number) must be unique"),
    ],
)
def test_invoice_line_suite_fails_broken_line(warehouse, write, broken_line, expected_failure):
    outcome = validate(warehouse, write, INVOICE_LINES, [invoice_line(), broken_line])

    assert failed_descriptions(outcome) == {expected_failure}
    named = {(row["invoice_id"], row["invoice_line_number"]) for row in outcome.failed_rows}
    assert named == {("INV-0001", broken_line["invoice_line_number"])}


# --- raw feeds ---------------------------------------------------------------------------


def test_raw_suites_warn_and_outbound_suites_block():
    blocking = {table: spec.blocking for table, spec in SUITES.items()}

    assert blocking == {
        ACK: True,
        ASN: True,
        ASN_LINES: True,
        INVOICES: True,
        INVOICE_LINES: True,
        "raw_vendor.purchase_orders": False,
        PO_ITEMS: False,
        "raw_vendor.purchase_order_status": False,
        "raw_vendor.purchase_order_status_items": False,
        "raw_vendor.vendor_forecasts": False,
        "raw_vendor.vendor_inventory": False,
        VENDOR_SHIPMENTS: False,
        "raw_vendor.vendor_stock": False,
        "raw_vendor.vendor_catalogue": False,
        "raw_vendor.vendor_traffic": False,
        "raw_vendor.vendor_net_pure_product_margin": False,
        "raw_vendor.vendor_real_time_inventory": False,
    }


def test_purchase_order_item_suite_passes_good_items(warehouse, write):
    items = [
        purchase_order_item(),
        purchase_order_item(
            item_sequence_number="2",
            ordered_quantity_amount=0,
            list_price_amount=None,
            list_price_currency_code=None,
        ),
    ]

    outcome = validate(warehouse, write, PO_ITEMS, items)

    assert outcome.success, outcome.failed_expectations
    assert outcome.blocking is False


@pytest.mark.parametrize(
    ("broken_item", "expected_failure"),
    [
        (purchase_order_item(item_sequence_number=None), "item_sequence_number must be present"),
        (
            purchase_order_item(item_sequence_number="2", ordered_quantity_amount=-1),
            "ordered quantity must not be negative",
        ),
        (
            purchase_order_item(item_sequence_number="2", ordered_quantity_unit_of_measure="CASES"),
            "ordered_quantity_unit_of_measure must be Cases or Eaches",
        ),
        (
            purchase_order_item(item_sequence_number="2", net_cost_currency_code="usd"),
            "net_cost_currency_code must be 3 upper-case letters",
        ),
        (
            purchase_order_item(item_sequence_number="2", list_price_currency_code="US"),
            "list_price_currency_code must be 3 upper-case letters",
        ),
        (purchase_order_item(), "(account, purchase_order_number, item_sequence_number) must be unique"),
    ],
)
def test_purchase_order_item_suite_fails_broken_item(
    warehouse, write, broken_item, expected_failure
):
    outcome = validate(warehouse, write, PO_ITEMS, [purchase_order_item(), broken_item])

    assert failed_descriptions(outcome) == {expected_failure}
    assert {row["purchase_order_number"] for row in outcome.failed_rows} == {"2JK3S9VC"}


@pytest.mark.parametrize(
    ("broken_row", "expected_failure"),
    [
        (vendor_shipment(carton_id="1061414112345678"), "carton_id must be an 18-digit SSCC"),
        (
            vendor_shipment(carton_id="123456789012345670"),
            "carton_id must end in a valid GS1 check digit",
        ),
        (vendor_shipment(carton_id=SSCC_B, quantity=0), "shipped quantity must be greater than 0"),
    ],
)
def test_vendor_shipment_suite_fails_broken_row(warehouse, write, broken_row, expected_failure):
    outcome = validate(warehouse, write, VENDOR_SHIPMENTS, [vendor_shipment(), broken_row])

    assert failed_descriptions(outcome) == {expected_failure}
    assert [row["carton_id"] for row in outcome.failed_rows] == [broken_row["carton_id"]]
