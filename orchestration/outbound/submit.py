"""Plan, submit and follow outbound documents through the ledger.

Each document kind reads its rows from the validated dbt outbound models, groups them into
documents, builds and checks the payload, and records it. Only documents the ledger has never
seen are built; only `validated` documents are sent. Acknowledgements may go several to a call
(`acknowledgements_per_call`); the other kinds go one to a call.
"""

import copy
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.outbound import followup, payloads
from orchestration.outbound.config import OutboundSettings
from orchestration.outbound.decisions import FILE_NAME as DECISIONS_FILE
from orchestration.outbound.decisions import DecisionFileError, apply_decisions, read_decisions
from orchestration.outbound.edi import TRANSACTION_PREFIX, EdiOutbox, EdiRejected
from orchestration.inbox_accounts import InboxAccounts
from orchestration.outbound.ledger import Ledger, LedgerEntry
from orchestration.outbound.models import PayloadInvalid
from sources.clock import utc_now
from sources.spapi.exceptions import SpApiError

log = logging.getLogger("acorn.outbound")


@dataclass(frozen=True)
class DocumentKind:
    name: str
    header_table: str | None
    lines_table: str | None  # None: planned from an inbox file, not from the outbound models
    key_column: str
    submit_operation: str
    # The list in the request body that carries the documents, and that error details name
    # by position, e.g. `acknowledgements[3]`.
    list_name: str


ACKNOWLEDGEMENT = DocumentKind(
    name="acknowledgement",
    header_table=None,
    lines_table="analytics.outbound_acknowledgement_lines",
    key_column="purchase_order_number",
    submit_operation="submit_acknowledgement",
    list_name="acknowledgements",
)
SHIPMENT_CONFIRMATION = DocumentKind(
    name="shipment_confirmation",
    header_table="analytics.outbound_shipment_confirmations",
    lines_table="analytics.outbound_shipment_lines",
    key_column="shipment_id",
    submit_operation="submit_shipment_confirmations",
    list_name="shipmentConfirmations",
)
INVOICE = DocumentKind(
    name="invoice",
    header_table="analytics.outbound_invoices",
    lines_table="analytics.outbound_invoice_lines",
    key_column="invoice_id",
    submit_operation="submit_invoices",
    list_name="invoices",
)
# Credit notes go to Amazon as invoices of type CreditNote; see credit_notes.
CREDIT_NOTE = DocumentKind(
    name="credit_note",
    header_table=None,
    lines_table=None,
    key_column="credit_note_number",
    submit_operation="submit_invoices",
    list_name="invoices",
)
KINDS = {kind.name: kind for kind in (ACKNOWLEDGEMENT, SHIPMENT_CONFIRMATION, INVOICE, CREDIT_NOTE)}


@dataclass
class PlannedDocument:
    document_id: str
    business_id: str
    payload: dict
    hold_reasons: list[str] = field(default_factory=list)
    # The vendor account whose client sends the document; None for rows without an account
    # column, which belong to the only account.
    account: str | None = None


@dataclass
class OutboundSummary:
    kind: str
    planned: int = 0
    already_in_ledger: int = 0
    built: int = 0
    held: int = 0
    submitted: int = 0
    rejected: int = 0
    needs_review: int = 0
    rebuilt: int = 0
    recovered: list[str] = field(default_factory=list)
    held_reasons: dict[str, str] = field(default_factory=dict)

    def as_metadata(self) -> dict:
        return {
            "planned": self.planned,
            "already_in_ledger": self.already_in_ledger,
            "built": self.built,
            "held": self.held,
            "submitted": self.submitted,
            "rejected_on_submit": self.rejected,
            "needs_review": self.needs_review,
            "rebuilt": self.rebuilt,
            "recovered_to_review": len(self.recovered),
        }


def read_rows(con: duckdb.DuckDBPyConnection, table: str, key_column: str) -> dict[tuple[str | None, str], list[dict]]:
    """Group a model's rows by account and document key, in a stable order.

    Two accounts may use the same key (a PO number, a shipment id), so the account is part of
    the group. A table without an account column gives None as every row's account.
    """
    cursor = con.execute(f"select * from {table} order by all")
    columns = [description[0] for description in cursor.description]
    grouped: dict[tuple[str | None, str], list[dict]] = {}
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        grouped.setdefault((record.get("account"), str(record[key_column])), []).append(record)
    return grouped


