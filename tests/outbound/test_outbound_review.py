"""`acorn outbound` and `acorn outbound review ID --release|--retire`, on a real ledger file."""

import itertools

import duckdb
import pytest

from orchestration.cli import main
from orchestration.outbound.ledger import Ledger, LedgerError, read_ledger_files
from orchestration.outbound.submit import INVOICE, PlannedDocument, record_and_submit


class RecordingClient:
    """Keeps every invoice payload it is sent and returns numbered transaction ids."""

    def __init__(self, fail_with: Exception | None = None):
        self.received: list[str] = []
        self.fail_with = fail_with
        self._ids = itertools.count(1)

    def submit_invoices(self, payload: dict) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.received.append(payload["invoices"][0]["id"])
        return f"20261204120000-{next(self._ids):04d}"


def invoice(number: str, hold_reasons=None) -> PlannedDocument:
    return PlannedDocument(
        document_id=f"invoice:{number}",
        business_id=number,
        payload={"invoices": [{"id": number}]},
        hold_reasons=hold_reasons or [],
    )


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project folder whose warehouse ledger contains one held, one unsent and one accepted invoice."""
    monkeypatch.setenv("ACORN_HOME", str(tmp_path))
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACORN_WAREHOUSE", raising=False)
    (tmp_path / "data").mkdir()
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as con:
        ledger = Ledger(con, tmp_path / "data" / "ledger")
        record_and_submit(
            ledger,
            RecordingClient(),
            INVOICE,
            [invoice("INV1", ["netCost 8.75 differs from PO netCost 8.50 on line 1"]), invoice("INV3")],
        )
        record_and_submit(ledger, RecordingClient(fail_with=TimeoutError("read timed out")), INVOICE, [invoice("INV2")])
    return tmp_path


def open_ledger(home) -> tuple[duckdb.DuckDBPyConnection, Ledger]:
    con = duckdb.connect(str(home / "data" / "warehouse.duckdb"))
    return con, Ledger(con, home / "data" / "ledger")


def test_listing_by_state_shows_the_reason(home, capsys):
    assert main(["outbound", "--state", "held"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["document", "account", "state", "transaction", "updated", "(UTC)", "reason"]
    assert lines[1].startswith("invoice:INV1")
    assert lines[1].endswith("netCost 8.75 differs from PO netCost 8.50 on line 1")
    assert lines[2] == "1 document"


def test_listing_unknown_state_is_rejected(home, capsys):
    with pytest.raises(SystemExit):
        main(["outbound", "--state", "sent"])

    assert "invalid choice: 'sent'" in capsys.readouterr().err


def test_listing_every_document(home, capsys):
    assert main(["outbound"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("document")
    # The documents were recorded without an account, so they belong to the only one.
    assert [line.split()[:3] for line in lines[1:-1]] == [
        ["invoice:INV1", "sandbox", "held"],
        ["invoice:INV2", "sandbox", "needs_review"],
        ["invoice:INV3", "sandbox", "accepted"],
    ]
    assert lines[-1] == "3 documents"


def test_released_held_document_is_sent_on_the_next_run(home, capsys):
    assert main(["outbound", "review", "invoice:INV1", "--release", "--note", "PO cost corrected by buyer"]) == 0
    assert capsys.readouterr().out == (
        "invoice:INV1 released; the next run sends it (state validated)\n"
        "it was held because: netCost 8.75 differs from PO netCost 8.50 on line 1. It is sent as built; "
        "if that is still wrong, Amazon rejects it too: retire it instead and correct the source data\n"
    )

    client = RecordingClient()
    con, ledger = open_ledger(home)
    with con:
        summary = record_and_submit(ledger, client, INVOICE, [invoice("INV1"), invoice("INV3")])
        state = ledger.get("invoice:INV1").state
    assert client.received == ["INV1"]
    assert summary.submitted == 1
    assert state == "accepted"


def test_release_is_recorded_with_its_note_in_the_ledger_files(home):
    main(["outbound", "review", "invoice:INV1", "--release", "--note", "PO cost corrected by buyer"])

    events = [event for event in read_ledger_files(home / "data" / "ledger") if event["document_id"] == "invoice:INV1"]
    assert [event["state"] for event in events] == ["built", "held", "validated"]
    assert events[-1]["detail"] == "released by review: the next run sends it (note: PO cost corrected by buyer)"


def test_released_document_no_longer_planned_is_still_sent(home):
    main(["outbound", "review", "invoice:INV2", "--release"])

    client = RecordingClient()
    con, ledger = open_ledger(home)
    with con:
        record_and_submit(ledger, client, INVOICE, [])
        history = [state for state, _detail, _at in ledger.history("invoice:INV2")]
    assert client.received == ["INV2"]
    assert history == ["built", "validated", "submitting", "needs_review", "validated", "submitting", "accepted"]


def test_release_after_an_unknown_outcome_warns_of_a_possible_duplicate(home):
    main(["outbound", "review", "invoice:INV2", "--release"])

    con, ledger = open_ledger(home)
    with con:
        detail = ledger.history("invoice:INV2")[-1][1]
    assert detail == "released by review: the next run sends it; it may already have reached Amazon once"


def test_retired_document_is_never_sent(home, capsys):
    assert main(["outbound", "review", "invoice:INV1", "--retire", "--note", "replaced by INV1A"]) == 0
    assert capsys.readouterr().out == "invoice:INV1 retired; it will not be sent (state retired)\n"

    client = RecordingClient()
    con, ledger = open_ledger(home)
    with con:
        record_and_submit(ledger, client, INVOICE, [invoice("INV1")])
        state = ledger.get("invoice:INV1").state
    assert client.received == []
    assert state == "retired"


def test_accepted_document_cannot_be_released(home, capsys):
    assert main(["outbound", "review", "invoice:INV3", "--release"]) == 1

    assert capsys.readouterr().err == (
        "acorn: document invoice:INV3 is accepted; only documents that are held or needs_review can be released\n"
    )


def test_retired_document_cannot_be_released_again(home):
    con, ledger = open_ledger(home)
    with con:
        ledger.retire("invoice:INV1")
        with pytest.raises(LedgerError, match="invoice:INV1 is retired; only documents that are held or needs_review"):
            ledger.release("invoice:INV1")


def test_unknown_document_is_named(home, capsys):
    assert main(["outbound", "review", "invoice:NOPE", "--retire"]) == 1

    assert "document invoice:NOPE is not in the ledger; 'acorn outbound' lists the document ids" in capsys.readouterr().err


def test_review_needs_a_decision(home, capsys):
    with pytest.raises(SystemExit):
        main(["outbound", "review", "invoice:INV1"])

    assert "one of the arguments --release --retire is required" in capsys.readouterr().err


def test_listing_without_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_HOME", str(tmp_path))
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACORN_WAREHOUSE", raising=False)

    assert main(["outbound"]) == 1
    assert capsys.readouterr().out == f"no warehouse at {tmp_path / 'data' / 'warehouse.duckdb'}; run 'acorn run' first\n"
