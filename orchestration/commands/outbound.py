"""`acorn outbound`: list outbound documents by state, and let a person review held ones.

    acorn outbound [--state STATE]
    acorn outbound review DOCUMENT_ID --release|--retire [--note TEXT]
    acorn outbound alerts
    acorn outbound assign-account NAME

Releasing a `held` or `needs_review` document makes it `validated`; the next run sends it.
Retiring a `held`, `needs_review` or `failure` document settles it without sending. Both are
recorded in the ledger and its files with the note.

`assign-account` records the vendor account of the documents a ledger recorded before it kept
accounts. With several accounts, nothing is sent or polled until they have one.
"""

import argparse
import sys
from datetime import UTC, datetime

import duckdb

from orchestration.outbound.alerts import outbound_alerts
from orchestration.outbound.config import OutboundSettings, load_outbound_settings
from orchestration.outbound.ledger import RELEASABLE, RETIRABLE, STATES, Ledger, LedgerError
from orchestration.settings import Settings, load_settings
from sources.clock import utc_now


def add_parser(subparsers) -> argparse.ArgumentParser:
    outbound = subparsers.add_parser("outbound", help="list outbound documents by state, with their reasons")
    outbound.add_argument("--state", choices=STATES, help="only documents in this state (e.g. held, needs_review, failure)")
    outbound.set_defaults(handler=command_list)
    actions = outbound.add_subparsers(dest="outbound_command", metavar="{review,alerts,assign-account}")
    review = actions.add_parser(
        "review",
        help="release or retire a held, needs_review or failed document",
        description=(
            f"--release sends a document that is {' or '.join(RELEASABLE)} on the next run; "
            f"--retire settles a document that is {', '.join(RETIRABLE)} without sending it."
        ),
    )
    review.add_argument("document_id", help="the document id, as 'acorn outbound' lists it (e.g. invoice:INV1)")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--release", action="store_true", help="send it on the next run")
    decision.add_argument("--retire", action="store_true", help="never send it")
    review.add_argument("--note", help="why; kept in the ledger with the decision")
    review.set_defaults(handler=command_review)
    alerts = actions.add_parser(
        "alerts",
        help=(
            "documents in failure, needs_review or held, POs near their acknowledgement deadline, "
            "and shipments without a sent ASN"
        ),
    )
    alerts.set_defaults(handler=command_alerts)
    assign = actions.add_parser(
        "assign-account",
        help="record the vendor account of the documents the ledger recorded without one",
        description=(
            "A ledger written while the installation had one account recorded no account with its "
            "documents. Name the account that sent them; their ids stay as they are."
        ),
    )
    assign.add_argument("account", help="the account's name in .dlt/config.toml")
    assign.set_defaults(handler=command_assign_account)
    return outbound


def command_list(args: argparse.Namespace) -> int:
    return list_documents(load_settings(), state=args.state)


def command_assign_account(args: argparse.Namespace) -> int:
    return assign_account(load_settings(), args.account)