def plan_documents(
    con: duckdb.DuckDBPyConnection,
    kind: DocumentKind,
    now: datetime,
    settings: OutboundSettings | None = None,
    inbox_dir: Path | None = None,
    account_ids: bool = False,
    accounts: Sequence | None = None,
) -> list[PlannedDocument]:
    """Build the payload of every document the outbound models describe, with its hold reasons.

    `settings` gives the invoices' remit-to party and tax, charge and allowance types;
    `inbox_dir` contains the planner's acknowledgement decisions (see `decisions`).
    `account_ids` (several accounts configured) starts each new document id with its account.
    `accounts` (the configured `Account`s) gives each decision in the inbox file its account.
    """
    if kind.lines_table is None:
        raise ValueError(f"{kind.name} documents are planned from an inbox file, not from the outbound models")
    settings = settings or OutboundSettings()
    lines_by_key = read_rows(con, kind.lines_table, kind.key_column)
    headers = read_rows(con, kind.header_table, kind.key_column) if kind.header_table else {}
    decisions, file_problem = {}, None
    if kind is ACKNOWLEDGEMENT and inbox_dir is not None:
        try:
            decisions = read_decisions(Path(inbox_dir) / DECISIONS_FILE, InboxAccounts.of(accounts) if accounts else None)
        except DecisionFileError as error:
            file_problem = str(error)
    planned = []
    for account, key in sorted(set(lines_by_key) | set(headers), key=lambda group: (group[0] or "", group[1])):
        lines = lines_by_key.get((account, key), [])
        header = headers.get((account, key), [None])[0]
        document_id = payloads.document_id(kind.name, key, account if account_ids and account else None)
        early_reasons = []
        if kind is ACKNOWLEDGEMENT:
            lines, early_reasons = apply_decisions(key, lines, decisions, account=account)
            if file_problem:
                early_reasons.append(file_problem)
        try:
            payload, reasons = _build(kind, key, header, lines, now, settings)
        except PayloadInvalid as error:
            payload, reasons = {"invalid": str(error)}, [f"payload does not match Amazon's model: {error}"]
        planned.append(
            PlannedDocument(
                document_id=document_id,
                business_id=key,
                payload=payload,
                hold_reasons=early_reasons + reasons,
                account=account,
            )
        )
    return planned


def _build(
    kind: DocumentKind, key: str, header: dict | None, lines: list[dict], now: datetime, settings: OutboundSettings
) -> tuple[dict, list[str]]:
    if kind is ACKNOWLEDGEMENT:
        payload = payloads.build_acknowledgement(key, lines, now)
        reasons = payloads.check_acknowledgement(lines)
    elif kind is SHIPMENT_CONFIRMATION:
        if header is None:
            raise PayloadInvalid(payloads.document_id(kind.name, key), ["shipment header row is missing"])
        reasons = payloads.check_shipment_confirmation(header, lines, now=now)
        try:
            payload = payloads.build_shipment_confirmation(header, lines)
        except PayloadInvalid as error:
            # The check names each pallet whose SSCC is invalid, so the model's error on that
            # field would state it a second time.
            unexplained = [problem for problem in error.errors if not (reasons and _is_pallet_sscc_error(problem))]
            payload = {"invalid": str(error)}
            if unexplained:
                reasons.append(f"payload does not match Amazon's model: {PayloadInvalid(error.document_id, unexplained)}")
    else:
        if header is None:
            raise PayloadInvalid(payloads.document_id(kind.name, key), ["invoice header row is missing"])
        payload = payloads.build_invoice(
            header,
            lines,
            remit_to_party_id=settings.remit_to_party_id or None,
            tax_type=settings.tax_type or None,
            charge_type=settings.charge_type or None,
            allowance_type=settings.allowance_type or None,
        )
        reasons = payloads.check_invoice(header, lines)
    return payload, list(reasons)


def _is_pallet_sscc_error(problem: str) -> bool:
    return ".palletIdentifiers[" in problem and "is not a valid SSCC" in problem


