"""The outbound ledger: every document acorn builds, its state and its history.

Amazon keeps no copy of acknowledgements, ASNs or invoices that a vendor can read back, so the
ledger is the record. It lives in the warehouse (`outbound.documents`, `outbound.document_events`)
and every state change is also appended to a JSON Lines file under the ledger folder, so losing
the warehouse file loses no record of what was sent.

Each document belongs to one vendor account (`account`), whose client sends and polls it. Its id
is `<document_type>:<business_id>` while one account is configured, and
`<account>/<document_type>:<business_id>` with several, because two accounts may use the same
PO number, shipment id or invoice number. A document is found by its account and either form,
so an id recorded under one account keeps working after a second account is added. Documents
recorded before the ledger kept accounts have a null account: they belong to the only account,
and with several accounts nothing is sent until `assign_account` names theirs.

A document id is submitted at most once. The state `submitting` is written (and the file line
flushed to disk) before the POST; a process that dies before it records the transaction id
leaves the document in `submitting`, and the next run turns that into `needs_review` instead of
sending it again.

Several documents of one type may go to Amazon in one call. They share its transaction id, and
each records its position in the request's list (`transaction_index`, e.g. 3 for
`acknowledgements[3]`), which the errors of a failed transaction name. A failed transaction is
taken to have changed nothing at Amazon, so a document that its errors do not name goes back to
`validated` and is sent again, once (see `submit._settle_failure`).
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from sources.clock import utc_now

STATES = (
    "built",
    "validated",
    "held",
    "submitting",
    "accepted",
    "success",
    "failure",
    "needs_review",
    "retired",
)

# Allowed next states for each state. A document never goes back to `submitting` once it has left it,
# except through a person's review (`needs_review` or `held` -> `validated`) and `accepted` ->
# `validated`, when its transaction failed on other documents of the same call and so was not applied.
TRANSITIONS = {
    "built": {"validated", "held"},
    "validated": {"submitting", "held"},
    "submitting": {"accepted", "failure", "needs_review"},
    "accepted": {"success", "failure", "needs_review", "validated"},
    "held": {"validated", "retired"},
    "needs_review": {"validated", "retired", "success", "failure"},
    "success": set(),
    "failure": {"retired"},
    "retired": set(),
}

SCHEMA_SQL = """
create schema if not exists outbound;
create table if not exists outbound.documents (
    document_id varchar primary key,
    document_type varchar not null,
    business_id varchar not null,
    payload_sha256 varchar not null,
    payload varchar not null,
    state varchar not null,
    hold_reason varchar,
    transaction_id varchar,
    transaction_status varchar,
    errors varchar,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    account varchar,
    transaction_index integer
);
-- A ledger written before documents recorded their account lacks the column; its rows keep
-- a null account (see assign_account).
alter table outbound.documents add column if not exists account varchar;
-- The document's position in the list of the call that carried it; null before several
-- documents went in one call, which means position 0.
alter table outbound.documents add column if not exists transaction_index integer;
create table if not exists outbound.document_events (
    document_id varchar not null,
    state varchar not null,
    detail varchar,
    recorded_at timestamptz not null
);
"""


# States a person may act on with `acorn outbound review`.
RELEASABLE = ("held", "needs_review")
RETIRABLE = ("held", "needs_review", "failure")


# The default of `Ledger._event`'s account: read it from the ledger (None is a real value).
_UNREAD = object()


class LedgerError(RuntimeError):
    """A ledger operation that would break the exactly-once rules."""


def plain_document_id(document_type: str, business_id: str) -> str:
    """Return the id a document has while one account is configured, `<document_type>:<business_id>`."""
    return f"{document_type}:{business_id}"


def account_document_id(account: str, document_type: str, business_id: str) -> str:
    """Return the id a document has with several accounts, `<account>/<document_type>:<business_id>`."""
    return f"{account}/{plain_document_id(document_type, business_id)}"


@dataclass(frozen=True)
class LedgerEntry:
    document_id: str
    document_type: str
    business_id: str
    payload_sha256: str
    payload: dict
    state: str
    hold_reason: str | None
    transaction_id: str | None
    transaction_status: str | None
    errors: list | None
    created_at: datetime
    updated_at: datetime
    account: str | None = None
    transaction_index: int | None = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL)


class Ledger:
    """The ledger on an open read-write warehouse connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ledger_dir: Path):
        self.con = con
        # File lines of the open `batch`, written when it ends; None outside a batch.
        self._batched_lines: list[tuple[Path, str]] | None = None
        self.ledger_dir = Path(ledger_dir)
        self.ledger_dir.mkdir(parents=True, exist_ok=True)
        ensure_schema(con)

    # Reading

    def get(self, document_id: str) -> LedgerEntry | None:
        row = self.con.execute(
            "select * from outbound.documents where document_id = ?", [document_id]
        ).fetchone()
        if row is None:
            return None
        columns = [description[0] for description in self.con.description]
        return _entry(dict(zip(columns, row, strict=True)))

    def find(self, account: str, document_type: str, business_id: str) -> LedgerEntry | None:
        """Return `account`'s document of this type and business id, under either form of its id.

        A document recorded without an account belongs to the only account, so it is found too;
        with several accounts, `unassigned_count` must be 0 before documents are looked up.
        """
        ids = [plain_document_id(document_type, business_id), account_document_id(account, document_type, business_id)]
        cursor = self.con.execute(
            "select * from outbound.documents where document_id in (?, ?) and (account = ? or account is null) "
            "order by account nulls last, document_id",
            [*ids, account],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        columns = [description[0] for description in cursor.description]
        return _entry(dict(zip(columns, row, strict=True)))

    def unassigned_count(self) -> int:
        """Return how many documents were recorded before the ledger kept their account."""
        return self.con.execute("select count(*) from outbound.documents where account is null").fetchone()[0]

    def require_accounts_recorded(self, accounts: list[str]) -> None:
        """Raise LedgerError when several accounts are configured and a document has no account."""
        unassigned = self.unassigned_count()
        if len(accounts) > 1 and unassigned:
            raise LedgerError(
                f"the outbound ledger has {unassigned} documents recorded without a vendor account, from when "
                f"this installation had one account, and {len(accounts)} accounts are configured "
                f"({', '.join(accounts)}); run 'acorn outbound assign-account NAME' with the account that sent "
                "them, so that no account sends or polls another account's documents"
            )

    def assign_account(self, account: str) -> list[str]:
        """Record `account` on every document recorded without one; return their ids.

        Their ids stay as they are, so files, alerts and reviews that name them keep working.
        """
        unassigned = [
            row[0]
            for row in self.con.execute(
                "select document_id from outbound.documents where account is null order by document_id"
            ).fetchall()
        ]
        now = _now()
        for document_id in unassigned:
            self.con.execute(
                "update outbound.documents set account = ?, updated_at = ? where document_id = ?",
                [account, now, document_id],
            )
            entry = self.get(document_id)
            self._event(document_id, entry.state, f"vendor account recorded as {account}", now)
        return unassigned

    def entries(
        self, state: str | None = None, document_type: str | None = None, account: str | None = None
    ) -> list[LedgerEntry]:
        """Return the documents in a state, of a type and of an account (with those recorded without one)."""
        query = "select * from outbound.documents where 1 = 1"
        params: list = []
        if account is not None:
            query += " and (account = ? or account is null)"
            params.append(account)
        if state is not None:
            query += " and state = ?"
            params.append(state)
        if document_type is not None:
            query += " and document_type = ?"
            params.append(document_type)
        cursor = self.con.execute(query + " order by created_at, document_id", params)
        columns = [description[0] for description in cursor.description]
        return [_entry(dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]

    def counts_by_state(self) -> dict[str, dict[str, int]]:
        rows = self.con.execute(
            "select document_type, state, count(*) from outbound.documents group by all order by all"
        ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for document_type, state, count in rows:
            counts.setdefault(document_type, {})[state] = count
        return counts

    def history(self, document_id: str) -> list[tuple[str, str | None, datetime]]:
        return self.con.execute(
            "select state, detail, recorded_at from outbound.document_events "
            "where document_id = ? order by recorded_at, rowid",
            [document_id],
        ).fetchall()

    # Writing

    def record_built(
        self,
        document_id: str,
        document_type: str,
        business_id: str,
        payload: dict,
        sha256: str,
        account: str | None = None,
    ) -> None:
        if self.get(document_id) is not None:
            raise LedgerError(f"document {document_id} is already in the ledger; a document is built once")
        now = _now()
        self.con.execute(
            "insert into outbound.documents (document_id, document_type, business_id, payload_sha256, payload, state, "
            "created_at, updated_at, account) values (?, ?, ?, ?, ?, 'built', ?, ?, ?)",
            [document_id, document_type, business_id, sha256, _dumps(payload), now, now, account],
        )
        self._event(document_id, "built", f"{document_type} {business_id} sha256={sha256}", now, payload, account=account)

    def transition(
        self,
        document_id: str,
        state: str,
        detail: str | None = None,
        *,
        hold_reason: str | None = None,
        transaction_id: str | None = None,
        transaction_status: str | None = None,
        errors: list | None = None,
        transaction_index: int | None = None,
    ) -> None:
        entry = self.get(document_id)
        if entry is None:
            raise LedgerError(f"document {document_id} is not in the ledger")
        if state not in TRANSITIONS[entry.state]:
            raise LedgerError(
                f"document {document_id} cannot go from {entry.state} to {state}; "
                f"allowed next states: {', '.join(sorted(TRANSITIONS[entry.state])) or 'none'}"
            )
        if state == "needs_review" and hold_reason is None:
            # The reason a person is asked to look, shown by `acorn outbound`.
            hold_reason = detail
        # A validated document breaks no rule, or a person released it, so its old hold reason
        # no longer applies. The document's history keeps it.
        keep_hold_reason = state != "validated"
        now = _now()
        self.con.execute(
            """
            update outbound.documents set
                state = ?,
                hold_reason = case when ? then coalesce(?, hold_reason) end,
                transaction_id = coalesce(?, transaction_id),
                transaction_status = coalesce(?, transaction_status),
                errors = coalesce(?, errors),
                transaction_index = coalesce(?, transaction_index),
                updated_at = ?
            where document_id = ?
            """,
            [
                state,
                keep_hold_reason,
                hold_reason,
                transaction_id,
                transaction_status,
                None if errors is None else _dumps(errors),
                transaction_index,
                now,
                document_id,
            ],
        )
        extra = {
            key: value
            for key, value in {
                "hold_reason": hold_reason,
                "transaction_id": transaction_id,
                "transaction_status": transaction_status,
                "errors": errors,
                "transaction_index": transaction_index,
            }.items()
            if value is not None
        }
        self._event(document_id, state, detail, now, extra=extra, account=entry.account)

    def note(self, document_id: str, detail: str) -> None:
        """Record an event that leaves the document's state as it is."""
        entry = self.get(document_id)
        if entry is None:
            raise LedgerError(f"document {document_id} is not in the ledger")
        self._event(document_id, entry.state, detail, _now())

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes made inside into one warehouse transaction and one synced file append.

        Every change is in the warehouse and on disk when the block ends, as with single
        writes, so a POST made after the block finds its `submitting` states recorded. An
        exception inside rolls the warehouse back and writes no line. A batch inside a batch
        joins the outer one.
        """
        if self._batched_lines is not None:
            yield
            return
        self._batched_lines = []
        self.con.begin()
        try:
            yield
            self.con.commit()
        except BaseException:
            self.con.rollback()
            self._batched_lines = None
            raise
        lines, self._batched_lines = self._batched_lines, None
        by_file: dict[Path, list[str]] = {}
        for path, line in lines:
            by_file.setdefault(path, []).append(line)
        for path, file_lines in by_file.items():
            _append_synced(path, file_lines)

    def recover_interrupted(self, account: str | None = None) -> list[str]:
        """Move documents (of `account`, or all) left in `submitting` by a dead process to `needs_review`."""
        stranded = [entry.document_id for entry in self.entries(state="submitting", account=account)]
        for document_id in stranded:
            self.transition(
                document_id,
                "needs_review",
                "the process stopped between sending and recording the transaction id; "
                "check with Amazon whether it arrived before releasing it",
            )
        return stranded

    def rebuild(self, document_id: str, payload: dict, sha256: str, hold_reasons: list[str]) -> str:
        """Replace the payload of a held document built again from changed data; return its new state.

        A held document was never sent, so its payload may change. It stays held while the new
        payload still breaks a rule, and becomes `validated` once it breaks none.
        """
        entry = self._reviewable(document_id, ("held",), "rebuilt")
        reason = "; ".join(hold_reasons) if hold_reasons else None
        now = _now()
        self.con.execute(
            "update outbound.documents set payload = ?, payload_sha256 = ?, hold_reason = coalesce(?, hold_reason), "
            "updated_at = ? where document_id = ?",
            [_dumps(payload), sha256, reason, now, document_id],
        )
        detail = f"rebuilt from changed data, sha256 {entry.payload_sha256} -> {sha256}"
        self._event(document_id, "held", f"{detail}; {reason}" if reason else detail, now, payload)
        if reason:
            return "held"
        self.transition(document_id, "validated", "rebuilt payload checked: it breaks no rule")
        return "validated"

    def release(self, document_id: str, note: str | None = None) -> LedgerEntry:
        """Record a person's decision to send a held or needs-review document on the next run."""
        entry = self._reviewable(document_id, RELEASABLE, "released")
        detail = "released by review: the next run sends it"
        if entry.state == "needs_review" and entry.transaction_id is None:
            detail += "; it may already have reached Amazon once"
        self.transition(document_id, "validated", _with_note(detail, note))
        return self.get(document_id)

    def retire(self, document_id: str, note: str | None = None) -> LedgerEntry:
        """Record a person's decision never to send a document, which stays in the ledger as retired."""
        self._reviewable(document_id, RETIRABLE, "retired")
        self.transition(document_id, "retired", _with_note("retired by review: never sent", note))
        return self.get(document_id)

    def _reviewable(self, document_id: str, allowed: tuple[str, ...], done: str) -> LedgerEntry:
        entry = self.get(document_id)
        if entry is None:
            raise LedgerError(
                f"document {document_id} is not in the ledger; 'acorn outbound' lists the document ids"
            )
        if entry.state not in allowed:
            raise LedgerError(
                f"document {document_id} is {entry.state}; only documents that are "
                f"{' or '.join(allowed)} can be {done}"
            )
        return entry

    def _event(
        self, document_id: str, state: str, detail: str | None, at: datetime, payload=None, extra=None, account=_UNREAD
    ) -> None:
        """Record an event in the warehouse and the day's file; `account` is read from the ledger unless given."""
        self.con.execute(
            "insert into outbound.document_events values (?, ?, ?, ?)", [document_id, state, detail, at]
        )
        record = {"at": at.isoformat(), "document_id": document_id, "state": state, "detail": detail}
        # Each line names the document's account, so the files alone tell the accounts apart.
        if account is _UNREAD:
            row = self.con.execute("select account from outbound.documents where document_id = ?", [document_id]).fetchone()
            account = row[0] if row is not None else None
        if account is not None:
            record["account"] = account
        if payload is not None:
            record["payload"] = payload
        if extra:
            record.update(extra)
        path = self.ledger_dir / f"{at:%Y-%m-%d}.jsonl"
        if self._batched_lines is not None:
            self._batched_lines.append((path, _dumps(record)))
        else:
            _append_synced(path, [_dumps(record)])


def _append_synced(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))
        handle.flush()
        os.fsync(handle.fileno())


def read_ledger_files(ledger_dir: Path) -> Iterator[dict]:
    """Yield every event recorded in the ledger files, oldest file first."""
    for path in sorted(Path(ledger_dir).glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def _entry(row: dict) -> LedgerEntry:
    return LedgerEntry(
        document_id=row["document_id"],
        document_type=row["document_type"],
        business_id=row["business_id"],
        payload_sha256=row["payload_sha256"],
        payload=json.loads(row["payload"]),
        state=row["state"],
        hold_reason=row["hold_reason"],
        transaction_id=row["transaction_id"],
        transaction_status=row["transaction_status"],
        errors=None if row["errors"] is None else json.loads(row["errors"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        account=row.get("account"),
        transaction_index=row.get("transaction_index"),
    )


def _with_note(detail: str, note: str | None) -> str:
    return f"{detail} (note: {note})" if note else detail


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _now() -> datetime:
    return utc_now()
