"""Credit notes from the inbox: the payload and its tax to the cent, the rules that hold one, the
ledger that sends each once, and the X12 810.

The original invoice INV-2026-0009 (PO 2JK3S9VC, EUR, 19 % VAT), worked out by hand:
- line 1: ASIN B07DFVDRAB, 2 Cases of 12 = 24 eaches at 8.50 = 204.00, VAT 38.76;
- line 2: ASIN B07ZPKN6YR, 24 Eaches at 4.35 = 104.40, VAT 19.836, rounded 19.84;
- lines 308.40 + VAT 58.60 = 367.00.
"""

import itertools
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.outbound import edi, payloads
from orchestration.outbound.credit_notes import CreditNoteFileError, plan_credit_notes, read_credit_notes
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import CREDIT_NOTE, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_payloads import assert_matches_amazon_schema  # noqa: E402

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
INVOICE = "INV-2026-0009"
HEADER = (
    "credit_note_number,credit_note_date,original_invoice_number,purchase_order_number,asin,quantity,"
    "unit_of_measure,unit_size,unit_cost,reason,returns_reference_number,goods_return_date\n"
)
# CN-1 returns 5 of the 24 eaches of line 2. CN-2 corrects the price of all 24 eaches of line 1
# by 0.20 and of 19 eaches of line 2 by 0.15.
GOOD_NOTES = (
    f"CN-1,2026-03-10,{INVOICE},2JK3S9VC,B07ZPKN6YR,5,Eaches,1,4.35,Return,RN-7781,2026-03-08\n"
    f"CN-2,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,2,Cases,12,0.20,Correction,,\n"
    f"CN-2,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,19,Eaches,,0.15,Correction,,\n"
)


def original_invoice() -> dict:
    header = {
        "invoice_id": INVOICE,
        "invoice_type": "Invoice",
        "invoice_date": date(2026, 3, 3),
        "selling_party_id": "ACRN1",
        "bill_to_party_id": "AMZN-DE",
        "ship_to_party_id": "DUS2",
        "currency_code": "EUR",
        "line_total_amount": Decimal("308.40"),
        "tax_total_amount": Decimal("58.60"),
        "charge_total_amount": Decimal("0"),
        "allowance_total_amount": Decimal("0"),
        "invoice_total_amount": Decimal("367.00"),
    }
    common = {"invoice_id": INVOICE, "purchase_order_number": "2JK3S9VC", "net_cost_currency_code": "EUR", "tax_rate": Decimal("0.19")}
    lines = [
        {
            **common,
            "invoice_line_number": 1,
            "amazon_product_identifier": "B07DFVDRAB",
            "vendor_product_identifier": "8806098286500",
            "invoiced_quantity_amount": 2,
            "invoiced_quantity_unit_of_measure": "Cases",
            "invoiced_quantity_unit_size": 12,
            "net_cost_amount": Decimal("8.50"),
            "tax_amount": Decimal("38.76"),
        },
        {
            **common,
            "invoice_line_number": 2,
            "amazon_product_identifier": "B07ZPKN6YR",
            "vendor_product_identifier": "8806098286517",
            "invoiced_quantity_amount": 24,
            "invoiced_quantity_unit_of_measure": "Eaches",
            "invoiced_quantity_unit_size": 1,
            "net_cost_amount": Decimal("4.35"),
            "tax_amount": Decimal("19.84"),
        },
    ]
    return payloads.build_invoice(header, lines, tax_type="VAT")


def record_invoice(ledger: Ledger, invoice_id: str = INVOICE, states=("validated", "submitting", "accepted", "success")):
    payload = original_invoice()
    payload["invoices"][0]["id"] = invoice_id
    document_id = payloads.document_id("invoice", invoice_id)
    ledger.record_built(document_id, "invoice", invoice_id, payload, payloads.payload_sha256(payload))
    for state in states:
        ledger.transition(document_id, state, transaction_id="20260303120000-0001" if state == "accepted" else None)