def record_and_submit(
    ledger: Ledger,
    client,
    kind: DocumentKind,
    planned: Iterable[PlannedDocument],
    on_event: Callable[[str], None] = log.info,
    account: str | None = None,
    per_call: int = 1,
) -> OutboundSummary:
    """Record new documents, hold the ones that break a rule and send the rest, up to `per_call` to a call.

    A document is sent once, or again only after its transaction failed on other documents
    (see `poll_transactions`). `client` belongs to `account`, and `planned` holds that account's documents only. A
    document is found in the ledger by its account, type and business id, under either form of
    its id, so one recorded before a second account was added is not built again. Without an
    account (tests, and callers that predate accounts), every document in the ledger is the
    client's.
    """
    if per_call < 1:
        raise ValueError(f"per_call is {per_call}; send at least 1 document per call")
    if isinstance(client, EdiOutbox):
        # An X12 interchange written here carries one document.
        per_call = 1
    summary = OutboundSummary(kind=kind.name)
    summary.recovered = ledger.recover_interrupted(account)
    for document_id in summary.recovered:
        on_event(f"{document_id} was left in submitting by an earlier run; moved to needs_review")

    to_send: list[str] = []
    # One warehouse transaction and one file append for the documents' first states: a crash
    # before the end leaves none of them recorded, and none was sent.
    with ledger.batch():
        for document in planned:
            if _record_planned(ledger, kind, document, account, summary, on_event):
                to_send.append(document.document_id)

    # Documents a person released (`acorn outbound review ID --release`) that the outbound
    # models no longer list, for example an ASN older than the sending window, and documents
    # whose transaction failed on other documents and that were not sent again.
    planned_ids = set(to_send)
    for entry in ledger.entries(state="validated", document_type=kind.name, account=account):
        if entry.document_id not in planned_ids:
            to_send.append(entry.document_id)
    for start in range(0, len(to_send), per_call):
        _submit(ledger, client, kind, to_send[start : start + per_call], summary, on_event)
    return summary


def _record_planned(
    ledger: Ledger, kind: DocumentKind, document: PlannedDocument, account: str | None, summary: OutboundSummary, on_event
) -> bool:
    """Record a planned document or find it in the ledger; return whether it is `validated` and is to be sent."""
    summary.planned += 1
    if document.account is not None and account is not None and document.account != account:
        raise ValueError(
            f"{document.document_id} belongs to vendor account {document.account!r}, but this client is "
            f"account {account!r}'s; pass each account's documents with its own client"
        )
    owner = document.account or account
    if owner is None:
        entry = ledger.get(document.document_id)
    else:
        entry = ledger.find(owner, kind.name, document.business_id)
    if entry is not None and entry.document_id != document.document_id:
        # Recorded under the other form of its id; that id stays the document's.
        document.document_id = entry.document_id
    if entry is None:
        ledger.record_built(
            document.document_id,
            kind.name,
            document.business_id,
            document.payload,
            payloads.payload_sha256(document.payload),
            account=owner,
        )
        summary.built += 1
        if document.hold_reasons:
            reason = "; ".join(document.hold_reasons)
            ledger.transition(document.document_id, "held", reason, hold_reason=reason)
            summary.held += 1
            summary.held_reasons[document.document_id] = reason
            on_event(f"{document.document_id} held: {reason}")
            return False
        ledger.transition(document.document_id, "validated", "payload and business rules checked")
    elif entry.state == "held" and _content(entry.payload) != _content(document.payload):
        # Held and never sent, and its data changed since (e.g. a corrected decision or cost).
        state = ledger.rebuild(
            document.document_id, document.payload, payloads.payload_sha256(document.payload), document.hold_reasons
        )
        summary.rebuilt += 1
        if state == "held":
            summary.held_reasons[document.document_id] = "; ".join(document.hold_reasons)
            return False
    elif entry.state != "validated":
        # Built by an earlier run: sent, held or settled. Never built or sent again.
        summary.already_in_ledger += 1
        if kind is SHIPMENT_CONFIRMATION and entry.state in ("accepted", "success"):
            _hold_replacement(ledger, entry, document, summary, on_event)
        return False
    return True


