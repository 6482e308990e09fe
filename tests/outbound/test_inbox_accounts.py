"""The vendor account of the rows of the inbox files: decisions, credit notes and the loaded exports."""

import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.outbound import payloads
from orchestration.outbound.credit_notes import CreditNoteFileError, plan_credit_notes, read_credit_notes
from orchestration.outbound.decisions import DecisionFileError, apply_decisions, read_decisions
from orchestration.inbox_accounts import InboxAccountError, InboxAccounts
from orchestration.outbound.ledger import Ledger

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_payloads as rows  # noqa: E402
from test_credit_notes import GOOD_NOTES, HEADER, INVOICE, NOW, original_invoice  # noqa: E402

US = SimpleNamespace(name="acme-us", vendor_codes=("ACMUS",))
EU = SimpleNamespace(name="acme-eu", vendor_codes=("ACMDE", "ACMFR"))
TWO = InboxAccounts.of([US, EU])
DECISIONS_HEADER = "purchase_order_number,item_sequence_number,acknowledgement_code,acknowledged_quantity,rejection_reason"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_row_account_from_vendor_code():
    assert TWO.of_row({"vendor_code": "ACMFR"}) == ("acme-eu", None)
    assert TWO.of_row({"account": "acme-us"}) == ("acme-us", None)


def test_row_account_problems_are_named():
    assert TWO.of_row({"vendor_code": "NOPE"}) == (None, "vendor_code NOPE is not listed under any account's vendor_codes")
    assert TWO.of_row({"account": "acme-ca"}) == (None, "account 'acme-ca' is not configured; the accounts are acme-us, acme-eu")
    assert TWO.of_row({"account": "acme-us", "vendor_code": "ACMDE"}) == (
        None,
        "vendor_code ACMDE belongs to account 'acme-eu', not 'acme-us'",
    )
    assert TWO.of_row({}) == (None, "account and vendor_code are empty; name the row's account")


def test_only_account_needs_no_column():
    only = InboxAccounts.of([US])

    only.check_header("shipments.csv", ["shipment_id"])
    assert only.of_row({}) == ("acme-us", None)


def test_decisions_without_account_column_rejected(tmp_path):
    path = write(tmp_path, "acknowledgement_decisions.csv", DECISIONS_HEADER + "\n2JK3S9VC,1,Accepted,10,\n")

    with pytest.raises(DecisionFileError, match=r"acknowledgement_decisions.csv has no account or vendor_code column.*add a vendor_code column"):
        read_decisions(path, TWO)


def test_decisions_apply_to_own_account(tmp_path):
    path = write(
        tmp_path,
        "acknowledgement_decisions.csv",
        DECISIONS_HEADER + ",vendor_code\n2JK3S9VC,1,Backordered,8,,ACMDE\n2JK3S9VC,1,Rejected,10,TemporarilyUnavailable,ACMUS\n",
    )
    decisions = read_decisions(path, TWO)

    eu_lines, eu_reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions, account="acme-eu")
    us_lines, us_reasons = apply_decisions("2JK3S9VC", rows.acknowledgement_lines(), decisions, account="acme-us")

    eu_line_1 = [(line["acknowledgement_code"], line["acknowledged_quantity_amount"]) for line in eu_lines if line["item_sequence_number"] == "1"]
    us_line_1 = [(line["acknowledgement_code"], line["acknowledged_quantity_amount"]) for line in us_lines if line["item_sequence_number"] == "1"]
    assert eu_line_1 == [("Backordered", 8)]
    assert us_line_1 == [("Rejected", 10)]
    assert eu_reasons == []
    assert us_reasons == []


def test_credit_notes_without_account_column_rejected(tmp_path):
    path = write(tmp_path, "credit_notes.csv", HEADER + GOOD_NOTES)

    with pytest.raises(CreditNoteFileError, match=r"credit_notes.csv has no account or vendor_code column"):
        read_credit_notes(path, TWO)


def test_credit_note_credits_own_account_invoice(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ledger = Ledger(con, tmp_path / "ledger")
    payload = original_invoice()
    document_id = payloads.document_id("invoice", INVOICE, "acme-eu")
    ledger.record_built(document_id, "invoice", INVOICE, payload, payloads.payload_sha256(payload), account="acme-eu")
    for state in ("validated", "submitting", "accepted"):
        ledger.transition(document_id, state, transaction_id="20260303120000-0001" if state == "accepted" else None)
    lines = "".join(line + ",ACMDE\n" for line in GOOD_NOTES.splitlines())
    lines += f"CN-3,2026-03-10,{INVOICE},2JK3S9VC,B07ZPKN6YR,1,Eaches,1,4.35,Return,RN-7782,2026-03-08,ACMUS\n"
    write(tmp_path / "inbox", "credit_notes.csv", HEADER.rstrip("\n") + ",vendor_code\n" + lines)

    planned = {document.business_id: document for document in plan_credit_notes(ledger, tmp_path / "inbox", NOW, [US, EU])}
    con.close()

    assert planned["CN-1"].document_id == "acme-eu/credit_note:CN-1"
    assert planned["CN-1"].account == "acme-eu"
    assert planned["CN-1"].hold_reasons == []
    assert planned["CN-2"].hold_reasons == []
    # acme-us has no invoice of that number: the EU invoice is another account's.
    assert planned["CN-3"].account == "acme-us"
    assert planned["CN-3"].hold_reasons == [
        f"credit note CN-3: invoice {INVOICE} is not in the ledger; a credit note refers to an invoice acorn sent"
    ]


def test_loaded_files_need_account_column(tmp_path):
    write(tmp_path, "shipments.csv", "shipment_id,vendor_code\nS1,ACMUS\n")
    write(tmp_path, "stock.csv", "snapshot_date,warehouse_code,vendor_sku,asin,on_hand_units,reserved_units,vendor_code\n")

    # shipments.csv may name the vendor code, stock.csv only the account.
    with pytest.raises(InboxAccountError, match=r"stock.csv has no account column, and 2 vendor accounts are configured \(acme-us, acme-eu\); add an account column"):
        TWO.check_loaded_files(tmp_path)


def test_loaded_files_of_only_account_pass(tmp_path):
    write(tmp_path, "catalogue.csv", "asin,case_size\nB0X,6\n")

    InboxAccounts.of([US]).check_loaded_files(tmp_path)
    with pytest.raises(InboxAccountError, match=r"catalogue.csv has no account column"):
        TWO.check_loaded_files(tmp_path)