def _open_for_writing(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    """Open the warehouse for a change to the ledger; print why it failed and return None otherwise."""
    if not settings.warehouse_path.exists():
        print(f"acorn: no warehouse at {settings.warehouse_path}; run 'acorn run' first", file=sys.stderr)
        return None
    try:
        return duckdb.connect(str(settings.warehouse_path))
    except duckdb.IOException as error:
        print(
            f"acorn: cannot open {settings.warehouse_path} for writing ({error}); "
            "wait for the running pipeline to finish and try again",
            file=sys.stderr,
        )
        return None


def assign_account(settings: Settings, account: str) -> int:
    """Record `account` on the ledger's documents that have none; print how many."""
    names = [item.name for item in settings.accounts]
    if account not in names:
        print(f"acorn: vendor account {account!r} is not configured; the accounts are: {', '.join(names)}", file=sys.stderr)
        return 1
    con = _open_for_writing(settings)
    if con is None:
        return 1
    with con:
        con.execute("set TimeZone = 'UTC'")
        if not _has_ledger(con):
            print("0 documents without an account; the ledger is empty")
            return 0
        assigned = Ledger(con, settings.ledger_dir).assign_account(account)
    print(f"{len(assigned)} documents without an account now belong to {account}")
    return 0


def command_review(args: argparse.Namespace) -> int:
    return review_document(load_settings(), args.document_id, release=args.release, note=args.note)


def command_alerts(args: argparse.Namespace) -> int:
    settings = load_settings()
    return print_alerts(settings, load_outbound_settings(settings.home), utc_now())


def print_alerts(settings: Settings, outbound_settings: OutboundSettings, now: datetime) -> int:
    """Print one line per alert; exit status 1 when there is any, so scripts can act on it."""
    if not settings.warehouse_path.exists():
        print(f"no warehouse at {settings.warehouse_path}; run 'acorn run' first")
        return 1
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        alerts = outbound_alerts(con, outbound_settings, now)
    for alert in alerts:
        print(f"{alert.kind:<24} {alert.message}")
    print(f"{len(alerts)} alert" if len(alerts) == 1 else f"{len(alerts)} alerts")
    return 1 if alerts else 0


def list_documents(settings: Settings, state: str | None = None) -> int:
    """Print one line per document: id, account, state, transaction id, last change and reason."""
    if not settings.warehouse_path.exists():
        print(f"no warehouse at {settings.warehouse_path}; run 'acorn run' first")
        return 1
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        if not _has_ledger(con):
            print("0 documents")
            return 0
        # A ledger written before documents recorded their account has no such column yet, and
        # its documents belong to the only account.
        only = settings.accounts[0].name if len(settings.accounts) == 1 else "(none)"
        account = "account" if _has_account_column(con) else "null"
        query = (
            f"select document_id, coalesce({account}, ?), state, coalesce(transaction_id, ''), "
            "coalesce(hold_reason, ''), coalesce(errors, ''), updated_at from outbound.documents"
        )
        params = [only]
        if state:
            query += " where state = ?"
            params.append(state)
        rows = con.execute(query + " order by document_type, document_id", params).fetchall()
    if rows:
        print(f"{'document':<45} {'account':<16} {'state':<13} {'transaction':<52} {'updated (UTC)':<16} reason")
    for document_id, document_account, document_state, transaction_id, hold_reason, errors, updated_at in rows:
        # A failed document may have been held and released before it was sent, so its reason
        # is Amazon's errors, not the old hold.
        reason = errors if document_state == "failure" else hold_reason
        print(
            f"{document_id:<45} {document_account:<16} {document_state:<13} {transaction_id:<52} "
            f"{updated_at:%Y-%m-%d %H:%M} {reason}"
        )
    print(f"{len(rows)} document" if len(rows) == 1 else f"{len(rows)} documents")
    return 0


def review_document(settings: Settings, document_id: str, *, release: bool, note: str | None = None) -> int:
    """Release or retire one document; print its new state, or why it cannot be changed."""
    con = _open_for_writing(settings)
    if con is None:
        return 1
    with con:
        con.execute("set TimeZone = 'UTC'")
        if not _has_ledger(con):
            print(f"acorn: document {document_id} is not in the ledger; the ledger is empty", file=sys.stderr)
            return 1
        ledger = Ledger(con, settings.ledger_dir)
        before = ledger.get(document_id)
        try:
            entry = ledger.release(document_id, note) if release else ledger.retire(document_id, note)
        except LedgerError as error:
            print(f"acorn: {error}", file=sys.stderr)
            return 1
    action = "released; the next run sends it" if release else "retired; it will not be sent"
    print(f"{entry.document_id} {action} (state {entry.state})")
    if release and before is not None and before.state == "held" and before.hold_reason:
        # Amazon checks most of the rules that put a document on hold, so say which one is overridden.
        print(
            f"it was held because: {before.hold_reason}. It is sent as built; if that is still wrong, "
            "Amazon rejects it too: retire it instead and correct the source data"
        )
    return 0


def _has_account_column(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.columns "
        "where table_schema = 'outbound' and table_name = 'documents' and column_name = 'account'"
    ).fetchone()[0]
    return found > 0


def _has_ledger(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'outbound' and table_name = 'documents'"
    ).fetchone()[0]
    return found > 0