def _hold_replacement(ledger: Ledger, sent, document: PlannedDocument, summary: OutboundSummary, on_event) -> None:
    """Hold a `Replace` ASN when a shipment changed after its ASN was sent.

    Amazon already acted on the original, so a person decides: release sends the correction,
    retire drops it. Each distinct corrected content becomes one document, built once.
    """
    if document.hold_reasons or "shipmentConfirmations" not in document.payload:
        return
    content = _content(document.payload)
    if content == _content(sent.payload):
        return
    document_id = f"{sent.document_id}:replace:{content[:12]}"
    if ledger.get(document_id) is not None:
        return
    payload = copy.deepcopy(document.payload)
    for confirmation in payload["shipmentConfirmations"]:
        confirmation["shipmentConfirmationType"] = "Replace"
    reason = (
        f"shipment {sent.business_id} changed after its ASN {sent.document_id} was sent; release this "
        "Replace ASN to correct it at Amazon, or retire it"
    )
    ledger.record_built(
        document_id, sent.document_type, sent.business_id, payload, payloads.payload_sha256(payload), account=sent.account or document.account
    )
    ledger.transition(document_id, "held", reason, hold_reason=reason)
    summary.built += 1
    summary.held += 1
    summary.held_reasons[document_id] = reason
    on_event(f"{document_id} held: {reason}")


def _content(payload: dict) -> str:
    """Hash a payload without the moment it was built, so an unchanged document compares equal."""
    stable = copy.deepcopy(payload)
    for acknowledgement in stable.get("acknowledgements", []):
        acknowledgement.pop("acknowledgementDate", None)
    for confirmation in stable.get("shipmentConfirmations", []):
        confirmation.pop("shipmentConfirmationType", None)
    return payloads.payload_sha256(stable)


def _submit(
    ledger: Ledger, client, kind: DocumentKind, document_ids: list[str], summary: OutboundSummary, on_event
) -> None:
    """Send validated documents of one kind in one call, recording `submitting` for each before the POST."""
    detail = f"POST {kind.submit_operation}"
    if len(document_ids) > 1:
        detail += f" with {len(document_ids)} documents in one call"
    with ledger.batch():
        for document_id in document_ids:
            ledger.transition(document_id, "submitting", detail)
    _post(ledger, client, kind, [ledger.get(document_id) for document_id in document_ids], summary, on_event)


def _post(ledger: Ledger, client, kind: DocumentKind, entries: list, summary: OutboundSummary, on_event) -> None:
    payload, positions = _request_body(kind, entries)
    try:
        transaction_id = getattr(client, kind.submit_operation)(payload)
    except SpApiError as error:
        if error.status is not None and 400 <= error.status < 500 and error.status not in (408, 429):
            if len(entries) > 1:
                # Amazon rejected the request as a whole, before it made a transaction, so none
                # of its documents arrived. Each is sent alone to find the ones it rejects.
                for entry in entries:
                    ledger.note(entry.document_id, f"the call of {len(entries)} documents was rejected ({error}); sending each alone")
                on_event(f"{kind.submit_operation} with {len(entries)} documents rejected ({error}); sending each alone")
                for entry in entries:
                    _post(ledger, client, kind, [entry], summary, on_event)
                return
            # Amazon read the document and rejected it; it was not accepted, so nothing is pending.
            document_id = entries[0].document_id
            ledger.transition(
                document_id, "failure", f"rejected on submission: {error}", errors=[{"code": error.code, "message": str(error)}]
            )
            summary.rejected += 1
            on_event(f"{document_id} rejected on submission: {error}")
            return
        for entry in entries:
            _mark_unknown(ledger, entry.document_id, error, summary, on_event)
        return
    except EdiRejected as error:
        # Nothing left the machine: the document could not be written to the EDI outbox.
        for entry in entries:
            ledger.transition(
                entry.document_id, "failure", str(error), errors=[{"code": "EDI_NOT_WRITTEN", "message": str(error)}]
            )
            summary.rejected += 1
            on_event(f"{entry.document_id} not written to the EDI outbox: {error}")
        return
    except Exception as error:  # noqa: BLE001 - any other failure leaves the outcome unknown
        for entry in entries:
            _mark_unknown(ledger, entry.document_id, error, summary, on_event)
        return
    with ledger.batch():
        for entry in entries:
            position = positions[entry.document_id]
            detail = "202 Accepted"
            if len(entries) > 1:
                detail += f", as {kind.list_name}[{position}] of {len(payload[kind.list_name])}"
            ledger.transition(
                entry.document_id,
                "accepted",
                detail,
                transaction_id=transaction_id,
                transaction_status="Processing",
                transaction_index=position,
            )
    summary.submitted += len(entries)
    # One line per call: Dagster stores each log line as an event, and the ledger already has
    # one event per document.
    if len(entries) == 1:
        on_event(f"{entries[0].document_id} submitted, transaction {transaction_id}")
    else:
        ids = ", ".join(entry.document_id for entry in entries)
        on_event(f"{len(entries)} documents submitted, transaction {transaction_id}: {ids}")