@pytest.fixture
def ledger(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ledger = Ledger(con, tmp_path / "ledger")
    record_invoice(ledger)
    yield ledger
    con.close()


def write_notes(inbox: Path, rows: str, header: str = HEADER) -> Path:
    inbox.mkdir(exist_ok=True)
    (inbox / "credit_notes.csv").write_text(header + rows)
    return inbox


def planned_by_number(ledger, inbox) -> dict:
    return {document.business_id: document for document in plan_credit_notes(ledger, inbox, NOW)}


class RecordingClient:
    def __init__(self):
        self.received: list[dict] = []
        self._ids = itertools.count(1)

    def submit_invoices(self, payload: dict) -> str:
        self.received.append(payload)
        return f"20260312090000-{next(self._ids):04d}"


# --- payloads ----------------------------------------------------------------------------


def test_return_credit_note_payload(ledger, tmp_path):
    inbox = write_notes(tmp_path / "inbox", GOOD_NOTES)

    document = planned_by_number(ledger, inbox)["CN-1"]

    assert document.document_id == "credit_note:CN-1"
    assert document.hold_reasons == []
    # 5 × 4.35 = 21.75; VAT 21.75 × 0.19 = 4.1325, rounded 4.13; 21.75 + 4.13 = 25.88
    assert document.payload == {
        "invoices": [
            {
                "invoiceType": "CreditNote",
                "id": "CN-1",
                "date": "2026-03-10T00:00:00Z",
                "remitToParty": {"partyId": "ACRN1"},
                "billToParty": {"partyId": "AMZN-DE"},
                "shipToParty": {"partyId": "DUS2"},
                "invoiceTotal": {"currencyCode": "EUR", "amount": "25.88"},
                "taxDetails": [{"taxType": "VAT", "taxAmount": {"currencyCode": "EUR", "amount": "4.13"}}],
                "items": [
                    {
                        "itemSequenceNumber": 1,
                        "amazonProductIdentifier": "B07ZPKN6YR",
                        "vendorProductIdentifier": "8806098286517",
                        "invoicedQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1},
                        "netCost": {"currencyCode": "EUR", "amount": "4.35"},
                        "purchaseOrderNumber": "2JK3S9VC",
                        "taxDetails": [
                            {"taxType": "VAT", "taxRate": "0.19", "taxAmount": {"currencyCode": "EUR", "amount": "4.13"}}
                        ],
                        "creditNoteDetails": {
                            "referenceInvoiceNumber": INVOICE,
                            "returnsReferenceNumber": "RN-7781",
                            "goodsReturnDate": "2026-03-08T00:00:00Z",
                        },
                    }
                ],
            }
        ]
    }
    assert_matches_amazon_schema(document.payload, "vendorInvoices.json", "SubmitInvoicesRequest")


def test_correction_totals_to_the_cent(ledger, tmp_path):
    inbox = write_notes(tmp_path / "inbox", GOOD_NOTES)

    invoice = planned_by_number(ledger, inbox)["CN-2"].payload["invoices"][0]

    items = invoice["items"]
    # 24 × 0.20 = 4.80, VAT 0.912 -> 0.91; 19 × 0.15 = 2.85, VAT 0.5415 -> 0.54
    assert [item["invoicedQuantity"] for item in items] == [
        {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
        {"amount": 19, "unitOfMeasure": "Eaches", "unitSize": 1},
    ]
    assert [item["taxDetails"][0]["taxAmount"]["amount"] for item in items] == ["0.91", "0.54"]
    assert [item["creditNoteDetails"] for item in items] == [{"referenceInvoiceNumber": INVOICE}] * 2
    # lines 4.80 + 2.85 = 7.65, VAT 0.91 + 0.54 = 1.45, total 9.10
    assert invoice["taxDetails"][0]["taxAmount"]["amount"] == "1.45"
    assert invoice["invoiceTotal"]["amount"] == "9.10"
    assert_matches_amazon_schema({"invoices": [invoice]}, "vendorInvoices.json", "SubmitInvoicesRequest")


# --- rules -------------------------------------------------------------------------------


def test_over_credits_are_held(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox",
        GOOD_NOTES
        # CN-1 returned 5 and CN-2 corrected 19 of line 2's 24 eaches: one more correction is too many.
        + f"CN-3,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,6,Eaches,1,0.10,Correction,,\n"
        # Line 1 billed 8.50 per each.
        + f"CN-5,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,1,Eaches,1,9.00,Return,RN-7789,2026-03-10\n"
        # All 24 eaches of line 1 returned at 8.50 = 204.00, after CN-2 credited 4.80 of its 204.00.
        + f"CN-6,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,2,Cases,12,8.50,Return,RN-7790,2026-03-10\n",
    )

    planned = planned_by_number(ledger, inbox)

    assert planned["CN-3"].hold_reasons == [
        "credit_notes.csv row 5: credits 6 eaches of ASIN B07ZPKN6YR as a Correction, but invoice INV-2026-0009"
        " billed 24 and earlier credit notes corrected 19"
    ]
    assert planned["CN-5"].hold_reasons == [
        "credit_notes.csv row 6: unit_cost 9.00 is above the 8.50 per each that invoice INV-2026-0009 billed"
    ]
    assert planned["CN-6"].hold_reasons == [
        "credit_notes.csv row 7: credits 204.00 for ASIN B07DFVDRAB, but invoice INV-2026-0009 billed 204.00 for it"
        " and earlier credit notes credited 4.80"
    ]
    assert planned["CN-1"].hold_reasons == []
    assert planned["CN-2"].hold_reasons == []


def test_return_after_return_counts_eaches(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox",
        f"CN-1,2026-03-10,{INVOICE},2JK3S9VC,B07ZPKN6YR,20,Eaches,1,4.35,Return,RN-1,2026-03-08\n"
        f"CN-7,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,5,Eaches,1,4.35,Return,RN-2,2026-03-10\n",
    )

    planned = planned_by_number(ledger, inbox)

    assert planned["CN-1"].hold_reasons == []
    # 20 + 5 = 25 returned of 24 billed; the money, 25 × 4.35 = 108.75 of 104.40, is too much as well.
    assert planned["CN-7"].hold_reasons == [
        "credit_notes.csv row 3: credits 5 eaches of ASIN B07ZPKN6YR as a Return, but invoice INV-2026-0009"
        " billed 24 and earlier credit notes returned 20",
        "credit_notes.csv row 3: credits 21.75 for ASIN B07ZPKN6YR, but invoice INV-2026-0009 billed 104.40 for it"
        " and earlier credit notes credited 87.00",
    ]


def test_unknown_invoice_and_line_are_held(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox",
        "CN-4,2026-03-11,INV-NOPE,2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n"
        f"CN-8,2026-03-11,{INVOICE},2JK3S9VC,B08KTZ8249,1,Eaches,1,1.00,Correction,,\n",
    )

    planned = planned_by_number(ledger, inbox)

    assert planned["CN-4"].hold_reasons == [
        "credit note CN-4: invoice INV-NOPE is not in the ledger; a credit note refers to an invoice acorn sent"
    ]
    assert planned["CN-8"].hold_reasons == [
        "credit_notes.csv row 3: invoice INV-2026-0009 has no line for PO 2JK3S9VC ASIN B08KTZ8249"
    ]


def test_unsent_invoice_is_held(ledger, tmp_path):
    record_invoice(ledger, "INV-2026-0010", states=("held",))
    inbox = write_notes(tmp_path / "inbox", "CN-9,2026-03-11,INV-2026-0010,2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n")

    (document,) = plan_credit_notes(ledger, inbox, NOW)

    assert document.hold_reasons == [
        "credit note CN-9: invoice INV-2026-0010 is held, not sent; credit it once Amazon has it"
    ]


def test_number_of_an_invoice_is_held(ledger, tmp_path):
    inbox = write_notes(tmp_path / "inbox", f"{INVOICE},2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n")

    (document,) = plan_credit_notes(ledger, inbox, NOW)

    assert document.hold_reasons == [
        f"credit note {INVOICE}: {INVOICE} is already the id of an invoice; give the credit note a number of its own"
    ]


def test_dates_before_invoice_or_in_future_are_held(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox",
        f"CN-10,2026-03-02,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n"
        f"CN-11,2026-03-13,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n",
    )

    planned = planned_by_number(ledger, inbox)

    assert planned["CN-10"].hold_reasons == [
        "credit note CN-10: credit_note_date 2026-03-02 is before the date of invoice INV-2026-0009, 2026-03-03"
    ]
    assert planned["CN-11"].hold_reasons == ["credit note CN-11: credit_note_date 2026-03-13 is in the future"]


def test_bad_rows_are_named(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox",
        f'CN-12,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,0,Boxes,,"1,50",Refund,,\n'
        f"CN-13,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,4.35,Return,,\n"
        f"CN-14,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,4.35,Correction,RN-9,\n"
        f"CN-15,2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,0.10,Correction,,\n"
        f"CN-15,2026-03-12,{INVOICE},2JK3S9VC,B07DFVDRAB,1,Eaches,1,0.10,Correction,,\n",
    )

    planned = planned_by_number(ledger, inbox)

    assert planned["CN-12"].hold_reasons == [
        "credit_notes.csv row 2: quantity 0 is not greater than 0; unit_of_measure 'Boxes' is not Cases or Eaches;"
        " unit_cost '1,50' is not a decimal number (use a point, no thousands separator); reason 'Refund' is not"
        " one of Return, Correction"
    ]
    assert planned["CN-13"].hold_reasons == [
        "credit_notes.csv row 3: a Return needs returns_reference_number (Amazon's returns notice) and goods_return_date"
    ]
    assert planned["CN-14"].hold_reasons == [
        "credit_notes.csv row 4: returns_reference_number and goods_return_date belong to a Return, not a Correction"
    ]
    assert planned["CN-15"].hold_reasons == [
        "credit note CN-15: its rows disagree on credit_note_date (2026-03-11, 2026-03-12); one credit note has one of each"
    ]


def test_file_without_the_columns_is_named(tmp_path):
    (tmp_path / "credit_notes.csv").write_text("number,invoice\nCN-1,INV-1\n")

    with pytest.raises(CreditNoteFileError, match="lacks the columns credit_note_number, credit_note_date"):
        read_credit_notes(tmp_path / "credit_notes.csv")


def test_row_without_number_is_named(tmp_path):
    inbox = write_notes(tmp_path, f",2026-03-11,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n")

    with pytest.raises(CreditNoteFileError, match="row 2 has no credit_note_number; give every row the number"):
        read_credit_notes(inbox / "credit_notes.csv")


def test_returns_columns_may_be_left_out(ledger, tmp_path):
    header = HEADER.replace(",returns_reference_number,goods_return_date", "")
    inbox = write_notes(tmp_path / "inbox", f"CN-2,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,2,Cases,12,0.20,Correction\n", header)

    (document,) = plan_credit_notes(ledger, inbox, NOW)

    assert document.hold_reasons == []
    assert document.payload["invoices"][0]["invoiceTotal"]["amount"] == "5.71"  # 4.80 + 0.91


def test_no_file_means_no_credit_notes(ledger, tmp_path):
    assert plan_credit_notes(ledger, tmp_path, NOW) == []


# --- the ledger --------------------------------------------------------------------------


def test_credit_notes_sent_once(ledger, tmp_path):
    inbox = write_notes(
        tmp_path / "inbox", GOOD_NOTES + "CN-4,2026-03-11,INV-NOPE,2JK3S9VC,B07ZPKN6YR,1,Eaches,1,1.00,Correction,,\n"
    )
    client = RecordingClient()

    first = record_and_submit(ledger, client, CREDIT_NOTE, plan_credit_notes(ledger, inbox, NOW))
    second = record_and_submit(ledger, client, CREDIT_NOTE, plan_credit_notes(ledger, inbox, NOW))

    assert [payload["invoices"][0]["id"] for payload in client.received] == ["CN-1", "CN-2"]
    assert (first.submitted, first.held) == (2, 1)
    assert (second.submitted, second.already_in_ledger) == (0, 3)
    assert ledger.get("credit_note:CN-1").document_type == "credit_note"
    assert ledger.get("credit_note:CN-4").state == "held"


def test_sent_credit_notes_count_in_a_later_run(ledger, tmp_path):
    client = RecordingClient()
    inbox = write_notes(tmp_path / "inbox", GOOD_NOTES)
    record_and_submit(ledger, client, CREDIT_NOTE, plan_credit_notes(ledger, inbox, NOW))
    # The vendor's next file lists only a new credit note; CN-1 and CN-2 are in the ledger.
    write_notes(inbox, f"CN-3,2026-03-12,{INVOICE},2JK3S9VC,B07ZPKN6YR,6,Eaches,1,0.10,Correction,,\n")

    (document,) = plan_credit_notes(ledger, inbox, NOW)

    assert document.hold_reasons == [
        "credit_notes.csv row 2: credits 6 eaches of ASIN B07ZPKN6YR as a Correction, but invoice INV-2026-0009"
        " billed 24 and earlier credit notes corrected 19"
    ]


def test_corrected_file_rebuilds_held_credit_note(ledger, tmp_path):
    client = RecordingClient()
    inbox = write_notes(tmp_path / "inbox", f"CN-5,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,1,Eaches,1,9.00,Correction,,\n")
    record_and_submit(ledger, client, CREDIT_NOTE, plan_credit_notes(ledger, inbox, NOW))
    write_notes(inbox, f"CN-5,2026-03-11,{INVOICE},2JK3S9VC,B07DFVDRAB,1,Eaches,1,0.90,Correction,,\n")

    summary = record_and_submit(ledger, client, CREDIT_NOTE, plan_credit_notes(ledger, inbox, NOW))

    assert summary.rebuilt == 1
    assert ledger.get("credit_note:CN-5").state == "accepted"
    # 0.90 + VAT 0.171 -> 0.17 = 1.07
    assert client.received[0]["invoices"][0]["invoiceTotal"]["amount"] == "1.07"


# --- X12 810 -----------------------------------------------------------------------------


def test_credit_note_810(ledger, tmp_path):
    inbox = write_notes(tmp_path / "inbox", GOOD_NOTES)
    payload = planned_by_number(ledger, inbox)["CN-1"].payload

    segments = edi.parse(edi.interchange("invoice", payload, edi.Partners("ACRNVENDOR"), 31, NOW))

    start = next(index for index, segment in enumerate(segments) if segment[0] == "ST")
    assert ["*".join(segment) for segment in segments[start:-2]] == [
        "ST*810*0001",
        "BIG*20260310*CN-1**2JK3S9VC***CR",
        "CUR*SE*EUR",
        f"REF*OI*{INVOICE}",
        "N1*RI**92*ACRN1",
        "N1*BT**92*AMZN-DE",
        "N1*ST**92*DUS2",
        "IT1*1*5*EA*4.35*PE*BP*B07ZPKN6YR*VN*8806098286517",
        "TXI*VA*4.13*0.19",
        # 21.75 + 4.13 = 25.88
        "TDS*2588",
        "TXI*VA*4.13",
        "CTT*1",
        "SE*13*0001",
    ]
