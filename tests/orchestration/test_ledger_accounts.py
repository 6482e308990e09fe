"""The outbound ledger with vendor accounts: ids, lookups, and documents recorded before accounts."""

import duckdb
import pytest

from orchestration.outbound.ledger import Ledger, LedgerError, read_ledger_files
from orchestration.outbound.submit import INVOICE, PlannedDocument, poll_transactions, record_and_submit
from test_ledger import FakeClient

# The ledger table as it was before documents recorded their account.
OLD_DOCUMENTS_TABLE = """
create schema outbound;
create table outbound.documents (
    document_id varchar primary key, document_type varchar not null, business_id varchar not null,
    payload_sha256 varchar not null, payload varchar not null, state varchar not null,
    hold_reason varchar, transaction_id varchar, transaction_status varchar, errors varchar,
    created_at timestamptz not null, updated_at timestamptz not null
);
insert into outbound.documents values (
    'invoice:INV1', 'invoice', 'INV1', 'abc', '{"invoices":[{"id":"INV1"}]}', 'accepted',
    null, 'TX-OLD', 'Processing', null, '2026-12-01 10:00:00+00', '2026-12-01 10:00:00+00'
);
"""


def invoice(number: str, account: str, prefixed: bool) -> PlannedDocument:
    return PlannedDocument(
        document_id=f"{account}/invoice:{number}" if prefixed else f"invoice:{number}",
        business_id=number,
        payload={"invoices": [{"id": number, "invoiceTotal": {"amount": "10.00", "currencyCode": "USD"}}]},
        account=account,
    )


@pytest.fixture
def old_ledger(tmp_path):
    """A ledger written by one account before documents recorded their account."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute(OLD_DOCUMENTS_TABLE)
    yield Ledger(con, tmp_path / "ledger")
    con.close()


@pytest.fixture
def ledger(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield Ledger(con, tmp_path / "ledger")
    con.close()


def test_old_ledger_gains_account_column(old_ledger):
    entry = old_ledger.get("invoice:INV1")

    assert entry.account is None
    assert entry.state == "accepted"


def test_old_document_found_for_only_account(old_ledger):
    client = FakeClient()

    summary = record_and_submit(old_ledger, client, INVOICE, [invoice("INV1", "sandbox", False)], account="sandbox")

    assert summary.already_in_ledger == 1
    assert client.received == []


def test_old_document_found_after_second_account(old_ledger):
    old_ledger.assign_account("sandbox")
    client = FakeClient()

    # With two accounts the planned id is prefixed, and the document keeps its old id.
    summary = record_and_submit(old_ledger, client, INVOICE, [invoice("INV1", "sandbox", True)], account="sandbox")

    assert summary.already_in_ledger == 1
    assert client.received == []
    assert old_ledger.get("sandbox/invoice:INV1") is None


def test_two_accounts_need_old_documents_assigned(old_ledger):
    with pytest.raises(LedgerError, match=r"1 documents recorded without a vendor account.*acorn outbound assign-account NAME"):
        old_ledger.require_accounts_recorded(["sandbox", "eu"])


def test_one_account_needs_no_assignment(old_ledger):
    old_ledger.require_accounts_recorded(["sandbox"])

    assert old_ledger.unassigned_count() == 1


def test_assignment_is_recorded_in_files(old_ledger, tmp_path):
    assigned = old_ledger.assign_account("sandbox")

    events = list(read_ledger_files(tmp_path / "ledger"))
    assert assigned == ["invoice:INV1"]
    assert old_ledger.get("invoice:INV1").account == "sandbox"
    assert old_ledger.unassigned_count() == 0
    assert events[-1]["document_id"] == "invoice:INV1"
    assert events[-1]["account"] == "sandbox"
    assert events[-1]["detail"] == "vendor account recorded as sandbox"
    old_ledger.require_accounts_recorded(["sandbox", "eu"])


def test_same_invoice_number_sent_per_account(ledger):
    us, eu = FakeClient(), FakeClient()

    first_us = record_and_submit(ledger, us, INVOICE, [invoice("INV1", "us", True)], account="us")
    first_eu = record_and_submit(ledger, eu, INVOICE, [invoice("INV1", "eu", True)], account="eu")
    again_us = record_and_submit(ledger, us, INVOICE, [invoice("INV1", "us", True)], account="us")

    assert (first_us.submitted, first_eu.submitted, again_us.submitted) == (1, 1, 0)
    assert len(us.received) == 1
    assert len(eu.received) == 1
    assert ledger.get("us/invoice:INV1").account == "us"
    assert ledger.get("eu/invoice:INV1").account == "eu"


def test_document_of_other_account_is_rejected(ledger):
    with pytest.raises(ValueError, match=r"eu/invoice:INV1 belongs to vendor account 'eu', but this client is account 'us'"):
        record_and_submit(ledger, FakeClient(), INVOICE, [invoice("INV1", "eu", True)], account="us")


def test_polling_reads_own_account_only(ledger):
    us, eu = FakeClient(), FakeClient()
    record_and_submit(ledger, us, INVOICE, [invoice("INV1", "us", True)], account="us")
    record_and_submit(ledger, eu, INVOICE, [invoice("INV1", "eu", True)], account="eu")

    summary = poll_transactions(ledger, us, account="us", sleep=lambda seconds: None)

    assert summary.success == 1
    assert ledger.get("us/invoice:INV1").state == "success"
    assert ledger.get("eu/invoice:INV1").state == "accepted"
    assert eu.polls == {}