def _request_body(kind: DocumentKind, entries: list) -> tuple[dict, dict[str, int]]:
    """Join the documents' lists into one request body; return it and each document's first position in it."""
    if len(entries) == 1:
        return entries[0].payload, {entries[0].document_id: 0}
    items: list[dict] = []
    positions: dict[str, int] = {}
    for entry in entries:
        positions[entry.document_id] = len(items)
        items.extend(entry.payload[kind.list_name])
    return {kind.list_name: items}, positions


def _mark_unknown(ledger: Ledger, document_id: str, error: Exception, summary: OutboundSummary, on_event) -> None:
    # The POST may or may not have reached Amazon, so a resend could duplicate the document.
    detail = f"submission outcome unknown ({type(error).__name__}: {error}); check with Amazon before releasing"
    ledger.transition(document_id, "needs_review", detail)
    summary.needs_review += 1
    on_event(f"{document_id} needs review: {detail}")


# The transactions step's metadata key for `PollSummary.resent`, which the run summary reads.
RESENT_METADATA_KEY = "resent_after_other_documents_failed"


@dataclass
class PollSummary:
    polled: int = 0  # getTransactionStatus calls, one per transaction and pass
    success: int = 0
    failure: int = 0
    still_processing: int = 0
    settled_by_purchase_order: int = 0
    sent_to_review: int = 0
    awaiting_edi: int = 0
    # Documents sent again because their transaction failed on other documents of the same call.
    resent: int = 0

    def as_metadata(self) -> dict:
        return {
            "polled": self.polled,
            "success": self.success,
            "failure": self.failure,
            "still_processing": self.still_processing,
            "settled_by_purchase_order": self.settled_by_purchase_order,
            "sent_to_review": self.sent_to_review,
            "awaiting_edi": self.awaiting_edi,
            RESENT_METADATA_KEY: self.resent,
        }


# The start of the event detail of a document sent again after its transaction failed on other
# documents. A document with such an event goes to review when this happens a second time.
NOT_APPLIED = "not applied:"


