"""The reason `acorn outbound` lists beside a document: the rule a held document breaks, stated
once, and Amazon's errors once a released document has failed."""

import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.cli import main
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import INVOICE, plan_documents, poll_transactions, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_payloads as rows  # noqa: E402

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
MISMATCH = "netCost 8.75 differs from PO netCost 8.50 on line 1"


class FailingClient:
    """Accepts every invoice, then reports each transaction as failed with one error."""

    def __init__(self):
        self.received: list[str] = []

    def submit_invoices(self, payload: dict) -> str:
        self.received.append(payload["invoices"][0]["id"])
        return f"20260303120000-{len(self.received):04d}"

    def get_transaction(self, transaction_id: str) -> dict:
        return {
            "transactionId": transaction_id,
            "status": "Failure",
            "errors": [{"code": "NET_COST_MISMATCH", "message": "netCost 8.75 differs from the PO's 8.50"}],
        }


def mismatched_invoice() -> tuple[dict, list[dict]]:
    """The invoice of test_payloads with line 1 billed at 8.75 against a PO cost of 8.50.

    12 × 8.75 = 105.00, so the lines add up to 105.00 + 102.00 + 60.00 = 267.00.
    """
    lines = rows.invoice_lines()
    lines[1].update(net_cost_amount=Decimal("8.75"), line_amount=Decimal("105.00"), hold_reason=MISMATCH)
    header = rows.invoice_header(
        line_total_amount=Decimal("267.00"), invoice_total_amount=Decimal("267.00"), hold_reason=MISMATCH
    )
    return header, lines


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ACORN_HOME", str(tmp_path))
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACORN_WAREHOUSE", raising=False)
    (tmp_path / "data").mkdir()
    header, lines = mismatched_invoice()
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as con:
        con.execute("create schema analytics")
        for name, records in {"outbound_invoices": [header], "outbound_invoice_lines": lines}.items():
            con.register("records", pa.Table.from_pylist(records))
            con.execute(f"create table analytics.{name} as select * from records")
            con.unregister("records")
    return tmp_path


def run_invoices(home: Path, client) -> None:
    with duckdb.connect(str(home / "data" / "warehouse.duckdb")) as con:
        con.execute("set TimeZone = 'UTC'")
        ledger = Ledger(con, home / "data" / "ledger")
        record_and_submit(ledger, client, INVOICE, plan_documents(con, INVOICE, NOW))
        poll_transactions(ledger, client, deadline_seconds=0, sleep=lambda _seconds: None)


def listed_reason(capsys) -> str:
    assert main(["outbound"]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("invoice:")]
    return line


def test_held_invoice_states_price_mismatch_once(home, capsys):
    run_invoices(home, FailingClient())

    line = listed_reason(capsys)

    assert " held " in line
    assert line.count("8.75") == 1
    assert line.endswith("line 1 (PO 2JK3S9VC): net cost 8.75 differs from the PO cost 8.50")


def test_released_invoice_that_fails_lists_amazons_errors(home, capsys):
    client = FailingClient()
    run_invoices(home, client)
    assert main(["outbound", "review", "invoice:INV-2026-0001", "--release", "--note", "buyer agreed 8.75"]) == 0
    capsys.readouterr()

    run_invoices(home, client)
    line = listed_reason(capsys)

    assert client.received == ["INV-2026-0001"]
    assert " failure " in line
    assert "NET_COST_MISMATCH" in line
    assert "net cost 8.75 differs from the PO cost" not in line


def test_released_invoice_that_fails_alerts_with_amazons_errors(home, capsys):
    client = FailingClient()
    run_invoices(home, client)
    main(["outbound", "review", "invoice:INV-2026-0001", "--release"])
    run_invoices(home, client)
    capsys.readouterr()

    assert main(["outbound", "alerts"]) == 1
    lines = capsys.readouterr().out.splitlines()

    (alert,) = [line for line in lines if "invoice:INV-2026-0001" in line]
    assert alert.split()[0] == "failure"
    assert "NET_COST_MISMATCH" in alert
    assert "differs from the PO cost" not in alert


def test_release_clears_hold_reason_in_ledger(home):
    run_invoices(home, FailingClient())
    main(["outbound", "review", "invoice:INV-2026-0001", "--release"])

    with duckdb.connect(str(home / "data" / "warehouse.duckdb")) as con:
        entry = Ledger(con, home / "data" / "ledger").get("invoice:INV-2026-0001")
        history = Ledger(con, home / "data" / "ledger").history("invoice:INV-2026-0001")

    assert entry.state == "validated"
    assert entry.hold_reason is None
    # The reason it was held stays in its history.
    assert history[1][0] == "held"
    assert history[1][1] == "line 1 (PO 2JK3S9VC): net cost 8.75 differs from the PO cost 8.50"