def poll_transactions(
    ledger: Ledger,
    client,
    deadline_seconds: float = 60.0,
    first_delay: float = 0.5,
    max_delay: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_event: Callable[[str], None] = log.info,
    review_after: timedelta | None = None,
    now: Callable[[], datetime] | None = None,
    account: str | None = None,
) -> PollSummary:
    """Poll every accepted document's transaction until Amazon gives a verdict or the deadline passes.

    Each distinct transaction is read once per pass, and its verdict settles every document sent
    in its call. With `account`, only that account's documents (and those recorded without an
    account) are polled, because `client` reads that account's transactions only.

    In a failed transaction, the documents that its errors name fail with those errors. The
    others are sent again at once with `client`, in one call, and polled within the same
    deadline (see `_settle_failure`).

    Documents still `Processing` at the deadline stay `accepted`; the next run polls them again.
    With `review_after`, a document accepted longer ago than that and still `Processing` is
    checked against its purchase orders (see `followup`) and settled as success or sent to review.
    """
    now = now or utc_now
    summary = PollSummary()
    pending: dict[str, list[LedgerEntry]] = {}
    for entry in ledger.entries(state="accepted", account=account):
        # Documents written to the EDI outbox have no transaction to poll; only their age counts.
        if (entry.transaction_id or "").startswith(TRANSACTION_PREFIX):
            if review_after is not None and now() - entry.updated_at >= review_after:
                _settle_from_purchase_orders(ledger, client, entry, review_after, summary, on_event)
            else:
                summary.awaiting_edi += 1
        else:
            pending.setdefault(entry.transaction_id, []).append(entry)
    looked_up: set[str] = set()
    delay = first_delay
    started = clock()
    while pending:
        for transaction_id, entries in list(pending.items()):
            status = client.get_transaction(transaction_id)
            summary.polled += 1
            verdict = status.get("status")
            if verdict == "Success":
                del pending[transaction_id]
                with ledger.batch():
                    for entry in entries:
                        ledger.transition(
                            entry.document_id, "success", f"transaction {transaction_id} Success", transaction_status="Success"
                        )
                summary.success += len(entries)
            elif verdict == "Failure":
                del pending[transaction_id]
                with ledger.batch():
                    unapplied = _settle_failure(ledger, transaction_id, entries, status.get("errors", []), summary, on_event)
                if unapplied:
                    for new_transaction_id, sent in _send_again(ledger, client, unapplied, summary, on_event).items():
                        pending.setdefault(new_transaction_id, []).extend(sent)
            elif review_after is not None:
                waiting = []
                for entry in entries:
                    if entry.document_id not in looked_up and now() - entry.updated_at >= review_after:
                        looked_up.add(entry.document_id)
                        if _settle_from_purchase_orders(ledger, client, entry, review_after, summary, on_event):
                            continue
                    waiting.append(entry)
                if waiting:
                    pending[transaction_id] = waiting
                else:
                    del pending[transaction_id]
        if not pending or clock() - started + delay > deadline_seconds:
            break
        sleep(delay)
        delay = min(delay * 2, max_delay)
    for entries in pending.values():
        summary.still_processing += len(entries)
        for entry in entries:
            on_event(f"{entry.document_id} still Processing after {deadline_seconds:.0f} s; polled again next run")
    return summary


def _settle_failure(
    ledger: Ledger, transaction_id: str, entries: list[LedgerEntry], errors: list[dict], summary: PollSummary, on_event
) -> list[str]:
    """Settle the documents of a failed transaction; return the ids of those to send again.

    Amazon's transaction status model gives one status for the whole transaction, and the
    sandbox applies none of a failed transaction's documents, so acorn takes a failed
    transaction to have changed nothing. Each error's `details` names its document by position
    in the request, e.g. `acknowledgements[3]`. A document that an error names fails with its
    errors. One that no error names goes back to `validated`, to be sent again. When some error
    names no document, the one that broke a rule is unknown, so the unnamed ones go to review.
    A document sent again that fails on other documents a second time goes to review too.
    NOTE: the sandbox's `details` name positions; if Amazon's do not, every document of a
    failed call of several goes to review.
    """
    if len(entries) == 1:
        entry = entries[0]
        ledger.transition(
            entry.document_id, "failure", f"transaction {transaction_id} Failure", transaction_status="Failure", errors=errors
        )
        summary.failure += 1
        on_event(f"{entry.document_id} failed at Amazon: {errors}")
        return []

    list_name = KINDS[entries[0].document_type].list_name
    owner: dict[int, str] = {}
    for entry in entries:
        first = entry.transaction_index or 0
        for position in range(first, first + max(1, len(entry.payload.get(list_name, [])))):
            owner[position] = entry.document_id
    own_errors: dict[str, list[dict]] = {}
    unplaced: list[dict] = []
    for error in errors:
        position = _request_position(error, list_name)
        if position in owner:
            own_errors.setdefault(owner[position], []).append(error)
        else:
            unplaced.append(error)
    failed_at = ", ".join(f"{list_name}[{position}]" for position in sorted({_request_position(error, list_name) for error in errors} - {None}))

    unapplied = []
    for entry in entries:
        where = f"{list_name}[{entry.transaction_index or 0}]"
        if entry.document_id in own_errors:
            ledger.transition(
                entry.document_id,
                "failure",
                f"transaction {transaction_id} Failure: its errors name {where}, this document",
                transaction_status="Failure",
                errors=own_errors[entry.document_id],
            )
            summary.failure += 1
            on_event(f"{entry.document_id} failed at Amazon: {own_errors[entry.document_id]}")
        elif unplaced:
            codes = ", ".join(sorted({str(error.get("code")) for error in unplaced}))
            detail = (
                f"transaction {transaction_id} of {len(entries)} documents failed with errors that name no document "
                f"({codes}), so whether {where}, this document, broke a rule is unknown. Amazon applied none of "
                "the transaction's documents: release it to send it again, or retire it"
            )
            ledger.transition(entry.document_id, "needs_review", detail, transaction_status="Failure", errors=unplaced)
            summary.sent_to_review += 1
            on_event(f"{entry.document_id} needs review: {detail}")
        elif _not_applied_before(ledger, entry.document_id):
            detail = (
                f"transaction {transaction_id} failed on other documents ({failed_at}) after this document had "
                "already been sent again once for the same reason; Amazon applied none of it: release it to "
                "send it again, or retire it"
            )
            ledger.transition(entry.document_id, "needs_review", detail, transaction_status="Failure")
            summary.sent_to_review += 1
            on_event(f"{entry.document_id} needs review: {detail}")
        else:
            detail = (
                f"{NOT_APPLIED} transaction {transaction_id} failed on other documents ({failed_at}), and Amazon "
                f"applies none of a failed transaction's documents; {where}, this document, is sent again"
            )
            ledger.transition(entry.document_id, "validated", detail, transaction_status="Failure")
            unapplied.append(entry.document_id)
            on_event(f"{entry.document_id} {detail}")
    return unapplied


def _request_position(error: dict, list_name: str) -> int | None:
    """Return the position that an error's `details` names in the request's list, e.g. 3 for `acknowledgements[3].items`."""
    match = re.match(rf"{re.escape(list_name)}\[(\d+)\]", str(error.get("details") or ""))
    return int(match.group(1)) if match else None


def _not_applied_before(ledger: Ledger, document_id: str) -> bool:
    return any(
        state == "validated" and (detail or "").startswith(NOT_APPLIED) for state, detail, _at in ledger.history(document_id)
    )


def _send_again(
    ledger: Ledger, client, document_ids: list[str], summary: PollSummary, on_event
) -> dict[str, list[LedgerEntry]]:
    """Send documents of one failed call again in one call; return the accepted ones by their new transaction id.

    They go out with the client that polled their transaction, which is how they went the first time.
    """
    kind = KINDS[ledger.get(document_ids[0]).document_type]
    sent = OutboundSummary(kind=kind.name)
    _submit(ledger, client, kind, document_ids, sent, on_event)
    summary.resent += sent.submitted
    summary.sent_to_review += sent.needs_review
    summary.failure += sent.rejected
    accepted: dict[str, list[LedgerEntry]] = {}
    for document_id in document_ids:
        entry = ledger.get(document_id)
        if entry.state == "accepted":
            accepted.setdefault(entry.transaction_id, []).append(entry)
    return accepted


def _settle_from_purchase_orders(
    ledger: Ledger, client, entry, review_after: timedelta, summary: PollSummary, on_event
) -> bool:
    try:
        finding = followup.check_purchase_orders(client, entry)
    except Exception as error:  # noqa: BLE001 - the API may be unreachable or not configured; try next run
        on_event(f"{entry.document_id}: reading the purchase order status failed ({error}); checked again next run")
        return False
    hours = review_after.total_seconds() / 3600
    if entry.transaction_id.startswith(TRANSACTION_PREFIX):
        detail = f"EDI interchange {entry.transaction_id} has no verdict after {hours:g} h; {finding.detail}"
    else:
        detail = f"transaction {entry.transaction_id} still Processing after {hours:g} h; {finding.detail}"
    ledger.transition(entry.document_id, finding.state, detail)
    if finding.state == "success":
        summary.settled_by_purchase_order += 1
    else:
        summary.sent_to_review += 1
    on_event(f"{entry.document_id} {finding.state}: {detail}")
    return True

